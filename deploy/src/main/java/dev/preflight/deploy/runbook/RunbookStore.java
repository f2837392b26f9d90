package dev.preflight.deploy.runbook;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

/**
 * Runbook runs in PostgreSQL. Changes by people (approvals, cancel) happen under the row's lock;
 * step results are written only by the replica holding the run's lease (a conditional UPDATE),
 * so two replicas never run the same run twice.
 */
public final class RunbookStore {

  private final Pool pool;

  public RunbookStore(Pool pool) {
    this.pool = pool;
  }

  Future<RunbookRun> insert(RunbookRun run) {
    return pool.preparedQuery("insert into runbook_runs (id, runbook, title, parameters, started_by, channel, status, steps) "
            + "values ($1, $2, $3, $4, $5, $6, $7, $8) returning *")
        .execute(Tuple.of(UUID.fromString(run.id()), run.runbook(), run.title(), new JsonObject(new LinkedHashMap<>(run.parameters())),
            run.startedBy(), run.channel(), run.status().name(), steps(run.steps())))
        .map(RunbookStore::one);
  }

  public Future<Optional<RunbookRun>> find(String id) {
    Optional<UUID> uuid = uuid(id);
    if (uuid.isEmpty()) {
      return Future.succeededFuture(Optional.empty());
    }
    return pool.preparedQuery("select * from runbook_runs where id = $1").execute(Tuple.of(uuid.get()))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(one(rows)));
  }

  Future<Void> setMessage(String id, String ts) {
    return pool.preparedQuery("update runbook_runs set message_ts = $2 where id = $1")
        .execute(Tuple.of(UUID.fromString(id), ts)).mapEmpty();
  }

  /** Claims thread note {@code key} of a run: true when this call claimed it, false when it was claimed before. */
  Future<Boolean> claimNote(String id, String key) {
    return pool.preparedQuery("update runbook_runs set thread_notes = array_append(thread_notes, $2) "
            + "where id = $1 and not ($2 = any(thread_notes)) returning id")
        .execute(Tuple.of(UUID.fromString(id), key)).map(rows -> rows.size() == 1);
  }

  /** Gives a claim back, so the note is posted at the run's next change. */
  Future<Void> releaseNote(String id, String key) {
    return pool.preparedQuery("update runbook_runs set thread_notes = array_remove(thread_notes, $2) where id = $1")
        .execute(Tuple.of(UUID.fromString(id), key)).mapEmpty();
  }

  /**
   * Applies {@code change} to the run under its row lock and stores status and approvals;
   * {@code change} answers the run to store, or a failed future to change nothing.
   */
  Future<RunbookRun> change(String id, Function<RunbookRun, Future<RunbookRun>> change) {
    return pool.withTransaction(connection -> connection
        .preparedQuery("select * from runbook_runs where id = $1 for update").execute(Tuple.of(UUID.fromString(id)))
        .compose(rows -> rows.size() == 0
            ? Future.failedFuture(new IllegalStateException("no runbook run " + id))
            : change.apply(one(rows)))
        .compose(changed -> connection.preparedQuery("update runbook_runs set status = $2, approvals = $3, "
                + "updated_at = now() where id = $1 returning *")
            .execute(Tuple.of(UUID.fromString(id), changed.status().name(), approvals(changed.approvals())))
            .map(RunbookStore::one)));
  }

  /** Takes the run's lease when nobody holds it, its holder's lease ran out, or {@code owner} holds it already. */
  Future<Optional<RunbookRun>> claim(String id, String owner, Duration lease) {
    return pool.preparedQuery("update runbook_runs set lease_owner = $2, lease_until = now() + $3 * interval '1 millisecond' "
            + "where id = $1 and status = 'RUNNING' and (lease_owner is null or lease_owner = $2 or lease_until < now()) "
            + "returning *")
        .execute(Tuple.of(UUID.fromString(id), owner, lease.toMillis()))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(one(rows)));
  }

  /** Extends the lease only while {@code owner} still holds it; false when it was lost. */
  Future<Boolean> renew(String id, String owner, Duration lease) {
    return pool.preparedQuery("update runbook_runs set lease_until = now() + $3 * interval '1 millisecond' "
            + "where id = $1 and lease_owner = $2")
        .execute(Tuple.of(UUID.fromString(id), owner, lease.toMillis()))
        .map(rows -> rows.rowCount() == 1);
  }

  Future<Void> release(String id, String owner) {
    return pool.preparedQuery("update runbook_runs set lease_owner = null, lease_until = null where id = $1 and lease_owner = $2")
        .execute(Tuple.of(UUID.fromString(id), owner)).mapEmpty();
  }

  /** Writes the steps and status if {@code owner} still holds the lease; empty when it does not. */
  Future<Optional<RunbookRun>> writeSteps(String id, String owner, List<StepState> steps, RunbookStatus status) {
    return pool.preparedQuery("update runbook_runs set steps = $3, status = $4, updated_at = now() "
            + "where id = $1 and lease_owner = $2 returning *")
        .execute(Tuple.of(UUID.fromString(id), owner, steps(steps), status.name()))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(one(rows)));
  }

  /** Running runs nobody holds: their replica stopped or died. */
  Future<List<String>> orphaned() {
    return pool.query("select id from runbook_runs where status = 'RUNNING' and (lease_owner is null or lease_until < now()) "
            + "order by created_at")
        .execute()
        .map(rows -> {
          List<String> ids = new ArrayList<>();
          rows.forEach(row -> ids.add(row.getUUID("id").toString()));
          return ids;
        });
  }

  Future<Void> audit(String runId, String actor, String action, JsonObject detail) {
    return audit(pool, runId, actor, action, detail);
  }

  static Future<Void> audit(SqlClient client, String runId, String actor, String action, JsonObject detail) {
    return client.preparedQuery("insert into audit_log (run_id, actor, action, detail, source) values ($1, $2, $3, $4, 'runbook')")
        .execute(Tuple.of(UUID.fromString(runId), actor, action, detail)).mapEmpty();
  }

  private static Optional<UUID> uuid(String id) {
    try {
      return Optional.of(UUID.fromString(id));
    } catch (IllegalArgumentException | NullPointerException e) {
      return Optional.empty();
    }
  }

  private static RunbookRun one(RowSet<Row> rows) {
    return run(rows.iterator().next());
  }

  private static RunbookRun run(Row row) {
    Map<String, String> parameters = new LinkedHashMap<>();
    ((JsonObject) row.getValue("parameters")).forEach(e -> parameters.put(e.getKey(), String.valueOf(e.getValue())));
    List<StepState> steps = new ArrayList<>();
    for (Object o : (JsonArray) row.getValue("steps")) {
      JsonObject step = (JsonObject) o;
      Map<String, String> journal = new LinkedHashMap<>();
      step.getJsonObject("journal", new JsonObject()).forEach(e -> journal.put(e.getKey(), String.valueOf(e.getValue())));
      steps.add(new StepState(step.getString("name"), StepState.Phase.valueOf(step.getString("phase")),
          instant(step.getString("startedAt")), instant(step.getString("endedAt")), step.getString("summary"),
          step.getString("output"), step.getString("link"), journal));
    }
    List<RunbookRun.Approval> approvals = new ArrayList<>();
    for (Object o : (JsonArray) row.getValue("approvals")) {
      JsonObject approval = (JsonObject) o;
      approvals.add(new RunbookRun.Approval(approval.getString("user"),
          approval.getJsonArray("roles").stream().map(String::valueOf).toList(), instant(approval.getString("at"))));
    }
    return new RunbookRun(row.getUUID("id").toString(), row.getString("runbook"), row.getString("title"), parameters,
        row.getString("started_by"), row.getString("channel"), row.getString("message_ts"),
        RunbookStatus.valueOf(row.getString("status")), steps, approvals, time(row.getOffsetDateTime("created_at")),
        time(row.getOffsetDateTime("updated_at")));
  }

  private static JsonArray steps(List<StepState> steps) {
    JsonArray array = new JsonArray();
    for (StepState step : steps) {
      array.add(new JsonObject()
          .put("name", step.name())
          .put("phase", step.phase().name())
          .put("startedAt", step.startedAt() == null ? null : step.startedAt().toString())
          .put("endedAt", step.endedAt() == null ? null : step.endedAt().toString())
          .put("summary", step.summary())
          .put("output", step.output())
          .put("link", step.link())
          .put("journal", new JsonObject(new LinkedHashMap<>(step.journal()))));
    }
    return array;
  }

  private static JsonArray approvals(List<RunbookRun.Approval> approvals) {
    JsonArray array = new JsonArray();
    approvals.forEach(a -> array.add(new JsonObject().put("user", a.user()).put("roles", new JsonArray(a.roles()))
        .put("at", a.at().toString())));
    return array;
  }

  private static Instant instant(String text) {
    return text == null ? null : Instant.parse(text);
  }

  private static Instant time(OffsetDateTime at) {
    return at == null ? null : at.toInstant();
  }

  static OffsetDateTime offset(Instant at) {
    return at.atOffset(ZoneOffset.UTC);
  }
}
