package dev.preflight.deploy.action;

/**
 * How an action ended.
 *
 * @param summary one line a person reads in the message ("Task exited 0", "Snapshot available")
 * @param output what the action printed or answered, redacted, for the run's thread; or null
 * @param link where to see more (the task's CloudWatch Logs, the snapshot in the console); or null
 * @param unknown whether Preflight cannot tell how it ended (its shutdown or a crash cut it short);
 *     then it did not pass, and it is not a failure that a rollback may act on either
 */
public record ActionOutcome(boolean passed, String summary, String output, String link, boolean unknown) {

  public ActionOutcome(boolean passed, String summary, String output, String link) {
    this(passed, summary, output, link, false);
  }

  public static ActionOutcome passed(String summary, String output, String link) {
    return new ActionOutcome(true, summary, output, link);
  }

  public static ActionOutcome failed(String summary, String output, String link) {
    return new ActionOutcome(false, summary, output, link);
  }

  public static ActionOutcome unknown(String summary, String output, String link) {
    return new ActionOutcome(false, summary, output, link, true);
  }
}
