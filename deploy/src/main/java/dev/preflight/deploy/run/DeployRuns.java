package dev.preflight.deploy.run;

import dev.preflight.checklists.checklist.Checklist;
import dev.preflight.checklists.config.PreflightConfig;
import dev.preflight.checklists.config.Service;
import dev.preflight.checklists.config.Suggestions;
import dev.preflight.checklists.deploy.DeployRules;
import dev.preflight.checklists.deploy.Deployment;
import dev.preflight.checklists.deploy.EnvLock;
import dev.preflight.checklists.deploy.LaunchGate;
import dev.preflight.checklists.deploy.Release;
import dev.preflight.checklists.run.ChecklistRun;
import dev.preflight.checklists.run.RunRuleException;
import dev.preflight.checklists.run.RunStatus;
import dev.preflight.checklists.run.Refusal;
import dev.preflight.checklists.run.RunEvent;
import dev.preflight.checklists.run.RunLifecycle;
import dev.preflight.checklists.secret.Variables;
import dev.preflight.deploy.runner.CanaryStageState;
import dev.preflight.deploy.action.Actions;
import dev.preflight.deploy.runner.RollbackStart;
import dev.preflight.deploy.runner.RunDriver;
import dev.preflight.deploy.target.Targets;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deploy runs as a service: what users ask of them. A deploy run is a checklist run (ticks,
 * checks and sign-offs go through {@link ChecklistRuns}) with a deployment attached: open,
 * launch, cancel, abort and rollback, environment locks and the overview are here. Once a run is
 * launched, {@link RunDriver} (package {@code deploy.runner}) drives it through its steps.
 * Every change is announced through the same listeners as {@link ChecklistRuns#onChange}; notes
 * for a run's thread through {@link #onNote}.
 *
 * <p>Failures that are the user's to fix ({@code RunRuleException}: an unknown service, a bad
 * version, a missing role, a gate that does not pass, a stale button) change nothing and carry
 * a message fit to show them as it is.
 *
 * <p>Every decision (launch, abort, rollback) is taken under the run's row lock and an advisory
 * lock on its service and environment, in the transaction that records it, so two clicks or two
 * replicas never both act; a launch or a rollback takes the run's lease in that transaction.
 */
public final class DeployRuns {

  private static final Logger LOG = LoggerFactory.getLogger(DeployRuns.class);

  private final PreflightConfig config;
  private final ChecklistRuns runs;
  private final RunRepository repository;
  private final DeploymentStore store;
  private final RunChanges changes;
  private final RunDriver driver;
  private final Clock clock;
  private final Duration lease;
  private final List<BiConsumer<String, String>> lockListeners = new CopyOnWriteArrayList<>();

  /** @param lease how long a replica may go silent before another takes its deploys over */
  public DeployRuns(Vertx vertx, PreflightConfig config, ChecklistRuns runs, RunRepository repository,
      Targets targets, VerificationExecutor verifier, Variables variables, Clock clock, Duration lease) {
    this(vertx, config, runs, repository, targets, verifier, variables, clock, lease, Actions.builder().build());
  }

  /** @param actions runs the steps of the environments' pipelines ({@code steps:}), by kind */
  public DeployRuns(Vertx vertx, PreflightConfig config, ChecklistRuns runs, RunRepository repository,
      Targets targets, VerificationExecutor verifier, Variables variables, Clock clock, Duration lease,
      Actions actions) {
    this.config = config;
    this.runs = runs;
    this.repository = repository;
    this.store = new DeploymentStore(repository.pool());
    this.changes = new RunChanges(repository, runs);
    this.driver = new RunDriver(vertx, config, changes, repository, store, targets, verifier, variables, clock, lease,
        actions);
    this.clock = clock;
    this.lease = lease;
    runs.onChange(this::launchWhenReady);
  }

  public DeploymentStore store() {
    return store;
  }

  /** How many runs this replica drives now, each under a lease it holds. */
  public int leasesHeld() {
    return driver.leasesHeld();
  }

  /** Registers work to run in the transaction of every change of a run's status. */
  public void onStatusChange(StatusHook hook) {
    changes.onStatusChange(hook);
  }

  /**
   * Called with the service and environment after a lock was put on or taken off by
   * {@link #lock} or {@link #unlock}, on the event loop; listeners must not block.
   */
  public void onLockChange(BiConsumer<String, String> listener) {
    lockListeners.add(listener);
  }

  /** Called with notes for a run's thread, on the event loop; listeners must not block. */
  public void onNote(Consumer<RunNote> listener) {
    driver.onNote(listener);
  }

  /** Takes over deploys nobody drives, now and then every {@link #takeOverEvery()}: see {@link RunDriver#resume}. */
  public Future<Integer> resume() {
    return driver.resume();
  }

  public Duration takeOverEvery() {
    return driver.takeOverEvery();
  }

  /** Stops driving as this replica shuts down, giving the leases back: see {@link RunDriver#stop}. */
  public Future<Void> stop(Duration wait) {
    return driver.stop(wait);
  }

  /** Stops taking work at once, as if this replica died: see {@link RunDriver#close}. */
  public void close() {
    driver.close();
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
        refuse(Refusal.noDeployTarget(service, environment, env.checklist()));
      }
      DeployRules.versionRefusal(svc, version).ifPresent(DeployRuns::refuse);
      DeployRules.deployerRefusal(env, service, actorRoles).ifPresent(DeployRuns::refuse);
      Checklist checklist = config.checklist(env.checklist())
          .orElseThrow(() -> new RunRuleException(Refusal.noSuchChecklist(env.checklist())));
      String channel = config.channelId(env.channel())
          .or(() -> config.channelId(checklist.channel()))
          .orElseThrow(() -> new RunRuleException(Refusal.noChannel(service, environment)));
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
                    ChecklistRun deploying = move(tracked.run(), RunEvent.LAUNCH);
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
      RunLifecycle.require(tracked.run().status(), RunEvent.CANCEL);
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
      // ABORTING is stored: every replica sees it, and the driver stops the step.
      ChecklistRun aborting = move(tracked.run(), RunEvent.ABORT);
      Service.Environment env = environment(service(d.service()), d.environment());
      DeployRules.deployerRefusal(env, d.service(), actorRoles).ifPresent(DeployRuns::refuse);
      return DeploymentStore.requestAbort(conn, runId, origin.actor()).map(first -> {
        if (!first) {
          refuse(Refusal.ofStatus(Refusal.Code.ALREADY_ABORTING, status, RunEvent.ABORT));
        }
        return tracked.with(aborting).with(d.withStep("Aborting", d.progress()));
      });
    }).onSuccess(after -> driver.aborted(runId, origin.actor()));
  }

  // Canary stages

  /** Ends the hold of the canary stage the run holds now; the next stage follows (or verification, after the last). */
  public Future<TrackedRun> promoteStage(String runId, Set<String> actorRoles, Origin origin) {
    return canaryChange(runId, actorRoles, origin, "canary.promoted", (d, held) -> {
      if (CanaryStageState.promoted(d, held.stage())) {
        refuse(Refusal.of(Refusal.Code.CANARY_PROMOTED_ALREADY));
      }
      return d.withDeployState(held.promotedBy(d.deployState(), origin.actor()));
    });
  }

  /** Stops the clock of the canary stage's hold; the analysis keeps running. */
  public Future<TrackedRun> pauseStage(String runId, Set<String> actorRoles, Origin origin) {
    return canaryChange(runId, actorRoles, origin, "canary.paused", (d, held) -> {
      if (held.paused()) {
        refuse(Refusal.of(Refusal.Code.CANARY_PAUSED_ALREADY));
      }
      return d.withDeployState(held.pausedAt(d.deployState(), clock.instant()));
    });
  }

  /** Starts the clock of a paused hold again, with the time that was left when it stopped. */
  public Future<TrackedRun> resumeStage(String runId, Set<String> actorRoles, Origin origin) {
    return canaryChange(runId, actorRoles, origin, "canary.resumed", (d, held) -> {
      if (!held.paused()) {
        refuse(Refusal.of(Refusal.Code.CANARY_NOT_PAUSED));
      }
      return d.withDeployState(held.resumedAt(d.deployState(), clock.instant()));
    });
  }

  /** A deployer's change to the stage the run holds, audited; the replica driving the stage looks at once. */
  private Future<TrackedRun> canaryChange(String runId, Set<String> actorRoles, Origin origin, String action,
      BiFunction<Deployment, CanaryStageState, Deployment> change) {
    return change(runId, origin, action, (conn, tracked) -> {
      Deployment d = deploymentOf(tracked);
      Service.Environment env = environment(service(d.service()), d.environment());
      DeployRules.deployerRefusal(env, d.service(), actorRoles).ifPresent(DeployRuns::refuse);
      CanaryStageState held = tracked.run().status() != RunStatus.DEPLOYING ? null
          : CanaryStageState.of(d).orElse(null);
      if (held == null) {
        refuse(Refusal.of(Refusal.Code.NO_CANARY_STAGE).about(d.service(), d.environment()));
      }
      return Future.succeededFuture(tracked.with(change.apply(d, held)));
    }).onSuccess(after -> driver.canaryChanged(runId));
  }

  // Rollback

  /** Rolls a succeeded or failed run back to the release before it, and locks the environment. */
  public Future<TrackedRun> rollback(String runId, Set<String> actorRoles, Origin origin) {
    String token = leaseToken();
    return change(runId, origin, "rollback.started", (conn, tracked) -> {
      Deployment d = deploymentOf(tracked);
      Service.Environment env = environment(service(d.service()), d.environment());
      RunStatus status = tracked.run().status();
      if (RunLifecycle.next(status, RunEvent.ROLLBACK).isEmpty()) {
        refuse(RunLifecycle.refusal(status, RunEvent.ROLLBACK).about(d.service(), d.environment())
            .withUser(d.rollbackBy()).withVersion(d.previous() == null ? null : d.previous().version()));
      }
      DeployRules.rollbackRefusal(env, d.service(), actorRoles).ifPresent(DeployRuns::refuse);
      if (RollbackStart.nothingDeployed(d)) {
        refuse(Refusal.of(Refusal.Code.RUN_DEPLOYED_NOTHING).about(d.service(), d.environment()));
      }
      return DeploymentStore.lockEnvironment(conn, d.service(), d.environment())
          .compose(v -> DeploymentStore.activeRun(conn, d.service(), d.environment(), RunStatus.IN_FLIGHT))
          .compose(other -> {
            other.filter(id -> !id.equals(runId)).ifPresent(id ->
                refuse(Refusal.otherRunInFlight(d.service(), d.environment(), id, RunEvent.ROLLBACK)));
            return DeploymentStore.newerLaunchedRun(conn, d.service(), d.environment(), d.launchedAt());
          })
          .compose(newer -> {
            newer.ifPresent(id -> refuse(Refusal.newerDeploy(d.service(), d.environment(), id)));
            return beginRollback(conn, tracked, env, origin.actor(), null);
          })
          .compose(after -> DeploymentStore.takeLease(conn, runId, token, lease).map(after));
    }).onSuccess(after -> drive(runId, token));
  }

  /** {@code /rollback}: rolls back the newest launched run of the service and environment. */
  public Future<TrackedRun> rollbackLatest(String service, String environment, Set<String> actorRoles,
      Origin origin) {
    return rollbacker(service, environment, actorRoles).compose(env -> store.latestLaunchedRun(service, environment))
        .compose(latest -> latest.isEmpty()
        ? Future.failedFuture(new RunRuleException(Refusal.nothingDeployed(service, environment)))
        : rollback(latest.get(), actorRoles, origin));
  }

  /** Moves a run to ROLLING_BACK and locks its environment, in the caller's transaction. */
  private Future<TrackedRun> beginRollback(SqlConnection conn, TrackedRun tracked, Service.Environment env,
      String by, String why) {
    return RollbackStart.begin(conn, tracked, env, by, why, clock.instant());
  }

  // Locks

  public Future<EnvLock> lock(String service, String environment, String reason, Set<String> actorRoles,
      Origin origin) {
    if (reason == null || reason.isBlank()) {
      return deployer(service, environment, actorRoles).compose(env -> Future.failedFuture(new RunRuleException(
          Refusal.lockNeedsReason(service, environment))));
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
    lockListeners.forEach(listener -> listener.accept(service, environment));
    store.activeDeployRunIds(service, environment)
        .onSuccess(ids -> ids.forEach(id -> repository.find(id).onSuccess(found -> found.ifPresent(runs::announce))));
  }

  /** Writes a change to a run as stored, with an audit entry unless {@code action} is null. */
  private Future<TrackedRun> change(String runId, Origin origin, String action,
      BiFunction<SqlConnection, TrackedRun, Future<TrackedRun>> change) {
    return changes.apply(runId, origin, action, change);
  }

  private void drive(String runId, String token) {
    driver.drive(runId, token);
  }

  // Lookups and small helpers

  private Service service(String name) {
    Service svc = config.services().get(name);
    if (svc == null) {
      refuse(Refusal.noSuchService(name, Suggestions.closest(name, config.services().keySet()).orElse(null),
          config.services().keySet().stream().sorted().toList()));
    }
    return svc;
  }

  /** The environment, when it exists and the roles include one of its deployers; a refusal otherwise. */
  private Future<Service.Environment> deployer(String service, String environment, Set<String> roles) {
    return permitted(service, environment, env -> DeployRules.deployerRefusal(env, service, roles));
  }

  /** As {@link #deployer}, for a rollback: a refusal says it was a rollback that was refused. */
  private Future<Service.Environment> rollbacker(String service, String environment, Set<String> roles) {
    return permitted(service, environment, env -> DeployRules.rollbackRefusal(env, service, roles));
  }

  private Future<Service.Environment> permitted(String service, String environment,
      Function<Service.Environment, Optional<Refusal>> rule) {
    try {
      Service.Environment env = environment(service(service), environment);
      rule.apply(env).ifPresent(DeployRuns::refuse);
      return Future.succeededFuture(env);
    } catch (RunRuleException e) {
      return Future.failedFuture(e);
    }
  }

  private static Service.Environment environment(Service svc, String name) {
    return svc.environment(name).orElseThrow(() -> new RunRuleException(Refusal.noSuchEnvironment(svc.name(), name,
        Suggestions.closest(name, svc.environments().keySet()).orElse(null),
        svc.environments().keySet().stream().sorted().toList())));
  }

  private Service.Environment environmentOrNull(Deployment d) {
    Service svc = config.services().get(d.service());
    return svc == null ? null : svc.environments().get(d.environment());
  }

  private static Deployment deploymentOf(TrackedRun tracked) {
    if (tracked.deployment() == null) {
      refuse(Refusal.of(Refusal.Code.NOT_A_DEPLOY_RUN));
    }
    return tracked.deployment();
  }

  private static ChecklistRun move(ChecklistRun run, RunEvent event) {
    return run.withStatus(RunLifecycle.require(run.status(), event));
  }

  private static ActiveRunException activeRun(TrackedRun active, String service, String environment) {
    boolean known = active != null && active.deployment() != null;
    return new ActiveRunException(active, Refusal.activeRun(service, environment, active == null ? null : active.id(),
        known ? active.deployment().version() : null, known ? active.run().status() : null));
  }

  private String leaseToken() {
    return driver.newToken();
  }

  private static void refuse(Refusal why) {
    throw new RunRuleException(why);
  }

  private static final class AlreadyActive extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final String runId;

    AlreadyActive(String runId) {
      super("already active: " + runId, null, false, false);
      this.runId = runId;
    }
  }
}
