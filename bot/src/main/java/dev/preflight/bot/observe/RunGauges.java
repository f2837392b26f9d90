package dev.preflight.bot.observe;

import dev.preflight.deploy.run.DeployRuns;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Two gauges about the deploy engine: {@code preflight.runs.in_flight}, the deploy runs
 * deploying, verifying or rolling back on any replica (read from the database before each
 * scrape), and {@code preflight.leases.held}, the runs this replica drives under its lease.
 * Summed over replicas the second equals the first while every replica is healthy; a gap that
 * lasts longer than a lease means a run nobody drives.
 */
public final class RunGauges {

  private final DeployRuns deploys;
  private final AtomicInteger inFlight = new AtomicInteger();

  private RunGauges(DeployRuns deploys) {
    this.deploys = deploys;
  }

  /** Registers both gauges; {@link #refresh} reads the count of runs in flight. */
  public static RunGauges register(MeterRegistry registry, DeployRuns deploys) {
    RunGauges gauges = new RunGauges(deploys);
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
    return deploys.store().countInFlight().onSuccess(inFlight::set).mapEmpty();
  }
}
