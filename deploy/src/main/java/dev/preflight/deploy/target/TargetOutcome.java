package dev.preflight.deploy.target;

/**
 * How a deploy or rollback ended.
 *
 * @param summary one line for the run's message ("Rollout COMPLETED: 3/3 running")
 * @param revision what the deployed version is known by (task definition ARN, GitHub run URL),
 *     or null
 * @param detail longer text for the run's thread (a command's last lines of output, the
 *     ECS failure reason), already masked; or null
 * @param neverStarted the target refused the work outright (GitHub answered the dispatch with a
 *     4xx), so nothing in the environment changed: there is nothing to roll back
 * @param unknown whether Preflight cannot tell how it ended: its own shutdown (or a crash) cut
 *     the command short. Not a success, and not a failure to act on: nothing is rolled back for it
 */
public record TargetOutcome(boolean succeeded, String summary, String revision, String detail,
    boolean neverStarted, boolean unknown) {

  public TargetOutcome(boolean succeeded, String summary, String revision, String detail) {
    this(succeeded, summary, revision, detail, false, false);
  }

  public static TargetOutcome success(String summary, String revision, String detail) {
    return new TargetOutcome(true, summary, revision, detail);
  }

  public static TargetOutcome failure(String summary, String detail) {
    return new TargetOutcome(false, summary, null, detail);
  }

  /** The target refused to start: nothing was sent on to the environment. */
  public static TargetOutcome refused(String summary) {
    return new TargetOutcome(false, summary, null, null, true, false);
  }

  /** An end Preflight did not see: what the command did is for a person to check. */
  public static TargetOutcome unknown(String summary, String detail) {
    return new TargetOutcome(false, summary, null, detail, false, true);
  }
}
