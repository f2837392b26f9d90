package dev.preflight.handlers.render;

import dev.preflight.checklists.run.RunStatus;

/**
 * A run's status as a person says it ("rolled back", "ready to launch"), for every sentence a
 * user reads: refusals, fallbacks, {@code /deploys}. The enum's own names never reach Slack.
 */
public final class StatusWords {

  private StatusWords() {}

  public static String of(RunStatus status) {
    return switch (status) {
      case PREPARING -> "preparing";
      case READY -> "ready to launch";
      case DEPLOYING -> "deploying";
      case VERIFYING -> "verifying";
      case ABORTING -> "aborting";
      case SUCCEEDED -> "succeeded";
      case FAILED -> "failed";
      case ROLLING_BACK -> "rolling back";
      case ROLLED_BACK -> "rolled back";
      case ROLLBACK_FAILED -> "rollback failed";
      case CANCELLED -> "cancelled";
    };
  }

  /**
   * What follows "This run" in a sentence: "is deploying", "has succeeded", "was cancelled". The
   * bare words of {@link #of} read as labels, not after "is" ("is succeeded").
   */
  public static String ofRun(RunStatus status) {
    return switch (status) {
      case PREPARING, READY, DEPLOYING, VERIFYING, ABORTING, ROLLING_BACK -> "is " + of(status);
      case SUCCEEDED -> "has succeeded";
      case FAILED -> "has failed";
      case ROLLED_BACK -> "was rolled back";
      case ROLLBACK_FAILED -> "failed to roll back";
      case CANCELLED -> "was cancelled";
    };
  }

  /** A sentence ends with exactly one full stop, whether or not the text it ends on had one. */
  static String sentence(String text) {
    String stripped = text.stripTrailing();
    return stripped.endsWith(".") || stripped.endsWith("!") || stripped.endsWith("?") || stripped.endsWith("…")
        ? stripped : stripped + ".";
  }
}
