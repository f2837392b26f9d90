package dev.preflight.bot.observe;

import dev.preflight.deploy.run.DeployRuns;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Two gauges about the deploy engine: {@code preflight.runs.in_flight}, the deploy runs
 * deploying, verifying or rolling back on any replica (read from the database before each
 * scrape), and {@code preflight.leases.held}, the runs this replica drives under its lease.
 * Summed over replicas the second equals the first while every replica is healthy; a gap that
 * lasts longer than a lease means a run nobody drives.
 */
public final class RunGauges {

  private final Supplier<Future<Integer>> countInFlight;
  private final AtomicInteger inFlight = new AtomicInteger();

  private RunGauges(Supplier<Future<Integer>> countInFlight) {
    this.countInFlight = countInFlight;
  }

  /**
   * Registers both gauges; {@link #refresh} reads the count of runs in flight.
   *
   * @param countInFlight counts the runs in flight on every replica, in the database
   */
  public static RunGauges register(MeterRegistry registry, DeployRuns deploys,
      Supplier<Future<Integer>> countInFlight) {
    RunGauges gauges = new RunGauges(countInFlight);
    Gauge.builder("preflight.runs.in_flight", gauges.inFlight, AtomicInteger::get)
        .description("Deploy runs deploying, verifying or rolling back, on any replica (from the database)")
        .register(registry);
    Gauge.builder("preflight.leases.held", deploys, DeployRuns::leasesHeld)
        .description("Deploy runs this replica drives now, each under a lease it holds")
        .register(registry);
    return gauges;
  }

  /** Reads the number of runs in flight; when the database does not answer, the last value stays. */
  public Future<Void> refresh() {
    return countInFlight.get().onSuccess(inFlight::set).mapEmpty();
  }
}
