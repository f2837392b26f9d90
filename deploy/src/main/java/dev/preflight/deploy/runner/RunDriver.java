package dev.preflight.deploy.runner;

import dev.preflight.checklists.config.Durations;
import dev.preflight.checklists.config.PreflightConfig;
import dev.preflight.checklists.config.Service;
import dev.preflight.checklists.deploy.Deployment;
import dev.preflight.checklists.run.RunStatus;
import dev.preflight.checklists.secret.Variables;
import dev.preflight.deploy.action.Actions;
import dev.preflight.deploy.run.DeploymentStore;
import dev.preflight.deploy.run.Origin;
import dev.preflight.deploy.run.RunChanges;
import dev.preflight.deploy.run.RunMdc;
import dev.preflight.deploy.run.RunNote;
import dev.preflight.deploy.run.RunRepository;
import dev.preflight.deploy.run.TrackedRun;
import dev.preflight.deploy.run.VerificationExecutor;
import dev.preflight.deploy.target.Targets;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives deploy runs through their steps. A run that is deploying, verifying, aborting or rolling
 * back is driven by the one replica holding its lease; the lease is renewed while it works, and a
 * replica that finds an expired lease takes the run over and carries on from the state stored
 * step by step. The next step is picked from the run's stored status; the step's result is
 * written under the lease together with what follows it ({@link NextMove}).
 */
public final class RunDriver {

  static final String DEPLOY_RECORD = "deploy.step";
  static final String ROLLBACK_RECORD = "rollback.step";

  private static final Logger LOG = LoggerFactory.getLogger(RunDriver.class);
  private static final int GIVE_UP_AFTER = 3;
  private static final Duration TAKE_OVER_EVERY = Duration.ofSeconds(1);
  /** A target's own notes, still kept while it stops (a killed command's ending, say). */
  private static final Set<String> STEP_RECORDS = Set.of(DEPLOY_RECORD, ROLLBACK_RECORD);

  private final Vertx vertx;
  private final PreflightConfig config;
  private final RunChanges changes;
  private final RunRepository repository;
  private final DeploymentStore store;
  private final Variables variables;
  private final Clock clock;
  private final Duration lease;
  private final DeployPlan plan;
  private final NextMove next;
  private final String owner = "replica-" + UUID.randomUUID();
  private final List<Consumer<RunNote>> noteListeners = new CopyOnWriteArrayList<>();
  private final Map<String, Drive> drives = new ConcurrentHashMap<>();
  private final Map<String, Integer> driveFailures = new ConcurrentHashMap<>();
  private long sweepTimer = -1;
  private volatile boolean closed;

  /** @param lease how long a replica may go silent before another takes its deploys over */
  public RunDriver(Vertx vertx, PreflightConfig config, RunChanges changes, RunRepository repository,
      DeploymentStore store, Targets targets, VerificationExecutor verifier, Variables variables, Clock clock,
      Duration lease) {
    this(vertx, config, changes, repository, store, targets, verifier, variables, clock, lease,
        Actions.builder().build());
  }

  /** @param actions runs the steps of the environments' pipelines, by kind */
  public RunDriver(Vertx vertx, PreflightConfig config, RunChanges changes, RunRepository repository,
      DeploymentStore store, Targets targets, VerificationExecutor verifier, Variables variables, Clock clock,
      Duration lease, Actions actions) {
    this.vertx = vertx;
    this.config = config;
    this.changes = changes;
    this.repository = repository;
    this.store = store;
    this.variables = variables;
    this.clock = clock;
    this.lease = lease;
    this.plan = new DeployPlan(new DeployStep(targets), new VerifyStep(verifier, false), new RollbackStep(targets),
        new VerifyStep(verifier, true), actions, stage -> new CanaryStageStep(targets, verifier, stage));
    this.next = new NextMove(clock);
  }

  Variables variables() {
    return variables;
  }

  Clock clock() {
    return clock;
  }

  /** A fresh lease token of this replica, for a launch or a rollback to take the lease with. */
  public String newToken() {
    return owner + "/" + UUID.randomUUID();
  }

  /** How many runs this replica drives now, each under a lease it holds. */
  public int leasesHeld() {
    return drives.size();
  }

  /** Called with notes for a run's thread, on the event loop; listeners must not block. */
  public void onNote(Consumer<RunNote> listener) {
    noteListeners.add(listener);
  }

  /** An abort accepted here: the drive of the run, if this replica has it, stops its step at once. */
  public void aborted(String runId, String by) {
    Drive drive = drives.get(runId);
    if (drive != null) {
      drive.abort(by);
    }
  }

  /**
   * A person changed the run's canary stage (promoted, paused, resumed): the stage, if this
   * replica holds it, looks at once. Another replica's stage sees the change at its next look.
   */
  public void canaryChanged(String runId) {
    Drive drive = drives.get(runId);
    if (drive != null) {
      drive.nudge();
    }
  }

  Future<TrackedRun> stored(String runId) {
    return repository.find(runId)
        .map(found -> found.orElseThrow(() -> new RunRepository.NoSuchRunException(runId)));
  }

  // Leases: taking over, renewing, giving back

  /**
   * Takes over deploys nobody drives (this replica's, after a restart, once their lease ran out;
   * those of a replica that died, once theirs did; those a stopping replica gave back, at once),
   * now and then every {@link #takeOverEvery()}.
   */
  public Future<Integer> resume() {
    if (sweepTimer < 0 && !closed) {
      sweepTimer = vertx.setPeriodic(takeOverEvery().toMillis(), id -> sweep());
    }
    return sweep();
  }

  /**
   * How often a replica looks for deploys nobody holds: often enough that one a stopping replica
   * gave back is taken over within seconds, never less often than every half lease.
   */
  public Duration takeOverEvery() {
    return Duration.ofMillis(Math.max(100, Math.min(TAKE_OVER_EVERY.toMillis(), lease.toMillis() / 2)));
  }

  /**
   * Stops driving, as this replica shuts down. Each drive's target is told to stop (a command it
   * started is killed with everything it started; ECS and GitHub pollers stop, sending nothing),
   * no outcome is written for those runs, and once the target has settled the run's lease is
   * given back, so another replica carries the deploy on from its stored state at once rather
   * than after the lease runs out. Completes when every lease is given back (or {@code wait}
   * passed: a lease not given back runs out as if this replica had died).
   */
  public Future<Void> stop(Duration wait) {
    closed = true;
    if (sweepTimer >= 0) {
      vertx.cancelTimer(sweepTimer);
    }
    List<Future<Void>> released = new ArrayList<>();
    for (Drive drive : List.copyOf(drives.values())) {
      vertx.cancelTimer(drive.renewTimer);
      drive.stopping.tryComplete();
      released.add(drive.step.otherwiseEmpty()
          .timeout(wait.toMillis(), TimeUnit.MILLISECONDS)
          .otherwiseEmpty()
          .compose(v -> giveBack(drive)));
    }
    return Future.join(released).onSuccess(v -> {
      if (!released.isEmpty()) {
        LOG.info("Gave back the lease of {} deploy run(s) in flight", released.size());
      }
    }).<Void>mapEmpty().otherwiseEmpty();
  }

  /**
   * Stops taking work at once, as if this replica died: runs in flight keep their leases until
   * they run out. {@link #stop} is the orderly way.
   */
  public void close() {
    closed = true;
    if (sweepTimer >= 0) {
      vertx.cancelTimer(sweepTimer);
    }
    drives.values().forEach(drive -> vertx.cancelTimer(drive.renewTimer));
    drives.clear();
  }

  /**
   * Starts working on a run this replica now holds the lease of. A drive of the same run that
   * is still here has lost its lease (or it would not have been claimed again) and is halted.
   */
  public void drive(String runId, String token) {
    Drive drive = new Drive(runId, token);
    if (closed) {
      // Launched while this replica stops: another replica drives it.
      giveBack(drive);
      return;
    }
    Drive earlier = drives.put(runId, drive);
    if (earlier != null) {
      halt(earlier);
    }
    drive.renewTimer = vertx.setPeriodic(Math.max(50, lease.toMillis() / 3), id -> renew(drive));
    // An abort asked for before this drive began (on another replica, before a restart) counts.
    renew(drive).onComplete(v -> advance(drive));
  }

  private Future<Integer> sweep() {
    if (closed) {
      return Future.succeededFuture(0);
    }
    return store.claimOrphans(owner, lease)
        .onSuccess(claims -> claims.forEach(claim -> RunMdc.run(claim.runId(), null, () -> {
          LOG.info("Taking over deploy run {}", claim.runId());
          drive(claim.runId(), claim.token());
        })))
        .map(List::size)
        .onFailure(e -> LOG.warn("Could not look for deploys to take over: {}", e.getMessage()));
  }

  private Future<Void> renew(Drive drive) {
    return store.renewLease(drive.runId, drive.token, lease).onSuccess(drive.logged(held -> {
      if (held.isEmpty()) {
        LOG.warn("Lost the lease of run {}; another drive carries it on", drive.runId);
        halt(drive);
      } else {
        held.get().ifPresent(drive::abort);
      }
    })).onFailure(drive.logged(e -> LOG.warn("Could not renew the lease of run {}: {}", drive.runId,
        e.getMessage())))
        .<Void>mapEmpty().otherwiseEmpty();
  }

  /** Stops a drive and whatever its target is doing; its writes are refused from now on. */
  private void halt(Drive drive) {
    vertx.cancelTimer(drive.renewTimer);
    drives.remove(drive.runId, drive);
    drive.abort.tryComplete();
  }

  /** Gives a drive's lease back so another replica takes the run over at once. */
  private Future<Void> giveBack(Drive drive) {
    drives.remove(drive.runId, drive);
    return repository.pool().withConnection(conn -> DeploymentStore.releaseLease(conn, drive.runId, drive.token))
        .onFailure(e -> LOG.warn("Could not give back the lease of run {}; it runs out in {}: {}", drive.runId,
            Durations.format(lease), e.getMessage()));
  }

  private void finishDriving(Drive drive) {
    vertx.cancelTimer(drive.renewTimer);
    drives.remove(drive.runId, drive);
    repository.pool().withConnection(conn -> DeploymentStore.releaseLease(conn, drive.runId, drive.token))
        .onFailure(drive.logged(e -> LOG.warn("Could not release the lease of run {}: {}", drive.runId,
            e.getMessage())));
  }

  // Steps

  /** Runs the step the run's stored status calls for, and the next, until the run is finished. */
  private void advance(Drive drive) {
    if (drives.get(drive.runId) != drive || drive.stopping()) {
      return;
    }
    Promise<Void> underway = Promise.promise();
    drive.step = underway.future();
    repository.find(drive.runId)
        .compose(found -> {
          TrackedRun tracked = found.orElseThrow(() -> new RunRepository.NoSuchRunException(drive.runId));
          drive.deployment = tracked.deployment();
          if (!RunStatus.IN_FLIGHT.contains(tracked.run().status())) {
            return Future.succeededFuture(false);
          }
          RunMdc.Scope scope = RunMdc.enter(tracked);
          try {
            Service.Environment env = environmentOf(tracked.deployment());
            Step step = plan.next(tracked, env);
            return step.run(new StepContext(vertx, this, drive, tracked, env))
                .compose(result -> driven(drive, step.finishedAction(),
                    (conn, now) -> next.after(conn, now, step, result, drive.abortedBy, env)))
                .onSuccess(more -> {
                  if (!step.rollback() && drive.aborted()) {
                    note(RunNote.aborted(drive.runId, drive.abortingUser()));
                  }
                });
          } finally {
            scope.close();
          }
        })
        .andThen(done -> underway.complete())
        .onSuccess(drive.logged(more -> {
          if (more) {
            advance(drive);
          } else {
            finishDriving(drive);
          }
        }))
        .onFailure(drive.logged(e -> failed(drive, e)));
  }

  private void failed(Drive drive, Throwable e) {
    if (e instanceof Drive.Stopping) {
      return;
    }
    if (e instanceof Drive.LeaseLost) {
      LOG.warn("Run {}: {}", drive.runId, e.getMessage());
      halt(drive);
      return;
    }
    int failures = driveFailures.merge(drive.runId, 1, Integer::sum);
    if (failures >= GIVE_UP_AFTER || e instanceof IllegalStateException) {
      LOG.error("Deploy run {} failed {} times; giving it up", drive.runId, failures, e);
      giveUp(drive, e);
      return;
    }
    LOG.error("Deploy run {} stopped on an error; it is taken up again when its lease runs out", drive.runId, e);
    halt(drive);
  }

  /**
   * A run that fails the same way on every pass would hold its environment's in-flight slot
   * forever, with no button to get it out; after a few passes it ends, saying why.
   */
  private void giveUp(Drive drive, Throwable cause) {
    String why = "Preflight could not carry this deploy on: " + cause.getMessage();
    driven(drive, "deploy.given_up", (conn, now) -> next.givenUp(conn, now, why))
        .onComplete(drive.logged(done -> {
          driveFailures.remove(drive.runId);
          note(RunNote.givenUp(drive.runId, why));
          finishDriving(drive);
        }));
  }

  /**
   * A write made while driving a run: only the lease holder may make it. Answers whether the
   * run still needs driving, i.e. is still in flight after the change.
   */
  Future<Boolean> driven(Drive drive, String action, BiFunction<SqlConnection, TrackedRun, Future<TrackedRun>> change) {
    if (drive.stopping() && (action == null || !STEP_RECORDS.contains(action))) {
      // What a stopped target saw is no outcome: the next drive, on another replica, finds its own.
      return Future.failedFuture(new Drive.Stopping(drive.runId));
    }
    return changes.apply(drive.runId, Origin.bot("deploy"), action, (conn, tracked) ->
        DeploymentStore.checkLease(conn, drive.runId, drive.token).compose(held -> {
          if (held.isEmpty()) {
            return Future.failedFuture(new Drive.LeaseLost(drive.runId));
          }
          // An abort accepted on any replica is seen here, before the outcome is written.
          held.get().ifPresent(drive::abort);
          return change.apply(conn, tracked);
        }))
        .map(after -> RunStatus.IN_FLIGHT.contains(after.run().status()));
  }

  /** An audit entry by the bot, written in the transaction of {@code conn}. */
  Future<Void> audit(SqlConnection conn, String runId, String action, JsonObject detail) {
    return repository.audit(conn, runId, Origin.bot("deploy"), action, detail);
  }

  void note(RunNote note) {
    for (Consumer<RunNote> listener : noteListeners) {
      try {
        listener.accept(note);
      } catch (RuntimeException e) {
        LOG.error("A note listener failed for run {}", note.runId(), e);
      }
    }
  }

  private Service.Environment environmentOf(Deployment d) {
    Service svc = config.services().get(d.service());
    Service.Environment env = svc == null ? null : svc.environments().get(d.environment());
    if (env == null || !env.deployable()) {
      throw new IllegalStateException("the config no longer deploys " + d.service() + " to " + d.environment());
    }
    return env;
  }
}
