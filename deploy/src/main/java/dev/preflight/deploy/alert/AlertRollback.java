package dev.preflight.deploy.alert;

import java.time.Instant;

/**
 * A rollback someone started from an alert's message, as stored with the alert: the message
 * shows it in place of the Rollback button, and its outcome once the run's rollback ends.
 *
 * @param runId the run being rolled back
 * @param by the Slack user id of who started it
 * @param toVersion the version it returns to, or null when the release before is not known
 * @param runLink a link to the run's message, or null when it could not be had
 * @param detail why it failed, when it failed; null otherwise
 * @param endedAt when the run's rollback ended, or null while it runs
 */
public record AlertRollback(String runId, String by, String toVersion, String runLink, Instant startedAt,
    Outcome outcome, String detail, Instant endedAt) {

  public enum Outcome {
    RUNNING, ROLLED_BACK, FAILED;

    public String wire() {
      return name().toLowerCase();
    }

    public static Outcome fromWire(String value) {
      return switch (value) {
        case "rolled_back" -> ROLLED_BACK;
        case "failed" -> FAILED;
        default -> RUNNING;
      };
    }
  }
}
