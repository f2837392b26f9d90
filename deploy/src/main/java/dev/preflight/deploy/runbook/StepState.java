package dev.preflight.deploy.runbook;

import java.time.Instant;
import java.util.Map;

/**
 * One step of a runbook run as stored.
 *
 * @param startedAt when it started, or null when it has not
 * @param endedAt when it passed or failed, or null
 * @param summary its one line (redacted), or null while it runs
 * @param output what it printed or answered (redacted), for the thread; or null
 * @param link where to see more (a task's CloudWatch Logs), for the thread; or null
 * @param journal what the step's action recorded, so a restart follows it
 */
public record StepState(String name, Phase phase, Instant startedAt, Instant endedAt, String summary, String output,
    String link, Map<String, String> journal) {

  public enum Phase { PENDING, RUNNING, PASSED, FAILED }

  public StepState {
    journal = Map.copyOf(journal);
  }

  public static StepState pending(String name) {
    return new StepState(name, Phase.PENDING, null, null, null, null, null, Map.of());
  }

  StepState running(Instant at) {
    return new StepState(name, Phase.RUNNING, startedAt == null ? at : startedAt, null, null, null, null, journal);
  }

  StepState withJournal(Map<String, String> entries) {
    java.util.Map<String, String> merged = new java.util.HashMap<>(journal);
    merged.putAll(entries);
    return new StepState(name, phase, startedAt, endedAt, summary, output, link, merged);
  }

  StepState ended(boolean passed, String oneLine, String text, String link, Instant at) {
    return new StepState(name, passed ? Phase.PASSED : Phase.FAILED, startedAt, at, oneLine, text, link, journal);
  }
}
