package dev.preflight.deploy.watch;

import java.time.Duration;
import java.time.Instant;

/**
 * A watch as stored: where its schedule stands, how its last pass went and why it stopped.
 *
 * @param failures failing passes in a row, 0 after a pass that passed
 * @param alertedAt when the current (or last) failing streak was announced, or null
 * @param stopReason {@link #ENDED}, {@link #SUPERSEDED}, {@link #ROLLED_BACK} or
 *     {@link #UNCONFIGURED}, with detail after a colon; null while it runs
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
    String stopReason) {

  public static final String ENDED = "ended";
  public static final String SUPERSEDED = "superseded";
  public static final String ROLLED_BACK = "rolled back";
  public static final String UNCONFIGURED = "unconfigured";

  public boolean stopped() {
    return stoppedAt != null;
  }
}
