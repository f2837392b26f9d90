package dev.preflight.deploy.action;

/**
 * How an action ended.
 *
 * @param summary one line a person reads in the message ("Task exited 0", "Snapshot available")
 * @param output what the action printed or answered, redacted, for the run's thread; or null
 * @param link where to see more (the task's CloudWatch Logs, the snapshot in the console); or null
 */
public record ActionOutcome(boolean passed, String summary, String output, String link) {

  public static ActionOutcome passed(String summary, String output, String link) {
    return new ActionOutcome(true, summary, output, link);
  }

  public static ActionOutcome failed(String summary, String output, String link) {
    return new ActionOutcome(false, summary, output, link);
  }
}
