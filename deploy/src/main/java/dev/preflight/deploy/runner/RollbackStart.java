package dev.preflight.deploy.runner;

import dev.preflight.checklists.config.Service;
import dev.preflight.checklists.deploy.Deployment;
import dev.preflight.checklists.deploy.EnvLock;
import dev.preflight.checklists.deploy.Target;
import dev.preflight.checklists.run.ChecklistRun;
import dev.preflight.checklists.run.RunRuleException;
import dev.preflight.checklists.run.RunStatus;
import dev.preflight.checklists.run.RunTransitions;
import dev.preflight.deploy.run.DeploymentStore;
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
   * @param by who asked, or null when the abort criteria did
   */
  public static Future<TrackedRun> begin(SqlConnection conn, TrackedRun tracked, Service.Environment env, String by,
      String why, Instant at) {
    Deployment d = tracked.deployment();
    refusal(env, d).ifPresent(no -> {
      throw new RunRuleException(no);
    });
    ChecklistRun rolling = tracked.run().withStatus(RunTransitions.require(tracked.run().status(),
        RunStatus.ROLLING_BACK));
    Deployment requested = d.rollbackRequested(by, at, why)
        .withRollbackState(Map.of())
        .withRollbackVerification(List.of());
    String reason = "Rolled back from " + d.version() + " (" + why + "). Unlock when the cause is understood.";
    EnvLock lock = new EnvLock(d.service(), d.environment(), reason, by, at);
    return DeploymentStore.putLock(conn, lock)
        .compose(v -> DeploymentStore.clearAbort(conn, tracked.id()))
        .map(v -> tracked.with(rolling).with(requested));
  }

  /** Whether the environment has something to go back to. */
  public static boolean possible(Service.Environment env, Deployment d) {
    return refusal(env, d).isEmpty();
  }

  /** Why a rollback is impossible: no rollback command, or no earlier release on record. */
  public static Optional<String> refusal(Service.Environment env, Deployment d) {
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
}
