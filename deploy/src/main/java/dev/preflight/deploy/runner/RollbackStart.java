package dev.preflight.deploy.runner;

import dev.preflight.checklists.config.Service;
import dev.preflight.checklists.deploy.Deployment;
import dev.preflight.checklists.deploy.EnvLock;
import dev.preflight.checklists.deploy.Target;
import dev.preflight.checklists.run.ChecklistRun;
import dev.preflight.checklists.run.Refusal;
import dev.preflight.checklists.run.RunEvent;
import dev.preflight.checklists.run.RunLifecycle;
import dev.preflight.checklists.run.RunRuleException;
import dev.preflight.deploy.run.DeploymentStore;
import dev.preflight.deploy.run.TargetStart;
import dev.preflight.deploy.run.TrackedRun;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Starting a rollback, asked for or automatic: whether there is anything to go back to, and the
 * move to rolling back that locks the environment, in the caller's transaction.
 */
public final class RollbackStart {

  private RollbackStart() {}

  /**
   * Moves a run to ROLLING_BACK and locks its environment.
   *
   * @param by who asked, or null when the abort rules did
   * @param automaticReason why the abort rules rolled back (plain text); null when a person asked
   */
  public static Future<TrackedRun> begin(SqlConnection conn, TrackedRun tracked, Service.Environment env, String by,
      String automaticReason, Instant at) {
    Deployment d = tracked.deployment();
    refusal(env, d).ifPresent(no -> {
      throw new RunRuleException(no);
    });
    ChecklistRun rolling = tracked.run().withStatus(RunLifecycle.require(tracked.run().status(), RunEvent.ROLLBACK));
    Deployment requested = d.rollbackRequested(by, at, automaticReason)
        .withRollbackState(Map.of())
        .withRollbackVerification(List.of());
    EnvLock lock = EnvLock.rolledBack(d.service(), d.environment(), d.version(), by, automaticReason, at);
    return DeploymentStore.putLock(conn, lock)
        .compose(v -> DeploymentStore.clearAbort(conn, tracked.id()))
        .map(v -> tracked.with(rolling).with(requested));
  }

  /**
   * Whether the run ended before its target started: it has steps before the deploy on record and
   * nothing of the target's (a {@code before} step failed, or the run was aborted while they ran),
   * or the target refused the work (GitHub refused the dispatch). Nothing changed then, so there
   * is nothing to roll back.
   */
  public static boolean nothingDeployed(Deployment d) {
    return (d.deployState().containsKey(PipelineStep.BEFORE + ".0.name") || TargetStart.refused(d.deployState()))
        && !PipelineStep.targetStarted(d.deployState());
  }

  /**
   * Whether the deploy was interrupted: its target's command, or a step's, was cut short by
   * Preflight's shutdown or a crash, so how it ended is unknown and nothing was rolled back.
   */
  public static boolean interrupted(Deployment d) {
    Map<String, String> state = d.deployState();
    return PipelineStep.UNKNOWN.equals(state.get("outcome"))
        || state.entrySet().stream().anyMatch(e -> e.getKey().endsWith("." + PipelineStep.OUTCOME)
            && PipelineStep.UNKNOWN.equals(e.getValue()));
  }

  /** Whether the environment has something to go back to. */
  public static boolean possible(Service.Environment env, Deployment d) {
    return refusal(env, d).isEmpty();
  }

  /** Why a rollback is impossible: no rollback command, or no earlier release on record. */
  public static Optional<Refusal> refusal(Service.Environment env, Deployment d) {
    Target target = env.target();
    if (target instanceof Target.Command command) {
      return command.rollback().isEmpty()
          ? Optional.of(Refusal.noRollbackCommand(d.service(), d.environment()))
          : Optional.empty();
    }
    boolean possible = target instanceof Target.Ecs
        ? d.deployState().get("previousTaskDefinition") != null
            || (d.previous() != null && d.previous().revision() != null)
        : d.previous() != null && d.previous().version() != null;
    return possible ? Optional.empty() : Optional.of(Refusal.noEarlierRelease(d.service(), d.environment()));
  }
}
