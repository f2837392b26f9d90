package dev.preflight.checklists.config;

import java.time.Duration;

/**
 * A rollback step that runs only when the named step of the deploy failed ({@code when:
 * { failedStep: migration }}), such as restoring a backup only when the migration broke; skipped
 * otherwise.
 *
 * @param step the name of a {@code before} or {@code after} step of the same environment
 */
public record WhenFailed(String step, ActionSpec action) implements ActionSpec {

  @Override
  public String kind() {
    return action.kind();
  }

  @Override
  public String name() {
    return action.name();
  }

  @Override
  public Duration timeout() {
    return action.timeout();
  }
}
