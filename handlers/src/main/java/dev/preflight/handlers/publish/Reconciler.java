package dev.preflight.handlers.publish;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings every run's message back to its run's stored state after whatever kept it behind: a
 * Slack outage longer than one call's retries, a crash between posting a message and storing
 * where it went, a restart. Now and then (and once at start) it claims the runs whose message
 * shows less than what is stored, skipping those another replica has claimed, and republishes
 * them through the publisher, so they take their turn in the rate budget like any edit. An older
 * run's message that still offers Rollback after a newer release of its environment landed is
 * behind too, and is republished without the button.
 *
 * <p>Other messages drawn from stored state join the round as {@link Sweep}s: alerts whose
 * message does not show how the rollback started from them stands.
 */
public final class Reconciler {

  private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);

  /** How often messages are checked; a message is at most this much later than Slack's return. */
  public static final Duration DEFAULT_EVERY = Duration.ofSeconds(15);
  /** Runs claimed per round; the rest wait for the next one. */
  static final int BATCH = 100;

  private final Vertx vertx;
  private final RunPublisher publisher;
  private final Duration every;
  private final String owner = "replica-" + UUID.randomUUID();
  private final List<Sweep> sweeps = new ArrayList<>();
  private long timer = -1;
  private boolean running;

  /** Other messages brought to their stored state each round, at most {@code limit} at a time. */
  @FunctionalInterface
  public interface Sweep {
    /** Answers how many messages it looked at. */
    Future<Integer> round(int limit);
  }

  public Reconciler(Vertx vertx, RunPublisher publisher, Duration every) {
    if (every.isNegative() || every.isZero()) {
      throw new IllegalArgumentException("the reconciler's period must be positive");
    }
    this.vertx = vertx;
    this.publisher = publisher;
    this.every = every;
  }

  /** Adds {@code sweep} to every round from now on. */
  public Reconciler with(Sweep sweep) {
    sweeps.add(sweep);
    return this;
  }

  /** Runs a round now and then every period, until {@link #close}. */
  public Reconciler start() {
    round();
    timer = vertx.setPeriodic(every.toMillis(), id -> round());
    return this;
  }

  public void close() {
    if (timer != -1) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
  }

  /** One round: claims the runs that are behind and republishes them. Answers how many. */
  public Future<Integer> round() {
    if (running) {
      return Future.succeededFuture(0); // the previous round's claims are still being worked on
    }
    running = true;
    // A claim outlives the round, so a republish still waiting for its turn is not claimed twice.
    Future<Integer> runs = publisher.source().claimBehind(owner, every.multipliedBy(4), BATCH)
        .onSuccess(this::republish)
        .map(List::size)
        .onFailure(e -> LOG.warn("Could not look for run messages behind their runs: {}", e.getMessage()));
    List<Future<Integer>> others = sweeps.stream().map(this::sweep).toList();
    return Future.join(others).transform(done -> runs).onComplete(done -> running = false);
  }

  private Future<Integer> sweep(Sweep sweep) {
    return sweep.round(BATCH)
        .onFailure(e -> LOG.warn("Could not look for messages behind their stored state: {}", e.getMessage()));
  }

  private void republish(List<String> runIds) {
    if (!runIds.isEmpty()) {
      LOG.info("Republishing {} run messages that are behind their runs", runIds.size());
    }
    runIds.forEach(publisher::republish);
  }
}
