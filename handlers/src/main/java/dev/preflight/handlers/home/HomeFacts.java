package dev.preflight.handlers.home;

import dev.preflight.deploy.home.HomeVisitors;
import dev.preflight.deploy.run.DeployRuns;
import dev.preflight.deploy.run.Overview;
import dev.preflight.deploy.stats.DeployStats;
import dev.preflight.deploy.stats.EnvironmentFigures;
import dev.preflight.deploy.stats.PendingSignOff;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * What a Home tab is built from, and who has opened one. An interface so the listeners can be
 * tested against facts held in memory: this module never reaches the database itself.
 */
public interface HomeFacts {

  Future<Overview> overview();

  Future<List<PendingSignOff>> pendingSignOffs(Set<String> rolesOfUser, String userId);

  Future<List<EnvironmentFigures>> figures();

  /** Remembers that {@code userId} opened their Home tab, so it is kept current from now on. */
  Future<Void> opened(String userId, Instant at);

  /** Everyone who has opened their Home tab. */
  Future<List<String>> visitors();

  /** The facts as the deploy services keep them. */
  static HomeFacts of(DeployRuns deploys, DeployStats stats, HomeVisitors visitors) {
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

      @Override
      public Future<Void> opened(String userId, Instant at) {
        return visitors.opened(userId, at);
      }

      @Override
      public Future<List<String>> visitors() {
        return visitors.all();
      }
    };
  }
}
