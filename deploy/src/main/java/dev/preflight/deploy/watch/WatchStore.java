package dev.preflight.deploy.watch;

import dev.preflight.checklists.deploy.Deployment;
import dev.preflight.checklists.deploy.VerifyResult;
import dev.preflight.checklists.deploy.Watch;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Watches in PostgreSQL. The schedule is kept in database time ({@code now()}), so replicas with
 * clocks a little apart still agree on what is due. Methods that take a client run inside the
 * caller's transaction.
 */
final class WatchStore {

  private static final String MILLIS = " * interval '1 millisecond'";

  private final Pool pool;

  WatchStore(Pool pool) {
    this.pool = pool;
  }

  /** A due watch this replica now holds, and the token that lets it record the pass. */
  record Claim(String runId, String service, String environment, String version, String token) {}

  /** What recording a pass left: the failing streak after it, and when it was recorded. */
  record Recorded(int failures, Instant at, boolean stopped) {}

  /** Starts watching a run that just succeeded; the first pass is one interval away. */
  static Future<Void> start(SqlClient client, String runId, Deployment d, Watch watch) {
    return client.preparedQuery("insert into watches (run_id, service, environment, version, every_ms, until, next_at) "
            + "values ($1, $2, $3, $4, $5, now() + $6::bigint" + MILLIS + ", now() + $5::bigint" + MILLIS + ") "
            + "on conflict (run_id) do nothing")
        .execute(Tuple.of(UUID.fromString(runId), d.service(), d.environment(), d.version(),
            Math.max(1, watch.every().toMillis()), watch.span().toMillis()))
        .mapEmpty();
  }

  /** Stops every watch of the service and environment that still runs; answers how many. */
  static Future<Integer> stopLive(SqlClient client, String service, String environment, String reason) {
    return client.preparedQuery("update watches set stopped_at = now(), stop_reason = $3 "
            + "where service = $1 and environment = $2 and stopped_at is null")
        .execute(Tuple.of(service, environment, reason))
        .map(rows -> rows.rowCount());
  }

  /**
   * Claims watches that are due and nobody holds. Whatever was missed while no replica ran,
   * a watch is due once: the next time is set from when a pass is recorded, not from the slots.
   */
  Future<List<Claim>> claimDue(String owner, Duration claim, int limit) {
    return pool.preparedQuery("update watches set claim_owner = $1 || '/' || gen_random_uuid(), "
            + "claim_until = now() + $2::bigint" + MILLIS + " "
            + "where run_id in (select run_id from watches where stopped_at is null and next_at <= now() "
            + "and next_at <= until and (claim_until is null or claim_until < now()) "
            + "order by next_at limit $3 for update skip locked) "
            + "returning run_id, service, environment, version, claim_owner")
        .execute(Tuple.of(owner, claim.toMillis(), limit))
        .map(rows -> {
          List<Claim> claims = new ArrayList<>();
          rows.forEach(row -> claims.add(new Claim(row.getUUID("run_id").toString(), row.getString("service"),
              row.getString("environment"), row.getString("version"), row.getString("claim_owner"))));
          return claims;
        });
  }

  /**
   * Records a pass and sets the next one, or stops the watch when the next would fall after its
   * end. Empty when the claim is no longer held or the watch was stopped meanwhile (a newer
   * deploy or a rollback superseded it): such a pass is dropped and must not alert.
   */
  Future<Optional<Recorded>> record(Claim claim, boolean passed, JsonArray results) {
    String next = "now() + every_ms" + MILLIS;
    return pool.preparedQuery("update watches set passes = passes + 1, last_at = now(), last_result = $3, "
            // Evaluated against the row before the update: the first failure of a streak is the alert.
            + "alerted_at = case when not $4 and failures = 0 then now() else alerted_at end, "
            + "failures = case when $4 then 0 else failures + 1 end, "
            + "next_at = " + next + ", "
            + "stopped_at = case when " + next + " > until then now() end, "
            + "stop_reason = case when " + next + " > until then '" + WatchState.ENDED + "' end, "
            + "claim_owner = null, claim_until = null "
            + "where run_id = $1 and claim_owner = $2 and stopped_at is null "
            + "returning failures, last_at, stopped_at")
        .execute(Tuple.of(UUID.fromString(claim.runId()), claim.token(), results, passed))
        .map(rows -> {
          if (rows.size() == 0) {
            return Optional.<Recorded>empty();
          }
          Row row = rows.iterator().next();
          return Optional.of(new Recorded(row.getInteger("failures"), instant(row.getOffsetDateTime("last_at")),
              row.getOffsetDateTime("stopped_at") != null));
        });
  }

  /** Claims left by a previous process, void when the database has a single bot. */
  Future<Void> voidAllClaims() {
    return pool.query("update watches set claim_owner = null, claim_until = null where claim_until is not null")
        .execute().mapEmpty();
  }

  /** Gives a claim back unrecorded (this replica is stopping), so another may run it at once. */
  Future<Void> release(Claim claim) {
    return pool.preparedQuery("update watches set claim_owner = null, claim_until = null "
            + "where run_id = $1 and claim_owner = $2")
        .execute(Tuple.of(UUID.fromString(claim.runId()), claim.token()))
        .mapEmpty();
  }

  Future<Void> stop(Claim claim, String reason) {
    return pool.preparedQuery("update watches set stopped_at = now(), stop_reason = $3, claim_owner = null, "
            + "claim_until = null where run_id = $1 and claim_owner = $2 and stopped_at is null")
        .execute(Tuple.of(UUID.fromString(claim.runId()), claim.token(), reason))
        .mapEmpty();
  }

  /** Ends watches whose time ran out with no pass left to run (e.g. while no replica was up). */
  Future<Integer> endExpired() {
    return pool.preparedQuery("update watches set stopped_at = now(), stop_reason = $1 "
            + "where stopped_at is null and until < now() and (claim_until is null or claim_until < now())")
        .execute(Tuple.of(WatchState.ENDED))
        .map(rows -> rows.rowCount());
  }

  Future<Optional<WatchState>> find(String runId) {
    return pool.preparedQuery("select * from watches where run_id = $1")
        .execute(Tuple.of(UUID.fromString(runId)))
        .map(rows -> rows.size() == 0 ? Optional.<WatchState>empty() : Optional.of(state(rows.iterator().next())));
  }

  /** Watches still running, soonest pass first. */
  Future<List<WatchState>> live() {
    return pool.query("select * from watches where stopped_at is null order by next_at").execute().map(rows -> {
      List<WatchState> states = new ArrayList<>();
      rows.forEach(row -> states.add(state(row)));
      return states;
    });
  }

  /** What a pass saw, short: enough to show the last result without the full evidence. */
  static JsonArray results(List<VerifyResult> results) {
    JsonArray array = new JsonArray();
    for (VerifyResult result : results) {
      array.add(new JsonObject()
          .put("id", result.id())
          .put("title", result.title())
          .put("passed", result.passed())
          .put("summary", result.evidence().summary()));
    }
    return array;
  }

  private static WatchState state(Row row) {
    return new WatchState(row.getUUID("run_id").toString(), row.getString("service"), row.getString("environment"),
        row.getString("version"), Duration.ofMillis(row.getLong("every_ms")), instant(row.getOffsetDateTime("until")),
        instant(row.getOffsetDateTime("next_at")), row.getInteger("passes"), instant(row.getOffsetDateTime("last_at")),
        row.getInteger("failures"), instant(row.getOffsetDateTime("alerted_at")),
        instant(row.getOffsetDateTime("stopped_at")), row.getString("stop_reason"));
  }

  private static Instant instant(OffsetDateTime time) {
    return time == null ? null : time.toInstant();
  }
}
