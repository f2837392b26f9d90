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

  /** A sentence ends with exactly one full stop, whether or not the text it ends on had one. */
  static String sentence(String text) {
    String stripped = text.stripTrailing();
    return stripped.endsWith(".") || stripped.endsWith("!") || stripped.endsWith("?") || stripped.endsWith("…")
        ? stripped : stripped + ".";
  }
}
