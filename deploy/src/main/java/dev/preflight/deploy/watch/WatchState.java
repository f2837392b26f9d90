package dev.preflight.deploy.watch;

import java.time.Duration;
import java.time.Instant;

/**
 * A watch as stored: where its schedule stands, how its rounds went and why it stopped.
 *
 * @param nextAt when the next round is due
 * @param passes rounds run so far, passing or failing
 * @param lastAt when the latest round was recorded, or null before the first
 * @param failures failing rounds in a row, 0 after a round that passed
 * @param alertedAt when the current (or last) failing streak was announced, or null
 * @param stopReason {@link #ENDED}, {@link #SUPERSEDED}, {@link #ROLLED_BACK} or
 *     {@link #UNCONFIGURED}, with detail after a colon; null while it runs
 * @param lastDueAt when the latest round was due, or null before the first
 * @param lastPassed how the latest round went, or null before the first
 * @param failedRounds failing rounds over the watch's life
 * @param alertChannel where the latest streak's alert was posted, or null
 * @param alertTs that alert's message, or null when none was posted (yet)
 */
public record WatchState(
    String runId,
    String service,
    String environment,
    String version,
    Duration every,
    Instant until,
    Instant nextAt,
    int passes,
    Instant lastAt,
    int failures,
    Instant alertedAt,
    Instant stoppedAt,
    String stopReason,
    Instant lastDueAt,
    Boolean lastPassed,
    int failedRounds,
    String alertChannel,
    String alertTs) {

  public static final String ENDED = "ended";
  public static final String SUPERSEDED = "superseded";
  public static final String ROLLED_BACK = "rolled back";
  public static final String UNCONFIGURED = "unconfigured";

  /** A watch whose rounds' outcomes are told only by its streak (as before rounds were counted one by one). */
  public WatchState(String runId, String service, String environment, String version, Duration every, Instant until,
      Instant nextAt, int passes, Instant lastAt, int failures, Instant alertedAt, Instant stoppedAt,
      String stopReason) {
    this(runId, service, environment, version, every, until, nextAt, passes, lastAt, failures, alertedAt, stoppedAt,
        stopReason, lastAt, lastAt == null ? null : failures == 0, failures, null, null);
  }

  public boolean stopped() {
    return stoppedAt != null;
  }

  /** Stopped because its time ran out, rather than superseded, rolled back or unconfigured. */
  public boolean ended() {
    return stopReason != null && stopReason.startsWith(ENDED);
  }
}
