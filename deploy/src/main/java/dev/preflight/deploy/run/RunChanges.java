package dev.preflight.deploy.run;

import dev.preflight.checklists.run.Refusal;
import dev.preflight.checklists.run.RunEvent;
import dev.preflight.checklists.run.RunRuleException;
import dev.preflight.checklists.run.RunStatus;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.SqlConnection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;

/**
 * Writes a change to a deploy run: the change is applied to the run as stored, under its row
 * lock, and written with its deployment, the status hooks and an audit entry in one transaction;
 * it is announced after the commit. User commands and the driver write through here alike.
 */
public final class RunChanges {

  private static final String UNIQUE_VIOLATION = "23505";

  private final RunRepository repository;
  private final ChecklistRuns runs;
  /** Work that commits with a run's change of status, such as starting or stopping its watch. */
  private final List<StatusHook> statusHooks = new CopyOnWriteArrayList<>();

  public RunChanges(RunRepository repository, ChecklistRuns runs) {
    this.repository = repository;
    this.runs = runs;
  }

  void onStatusChange(StatusHook hook) {
    statusHooks.add(hook);
  }

  /**
   * @param action the audit log action; none is written when null
   * @param change the new run from the stored one; a {@link RunRuleException} it throws or fails
   *     with refuses the change and writes nothing
   */
  public Future<TrackedRun> apply(String runId, Origin origin, String action,
      BiFunction<SqlConnection, TrackedRun, Future<TrackedRun>> change) {
    return repository.pool()
        .withTransaction(conn -> repository.lock(conn, runId).compose(before -> {
          Future<TrackedRun> changed;
          try {
            changed = change.apply(conn, before);
          } catch (RuntimeException e) {
            return Future.failedFuture(e);
          }
          return changed.compose(after -> unjudged(before, after)
                  ? Future.failedFuture(new ChecklistGoneException(runId, before.run().checklist().id()))
                  : Future.succeededFuture(after))
              .compose(after -> repository.saveChanges(conn, before.run(), after.run())
              .compose(v -> statusHooks(conn, before, after))
              .compose(v -> after.deployment() == null || after.deployment().equals(before.deployment())
                  ? Future.succeededFuture()
                  : DeploymentStore.save(conn, runId, after.deployment()))
              .compose(v -> action == null ? Future.succeededFuture()
                  : repository.audit(conn, runId, origin, action, auditDetail(before, after)))
              .map(after));
        }))
        .recover(RunChanges::explainConflict)
        .onSuccess(runs::announce);
  }

  /**
   * A change the run's checklist would have to judge when that checklist has left the config: any
   * change to a run still gathering ticks and sign-offs (a launch above all) but its cancel. Once
   * launched, a run's lifecycle no longer looks at its checklist, so it carries on.
   */
  private static boolean unjudged(TrackedRun before, TrackedRun after) {
    return before.checklistGone() && before.run().status().open()
        && after.run().status() != RunStatus.CANCELLED;
  }

  /** Tells the run's listeners about it again, as it is stored now. */
  void announce(TrackedRun tracked) {
    runs.announce(tracked);
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
      // Which run holds the slot is not known here; the refusal says only that one does.
      return Future.failedFuture(new RunRuleException(Refusal.otherRunInFlight(null, null, null, RunEvent.LAUNCH)));
    }
    return Future.failedFuture(e);
  }
}
