package dev.preflight.deploy.run;

import dev.preflight.checklists.run.ChecklistRun;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The one way a checklist run's items change: the domain rules are applied to the run as stored,
 * under its row lock, and written with an audit entry in one transaction, then announced. Each
 * change goes through {@link PendingWrites} under a fresh id, so one kept through a database
 * outage is written when it returns and a replay never applies it twice.
 */
final class ItemChanges {

  private final RunRepository repository;
  private final PendingWrites pending;
  private final RunListeners listeners;

  ItemChanges(RunRepository repository, PendingWrites pending, RunListeners listeners) {
    this.repository = repository;
    this.pending = pending;
    this.listeners = listeners;
  }

  /**
   * Makes one change through the pending writes, under a fresh change id; {@code afterwards} runs
   * once it is written, now or when the database returns.
   */
  Future<TrackedRun> change(String runId, Origin origin, String action, JsonObject detail,
      Function<ChecklistRun, ChecklistRun> change, Consumer<TrackedRun> afterwards) {
    UUID changeId = UUID.randomUUID();
    return pending.submit(runId, () -> mutate(runId, origin, action, detail, change, changeId)
        .onSuccess(afterwards::accept));
  }

  private Future<TrackedRun> mutate(String runId, Origin origin, String action, JsonObject detail,
      Function<ChecklistRun, ChecklistRun> change, UUID changeId) {
    boolean[] changed = {false};
    return repository.pool()
        .withTransaction(conn -> repository.lockChecklist(conn, runId).compose(tracked -> repository.applied(conn, changeId)
            .compose(applied -> {
              if (applied) {
                // Written by an attempt whose answer was lost; announce it now, since that attempt could not.
                changed[0] = true;
                return Future.succeededFuture(tracked);
              }
              ChecklistRun after = change.apply(tracked.run());
              if (after.equals(tracked.run())) {
                return Future.succeededFuture(tracked);
              }
              changed[0] = true;
              return repository.saveChanges(conn, tracked.run(), after)
                  .compose(v -> repository.audit(conn, runId, origin, action, detail, changeId))
                  .map(v -> tracked.with(after));
            })))
        .onSuccess(tracked -> {
          if (changed[0]) {
            listeners.announce(tracked);
          }
        });
  }
}
