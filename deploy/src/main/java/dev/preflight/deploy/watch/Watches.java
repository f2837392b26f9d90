package dev.preflight.deploy.watch;

import dev.preflight.checklists.config.PreflightConfig;
import dev.preflight.checklists.config.Service;
import dev.preflight.checklists.deploy.Deployment;
import dev.preflight.checklists.deploy.Placeholders;
import dev.preflight.checklists.deploy.VerifyResult;
import dev.preflight.checklists.deploy.Watch;
import dev.preflight.deploy.run.DeployRuns;
import dev.preflight.deploy.run.RunRepository;
import dev.preflight.deploy.run.TrackedRun;
import dev.preflight.deploy.run.VerificationExecutor;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.SqlConnection;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The post-deploy watch (seed 004: smoke tests every 5 minutes for the first 4 hours). When a
 * deploy succeeds in an environment with {@code watch:}, its verification runs again on that
 * schedule, and the first failure of a streak is announced so someone can roll back.
 *
 * <p>The schedule lives in the database: a watch starts in the transaction that records the
 * success, and stops in the one that launches the next deploy of the environment or starts a
 * rollback there, so a superseded watch never alerts. Replicas claim due watches with {@code FOR
 * UPDATE SKIP LOCKED} and a claim that runs out, so each pass runs on one replica, and one that
 * died is picked up by another. A watch overdue after a restart runs once, not once per missed slot.
 */
public final class Watches {

  private static final Logger LOG = LoggerFactory.getLogger(Watches.class);
  private static final int BATCH = 20;

  private final Vertx vertx;
  private final PreflightConfig config;
  private final RunRepository repository;
  private final WatchStore store;
  private final VerificationExecutor verifier;
  private final Duration tick;
  private final Duration claim;
  private final String owner = "replica-" + UUID.randomUUID();
  private final List<Consumer<WatchFailure>> failureListeners = new CopyOnWriteArrayList<>();
  private final Promise<Void> closing = Promise.promise();
  private volatile boolean closed;
  private long timer = -1;

  /**
   * @param verifier the same verification a deploy runs, with the bot's variables
   * @param tick how often to look for due watches; a pass runs at most this late
   * @param claim how long a replica may hold a pass before another may run it; longer than the
   *     slowest verification (health retries included)
   */
  public Watches(Vertx vertx, PreflightConfig config, RunRepository repository, VerificationExecutor verifier,
      Duration tick, Duration claim) {
    this.vertx = vertx;
    this.config = config;
    this.repository = repository;
    this.store = new WatchStore(repository.pool());
    this.verifier = verifier;
    this.tick = tick;
    this.claim = claim;
  }

  /** Starts and stops watches in the transactions of the deploy runs' changes of status. */
  public void attach(DeployRuns deploys) {
    deploys.onStatusChange(this::statusChanged);
  }

  /** Called once per failing streak of a watch, on the event loop; listeners must not block. */
  public void onFailure(Consumer<WatchFailure> listener) {
    failureListeners.add(listener);
  }

  /** Looks for due watches now and then every tick; answers how many watches are running. */
  public Future<Integer> start() {
    if (timer < 0 && !closed) {
      timer = vertx.setPeriodic(Math.max(10, tick.toMillis()), id -> sweep());
      sweep();
    }
    return store.live().map(List::size);
  }

  /**
   * With an embedded database there is one bot, so passes a previous process claimed and never
   * finished are free at once rather than after their claim runs out.
   */
  public Future<Void> voidAllClaims() {
    return store.voidAllClaims();
  }

  /** Stops looking; a pass under way ends before its next check and is left for another replica. */
  public void close() {
    closed = true;
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    closing.tryComplete();
  }

  public Future<Optional<WatchState>> find(String runId) {
    return store.find(runId);
  }

  /** Watches still running, soonest pass first. */
  public Future<List<WatchState>> live() {
    return store.live();
  }

  /**
   * Claims the due watches and runs them; completes when every claimed pass is recorded (or
   * dropped) and answers how many were claimed. The timer calls this every tick.
   */
  public Future<Integer> pass() {
    if (closed) {
      return Future.succeededFuture(0);
    }
    return store.claimDue(owner, claim, BATCH).compose(claims -> {
      List<Future<Void>> passes = claims.stream().map(this::run).toList();
      return Future.join(passes).otherwiseEmpty().map(v -> claims.size());
    });
  }

  private void sweep() {
    pass().compose(claimed -> store.endExpired())
        .onFailure(e -> {
          if (!closed) {
            LOG.warn("Could not run the post-deploy watches: {}", e.getMessage());
          }
        });
  }

  // In the deploy run's transaction

  private Future<Void> statusChanged(SqlConnection conn, TrackedRun before, TrackedRun after) {
    Deployment d = after.deployment();
    if (d == null) {
      return Future.succeededFuture();
    }
    return switch (after.run().status()) {
      case DEPLOYING -> WatchStore.stopLive(conn, d.service(), d.environment(),
          WatchState.SUPERSEDED + ": " + d.version() + " launched (run " + after.id() + ")").mapEmpty();
      case ROLLING_BACK -> WatchStore.stopLive(conn, d.service(), d.environment(),
          WatchState.ROLLED_BACK + ": run " + after.id() + " is rolling back").mapEmpty();
      case SUCCEEDED -> watchOf(d.service(), d.environment())
          .map(watch -> WatchStore.start(conn, after.id(), d, watch))
          .orElseGet(Future::succeededFuture);
      default -> Future.succeededFuture();
    };
  }

  /** The environment's watch, when it has one and something to verify. */
  private Optional<Watch> watchOf(String service, String environment) {
    return environment(service, environment)
        .filter(env -> env.watch() != null && !env.verify().isEmpty())
        .map(Service.Environment::watch);
  }

  private Optional<Service.Environment> environment(String service, String environment) {
    return Optional.ofNullable(config.services().get(service))
        .flatMap(svc -> svc.environment(environment));
  }

  // One pass

  private Future<Void> run(WatchStore.Claim claimed) {
    Optional<Service.Environment> env = environment(claimed.service(), claimed.environment())
        .filter(e -> e.watch() != null && !e.verify().isEmpty());
    if (env.isEmpty()) {
      return store.stop(claimed, WatchState.UNCONFIGURED + ": the config no longer watches " + claimed.service()
          + " in " + claimed.environment());
    }
    return verifier.verify(env.get().verify(),
            Placeholders.of(claimed.service(), claimed.version(), claimed.environment()), result -> { },
            closing.future())
        .compose(results -> closed ? store.release(claimed) : record(claimed, results))
        .onFailure(e -> LOG.warn("The watch of run {} failed to run; it is tried again once its claim runs out: {}",
            claimed.runId(), e.getMessage()))
        .otherwiseEmpty();
  }

  private Future<Void> record(WatchStore.Claim claimed, List<VerifyResult> results) {
    boolean passed = results.stream().allMatch(VerifyResult::passed);
    return store.record(claimed, passed, WatchStore.results(results)).compose(recorded -> {
      if (recorded.isEmpty()) {
        LOG.info("A pass of the watch of run {} was dropped: the watch stopped or another replica holds it",
            claimed.runId());
        return Future.succeededFuture();
      }
      if (recorded.get().stopped()) {
        LOG.info("The watch of run {} ended", claimed.runId());
      }
      // The first failure of a streak alerts; its record is already committed, so a restart does not repeat it.
      if (!passed && recorded.get().failures() == 1) {
        return repository.find(claimed.runId()).map(found -> {
          found.ifPresent(run -> announce(new WatchFailure(run, results, recorded.get().at())));
          return null;
        });
      }
      return Future.succeededFuture();
    });
  }

  private void announce(WatchFailure failure) {
    LOG.warn("The watch of run {} failed: {} check(s) failing", failure.run().id(), failure.failed().size());
    for (Consumer<WatchFailure> listener : failureListeners) {
      try {
        listener.accept(failure);
      } catch (RuntimeException e) {
        LOG.error("A watch failure listener failed for run {}", failure.run().id(), e);
      }
    }
  }
}
