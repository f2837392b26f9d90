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
import java.time.ZoneOffset;
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

  /**
   * What recording a round left: the watch after it, and how its failing streak stood before,
   * so the caller knows whether this round started a streak or ended an announced one.
   */
  record Recorded(WatchState watch, int failuresBefore, boolean streakAnnounced) {

    boolean passed() {
      return watch.failures() == 0;
    }

    /** The first failing round of a streak: the one that alerts. */
    boolean startsStreak() {
      return !passed() && failuresBefore == 0;
    }

    /** The first passing round after a streak that was announced. */
    boolean recovers() {
      return passed() && failuresBefore > 0 && streakAnnounced;
    }
  }

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
   * a watch is due once: recording the round moves its next time past the slots already gone.
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
   * Records a round and sets the next one from the round's own due time (see
   * {@link WatchSchedule}), or stops the watch when the next would fall after its end. Empty
   * when the claim is no longer held or the watch was stopped meanwhile (a newer deploy or a
   * rollback superseded it): such a round is dropped and must not alert.
   */
  Future<Optional<Recorded>> record(Claim claim, boolean passed, JsonArray results) {
    UUID runId = UUID.fromString(claim.runId());
    return pool.withTransaction(conn -> conn.preparedQuery("select now() as now, next_at, every_ms, until, failures, "
            + "alerted_at from watches where run_id = $1 and claim_owner = $2 and stopped_at is null for update")
        .execute(Tuple.of(runId, claim.token()))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.succeededFuture(Optional.<Recorded>empty());
          }
          Row before = rows.iterator().next();
          Instant due = instant(before.getOffsetDateTime("next_at"));
          Instant next = WatchSchedule.next(due, Duration.ofMillis(before.getLong("every_ms")),
              instant(before.getOffsetDateTime("now")));
          boolean ends = next.isAfter(instant(before.getOffsetDateTime("until")));
          int failuresBefore = before.getInteger("failures");
          boolean announced = before.getOffsetDateTime("alerted_at") != null;
          return conn.preparedQuery("update watches set passes = passes + 1, last_at = now(), last_result = $3, "
                  + "last_due_at = next_at, last_passed = $4, "
                  + "failed_rounds = failed_rounds + case when $4 then 0 else 1 end, "
                  // The first failure of a streak is its alert; the alert's message is not known yet.
                  + "alerted_at = case when not $4 and failures = 0 then now() else alerted_at end, "
                  + "alert_channel = case when not $4 and failures = 0 then null else alert_channel end, "
                  + "alert_ts = case when not $4 and failures = 0 then null else alert_ts end, "
                  + "failures = case when $4 then 0 else failures + 1 end, "
                  + "next_at = $5, "
                  + "stopped_at = case when $6 then now() end, "
                  + "stop_reason = case when $6 then '" + WatchState.ENDED + "' end, "
                  + "claim_owner = null, claim_until = null "
                  + "where run_id = $1 and claim_owner = $2 returning *")
              .execute(Tuple.of(runId, claim.token(), results, passed, time(next), ends))
              .map(after -> Optional.of(new Recorded(state(after.iterator().next()), failuresBefore, announced)));
        }));
  }

  /** Where a streak's alert went, so its recovery can answer in the alert's thread. */
  Future<Void> alertPosted(String runId, String channel, String ts) {
    return pool.preparedQuery("update watches set alert_channel = $2, alert_ts = $3 where run_id = $1")
        .execute(Tuple.of(UUID.fromString(runId), channel, ts))
        .mapEmpty();
  }

  /**
   * How long until this replica should look again: until the soonest round falls due, or a watch
   * past its last slot reaches its end. A round another replica holds is followed on its grid
   * (the next slot after now), or until its claim runs out if that is sooner, so a replica that
   * is not running a watch still wakes in step with it. Measured by the database's clock, so
   * replicas whose clocks differ a little still agree; empty when no watch runs.
   */
  Future<Optional<Duration>> untilNextDue() {
    return pool.query("select now() as now, next_at, every_ms, until, claim_until from watches "
            + "where stopped_at is null")
        .execute()
        .map(rows -> {
          Optional<Duration> soonest = Optional.empty();
          for (Row row : rows) {
            Instant now = instant(row.getOffsetDateTime("now"));
            Instant next = instant(row.getOffsetDateTime("next_at"));
            Instant until = instant(row.getOffsetDateTime("until"));
            Instant claimUntil = instant(row.getOffsetDateTime("claim_until"));
            Instant at;
            if (next.isAfter(until)) {
              at = until;
            } else if (claimUntil != null && claimUntil.isAfter(now)) {
              Instant followingSlot = WatchSchedule.next(next, Duration.ofMillis(row.getLong("every_ms")), now);
              at = claimUntil.isBefore(followingSlot) ? claimUntil : followingSlot;
            } else {
              at = next;
            }
            Duration wait = Duration.between(now, at).isNegative() ? Duration.ZERO : Duration.between(now, at);
            if (soonest.isEmpty() || wait.compareTo(soonest.get()) < 0) {
              soonest = Optional.of(wait);
            }
          }
          return soonest;
        });
  }

  /** Gives back every claim this replica holds (it is stopping), so another replica runs those rounds now. */
  Future<Integer> releaseAll(String owner) {
    return pool.preparedQuery("update watches set claim_owner = null, claim_until = null "
            + "where starts_with(claim_owner, $1 || '/')")
        .execute(Tuple.of(owner))
        .map(rows -> rows.rowCount());
  }

  /** Claims left by a previous process, void when the database has a single bot. */
  Future<Void> voidAllClaims() {
    return pool.query("update watches set claim_owner = null, claim_until = null where claim_until is not null")
        .execute().mapEmpty();
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
        instant(row.getOffsetDateTime("stopped_at")), row.getString("stop_reason"),
        instant(row.getOffsetDateTime("last_due_at")), row.getBoolean("last_passed"), row.getInteger("failed_rounds"),
        row.getString("alert_channel"), row.getString("alert_ts"));
  }

  private static OffsetDateTime time(Instant instant) {
    return instant.atOffset(ZoneOffset.UTC);
  }

  private static Instant instant(OffsetDateTime time) {
    return time == null ? null : time.toInstant();
  }
}
