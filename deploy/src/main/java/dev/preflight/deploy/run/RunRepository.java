package dev.preflight.deploy.run;

import dev.preflight.checklists.checklist.Checklist;
import dev.preflight.checklists.checklist.Item;
import dev.preflight.checklists.checklist.Section;
import dev.preflight.checklists.checklist.SignOffRule;
import dev.preflight.checklists.run.ChecklistRun;
import dev.preflight.checklists.run.ItemProgress;
import dev.preflight.checklists.run.ItemState;
import dev.preflight.checklists.run.RunStatus;
import dev.preflight.checklists.run.SignOff;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
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

/** Runs, their items and sign-offs, and the audit log, in PostgreSQL. */
public final class RunRepository {

  private static final String RUN_COLUMNS =
      "id, checklist_id, started_by, started_at, status, channel_id, message_ts";

  /** The one section of a stand-in checklist: the item ids as stored, without the config's sections. */
  public static final String STAND_IN_SECTION = "Items as stored";

  private final Pool pool;
  private final Function<String, Optional<Checklist>> checklists;

  /** @param checklists looks a checklist up by id in the current config */
  public RunRepository(Pool pool, Function<String, Optional<Checklist>> checklists) {
    this.pool = pool;
    this.checklists = checklists;
  }

  public Pool pool() {
    return pool;
  }

  public Future<Void> insert(SqlConnection conn, TrackedRun tracked, String kind) {
    ChecklistRun run = tracked.run();
    return conn.preparedQuery(
            "insert into runs (id, kind, checklist_id, started_by, started_at, status, channel_id, service, environment) "
                + "values ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
        .execute(Tuple.from(java.util.Arrays.asList(UUID.fromString(run.id()), kind, run.checklist().id(),
            run.startedBy(), time(run.startedAt()), run.status().name(), tracked.channelId(),
            tracked.deploy().map(d -> d.service()).orElse(null),
            tracked.deploy().map(d -> d.environment()).orElse(null))))
        .compose(rows -> insertItems(conn, run))
        .compose(v -> tracked.deploy().isEmpty() ? Future.succeededFuture()
            : DeploymentStore.insert(conn, run.id(), tracked.deployment()))
        .mapEmpty();
  }

  private Future<?> insertItems(SqlConnection conn, ChecklistRun run) {
    List<Tuple> batch = new ArrayList<>();
    int position = 0;
    for (Map.Entry<String, ItemProgress> entry : run.items().entrySet()) {
      ItemProgress progress = entry.getValue();
      // When an item started matters: a running one with no result is judged overdue from it.
      batch.add(Tuple.from(java.util.Arrays.asList(UUID.fromString(run.id()), entry.getKey(), position++,
          progress.state().name(), progress.attempt(), progress.actor(), time(progress.at()))));
    }
    if (batch.isEmpty()) {
      return Future.succeededFuture();
    }
    return conn.preparedQuery("insert into run_items (run_id, item_id, position, state, attempt, actor, moved_at) "
            + "values ($1, $2, $3, $4, $5, $6, $7)")
        .executeBatch(batch);
  }

  /**
   * Loads a run and holds its row lock until the transaction ends, so changes to it queue up. A
   * run whose checklist left the config is loaded as a stand-in ({@link TrackedRun#checklistGone}).
   */
  public Future<TrackedRun> lock(SqlConnection conn, String runId) {
    return load(conn, runId, " for update")
        .map(found -> found.orElseThrow(() -> new NoSuchRunException(runId)));
  }

  /**
   * As {@link #lock}, for a change to the run's checklist (an item, a sign-off): a run whose
   * checklist left the config fails with {@link ChecklistGoneException}, since the rules that
   * would judge the change are gone.
   */
  public Future<TrackedRun> lockChecklist(SqlConnection conn, String runId) {
    return lock(conn, runId).map(tracked -> {
      if (tracked.checklistGone()) {
        throw new ChecklistGoneException(tracked.id(), tracked.run().checklist().id());
      }
      return tracked;
    });
  }

  public Future<Optional<TrackedRun>> find(String runId) {
    return load(pool, runId, "");
  }

  public Future<Optional<TrackedRun>> findByMessage(String channelId, String messageTs) {
    return pool.preparedQuery("select id from runs where channel_id = $1 and message_ts = $2")
        .execute(Tuple.of(channelId, messageTs))
        .compose(rows -> rows.size() == 0
            ? Future.succeededFuture(Optional.<TrackedRun>empty())
            : find(rows.iterator().next().getUUID("id").toString()));
  }

  /** Ids of runs whose checklist can still change, oldest first. */
  public Future<List<String>> openRunIds() {
    return pool.preparedQuery("select id from runs where status = any($1) order by started_at")
        .execute(Tuple.of(RunStatus.OPEN.stream().map(Enum::name).toArray(String[]::new)))
        .map(rows -> {
          List<String> ids = new ArrayList<>();
          rows.forEach(row -> ids.add(row.getUUID("id").toString()));
          return ids;
        });
  }

  public Future<Void> setMessage(String runId, String channelId, String messageTs) {
    return pool.preparedQuery("update runs set channel_id = $2, message_ts = $3, updated_at = now() where id = $1")
        .execute(Tuple.of(UUID.fromString(runId), channelId, messageTs))
        .mapEmpty();
  }

  /** Writes what changed between two versions of the same run. */
  public Future<Void> saveChanges(SqlConnection conn, ChecklistRun before, ChecklistRun after) {
    UUID id = UUID.fromString(after.id());
    List<Future<?>> writes = new ArrayList<>();
    if (before.status() != after.status()) {
      writes.add(conn.preparedQuery("update runs set status = $2, updated_at = now() where id = $1")
          .execute(Tuple.of(id, after.status().name())));
    }
    after.items().forEach((itemId, progress) -> {
      if (!progress.equals(before.items().get(itemId))) {
        // An upsert: an item added to the checklist after the run started has no row yet.
        writes.add(conn.preparedQuery(
                "insert into run_items (run_id, item_id, position, state, actor, moved_at, evidence, note, attempt) "
                    + "values ($1, $2, $9, $3, $4, $5, $6, $7, $8) on conflict (run_id, item_id) do update set "
                    + "state = excluded.state, actor = excluded.actor, moved_at = excluded.moved_at, "
                    + "evidence = excluded.evidence, note = excluded.note, attempt = excluded.attempt")
            .execute(Tuple.from(java.util.Arrays.asList(id, itemId, progress.state().name(), progress.actor(),
                time(progress.at()), EvidenceJson.toJson(progress.evidence()), progress.note(), progress.attempt(),
                position(after, itemId)))));
      }
    });
    for (SignOff signOff : after.signOffs()) {
      if (!before.signOffs().contains(signOff)) {
        writes.add(conn.preparedQuery("insert into sign_offs (run_id, user_id, role, signed_at) values ($1, $2, $3, $4)")
            .execute(Tuple.of(id, signOff.user(), signOff.role(), time(signOff.at()))));
      }
    }
    for (SignOff signOff : before.signOffs()) {
      if (!after.signOffs().contains(signOff)) {
        writes.add(conn.preparedQuery("delete from sign_offs where run_id = $1 and user_id = $2")
            .execute(Tuple.of(id, signOff.user())));
      }
    }
    if (!writes.isEmpty()) {
      writes.add(conn.preparedQuery("update runs set updated_at = now() where id = $1").execute(Tuple.of(id)));
    }
    return Future.all(writes).mapEmpty();
  }

  private static int position(ChecklistRun run, String itemId) {
    return new ArrayList<>(run.items().keySet()).indexOf(itemId);
  }

  public Future<Void> audit(SqlClient client, String runId, Origin origin, String action, JsonObject detail) {
    return audit(client, runId, origin, action, detail, null);
  }

  /** @param changeId the change this entry records, so it is never made twice; or null */
  public Future<Void> audit(SqlClient client, String runId, Origin origin, String action, JsonObject detail,
      UUID changeId) {
    return client.preparedQuery(
            "insert into audit_log (run_id, actor, action, detail, source, change_id) values ($1, $2, $3, $4, $5, $6)")
        .execute(Tuple.from(java.util.Arrays.asList(runId == null ? null : UUID.fromString(runId), origin.actor(),
            action, detail == null ? new JsonObject() : detail, origin.source(), changeId)))
        .mapEmpty();
  }

  /** True when the change with this id was already written (its audit entry exists). */
  public Future<Boolean> applied(SqlClient client, UUID changeId) {
    return client.preparedQuery("select 1 from audit_log where change_id = $1")
        .execute(Tuple.of(changeId))
        .map(rows -> rows.size() > 0);
  }

  /** Automated items of open runs that are running, as stored: the candidates for a lost result. */
  public Future<List<RunningItem>> runningItems() {
    return pool.preparedQuery("select r.id, r.checklist_id, i.item_id, i.attempt, coalesce(i.moved_at, r.started_at) as since "
            + "from run_items i "
            + "join runs r on r.id = i.run_id where i.state = 'RUNNING' and r.status = any($1) order by since")
        .execute(Tuple.of(RunStatus.OPEN.stream().map(Enum::name).toArray(String[]::new)))
        .map(rows -> {
          List<RunningItem> items = new ArrayList<>();
          rows.forEach(row -> items.add(new RunningItem(row.getUUID("id").toString(), row.getString("checklist_id"),
              row.getString("item_id"), row.getInteger("attempt"), instant(row.getOffsetDateTime("since")))));
          return items;
        });
  }

  /** An item stored as running: which attempt, and since when. */
  public record RunningItem(String runId, String checklistId, String itemId, int attempt, Instant since) {}

  private Future<Optional<TrackedRun>> load(SqlClient client, String runId, String lockClause) {
    UUID id;
    try {
      id = UUID.fromString(runId);
    } catch (IllegalArgumentException e) {
      return Future.succeededFuture(Optional.empty());
    }
    return client.preparedQuery("select " + RUN_COLUMNS + " from runs where id = $1" + lockClause)
        .execute(Tuple.of(id))
        .compose(runs -> runs.size() == 0
            ? Future.succeededFuture(Optional.<TrackedRun>empty())
            : loadParts(client, runs.iterator().next()).map(Optional::of));
  }

  private Future<TrackedRun> loadParts(SqlClient client, Row runRow) {
    UUID id = runRow.getUUID("id");
    Future<RowSet<Row>> items = client.preparedQuery(
            "select item_id, state, actor, moved_at, evidence, note, attempt from run_items where run_id = $1 order by position")
        .execute(Tuple.of(id));
    Future<RowSet<Row>> signOffs = client.preparedQuery(
            "select user_id, role, signed_at from sign_offs where run_id = $1 order by signed_at, user_id")
        .execute(Tuple.of(id));
    Future<RowSet<Row>> deployment = client.preparedQuery("select * from deployments where run_id = $1")
        .execute(Tuple.of(id));
    return Future.all(items, signOffs, deployment).map(all -> {
      TrackedRun tracked = toTrackedRun(runRow, items.result(), signOffs.result());
      RowSet<Row> rows = deployment.result();
      return rows.size() == 0 ? tracked : tracked.with(DeploymentJson.fromRow(rows.iterator().next()));
    });
  }

  private TrackedRun toTrackedRun(Row runRow, RowSet<Row> itemRows, RowSet<Row> signOffRows) {
    String checklistId = runRow.getString("checklist_id");
    Optional<Checklist> configured = checklists.apply(checklistId);
    Checklist checklist = configured.orElseGet(() -> standIn(checklistId, itemRows));
    Map<String, ItemProgress> items = new LinkedHashMap<>();
    checklist.items().forEach(item -> items.put(item.id(), ItemProgress.pending()));
    for (Row row : itemRows) {
      String itemId = row.getString("item_id");
      if (items.containsKey(itemId)) {
        items.put(itemId, new ItemProgress(
            ItemState.valueOf(row.getString("state")),
            row.getString("actor"),
            instant(row.getOffsetDateTime("moved_at")),
            EvidenceJson.fromJson((JsonObject) row.getValue("evidence")),
            row.getString("note"),
            row.getInteger("attempt")));
      }
    }
    List<SignOff> signOffs = new ArrayList<>();
    for (Row row : signOffRows) {
      signOffs.add(new SignOff(row.getString("user_id"), row.getString("role"),
          instant(row.getOffsetDateTime("signed_at"))));
    }
    ChecklistRun run = new ChecklistRun(
        runRow.getUUID("id").toString(),
        checklist,
        runRow.getString("started_by"),
        instant(runRow.getOffsetDateTime("started_at")),
        RunStatus.valueOf(runRow.getString("status")),
        items,
        signOffs);
    return new TrackedRun(run, runRow.getString("channel_id"), runRow.getString("message_ts"), null,
        configured.isEmpty());
  }

  /**
   * What is left of a checklist that is no longer in the config: its id, and its items as the run
   * stored them, in their order, each titled by its id (the titles, checks, blocker marks and
   * sign-off rule were only ever in the config).
   */
  private static Checklist standIn(String checklistId, RowSet<Row> itemRows) {
    List<Item> items = new ArrayList<>();
    for (Row row : itemRows) {
      String itemId = row.getString("item_id");
      items.add(new Item(itemId, itemId, false, null));
    }
    return new Checklist(checklistId, checklistId, null, null, List.of(new Section(STAND_IN_SECTION, items)),
        SignOffRule.NONE, List.of());
  }

  private static OffsetDateTime time(Instant instant) {
    return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
  }

  private static Instant instant(OffsetDateTime time) {
    return time == null ? null : time.toInstant();
  }

  /** The run id names no run; callers catch {@link dev.preflight.deploy.api.NoSuchRunException}. */
  public static class NoSuchRunException extends dev.preflight.deploy.api.NoSuchRunException {
    private static final long serialVersionUID = 1L;

    public NoSuchRunException(String runId) {
      super(runId);
    }
  }
}
