package dev.preflight.deploy.run;

import dev.preflight.checklists.checklist.Checklist;
import dev.preflight.checklists.config.Durations;
import dev.preflight.checklists.config.PreflightConfig;
import dev.preflight.checklists.config.Service;
import dev.preflight.checklists.config.Suggestions;
import dev.preflight.checklists.deploy.DeployRules;
import dev.preflight.checklists.deploy.Deployment;
import dev.preflight.checklists.deploy.EnvLock;
import dev.preflight.checklists.deploy.LaunchGate;
import dev.preflight.checklists.deploy.Release;
import dev.preflight.checklists.deploy.Target;
import dev.preflight.checklists.deploy.VerifyResult;
import dev.preflight.checklists.run.ChecklistRun;
import dev.preflight.checklists.run.RunRuleException;
import dev.preflight.checklists.run.RunStatus;
import dev.preflight.checklists.run.Refusal;
import dev.preflight.checklists.run.RunEvent;
import dev.preflight.checklists.run.RunLifecycle;
import dev.preflight.checklists.secret.Variables;
import dev.preflight.deploy.target.DeployJob;
import dev.preflight.deploy.target.TargetOutcome;
import dev.preflight.deploy.target.Targets;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.SqlConnection;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * Deploy runs as a service. A deploy run is a checklist run (ticks, checks and sign-offs go
 * through {@link ChecklistRuns}) with a deployment attached: launch, the target, verification,
 * abort and rollback are here. Every change is announced through the same listeners as
 * {@link ChecklistRuns#onChange}; longer text for a run's thread through {@link #onNote}.
 *
 * <p>Failures that are the user's to fix ({@code RunRuleException}: an unknown service, a bad
 * version, a missing role, a gate that does not pass, a stale button) change nothing and carry
 * a message fit to show them as it is.
 *
 * <p>Every decision (launch, abort, rollback) is taken under the run's row lock and an advisory
 * lock on its service and environment, in the transaction that records it, so two clicks or two
 * replicas never both act. A run that is deploying, verifying or rolling back is driven by the
 * one replica holding its lease; the lease is renewed while it works, and a replica that finds
 * an expired lease takes the run over and carries on from the state stored step by step.
 */
public final class DeployRuns {

  private static final Logger LOG = LoggerFactory.getLogger(DeployRuns.class);
  private static final String UNIQUE_VIOLATION = "23505";
  private static final Duration PROGRESS_GAP = Duration.ofSeconds(1);
  private static final int GIVE_UP_AFTER = 3;
  private static final Duration TAKE_OVER_EVERY = Duration.ofSeconds(1);
  /** A target's own notes, still kept while it stops (a killed command's ending, say). */
  private static final Set<String> STEP_RECORDS = Set.of("deploy.step", "rollback.step");

  private final Vertx vertx;
  private final PreflightConfig config;
  private final ChecklistRuns runs;
  private final RunRepository repository;
  private final DeploymentStore store;
  private final Targets targets;
  private final VerificationExecutor verifier;
  private final Variables variables;
  private final Clock clock;
  private final Duration lease;
  private final String owner = "replica-" + UUID.randomUUID();
  private final List<Consumer<RunNote>> noteListeners = new CopyOnWriteArrayList<>();
  private final Map<String, Drive> drives = new ConcurrentHashMap<>();
  private final Map<String, Integer> driveFailures = new ConcurrentHashMap<>();
  private long sweepTimer = -1;
  private volatile boolean closed;
  /** Work that commits with a run's change of status, such as starting or stopping its watch. */
  private final List<StatusHook> statusHooks = new CopyOnWriteArrayList<>();

  /** @param lease how long a replica may go silent before another takes its deploys over */
  public DeployRuns(Vertx vertx, PreflightConfig config, ChecklistRuns runs, RunRepository repository,
      Targets targets, VerificationExecutor verifier, Variables variables, Clock clock, Duration lease) {
    this.vertx = vertx;
    this.config = config;
    this.runs = runs;
    this.repository = repository;
    this.store = new DeploymentStore(repository.pool());
    this.targets = targets;
    this.verifier = verifier;
    this.variables = variables;
    this.clock = clock;
    this.lease = lease;
    runs.onChange(this::launchWhenReady);
  }

  public DeploymentStore store() {
    return store;
  }

  /** How many runs this replica drives now, each under a lease it holds. */
  public int leasesHeld() {
    return drives.size();
  }

  /**
   * Work that must commit or roll back together with a deploy run's change of status, in the same transaction (the post-deploy watch starts when a run succeeds and stops
   * when a launch or a rollback supersedes it). Called only when the status changes.
   */
  @FunctionalInterface
  public interface StatusHook {
    Future<Void> changed(SqlConnection conn, TrackedRun before, TrackedRun after);
  }

  /** Registers work to run in the transaction of every change of a run's status. */
  public void onStatusChange(StatusHook hook) {
    statusHooks.add(hook);
  }

  /** Called with text for a run's thread, on the event loop; listeners must not block. */
  public void onNote(Consumer<RunNote> listener) {
    noteListeners.add(listener);
  }

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

  /** What a target or a verification returned once this replica began to stop is no outcome. */
  private static <T> Future<T> unlessStopping(Drive drive, T value) {
    return drive.stopping.future().isComplete() ? Future.failedFuture(new Stopping(drive.runId))
        : Future.succeededFuture(value);
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

  /** Gives a drive's lease back so another replica takes the run over at once. */
  private Future<Void> giveBack(Drive drive) {
    drives.remove(drive.runId, drive);
    return repository.pool().withConnection(conn -> DeploymentStore.releaseLease(conn, drive.runId, drive.token))
        .onFailure(e -> LOG.warn("Could not give back the lease of run {}; it runs out in {}: {}", drive.runId,
            Durations.format(lease), e.getMessage()));
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

  // Opening and launching

  /**
   * Opens a deploy run in the environment's channel with its checklist. Fails with
   * {@link ActiveRunException} when another run of the service and environment is active.
   *
   * @param actorRoles the roles the requesting user holds; one must be a deployer role
   */
  public Future<TrackedRun> open(String service, String version, String environment, Set<String> actorRoles,
      Origin origin) {
    try {
      Service svc = service(service);
      Service.Environment env = environment(svc, environment);
      if (!env.deployable()) {
        throw new RunRuleException("*" + service + "* in *" + environment + "* has no deploy target in the config; "
            + "`/checklist " + env.checklist() + "` runs its checklist on its own.");
      }
      DeployRules.versionRefusal(svc, version).ifPresent(DeployRuns::refuse);
      DeployRules.deployerRefusal(env, service, actorRoles).ifPresent(DeployRuns::refuse);
      Checklist checklist = config.checklist(env.checklist())
          .orElseThrow(() -> new RunRuleException("The checklist `" + env.checklist() + "` is not in the config."));
      String channel = config.channelId(env.channel())
          .or(() -> config.channelId(checklist.channel()))
          .orElseThrow(() -> new RunRuleException("No channel is configured for *" + service + "* in *"
              + environment + "*; add `channel:` to the environment in the config."));
      Deployment requested = Deployment.requested(service, environment, version);
      return runs.start(checklist, channel, origin, requested,
              conn -> DeploymentStore.lockEnvironment(conn, service, environment)
                  .compose(v -> DeploymentStore.activeRun(conn, service, environment, RunStatus.ACTIVE))
                  .compose(active -> active.isPresent()
                      ? Future.failedFuture(new AlreadyActive(active.get()))
                      : Future.succeededFuture()))
          .recover(e -> e instanceof AlreadyActive already
              ? repository.find(already.runId).compose(found -> Future.failedFuture(activeRun(found.orElse(null),
                  service, environment)))
              : Future.failedFuture(e));
    } catch (RunRuleException e) {
      return Future.failedFuture(e);
    }
  }

  /** Launches a run whose gates pass; the check and the start are one transaction. */
  public Future<TrackedRun> launch(String runId, Set<String> actorRoles, Origin origin) {
    String token = leaseToken();
    return change(runId, origin, "deploy.launched", (conn, tracked) -> {
      Deployment d = deploymentOf(tracked);
      Service.Environment env = environment(service(d.service()), d.environment());
      if (origin.actor() != null) {
        DeployRules.deployerRefusal(env, d.service(), actorRoles).ifPresent(DeployRuns::refuse);
      }
      return DeploymentStore.lockEnvironment(conn, d.service(), d.environment())
          .compose(v -> DeploymentStore.lockOf(conn, d.service(), d.environment()))
          .compose(lock -> DeploymentStore.activeRun(conn, d.service(), d.environment(), RunStatus.IN_FLIGHT)
              .compose(other -> DeploymentStore.latestRelease(conn, d.service(), d.environment())
                  .map(previous -> {
                    LaunchGate.require(tracked.run(), lock, other.filter(id -> !id.equals(runId)));
                    ChecklistRun deploying = move(tracked.run(), RunStatus.DEPLOYING);
                    String by = origin.actor() == null ? tracked.run().startedBy() : origin.actor();
                    return tracked.with(deploying).with(d.launched(by, clock.instant(), previous.orElse(null)));
                  })))
          .compose(after -> DeploymentStore.takeLease(conn, runId, token, lease).map(after));
    }).onSuccess(after -> drive(runId, token));
  }

  /** An environment with autoLaunch launches a run as soon as its gates pass. */
  private void launchWhenReady(TrackedRun tracked) {
    Deployment d = tracked.deployment();
    if (d == null || d.launched() || tracked.run().status() != RunStatus.READY) {
      return;
    }
    Service.Environment env = environmentOrNull(d);
    if (env != null && env.autoLaunch()) {
      launch(tracked.id(), Set.of(), Origin.bot("autoLaunch"))
          .onFailure(e -> LOG.info("Run {} was not launched by itself: {}", tracked.id(), e.getMessage()));
    }
  }

  /** Cancels a run that has not launched. */
  public Future<TrackedRun> cancel(String runId, Set<String> actorRoles, Origin origin) {
    return change(runId, origin, "run.cancelled", (conn, tracked) -> {
      Deployment d = deploymentOf(tracked);
      RunStatus status = tracked.run().status();
      if (status == RunStatus.DEPLOYING || status == RunStatus.VERIFYING) {
        refuse("This run is " + status.name().toLowerCase() + "; use Abort to stop it.");
      }
      if (!status.open()) {
        refuse("This run is " + describe(status) + "; there is nothing to cancel.");
      }
      boolean starter = tracked.run().startedBy().equals(origin.actor());
      if (!starter) {
        Service.Environment env = environment(service(d.service()), d.environment());
        DeployRules.deployerRefusal(env, d.service(), actorRoles)
            .ifPresent(why -> refuse(Refusal.cancelNotAllowed(d.service(), d.environment(), env.deployers())));
      }
      return Future.succeededFuture(tracked.with(tracked.run().cancel()).with(d.finished(clock.instant())));
    });
  }

  /** Stops a run that is deploying or verifying; it then fails (and rolls back if configured). */
  public Future<TrackedRun> abort(String runId, Set<String> actorRoles, Origin origin) {
    return change(runId, origin, "deploy.abort_requested", (conn, tracked) -> {
      Deployment d = deploymentOf(tracked);
      RunStatus status = tracked.run().status();
      if (status != RunStatus.DEPLOYING && status != RunStatus.VERIFYING) {
        refuse("This run is " + describe(status) + "; there is nothing to abort.");
      }
      Service.Environment env = environment(service(d.service()), d.environment());
      DeployRules.deployerRefusal(env, d.service(), actorRoles).ifPresent(DeployRuns::refuse);
      return DeploymentStore.requestAbort(conn, runId, origin.actor()).map(first -> {
        if (!first) {
          refuse("An abort of this run was already asked for; it is stopping.");
        }
        return tracked.with(d.withStep("Aborting", d.progress()));
      });
    }).onSuccess(after -> {
      Drive drive = drives.get(runId);
      if (drive != null) {
        drive.abort(origin.actor());
      }
    });
  }

  // Rollback

  /** Rolls a succeeded or failed run back to the release before it, and locks the environment. */
  public Future<TrackedRun> rollback(String runId, Set<String> actorRoles, Origin origin) {
    String token = leaseToken();
    return change(runId, origin, "rollback.started", (conn, tracked) -> {
      Deployment d = deploymentOf(tracked);
      Service.Environment env = environment(service(d.service()), d.environment());
      RunStatus status = tracked.run().status();
      switch (status) {
        case ROLLING_BACK -> refuse("This run is already rolling back"
            + (d.rollbackBy() == null ? " (started by Preflight)" : " (started by <@" + d.rollbackBy() + ">)")
            + "; nothing more was started.");
        case ROLLED_BACK -> refuse("This run was already rolled back"
            + (d.previous() == null ? "" : " to " + d.previous().version()) + "; nothing more was started.");
        case DEPLOYING, VERIFYING -> refuse("This run is still " + status.name().toLowerCase()
            + "; use Abort to stop it.");
        case PREPARING, READY, CANCELLED -> refuse("This run never deployed; there is nothing to roll back.");
        default -> { }
      }
      DeployRules.deployerRefusal(env, d.service(), actorRoles).ifPresent(DeployRuns::refuse);
      return DeploymentStore.lockEnvironment(conn, d.service(), d.environment())
          .compose(v -> DeploymentStore.activeRun(conn, d.service(), d.environment(), RunStatus.IN_FLIGHT))
          .compose(other -> {
            other.filter(id -> !id.equals(runId)).ifPresent(id ->
                refuse("Another run of *" + d.service() + "* in *" + d.environment() + "* is in flight (run `" + id
                    + "`); wait for it before rolling back."));
            return DeploymentStore.newerLaunchedRun(conn, d.service(), d.environment(), d.launchedAt());
          })
          .compose(newer -> {
            newer.ifPresent(id -> refuse("A newer deploy of *" + d.service() + "* to *" + d.environment()
                + "* launched after this one (run `" + id + "`); this button is stale. `/rollback " + d.service()
                + " " + d.environment() + "` rolls back the newest deploy."));
            return beginRollback(conn, tracked, env, origin.actor(), null);
          })
          .compose(after -> DeploymentStore.takeLease(conn, runId, token, lease).map(after));
    }).onSuccess(after -> drive(runId, token));
  }

  /** {@code /rollback}: rolls back the newest launched run of the service and environment. */
  public Future<TrackedRun> rollbackLatest(String service, String environment, Set<String> actorRoles,
      Origin origin) {
    return deployer(service, environment, actorRoles).compose(env -> store.latestLaunchedRun(service, environment))
        .compose(latest -> latest.isEmpty()
        ? Future.failedFuture(new RunRuleException("Preflight has not deployed *" + service + "* to *" + environment
            + "* yet, so it has no release to roll back to."))
        : rollback(latest.get(), actorRoles, origin));
  }

  /**
   * Moves a run to ROLLING_BACK and locks its environment, in the caller's transaction.
   *
   * @param by who asked, or null when the abort criteria did
   * @param why why the abort criteria rolled back; null when a person asked
   */
  private Future<TrackedRun> beginRollback(SqlConnection conn, TrackedRun tracked, Service.Environment env,
      String by, String why) {
    Deployment d = deploymentOf(tracked);
    rollbackRefusal(env, d).ifPresent(DeployRuns::refuse);
    ChecklistRun rolling = move(tracked.run(), RunStatus.ROLLING_BACK);
    Deployment requested = d.rollbackRequested(by, clock.instant(), why)
        .withRollbackState(Map.of())
        .withRollbackVerification(List.of());
    EnvLock lock = EnvLock.rolledBack(d.service(), d.environment(), d.version(), by, why, clock.instant());
    return DeploymentStore.putLock(conn, lock)
        .compose(v -> DeploymentStore.clearAbort(conn, tracked.id()))
        .map(v -> tracked.with(rolling).with(requested));
  }

  /** A rollback needs something to go back to. */
  private static Optional<String> rollbackRefusal(Service.Environment env, Deployment d) {
    Target target = env.target();
    if (target instanceof Target.Command command) {
      return command.rollback().isEmpty()
          ? Optional.of("*" + d.service() + "* in *" + d.environment() + "* has no rollback command in the config.")
          : Optional.empty();
    }
    boolean possible = target instanceof Target.Ecs
        ? d.deployState().get("previousTaskDefinition") != null
            || (d.previous() != null && d.previous().revision() != null)
        : d.previous() != null && d.previous().version() != null;
    return possible ? Optional.empty() : Optional.of("There is no earlier release of *" + d.service() + "* in *"
        + d.environment() + "* on record to roll back to.");
  }

  // Locks

  public Future<EnvLock> lock(String service, String environment, String reason, Set<String> actorRoles,
      Origin origin) {
    if (reason == null || reason.isBlank()) {
      return deployer(service, environment, actorRoles).compose(env -> Future.failedFuture(new RunRuleException(
          "A lock needs a reason: `/lock " + service + " " + environment + " <reason>`.")));
    }
    EnvLock lock = EnvLock.manual(service, environment, reason.strip(), origin.actor(), clock.instant());
    return deployer(service, environment, actorRoles).compose(env -> repository.pool()
        .withTransaction(conn -> DeploymentStore.lockEnvironment(conn, service, environment)
            .compose(v -> DeploymentStore.putLock(conn, lock))
            .compose(v -> repository.audit(conn, null, origin, "environment.locked",
                new JsonObject().put("service", service).put("environment", environment).put("reason", reason.strip())))
            .map(lock)))
        .onSuccess(v -> refreshEnvironment(service, environment));
  }

  /** Empty when the environment was not locked. */
  public Future<Optional<EnvLock>> unlock(String service, String environment, Set<String> actorRoles,
      Origin origin) {
    return deployer(service, environment, actorRoles).compose(env -> repository.pool()
        .withTransaction(conn -> DeploymentStore.lockEnvironment(conn, service, environment)
            .compose(v -> DeploymentStore.removeLock(conn, service, environment))
            .compose(removed -> removed.isEmpty() ? Future.succeededFuture(removed)
                : repository.audit(conn, null, origin, "environment.unlocked",
                    new JsonObject().put("service", service).put("environment", environment)).map(removed))))
        .onSuccess(removed -> refreshEnvironment(service, environment));
  }

  public Future<Optional<EnvLock>> lockOf(String service, String environment) {
    return store.lockOf(service, environment);
  }

  public Future<Overview> overview() {
    Future<List<TrackedRun>> active = store.activeDeployRunIds().compose(ids -> {
      List<Future<Optional<TrackedRun>>> found = ids.stream().map(repository::find).toList();
      return Future.all(found).map(all -> found.stream().map(Future::result).flatMap(Optional::stream).toList());
    });
    Future<List<EnvLock>> locks = store.locks();
    Future<List<Release>> releases = store.latestReleases();
    return Future.all(active, locks, releases)
        .map(all -> new Overview(active.result(), locks.result(), releases.result()));
  }

  /** The messages of an environment's open runs show its lock; bring them up to date. */
  private void refreshEnvironment(String service, String environment) {
    store.activeDeployRunIds(service, environment)
        .onSuccess(ids -> ids.forEach(id -> repository.find(id).onSuccess(found -> found.ifPresent(runs::announce))));
  }

  // Driving a run through its deploy

  /**
   * Starts working on a run this replica now holds the lease of. A drive of the same run that
   * is still here has lost its lease (or it would not have been claimed again) and is halted.
   */
  private void drive(String runId, String token) {
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

  /** Does the next step for the run's stored status, until it is finished. */
  private void advance(Drive drive) {
    if (drives.get(drive.runId) != drive || drive.stopping.future().isComplete()) {
      return;
    }
    Promise<Void> step = Promise.promise();
    drive.step = step.future();
    repository.find(drive.runId)
        .compose(found -> {
          TrackedRun tracked = found.orElseThrow(() -> new RunRepository.NoSuchRunException(drive.runId));
          drive.deployment = tracked.deployment();
          RunMdc.Scope scope = RunMdc.enter(tracked);
          try {
            return switch (tracked.run().status()) {
              case DEPLOYING -> deployStep(drive, tracked);
              case VERIFYING -> verifyStep(drive, tracked, false);
              case ROLLING_BACK -> tracked.deployment().rollbackState().containsKey("outcome")
                  ? verifyStep(drive, tracked, true)
                  : rollbackStep(drive, tracked);
              default -> Future.succeededFuture(false);
            };
          } finally {
            scope.close();
          }
        })
        .andThen(done -> step.complete())
        .onSuccess(drive.logged(more -> {
          if (more) {
            advance(drive);
          } else {
            finishDriving(drive);
          }
        }))
        .onFailure(drive.logged(e -> {
          if (e instanceof Stopping) {
            return;
          }
          if (e instanceof LeaseLost) {
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
          LOG.error("Deploy run {} stopped on an error; it is taken up again when its lease runs out",
              drive.runId, e);
          halt(drive);
        }));
  }

  /**
   * A run that fails the same way on every pass would hold its environment's in-flight slot
   * forever, with no button to get it out; after a few passes it ends, saying why.
   */
  private void giveUp(Drive drive, Throwable cause) {
    String why = "Preflight could not carry this deploy on: " + cause.getMessage();
    driven(drive, "deploy.given_up", (conn, now) -> {
      RunStatus end = now.run().status() == RunStatus.ROLLING_BACK ? RunStatus.ROLLBACK_FAILED : RunStatus.FAILED;
      return finish(now.with(move(now.run(), end)).with(now.deployment().failed(why)));
    }).onComplete(drive.logged(done -> {
      driveFailures.remove(drive.runId);
      note(drive.runId, why);
      finishDriving(drive);
    }));
  }

  private void finishDriving(Drive drive) {
    vertx.cancelTimer(drive.renewTimer);
    drives.remove(drive.runId, drive);
    repository.pool().withConnection(conn -> DeploymentStore.releaseLease(conn, drive.runId, drive.token))
        .onFailure(drive.logged(e -> LOG.warn("Could not release the lease of run {}: {}", drive.runId,
            e.getMessage())));
  }

  private Future<Boolean> deployStep(Drive drive, TrackedRun tracked) {
    Deployment d = tracked.deployment();
    Service.Environment env = environmentOf(d);
    DeployJob job = new DeployJob(tracked.id(), d.service(), d.environment(), d.version(), null, env.target(), variables);
    Journal journal = new Journal(drive, false, d.deployState(), drive.abort.future());
    return targets.forTarget(env.target()).deploy(job, journal)
        .recover(e -> Future.succeededFuture(TargetOutcome.failure("The deploy errored: " + e.getMessage(), null)))
        .compose(outcome -> journal.settled().map(outcome))
        .compose(outcome -> unlessStopping(drive, outcome))
        .compose(outcome -> {
          if (outcome.detail() != null) {
            note(tracked.id(), (outcome.succeeded() ? "Deploy output" : "Deploy failed") + ": " + outcome.summary()
                + "\n" + codeBlock(outcome.detail()));
          }
          return driven(drive, "deploy.finished", (conn, now) -> {
            boolean aborted = drive.abortedBy != null;
            Deployment cur = now.deployment();
            Map<String, String> state = new LinkedHashMap<>(cur.deployState());
            state.put("outcome", outcome.succeeded() && !aborted ? "succeeded" : "failed");
            state.put("summary", outcome.summary());
            if (outcome.revision() != null) {
              state.put("revision", outcome.revision());
            }
            Deployment recorded = cur.withDeployState(state);
            if (outcome.succeeded() && !aborted) {
              return Future.succeededFuture(now.with(move(now.run(), RunStatus.VERIFYING))
                  .with(recorded.withStep("Verifying", outcome.summary())));
            }
            String why = aborted ? abortText(drive) : outcome.summary();
            boolean rollBack = env.abort().automaticRollback()
                && (aborted || env.abort().abortsOnDeployFailure())
                && rollbackRefusal(env, recorded).isEmpty();
            return failOrRollBack(conn, now.with(recorded.failed(why)), env, rollBack, why);
          });
        });
  }

  private Future<Boolean> verifyStep(Drive drive, TrackedRun tracked, boolean afterRollback) {
    Deployment d = tracked.deployment();
    Service.Environment env = environmentOf(d);
    Future<Void> aborted = Future.any(afterRollback ? Promise.<Void>promise().future() : drive.abort.future(),
        drive.stopping.future()).mapEmpty();
    List<VerifyResult> seen = new ArrayList<>();
    return driven(drive, null, (conn, now) -> Future.succeededFuture(now.with(
            (afterRollback ? now.deployment().withRollbackVerification(List.of())
                : now.deployment().withVerification(List.of()))
                .withStep(afterRollback ? "Verifying the rollback" : "Verifying", now.deployment().progress()))))
        .compose(v -> verifier.verify(env.verify(), placeholders(d, afterRollback), result -> {
          seen.add(result);
          List<VerifyResult> sofar = List.copyOf(seen);
          drive.writes = drive.writes.compose(x -> driven(drive, null, (conn, now) -> Future.succeededFuture(
              now.with(afterRollback ? now.deployment().withRollbackVerification(sofar)
                  : now.deployment().withVerification(sofar)))).<Void>mapEmpty());
        }, aborted))
        .compose(results -> drive.writes.otherwiseEmpty().map(results))
        .compose(results -> unlessStopping(drive, results))
        .compose(results -> {
          List<VerifyResult> failed = results.stream().filter(r -> !r.passed()).toList();
          if (!failed.isEmpty()) {
            note(tracked.id(), (afterRollback ? "Verification after the rollback failed" : "Verification failed")
                + ":\n" + failed.stream().map(DeployRuns::describe).reduce((a, b) -> a + "\n" + b).orElse(""));
          }
          return driven(drive, afterRollback ? "rollback.verified" : "deploy.verified", (conn, now) -> {
            boolean wasAborted = !afterRollback && drive.abortedBy != null;
            Deployment cur = afterRollback ? now.deployment().withRollbackVerification(results)
                : now.deployment().withVerification(results);
            if (afterRollback) {
              RunStatus end = failed.isEmpty() ? RunStatus.ROLLED_BACK : RunStatus.ROLLBACK_FAILED;
              return finish(now.with(move(now.run(), end)).with(cur));
            }
            if (failed.isEmpty() && !wasAborted) {
              Release release = new Release(cur.service(), cur.environment(), cur.version(),
                  cur.deployState().get("revision"), now.id(), cur.launchedBy(), clock.instant(), Release.DEPLOY);
              return DeploymentStore.addRelease(conn, release)
                  .compose(x -> finish(now.with(move(now.run(), RunStatus.SUCCEEDED)).with(cur)));
            }
            String why = wasAborted ? abortText(drive)
                : failed.get(0).title() + ": " + failed.get(0).evidence().summary();
            boolean criterion = wasAborted || failed.stream().anyMatch(env.abort()::abortsOn);
            boolean rollBack = env.abort().automaticRollback() && criterion && rollbackRefusal(env, cur).isEmpty();
            return failOrRollBack(conn, now.with(cur.failed(why)), env, rollBack, why);
          });
        });
  }

  private Future<Boolean> rollbackStep(Drive drive, TrackedRun tracked) {
    Deployment d = tracked.deployment();
    Service.Environment env = environmentOf(d);
    Release previous = d.previous();
    // The last good release is restored; for ECS, without one on record, the task definition the
    // service ran before this deploy is.
    boolean onRecord = previous != null && previous.revision() != null;
    String revision = onRecord || !(env.target() instanceof Target.Ecs)
        ? (previous == null ? null : previous.revision())
        : d.deployState().get("previousTaskDefinition");
    String version = previous == null ? null : previous.version();
    DeployJob job = new DeployJob(tracked.id(), d.service(), d.environment(), version, revision, env.target(), variables);
    Journal journal = new Journal(drive, true, d.rollbackState(), Promise.<Void>promise().future());
    return targets.forTarget(env.target()).rollback(job, journal)
        .recover(e -> Future.succeededFuture(TargetOutcome.failure("The rollback errored: " + e.getMessage(), null)))
        .compose(outcome -> journal.settled().map(outcome))
        .compose(outcome -> unlessStopping(drive, outcome))
        .compose(outcome -> {
          if (outcome.detail() != null || !outcome.succeeded()) {
            note(tracked.id(), (outcome.succeeded() ? "Rollback output" : "Rollback failed") + ": " + outcome.summary()
                + (outcome.detail() == null ? "" : "\n" + codeBlock(outcome.detail())));
          }
          return driven(drive, "rollback.finished", (conn, now) -> {
            Deployment cur = now.deployment();
            Map<String, String> state = new LinkedHashMap<>(cur.rollbackState());
            state.put("outcome", outcome.succeeded() ? "succeeded" : "failed");
            state.put("summary", outcome.summary());
            Deployment recorded = cur.withRollbackState(state).withStep(null, outcome.summary());
            if (!outcome.succeeded()) {
              return finish(now.with(move(now.run(), RunStatus.ROLLBACK_FAILED))
                  .with(recorded.failed(cur.failure() == null ? outcome.summary() : cur.failure())));
            }
            Release restored = new Release(cur.service(), cur.environment(), version,
                outcome.revision() != null ? outcome.revision() : revision, now.id(), cur.rollbackBy(), clock.instant(),
                Release.ROLLBACK);
            return DeploymentStore.addRelease(conn, restored).map(x -> now.with(recorded));
          }).map(more -> outcome.succeeded());
        });
  }

  private Future<TrackedRun> failOrRollBack(SqlConnection conn, TrackedRun failing, Service.Environment env,
      boolean rollBack, String why) {
    TrackedRun failed = failing.with(move(failing.run(), RunStatus.FAILED));
    return rollBack ? beginRollback(conn, failed, env, null, why) : finish(failed);
  }

  private Future<TrackedRun> finish(TrackedRun tracked) {
    return Future.succeededFuture(tracked.with(tracked.deployment().finished(clock.instant())));
  }

  private Map<String, String> placeholders(Deployment d, boolean afterRollback) {
    if (!afterRollback || d.previous() == null || d.previous().version() == null) {
      return d.placeholders();
    }
    return dev.preflight.checklists.deploy.Placeholders.of(d.service(), d.previous().version(), d.environment());
  }

  /**
   * A write made while driving a run: only the lease holder may make it. Answers whether the
   * run still needs driving, i.e. is still in flight after the change.
   */
  private Future<Boolean> driven(Drive drive, String action,
      BiFunction<SqlConnection, TrackedRun, Future<TrackedRun>> change) {
    if (drive.stopping.future().isComplete() && (action == null || !STEP_RECORDS.contains(action))) {
      // What a stopped target saw is no outcome: the next drive, on another replica, finds its own.
      return Future.failedFuture(new Stopping(drive.runId));
    }
    return change(drive.runId, Origin.bot("deploy"), action, (conn, tracked) ->
        DeploymentStore.checkLease(conn, drive.runId, drive.token).compose(held -> {
          if (held.isEmpty()) {
            return Future.failedFuture(new LeaseLost(drive.runId));
          }
          // An abort accepted on any replica is seen here, before the outcome is written.
          held.get().ifPresent(drive::abort);
          return change.apply(conn, tracked);
        }))
        .map(after -> RunStatus.IN_FLIGHT.contains(after.run().status()));
  }

  /**
   * Applies a change to a run as stored, under its row lock, and writes it with an audit entry
   * (none when {@code action} is null) in one transaction; announces it after the commit.
   */
  private Future<TrackedRun> change(String runId, Origin origin, String action,
      BiFunction<SqlConnection, TrackedRun, Future<TrackedRun>> change) {
    return repository.pool()
        .withTransaction(conn -> repository.lock(conn, runId).compose(before -> {
          Future<TrackedRun> changed;
          try {
            changed = change.apply(conn, before);
          } catch (RuntimeException e) {
            return Future.failedFuture(e);
          }
          return changed.compose(after -> repository.saveChanges(conn, before.run(), after.run())
              .compose(v -> statusHooks(conn, before, after))
              .compose(v -> after.deployment() == null || after.deployment().equals(before.deployment())
                  ? Future.succeededFuture()
                  : DeploymentStore.save(conn, runId, after.deployment()))
              .compose(v -> action == null ? Future.succeededFuture()
                  : repository.audit(conn, runId, origin, action, auditDetail(before, after)))
              .map(after));
        }))
        .recover(DeployRuns::explainConflict)
        .onSuccess(runs::announce);
  }

  /** Runs the status hooks one after the other, in the change's transaction. */
  private Future<Void> statusHooks(SqlConnection conn, TrackedRun before, TrackedRun after) {
    Future<Void> chain = Future.succeededFuture();
    if (before.run().status() == after.run().status()) {
      return chain;
    }
    for (StatusHook hook : statusHooks) {
      chain = chain.compose(v -> hook.changed(conn, before, after));
    }
    return chain;
  }

  private static JsonObject auditDetail(TrackedRun before, TrackedRun after) {
    JsonObject detail = new JsonObject();
    if (before.run().status() != after.run().status()) {
      detail.put("from", before.run().status().name()).put("to", after.run().status().name());
    }
    if (after.deployment() != null && after.deployment().failure() != null) {
      detail.put("failure", after.deployment().failure());
    }
    return detail;
  }

  /** The unique index on in-flight runs is the last line of defence; say what it means. */
  private static <T> Future<T> explainConflict(Throwable e) {
    if (e instanceof PgException pg && UNIQUE_VIOLATION.equals(pg.getSqlState())
        && String.valueOf(pg.getMessage()).contains("runs_one_in_flight")) {
      return Future.failedFuture(new RunRuleException(
          "Another run of this service and environment is deploying right now; nothing was started."));
    }
    return Future.failedFuture(e);
  }

  private void note(String runId, String text) {
    RunNote note = new RunNote(runId, text);
    for (Consumer<RunNote> listener : noteListeners) {
      try {
        listener.accept(note);
      } catch (RuntimeException e) {
        LOG.error("A note listener failed for run {}", runId, e);
      }
    }
  }

  // Lookups and small helpers

  private Service service(String name) {
    Service svc = config.services().get(name);
    if (svc == null) {
      refuse("There is no service `" + name + "`. " + Suggestions.closest(name, config.services().keySet())
          .map(known -> "Did you mean `" + known + "`? ").orElse("")
          + "Known services: " + String.join(", ", config.services().keySet().stream().sorted().toList()) + ".");
    }
    return svc;
  }

  /** The environment, when it exists and the roles include one of its deployers; a refusal otherwise. */
  private Future<Service.Environment> deployer(String service, String environment, Set<String> roles) {
    try {
      Service.Environment env = environment(service(service), environment);
      DeployRules.deployerRefusal(env, service, roles).ifPresent(DeployRuns::refuse);
      return Future.succeededFuture(env);
    } catch (RunRuleException e) {
      return Future.failedFuture(e);
    }
  }

  private static Service.Environment environment(Service svc, String name) {
    return svc.environment(name).orElseThrow(() -> new RunRuleException("*" + svc.name()
        + "* has no environment `" + name + "`. " + Suggestions.closest(name, svc.environments().keySet())
        .map(known -> "Did you mean `" + known + "`? ").orElse("")
        + "Its environments: " + String.join(", ", svc.environments().keySet().stream().sorted().toList()) + "."));
  }

  private Service.Environment environmentOf(Deployment d) {
    Service.Environment env = environmentOrNull(d);
    if (env == null || !env.deployable()) {
      throw new IllegalStateException("the config no longer deploys " + d.service() + " to " + d.environment());
    }
    return env;
  }

  private Service.Environment environmentOrNull(Deployment d) {
    Service svc = config.services().get(d.service());
    return svc == null ? null : svc.environments().get(d.environment());
  }

  private static Deployment deploymentOf(TrackedRun tracked) {
    if (tracked.deployment() == null) {
      refuse("This is a checklist run, not a deploy; it has nothing to launch or roll back.");
    }
    return tracked.deployment();
  }

  private static ChecklistRun move(ChecklistRun run, RunStatus to) {
    return run.withStatus(RunLifecycle.eventBetween(run.status(), to)
        .map(event -> RunLifecycle.require(run.status(), event))
        .orElseThrow(() -> new IllegalStateException("no event moves a " + run.status() + " run to " + to)));
  }

  private static String abortText(Drive drive) {
    return "Aborted by " + ("preflight".equals(drive.abortedBy) ? "Preflight" : "<@" + drive.abortedBy + ">");
  }

  private static String describe(RunStatus status) {
    return status.name().toLowerCase().replace('_', ' ');
  }

  /** Output shown as it is: in a code block, which the output itself cannot close. */
  private static String codeBlock(String output) {
    return "```\n" + output.replace("```", "ˋˋˋ") + "\n```";
  }

  private static String describe(VerifyResult result) {
    StringBuilder text = new StringBuilder("• " + result.title() + ": " + result.evidence().summary());
    if (result.evidence().error() != null) {
      text.append(" (").append(result.evidence().error()).append(')');
    }
    for (VerifyResult.StepResult step : result.steps()) {
      text.append("\n    ").append(step.evidence().passed() ? "✓ " : "✗ ").append(step.name()).append(": ")
          .append(step.evidence().summary());
    }
    if (result.evidence().excerpt() != null && result.steps().isEmpty()) {
      text.append("\n").append(codeBlock(result.evidence().excerpt()));
    }
    return text.toString();
  }

  private static ActiveRunException activeRun(TrackedRun active, String service, String environment) {
    String what = active == null || active.deployment() == null ? ""
        : " (" + active.deployment().version() + ", " + describe(active.run().status()) + ")";
    return new ActiveRunException(active, "*" + service + "* in *" + environment + "* already has an active run"
        + what + ". Finish or cancel it before opening another.");
  }

  private String leaseToken() {
    return owner + "/" + UUID.randomUUID();
  }

  private static void refuse(String why) {
    throw new RunRuleException(why);
  }

  private static void refuse(Refusal why) {
    throw new RunRuleException(why);
  }

  /** A run this replica is working on. */
  private static final class Drive {
    final String runId;
    final String token;
    final Promise<Void> abort = Promise.promise();
    /** Completes when this replica stops: the target stops as it would on an abort, but nothing is decided. */
    final Promise<Void> stopping = Promise.promise();
    /** The step under way; the lease is given back once it has settled. */
    volatile Future<Void> step = Future.succeededFuture();
    volatile String abortedBy;
    /** Known once the run has been read; names the service in the log lines of this drive. */
    volatile Deployment deployment;
    long renewTimer = -1;
    Future<Void> writes = Future.succeededFuture();

    Drive(String runId, String token) {
      this.runId = runId;
      this.token = token;
    }

    /** {@code handler} with this drive's run in the logging MDC. */
    <T> io.vertx.core.Handler<T> logged(io.vertx.core.Handler<T> handler) {
      return value -> RunMdc.around(runId, deployment, handler).handle(value);
    }

    void abort(String by) {
      if (abortedBy == null) {
        abortedBy = by == null ? "preflight" : by;
      }
      abort.tryComplete();
    }
  }

  /** The target's notebook, stored in the deployment's deploy or rollback state. */
  private final class Journal implements dev.preflight.deploy.target.TargetJournal {
    private final Drive drive;
    private final boolean rollback;
    private final Map<String, String> state;
    private final Future<Void> aborted;
    private Future<Void> writes = Future.succeededFuture();
    private String pendingStep;
    private String pendingDetail;
    private boolean progressQueued;
    private long lastProgress;
    private boolean closed;

    Journal(Drive drive, boolean rollback, Map<String, String> state, Future<Void> aborted) {
      this.drive = drive;
      this.rollback = rollback;
      this.state = new ConcurrentHashMap<>(state);
      this.aborted = aborted;
    }

    @Override
    public Map<String, String> state() {
      return Map.copyOf(state);
    }

    @Override
    public Future<Void> record(Map<String, String> entries) {
      state.putAll(entries);
      Map<String, String> snapshot = Map.copyOf(state);
      Future<Void> write = writes.otherwiseEmpty().compose(v -> driven(drive, rollback ? "rollback.step" : "deploy.step",
          (conn, now) -> Future.succeededFuture(now.with(rollback
              ? now.deployment().withRollbackState(snapshot) : now.deployment().withDeployState(snapshot))))
          .<Void>mapEmpty());
      writes = write;
      return write;
    }

    @Override
    public void progress(String step, String detail) {
      pendingStep = step;
      pendingDetail = detail;
      if (progressQueued) {
        return;
      }
      progressQueued = true;
      long wait = Math.max(1, lastProgress + PROGRESS_GAP.toMillis() - System.currentTimeMillis());
      vertx.setTimer(wait, id -> {
        progressQueued = false;
        if (closed) {
          return;
        }
        lastProgress = System.currentTimeMillis();
        String s = pendingStep;
        String d = pendingDetail;
        writes = writes.otherwiseEmpty().compose(v -> driven(drive, null,
            (conn, now) -> Future.succeededFuture(now.with(now.deployment().withStep(s, d)))).<Void>mapEmpty())
            .onFailure(e -> LOG.debug("Progress of run {} not stored: {}", drive.runId, e.getMessage()));
      });
    }

    @Override
    public Future<Void> aborted() {
      return aborted;
    }

    @Override
    public Future<Void> stopping() {
      return drive.stopping.future();
    }

    /** Waits for writes still under way, so the outcome is stored after them. */
    Future<Void> settled() {
      closed = true;
      return writes.otherwiseEmpty();
    }
  }

  private static final class AlreadyActive extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final String runId;

    AlreadyActive(String runId) {
      super("already active: " + runId, null, false, false);
      this.runId = runId;
    }
  }

  private static final class Stopping extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Stopping(String runId) {
      super("this replica is stopping; run " + runId + " is left for another", null, false, false);
    }
  }

  private static final class LeaseLost extends RuntimeException {
    private static final long serialVersionUID = 1L;

    LeaseLost(String runId) {
      super("the lease of run " + runId + " is held by another replica now", null, false, false);
    }
  }
}
