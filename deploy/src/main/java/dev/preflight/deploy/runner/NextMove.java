package dev.preflight.deploy.runner;

import dev.preflight.checklists.config.Service;
import dev.preflight.checklists.deploy.AbortDecision;
import dev.preflight.checklists.deploy.Deployment;
import dev.preflight.checklists.deploy.EnvLock;
import dev.preflight.checklists.run.ChecklistRun;
import dev.preflight.checklists.run.RunEvent;
import dev.preflight.checklists.run.RunLifecycle;
import dev.preflight.checklists.run.RunStatus;
import dev.preflight.deploy.run.DeploymentStore;
import dev.preflight.deploy.run.TrackedRun;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.time.Clock;

/**
 * What follows a step, written with its result in the driver's transaction, every move through
 * {@link RunLifecycle}: the step's pass; for a rollback's step that failed, ROLLBACK_FAILED; for
 * a deploy or verification that failed or was aborted, FAILED, then an automatic rollback when
 * {@link AbortDecision} says so. This is where the bot rolls back by itself. A step whose end is
 * unknown (its command was cut short by a shutdown) ends the run FAILED and locked, never rolled back.
 */
final class NextMove {

  private final Clock clock;

  NextMove(Clock clock) {
    this.clock = clock;
  }

  /**
   * @param now the run as stored now, under its row lock; ABORTING when someone aborted it
   * @param abortedBy who aborted the run ({@link Drive#PREFLIGHT} for the bot), or null when this
   *     drive knows of no abort
   */
  Future<TrackedRun> after(SqlConnection conn, TrackedRun now, Step step, StepResult result, String abortedBy,
      Service.Environment env) {
    Deployment seen = result.evidence().apply(now.deployment());
    boolean aborting = now.run().status() == RunStatus.ABORTING;
    boolean aborted = !step.rollback() && (aborting || abortedBy != null);
    if (result.passed() && !aborted) {
      Future<Void> release = result.release() == null ? Future.succeededFuture()
          : DeploymentStore.addRelease(conn, result.release());
      return release.map(v -> step.passes()
          .map(event -> moved(now.with(move(now, event)).with(seen)))
          .orElseGet(() -> now.with(seen)));
    }
    if (step.rollback()) {
      return DeploymentStore.rollbackFailed(conn, seen.service(), seen.environment(), seen.version())
          .map(v -> finished(now.with(move(now, RunEvent.ROLLBACK_FAILED)).with(seen)));
    }
    if (result.unknown()) {
      return held(conn, now, step, result, seen, aborting);
    }
    String by = abortedBy == null || Drive.PREFLIGHT.equals(abortedBy) ? null : abortedBy;
    AbortDecision.Outcome outcome = aborted ? new AbortDecision.Outcome.Aborted(by) : result.failure();
    String why = aborted ? abortText(by) : result.summary();
    AbortDecision decision = AbortDecision.decide(env.abort(), outcome, RollbackStart.possible(env, seen),
        !nothingDeployed(outcome, env, seen));
    // An aborted step has stopped; a step that failed before the abort reached it failed all the same.
    RunEvent end = aborting ? RunEvent.STOPPED : RunEvent.FAILED;
    TrackedRun failed = now.with(move(now, end)).with(seen.failed(why));
    return decision.rollsBack()
        ? RollbackStart.begin(conn, failed, env, null, why, clock.instant())
        : Future.succeededFuture(finished(failed));
  }

  /**
   * A step whose command Preflight's shutdown (or a crash) cut short: what it did is unknown, so
   * it is not a failure the abort rules or a {@code failedStep} rollback step act on. The run
   * ends failed without rolling back, and the environment is locked (a lock already there is
   * kept) so that nothing launches on it before a person has looked.
   */
  private Future<TrackedRun> held(SqlConnection conn, TrackedRun now, Step step, StepResult result, Deployment seen,
      boolean aborting) {
    TrackedRun failed = finished(now.with(move(now, aborting ? RunEvent.STOPPED : RunEvent.FAILED))
        .with(seen.failed(result.summary())));
    String stepName = step instanceof PipelineStep pipeline ? pipeline.stepName() : null;
    EnvLock lock = EnvLock.interrupted(seen.service(), seen.environment(), seen.version(), stepName,
        !PipelineStep.targetStarted(seen.deployState()), clock.instant());
    return DeploymentStore.lockOf(conn, seen.service(), seen.environment())
        .compose(existing -> existing.isPresent() ? Future.succeededFuture() : DeploymentStore.putLock(conn, lock))
        .map(failed);
  }

  /**
   * Whether the run ended before its target started: a step before the deploy failed, or the run
   * was aborted while those steps ran, or the target refused the work. Then nothing changed and
   * nothing is rolled back.
   */
  private static boolean nothingDeployed(AbortDecision.Outcome outcome, Service.Environment env, Deployment seen) {
    if (outcome instanceof AbortDecision.Outcome.StepFailed failed) {
      return failed.beforeDeploy();
    }
    return RollbackStart.nothingDeployed(seen)
        || (!env.pipeline().before().isEmpty() && !PipelineStep.targetStarted(seen.deployState()));
  }

  /** A run the driver cannot carry on ends, saying why; a rollback given up leaves its lock saying so. */
  Future<TrackedRun> givenUp(SqlConnection conn, TrackedRun now, String why) {
    TrackedRun ended = finished(now.with(move(now, RunEvent.GIVE_UP)).with(now.deployment().failed(why)));
    Deployment d = now.deployment();
    return ended.run().status() != RunStatus.ROLLBACK_FAILED || d == null ? Future.succeededFuture(ended)
        : DeploymentStore.rollbackFailed(conn, d.service(), d.environment(), d.version()).map(ended);
  }

  /** A run that reached the end of its story is marked finished. */
  private TrackedRun moved(TrackedRun tracked) {
    return RunStatus.FINISHED.contains(tracked.run().status()) ? finished(tracked) : tracked;
  }

  private TrackedRun finished(TrackedRun tracked) {
    return tracked.with(tracked.deployment().finished(clock.instant()));
  }

  private static ChecklistRun move(TrackedRun tracked, RunEvent event) {
    return tracked.run().withStatus(RunLifecycle.require(tracked.run().status(), event));
  }

  /** Plain words for the run's failure line; who aborted is named in the thread (a note) and the audit log. */
  private static String abortText(String by) {
    return by == null ? "Aborted by Preflight" : "Aborted by a deployer";
  }
}
