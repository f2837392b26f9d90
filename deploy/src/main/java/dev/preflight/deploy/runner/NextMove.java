package dev.preflight.deploy.runner;

import dev.preflight.checklists.config.Service;
import dev.preflight.checklists.deploy.AbortDecision;
import dev.preflight.checklists.deploy.Deployment;
import dev.preflight.checklists.run.ChecklistRun;
import dev.preflight.checklists.run.RunStatus;
import dev.preflight.checklists.run.RunTransitions;
import dev.preflight.deploy.run.DeploymentStore;
import dev.preflight.deploy.run.TrackedRun;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.time.Clock;

/**
 * What follows a step, written with its result in the driver's transaction: the step's pass, or,
 * for a deploy that failed or was aborted, FAILED or an automatic rollback, as
 * {@link AbortDecision} decides from the environment's abort rule.
 */
final class NextMove {

  private final Clock clock;

  NextMove(Clock clock) {
    this.clock = clock;
  }

  /**
   * @param now the run as stored now, under its row lock
   * @param abortedBy who aborted the run ({@link Drive#PREFLIGHT} for the bot), or null when nobody did
   */
  Future<TrackedRun> after(SqlConnection conn, TrackedRun now, Step step, StepResult result, String abortedBy,
      Service.Environment env) {
    Deployment seen = result.evidence().apply(now.deployment());
    boolean aborted = !step.rollback() && abortedBy != null;
    if (result.passed() && !aborted) {
      Future<Void> release = result.release() == null ? Future.succeededFuture()
          : DeploymentStore.addRelease(conn, result.release());
      return release.map(v -> step.passesTo()
          .map(next -> RunStatus.FINISHED.contains(next)
              ? finished(now.with(move(now, next)).with(seen))
              : now.with(move(now, next)).with(seen))
          .orElseGet(() -> now.with(seen)));
    }
    if (step.rollback()) {
      return Future.succeededFuture(finished(now.with(move(now, RunStatus.ROLLBACK_FAILED)).with(seen)));
    }
    AbortDecision.Outcome outcome = aborted
        ? new AbortDecision.Outcome.Aborted(Drive.PREFLIGHT.equals(abortedBy) ? null : abortedBy)
        : result.failure();
    String why = aborted ? abortText(abortedBy) : result.summary();
    AbortDecision decision = AbortDecision.decide(env.abort(), outcome, RollbackStart.possible(env, seen));
    TrackedRun failed = now.with(move(now, RunStatus.FAILED)).with(seen.failed(why));
    return decision.rollsBack()
        ? RollbackStart.begin(conn, failed, env, null, "automatic: " + why, clock.instant())
        : Future.succeededFuture(finished(failed));
  }

  /** A run the driver cannot carry on ends, saying why. */
  TrackedRun givenUp(TrackedRun now, String why) {
    RunStatus end = now.run().status() == RunStatus.ROLLING_BACK ? RunStatus.ROLLBACK_FAILED : RunStatus.FAILED;
    return finished(now.with(move(now, end)).with(now.deployment().failed(why)));
  }

  private TrackedRun finished(TrackedRun tracked) {
    return tracked.with(tracked.deployment().finished(clock.instant()));
  }

  private static ChecklistRun move(TrackedRun tracked, RunStatus to) {
    return tracked.run().withStatus(RunTransitions.require(tracked.run().status(), to));
  }

  /** Plain words for the run's failure line; who aborted is named in the thread (a note) and the audit log. */
  private static String abortText(String abortedBy) {
    return Drive.PREFLIGHT.equals(abortedBy) ? "Aborted by Preflight" : "Aborted by a deployer";
  }
}
