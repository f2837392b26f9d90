package dev.preflight.deploy.alert;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Alerts in PostgreSQL, grouped by source and grouping key. Each delivery is judged under the
 * row's lock, so concurrent repeats (on one replica or several) count every delivery once and
 * exactly one of them posts the first message.
 */
public final class AlertStore implements AlertDeliveries {

  /** A new incident of the same alert starts without the last one's rollback. */
  private static final String ROLLBACK_CLEARED = "rollback_run = null, rollback_by = null, rollback_to = null, "
      + "rollback_link = null, rollback_started = null, rollback_outcome = null, rollback_detail = null, "
      + "rollback_ended = null, rollback_shown = null";

  private final Pool pool;
  private final Clock clock;
  private final Duration staleClaim;

  /** @param staleClaim how long a first post may be in flight before another delivery takes it over */
  public AlertStore(Pool pool, Clock clock, Duration staleClaim) {
    this.pool = pool;
    this.clock = clock;
    this.staleClaim = staleClaim;
  }

  /**
   * A claim goes stale only after any first post could have ended: Slack's client retries a rate
   * limited call up to five times, waiting up to a minute each, so ten minutes.
   */
  public AlertStore(Pool pool) {
    this(pool, Clock.systemUTC(), Duration.ofMinutes(10));
  }

  @Override
  public Future<Recorded> record(Alert alert, String service, String environment, String channel) {
    Instant now = clock.instant();
    String claim = UUID.randomUUID().toString();
    return pool.withTransaction(conn -> (alert.firing()
            ? insertNew(conn, alert, service, environment, channel, now, claim)
            : Future.succeededFuture(Optional.<AlertRecord>empty()))
        .compose(inserted -> inserted.isPresent()
            ? Future.succeededFuture(new Recorded(inserted.get(), Action.POST, claim))
            : locked(conn, alert.source(), alert.groupKey()).compose(row -> row.isEmpty()
                ? Future.succeededFuture(new Recorded(null, Action.NONE, null))
                : repeat(conn, row.get(), alert, service, environment, channel, now, claim))));
  }

  private static Future<Optional<AlertRecord>> insertNew(SqlConnection conn, Alert alert, String service,
      String environment, String channel, Instant now, String claim) {
    return conn.preparedQuery("insert into alerts (source, group_key, service, environment, channel, status, severity, "
            + "summary, count, first_seen, last_seen, claim, claimed_at, description, links) "
            + "values ($1, $2, $3, $4, $5, 'firing', $6, $7, 1, $12, $8, $9, $8, $10, $11) "
            + "on conflict (source, group_key) do nothing returning *")
        .execute(Tuple.from(Arrays.asList(alert.source(), alert.groupKey(), service, environment, channel,
            alert.severity().wire(), alert.summary(), time(now), UUID.fromString(claim), alert.description(),
            links(alert.links()), time(alert.began(now)))))
        .map(AlertStore::first);
  }

  private static Future<Optional<AlertRecord>> locked(SqlConnection conn, String source, String key) {
    return conn.preparedQuery("select * from alerts where source = $1 and group_key = $2 for update")
        .execute(Tuple.of(source, key))
        .map(AlertStore::first);
  }

  private Future<Recorded> repeat(SqlConnection conn, AlertRecord row, Alert alert, String service,
      String environment, String channel, Instant now, String claim) {
    if (!alert.firing()) {
      if (row.status() == Alert.Status.RESOLVED) {
        return Future.succeededFuture(new Recorded(row, Action.NONE, null));
      }
      return conn.preparedQuery("update alerts set status = 'resolved', resolved_at = $3, last_seen = $3 "
              + "where source = $1 and group_key = $2 returning *")
          .execute(Tuple.of(row.source(), row.groupKey(), time(now)))
          .map(rows -> {
            AlertRecord resolved = first(rows).orElseThrow();
            return new Recorded(resolved, resolved.posted() ? Action.UPDATE : Action.PENDING, null);
          });
    }
    if (row.status() == Alert.Status.RESOLVED) {
      // It fires again after it was resolved: a new incident, with a message of its own.
      return conn.preparedQuery("update alerts set service = $3, environment = $4, channel = $5, message_ts = null, "
              + "status = 'firing', severity = $6, summary = $7, count = 1, first_seen = $12, last_seen = $8, "
              + "resolved_at = null, claim = $9, claimed_at = $8, description = $10, links = $11, "
              + ROLLBACK_CLEARED + " where source = $1 and group_key = $2 returning *")
          .execute(Tuple.from(Arrays.asList(row.source(), row.groupKey(), service, environment, channel,
              alert.severity().wire(), alert.summary(), time(now), UUID.fromString(claim), alert.description(),
              links(alert.links()), time(alert.began(now)))))
          .map(rows -> new Recorded(first(rows).orElseThrow(), Action.POST, claim));
    }
    return conn.preparedQuery("update alerts set count = count + 1, last_seen = $3, severity = $4, summary = $5, "
            + "description = $8, links = $9, "
            + "claim = case when message_ts is null and (claim is null or claimed_at < $6) then $7 else claim end, "
            + "claimed_at = case when message_ts is null and (claim is null or claimed_at < $6) then $3 "
            + "else claimed_at end "
            + "where source = $1 and group_key = $2 returning *, claim = $7 as mine")
        .execute(Tuple.from(Arrays.asList(row.source(), row.groupKey(), time(now), alert.severity().wire(),
            alert.summary(), time(now.minus(staleClaim)), UUID.fromString(claim), alert.description(),
            links(alert.links()))))
        .map(rows -> {
          Row updated = rows.iterator().next();
          AlertRecord record = record(updated);
          if (Boolean.TRUE.equals(updated.getBoolean("mine"))) {
            return new Recorded(record, Action.POST, claim);
          }
          return new Recorded(record, record.posted() ? Action.UPDATE : Action.PENDING, null);
        });
  }

  @Override
  public Future<Optional<AlertRecord>> posted(String source, String groupKey, String claim, String messageTs) {
    return pool.preparedQuery("update alerts set message_ts = $4, claim = null, claimed_at = null "
            + "where source = $1 and group_key = $2 and claim = $3 returning *")
        .execute(Tuple.of(source, groupKey, UUID.fromString(claim), messageTs))
        .map(AlertStore::first);
  }

  @Override
  public Future<Void> unclaim(String source, String groupKey, String claim) {
    Tuple key = Tuple.of(source, groupKey, UUID.fromString(claim));
    return pool.withTransaction(conn -> conn.preparedQuery("delete from alerts "
                + "where source = $1 and group_key = $2 and claim = $3 and message_ts is null and count = 1")
            .execute(key)
            .compose(deleted -> deleted.rowCount() > 0 ? Future.succeededFuture()
                : conn.preparedQuery("update alerts set claim = null, claimed_at = null "
                        + "where source = $1 and group_key = $2 and claim = $3 and message_ts is null")
                    .execute(key)))
        .mapEmpty();
  }

  @Override
  public Future<Optional<AlertRecord>> find(String source, String groupKey) {
    return pool.preparedQuery("select * from alerts where source = $1 and group_key = $2")
        .execute(Tuple.of(source, groupKey))
        .map(AlertStore::first);
  }

  @Override
  public Future<Optional<AlertRecord>> rollbackStarted(String channel, String messageTs, AlertRollback rollback) {
    return pool.preparedQuery("update alerts set rollback_run = $3, rollback_by = $4, rollback_to = $5, "
            + "rollback_link = $6, rollback_started = $7, rollback_outcome = 'running', rollback_detail = null, "
            + "rollback_ended = null where channel = $1 and message_ts = $2 returning *")
        .execute(Tuple.from(Arrays.asList(channel, messageTs, UUID.fromString(rollback.runId()), rollback.by(),
            rollback.toVersion(), rollback.runLink(), time(rollback.startedAt()))))
        .map(AlertStore::first);
  }

  @Override
  public Future<List<AlertRecord>> rollbackEnded(String runId, AlertRollback.Outcome outcome, String toVersion,
      String detail, Instant endedAt) {
    return pool.preparedQuery("update alerts set rollback_outcome = $2, rollback_detail = $3, rollback_ended = $4, "
            + "rollback_to = coalesce($5, rollback_to) where rollback_run = $1 and rollback_outcome = 'running' "
            + "returning *")
        .execute(Tuple.from(Arrays.asList(UUID.fromString(runId), outcome.wire(), detail, time(endedAt), toVersion)))
        .map(AlertStore::records);
  }

  @Override
  public Future<Void> rollbackShown(String source, String groupKey, AlertRollback.Outcome outcome) {
    return pool.preparedQuery("update alerts set rollback_shown = $3 where source = $1 and group_key = $2")
        .execute(Tuple.of(source, groupKey, outcome.wire()))
        .mapEmpty();
  }

  @Override
  public Future<List<AlertRecord>> rollbacksBehind(int limit) {
    return pool.preparedQuery("select a.* from alerts a left join runs r on r.id = a.rollback_run "
            + "where a.rollback_run is not null and a.message_ts is not null "
            + "and (a.rollback_shown is distinct from a.rollback_outcome "
            + "or (a.rollback_outcome = 'running' and r.status in ('ROLLED_BACK', 'ROLLBACK_FAILED'))) "
            + "order by a.rollback_started limit $1")
        .execute(Tuple.of(limit))
        .map(AlertStore::records);
  }

  private static JsonArray links(List<Alert.Link> links) {
    JsonArray array = new JsonArray();
    links.forEach(link -> array.add(new JsonObject().put("title", link.title()).put("url", link.url())));
    return array;
  }

  private static List<Alert.Link> links(Object stored) {
    JsonArray array = stored instanceof JsonArray a ? a : stored instanceof String text ? new JsonArray(text)
        : new JsonArray();
    List<Alert.Link> links = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      JsonObject link = array.getJsonObject(i);
      links.add(new Alert.Link(link.getString("title"), link.getString("url")));
    }
    return links;
  }

  private static AlertRollback rollback(Row row) {
    UUID run = row.getUUID("rollback_run");
    if (run == null) {
      return null;
    }
    return new AlertRollback(run.toString(), row.getString("rollback_by"), row.getString("rollback_to"),
        row.getString("rollback_link"), instant(row.getOffsetDateTime("rollback_started")),
        AlertRollback.Outcome.fromWire(row.getString("rollback_outcome")), row.getString("rollback_detail"),
        instant(row.getOffsetDateTime("rollback_ended")));
  }

  private static List<AlertRecord> records(RowSet<Row> rows) {
    List<AlertRecord> records = new ArrayList<>();
    rows.forEach(row -> records.add(record(row)));
    return records;
  }

  private static Optional<AlertRecord> first(RowSet<Row> rows) {
    return rows.size() == 0 ? Optional.empty() : Optional.of(record(rows.iterator().next()));
  }

  private static AlertRecord record(Row row) {
    return new AlertRecord(row.getString("source"), row.getString("group_key"), row.getString("service"),
        row.getString("environment"), row.getString("channel"), row.getString("message_ts"),
        Alert.Status.fromWire(row.getString("status")), Alert.Severity.lenient(row.getString("severity")),
        row.getString("summary"), row.getInteger("count"), instant(row.getOffsetDateTime("first_seen")),
        instant(row.getOffsetDateTime("last_seen")), instant(row.getOffsetDateTime("resolved_at")),
        row.getString("description"), links(row.getValue("links")), rollback(row));
  }

  private static Instant instant(OffsetDateTime time) {
    return time == null ? null : time.toInstant();
  }

  private static OffsetDateTime time(Instant instant) {
    return instant.atOffset(ZoneOffset.UTC);
  }
}
