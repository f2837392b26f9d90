package dev.preflight.handlers.publish;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings every run's message back to its run's stored state after whatever kept it behind: a
 * Slack outage longer than one call's retries, a crash between posting a message and storing
 * where it went, a restart. Now and then (and once at start) it claims the runs whose message
 * shows less than what is stored, skipping those another replica has claimed, and republishes
 * them through the publisher, so they take their turn in the rate budget like any edit.
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
  private long timer = -1;
  private boolean running;

  public Reconciler(Vertx vertx, RunPublisher publisher, Duration every) {
    if (every.isNegative() || every.isZero()) {
      throw new IllegalArgumentException("the reconciler's period must be positive");
    }
    this.vertx = vertx;
    this.publisher = publisher;
    this.every = every;
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
    return publisher.source().claimBehind(owner, every.multipliedBy(4), BATCH)
        .onSuccess(this::republish)
        .map(List::size)
        .onFailure(e -> LOG.warn("Could not look for run messages behind their runs: {}", e.getMessage()))
        .onComplete(done -> running = false);
  }

  private void republish(List<String> runIds) {
    if (!runIds.isEmpty()) {
      LOG.info("Republishing {} run messages that are behind their runs", runIds.size());
    }
    runIds.forEach(publisher::republish);
  }
}
