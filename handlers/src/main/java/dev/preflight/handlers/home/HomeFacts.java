package dev.preflight.handlers.home;

import dev.preflight.deploy.run.DeployRuns;
import dev.preflight.deploy.run.Overview;
import dev.preflight.deploy.stats.DeployStats;
import dev.preflight.deploy.stats.EnvironmentFigures;
import dev.preflight.deploy.stats.PendingSignOff;
import io.vertx.core.Future;
import java.util.List;
import java.util.Set;

/**
 * What a Home tab is built from. An interface so the listener can be tested against facts held
 * in memory: this module never reaches the database itself.
 */
public interface HomeFacts {

  Future<Overview> overview();

  Future<List<PendingSignOff>> pendingSignOffs(Set<String> rolesOfUser, String userId);

  Future<List<EnvironmentFigures>> figures();

  /** The facts as the deploy services keep them. */
  static HomeFacts of(DeployRuns deploys, DeployStats stats) {
    return new HomeFacts() {
      @Override
      public Future<Overview> overview() {
        return deploys.overview();
      }

      @Override
      public Future<List<PendingSignOff>> pendingSignOffs(Set<String> rolesOfUser, String userId) {
        return stats.pendingSignOffs(rolesOfUser, userId);
      }

      @Override
      public Future<List<EnvironmentFigures>> figures() {
        return stats.figures();
      }
    };
  }
}
