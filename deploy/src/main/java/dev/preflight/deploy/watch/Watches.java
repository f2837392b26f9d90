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
import dev.preflight.deploy.check.MetricContext;
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
 * schedule; the first failing round of a streak is announced so someone can roll back, and the
 * first passing round after it is announced so the alert can be resolved.
 *
 * <p>The schedule lives in the database: a watch starts in the transaction that records the
 * success, and stops in the one that launches the next deploy of the environment or starts a
 * rollback there, so a superseded watch never alerts. Each round is due a whole number of
 * intervals after the first ({@link WatchSchedule}); a replica sets one timer for the soonest due
 * round it knows of (and looks again at least every {@code rescan}, for rounds other replicas
 * scheduled), and replicas claim due watches with {@code FOR UPDATE SKIP LOCKED} and a claim that
 * runs out, so each round runs on one replica, and one that died is picked up by another. A watch
 * overdue after a restart runs once, not once per missed slot.
 */
public final class Watches implements WatchEvents {

  private static final Logger LOG = LoggerFactory.getLogger(Watches.class);
  private static final int BATCH = 20;
  /** A timer never fires sooner than this after the last look, so an edge of the schedule cannot spin. */
  private static final long MIN_WAIT_MS = 20;

  private final Vertx vertx;
  private final PreflightConfig config;
  private final RunRepository repository;
  private final WatchStore store;
  private final VerificationExecutor verifier;
  private final Duration rescan;
  private final Duration claim;
  private final String owner = "replica-" + UUID.randomUUID();
  private final List<Consumer<WatchFailure>> failureListeners = new CopyOnWriteArrayList<>();
  private final List<Consumer<WatchRecovery>> recoveryListeners = new CopyOnWriteArrayList<>();
  private final List<Consumer<WatchRound>> roundListeners = new CopyOnWriteArrayList<>();
  private final Promise<Void> closing = Promise.promise();
  private volatile boolean closed;
  private boolean running;
  private long timer = -1;
  private long timerAt;

  /**
   * @param verifier the same verification a deploy runs, with the bot's variables
   * @param rescan the longest this replica goes without looking for due rounds, so it learns of
   *     rounds another replica scheduled (or gave back) even when it runs none of its own
   * @param claim how long a replica may hold a round before another may run it; longer than the
   *     slowest verification (health retries included)
   */
  public Watches(Vertx vertx, PreflightConfig config, RunRepository repository, VerificationExecutor verifier,
      Duration rescan, Duration claim) {
    this.vertx = vertx;
    this.config = config;
    this.repository = repository;
    this.store = new WatchStore(repository.pool());
    this.verifier = verifier;
    this.rescan = rescan;
    this.claim = claim;
  }

  /** Starts and stops watches in the transactions of the deploy runs' changes of status. */
  public void attach(DeployRuns deploys) {
    deploys.onStatusChange(this::statusChanged);
  }

  @Override
  public void onFailure(Consumer<WatchFailure> listener) {
    failureListeners.add(listener);
  }

  @Override
  public void onRecovery(Consumer<WatchRecovery> listener) {
    recoveryListeners.add(listener);
  }

  /** Called after every recorded round, on the event loop; listeners must not block. */
  public void onRound(Consumer<WatchRound> listener) {
    roundListeners.add(listener);
  }

  /** Runs the rounds due now, and each later one at its due time; answers how many watches are running. */
  public Future<Integer> start() {
    if (!running && !closed) {
      running = true;
      wake();
    }
    return store.live().map(List::size);
  }

  /**
   * With an embedded database there is one bot, so rounds a previous process claimed and never
   * finished are free at once rather than after their claim runs out.
   */
  public Future<Void> voidAllClaims() {
    return store.voidAllClaims();
  }

  /**
   * Stops running rounds: a round under way ends before its next check, and every round this
   * replica holds is given back, so another replica runs it at once. Completes when they are.
   */
  public Future<Void> close() {
    synchronized (this) {
      closed = true;
      if (timer >= 0) {
        vertx.cancelTimer(timer);
        timer = -1;
      }
    }
    closing.tryComplete();
    return store.releaseAll(owner)
        .onSuccess(released -> {
          if (released > 0) {
            LOG.info("Gave back {} watch round(s) under way", released);
          }
        })
        .<Void>mapEmpty();
  }

  @Override
  public Future<Void> alertPosted(String runId, String channel, String ts) {
    return store.alertPosted(runId, channel, ts);
  }

  public Future<Optional<WatchState>> find(String runId) {
    return store.find(runId);
  }

  /** Watches still running, soonest round first. */
  public Future<List<WatchState>> live() {
    return store.live();
  }

  /**
   * Claims the due watches and runs them; completes when every claimed round is recorded (or
   * dropped) and answers how many were claimed.
   */
  public Future<Integer> pass() {
    return claimAndRun().compose(rounds -> Future.join(rounds).otherwiseEmpty().map(v -> rounds.size()));
  }

  /** Claims what is due and starts those rounds; completes once they are under way. */
  private Future<List<Future<Void>>> claimAndRun() {
    if (closed) {
      return Future.succeededFuture(List.of());
    }
    return store.claimDue(owner, claim, BATCH).map(claims -> claims.stream().map(this::run).toList());
  }

  /** Starts the rounds due now, ends watches whose time ran out, and sets the timer for the next due round. */
  private synchronized void wake() {
    timer = -1;
    if (closed) {
      return;
    }
    claimAndRun()
        .compose(rounds -> store.endExpired())
        .compose(ended -> store.untilNextDue())
        .onComplete(next -> {
          if (next.failed() && !closed) {
            LOG.warn("Could not run the post-deploy watches: {}", next.cause().getMessage());
          }
          arm(next.succeeded() ? next.result().orElse(rescan) : rescan);
        });
  }

  /** Wakes up after {@code wait} (at most {@code rescan}), unless the timer already fires sooner. */
  private synchronized void arm(Duration wait) {
    if (!running || closed) {
      return;
    }
    long delay = Math.max(MIN_WAIT_MS, Math.min(wait.toMillis(), rescan.toMillis()));
    long at = System.currentTimeMillis() + delay;
    if (timer >= 0) {
      if (timerAt <= at) {
        return;
      }
      vertx.cancelTimer(timer);
    }
    timerAt = at;
    timer = vertx.setTimer(delay, id -> wake());
  }

  /** After a round of this replica, the next round (of any watch) may be sooner than the timer. */
  private void rearm() {
    if (!running || closed) {
      return;
    }
    store.untilNextDue()
        .onSuccess(next -> next.ifPresent(this::arm))
        .onFailure(e -> LOG.debug("Could not look up the next watch round: {}", e.getMessage()));
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
          .map(watch -> WatchStore.start(conn, after.id(), d, watch)
              // The first round is one interval away; this replica wakes for it.
              .onSuccess(v -> vertx.runOnContext(x -> arm(watch.every()))))
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

  // One round

  private Future<Void> run(WatchStore.Claim claimed) {
    Optional<Service.Environment> env = environment(claimed.service(), claimed.environment())
        .filter(e -> e.watch() != null && !e.verify().isEmpty());
    if (env.isEmpty()) {
      return store.stop(claimed, WatchState.UNCONFIGURED + ": the config no longer watches " + claimed.service()
          + " in " + claimed.environment());
    }
    return verifier.verify(env.get().verify(),
            // The run's id lets a metric check read the baseline its verification kept.
            MetricContext.placeholders(Placeholders.of(claimed.service(), claimed.version(), claimed.environment()),
                claimed.runId(), null), result -> { },
            closing.future())
        // A round cut short by a shutdown says nothing about the deploy: its claim was given back.
        .compose(results -> closed ? Future.<Void>succeededFuture() : record(claimed, results))
        .onFailure(e -> {
          if (!closed) {
            LOG.warn("The watch of run {} failed to run; it is tried again once its claim runs out: {}",
                claimed.runId(), e.getMessage());
          }
        })
        .otherwiseEmpty();
  }

  private Future<Void> record(WatchStore.Claim claimed, List<VerifyResult> results) {
    boolean passed = results.stream().allMatch(VerifyResult::passed);
    return store.record(claimed, passed, WatchStore.results(results)).compose(recorded -> {
      if (recorded.isEmpty()) {
        LOG.info("A round of the watch of run {} was dropped: the watch stopped or another replica holds it",
            claimed.runId());
        return Future.succeededFuture();
      }
      WatchStore.Recorded round = recorded.get();
      if (round.watch().stopped()) {
        LOG.info("The watch of run {} ended", claimed.runId());
      }
      rearm();
      tell(roundListeners, new WatchRound(round.watch()), claimed.runId());
      // Its record is already committed, so a restart neither repeats an alert nor a resolve.
      if (!round.startsStreak() && !round.recovers()) {
        return Future.succeededFuture();
      }
      return repository.find(claimed.runId()).map(found -> {
        found.ifPresent(run -> {
          if (round.startsStreak()) {
            LOG.warn("The watch of run {} failed: {} check(s) failing", run.id(),
                results.stream().filter(result -> !result.passed()).count());
            tell(failureListeners, new WatchFailure(run, results, round.watch().lastAt()), run.id());
          } else {
            LOG.info("The watch of run {} passes again after {} failing round(s)", run.id(), round.failuresBefore());
            tell(recoveryListeners, new WatchRecovery(run, round.watch(), round.failuresBefore()), run.id());
          }
        });
        return null;
      });
    });
  }

  private static <T> void tell(List<Consumer<T>> listeners, T event, String runId) {
    for (Consumer<T> listener : listeners) {
      try {
        listener.accept(event);
      } catch (RuntimeException e) {
        LOG.error("A watch listener failed for run {}", runId, e);
      }
    }
  }
}
