package dev.preflight.deploy.runner;

import java.time.Duration;

/**
 * Poll rounds: the instants that are whole multiples of the poll interval since the epoch. Looks
 * that land on the same instant can be answered together (ECS describes up to ten services in one
 * call), so deploys started a few hundred milliseconds apart still share their rounds, and keep
 * sharing them instead of drifting apart by each answer's latency.
 */
public record PollRounds(Duration interval) {

  public PollRounds {
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("the poll interval must be positive: " + interval);
    }
  }

  /** The round a look made at {@code epochMillis} belongs to: the nearest one, since timers fire a little late. */
  public long nearest(long epochMillis) {
    long step = interval.toMillis();
    return Math.floorDiv(epochMillis + step / 2, step) * step;
  }

  /** The first round strictly after {@code epochMillis}. */
  public long after(long epochMillis) {
    long step = interval.toMillis();
    return (Math.floorDiv(epochMillis, step) + 1) * step;
  }

  /**
   * Milliseconds from {@code nowMillis} to the round of the next look, when the runner would
   * otherwise wait {@code pauseMillis}: a look answered within its round looks again in the
   * next one, and a backoff of n intervals skips n - 1 rounds. At least 1.
   */
  public long wait(long nowMillis, long pauseMillis) {
    long step = interval.toMillis();
    return Math.max(1, after(nowMillis + Math.max(0, pauseMillis - step)) - nowMillis);
  }
}
