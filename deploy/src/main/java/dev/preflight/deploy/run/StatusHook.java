package dev.preflight.deploy.run;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;

/**
 * Work that must commit or roll back together with a deploy run's change of status, in the same
 * transaction (the post-deploy watch starts when a run succeeds and stops when a launch or a
 * rollback supersedes it). Called only when the status changes.
 */
@FunctionalInterface
public interface StatusHook {
  Future<Void> changed(SqlConnection conn, TrackedRun before, TrackedRun after);
}
