package dev.preflight.deploy.stats;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * How one service is doing in one environment over a window (the DORA figures), so a team sees
 * at a glance whether deploys are frequent, safe and quickly repaired. {@link DeployStats}
 * defines each figure precisely.
 *
 * @param deploys runs launched in the window
 * @param finished of those, runs whose deploy has ended (succeeded, failed or rolled back)
 * @param failed of those, runs that ended failed, rolled back or with a failed rollback
 * @param medianLeadTime median from {@code /deploy} to success; null without a success
 * @param failures failures whose restore is looked for (those with a known failure time)
 * @param restored of those, failures followed by a release
 * @param medianTimeToRestore median from failure to the next release; null when none was restored
 */
public record EnvironmentFigures(String service, String environment, int deploys, int finished, int failed,
    Duration medianLeadTime, int failures, int restored, Duration medianTimeToRestore) {

  /** Failed ÷ finished; empty while nothing has finished. */
  public OptionalDouble changeFailureRate() {
    return finished == 0 ? OptionalDouble.empty() : OptionalDouble.of((double) failed / finished);
  }

  public Optional<Duration> leadTime() {
    return Optional.ofNullable(medianLeadTime);
  }

  public Optional<Duration> timeToRestore() {
    return Optional.ofNullable(medianTimeToRestore);
  }

  /** Failures nothing has been released after yet: the environment may still be broken. */
  public int unrestored() {
    return failures - restored;
  }
}
