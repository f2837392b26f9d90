package dev.preflight.deploy.report;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Reads a run's audit trail, the part of its story that the run's own row does not keep. */
public final class AuditLog {

  private final Pool pool;

  public AuditLog(Pool pool) {
    this.pool = pool;
  }

  /** Every entry of the run, oldest first; empty for an id that is no run. */
  public Future<List<AuditEntry>> forRun(String runId) {
    UUID id;
    try {
      id = UUID.fromString(runId);
    } catch (IllegalArgumentException e) {
      return Future.succeededFuture(List.of());
    }
    return pool.preparedQuery("select at, actor, action, detail, source from audit_log where run_id = $1 order by id")
        .execute(Tuple.of(id))
        .map(rows -> {
          List<AuditEntry> entries = new ArrayList<>();
          rows.forEach(row -> entries.add(entry(row)));
          return entries;
        });
  }

  private static AuditEntry entry(Row row) {
    OffsetDateTime at = row.getOffsetDateTime("at");
    Object detail = row.getValue("detail");
    return new AuditEntry(at == null ? null : at.toInstant(), row.getString("actor"), row.getString("action"),
        detail instanceof JsonObject json ? json : new JsonObject(), row.getString("source"));
  }
}
