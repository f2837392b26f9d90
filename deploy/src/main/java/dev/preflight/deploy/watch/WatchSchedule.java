package dev.preflight.deploy.watch;

import java.time.Duration;
import java.time.Instant;

/**
 * When a watch's next round is due. Rounds keep the cadence of their first due time: the next
 * is a whole number of intervals after the round that just ran, never "an interval after the
 * round finished" (which would drift by each round's own length), and a round that ran late
 * (no replica was up, or verification outlasted the interval) skips the slots already gone
 * rather than making them up in a burst.
 */
final class WatchSchedule {

  private WatchSchedule() {}

  /**
   * @param due when the round that just ran was due
   * @param every the watch's interval, positive
   * @param now the database's time as the round is recorded
   * @return the first slot {@code due + k × every} (k ≥ 1) that is after {@code now}
   */
  static Instant next(Instant due, Duration every, Instant now) {
    long step = every.toMillis();
    if (step <= 0) {
      throw new IllegalArgumentException("a watch's interval must be positive, not " + every);
    }
    long behind = Duration.between(due, now).toMillis();
    long slots = behind < step ? 1 : behind / step + 1;
    return due.plusMillis(slots * step);
  }
}
