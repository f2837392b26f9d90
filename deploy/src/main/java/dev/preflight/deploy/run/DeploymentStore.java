package dev.preflight.deploy.run;

import dev.preflight.checklists.deploy.Deployment;
import dev.preflight.checklists.deploy.EnvLock;
import dev.preflight.checklists.deploy.LockCause;
import dev.preflight.checklists.deploy.Release;
import dev.preflight.checklists.run.RunStatus;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Deployments, releases, environment locks and run leases in PostgreSQL. Methods that take a
 * client run inside the caller's transaction.
 */
public final class DeploymentStore {

  private static final String[] IN_FLIGHT = names(RunStatus.IN_FLIGHT);

  private final Pool pool;

  public DeploymentStore(Pool pool) {
    this.pool = pool;
  }

  static Future<Void> insert(SqlClient client, String runId, Deployment d) {
    return client.preparedQuery("insert into deployments (run_id, service, environment, version) values ($1, $2, $3, $4)")
        .execute(Tuple.of(UUID.fromString(runId), d.service(), d.environment(), d.version()))
        .mapEmpty();
  }

  /** Writes the whole deployment; it is small, and one statement keeps it consistent. */
  static Future<Void> save(SqlClient client, String runId, Deployment d) {
    return client.preparedQuery("update deployments set step = $2, progress = $3, deploy_state = $4, "
            + "rollback_state = $5, verification = $6, rollback_verification = $7, previous = $8, launched_by = $9, "
            + "launched_at = $10, failure = $11, rollback_by = $12, rollback_at = $13, rollback_reason = $14, "
            + "finished_at = $15 where run_id = $1")
        .execute(Tuple.from(Arrays.asList(UUID.fromString(runId), d.step(), d.progress(),
            DeploymentJson.state(d.deployState()), DeploymentJson.state(d.rollbackState()),
            DeploymentJson.results(d.verification()), DeploymentJson.results(d.rollbackVerification()),
            DeploymentJson.release(d.previous()), d.launchedBy(), time(d.launchedAt()), d.failure(), d.rollbackBy(),
            time(d.rollbackAt()), d.rollbackReason(), time(d.finishedAt()))))
        .mapEmpty();
  }

  /** Serialises decisions about one service and environment until the transaction ends. */
  static Future<Void> lockEnvironment(SqlClient client, String service, String environment) {
    return client.preparedQuery("select pg_advisory_xact_lock(hashtextextended($1, 0))")
        .execute(Tuple.of("preflight-env:" + service + "/" + environment))
        .mapEmpty();
  }

  /** The run of this service and environment that is not finished, if any. */
  static Future<Optional<String>> activeRun(SqlClient client, String service, String environment,
      Set<RunStatus> statuses) {
    return client.preparedQuery("select id from runs where kind = 'deploy' and service = $1 and environment = $2 "
            + "and status = any($3) order by started_at desc limit 1")
        .execute(Tuple.of(service, environment, names(statuses)))
        .map(rows -> rows.size() == 0 ? Optional.<String>empty()
            : Optional.of(rows.iterator().next().getUUID("id").toString()));
  }

  /**
   * The newest run of this service and environment that launched and whose target started, if
   * any: a later run that deployed nothing ({@link TargetStart}) left that one's version in place.
   */
  public Future<Optional<String>> latestLaunchedRun(String service, String environment) {
    return pool.preparedQuery("select r.id from runs r join deployments d on d.run_id = r.id "
            + "where r.service = $1 and r.environment = $2 and " + TargetStart.sql("d") + " "
            + "order by d.launched_at desc limit 1")
        .execute(Tuple.of(service, environment))
        .map(rows -> rows.size() == 0 ? Optional.<String>empty()
            : Optional.of(rows.iterator().next().getUUID("id").toString()));
  }

  /** A run launched after {@code launchedAt} whose target started, if any: the newest. */
  static Future<Optional<String>> newerLaunchedRun(SqlClient client, String service, String environment,
      Instant launchedAt) {
    return client.preparedQuery("select d.run_id from deployments d join runs r on r.id = d.run_id "
            + "where d.service = $1 and d.environment = $2 and d.launched_at > $3 and " + TargetStart.sql("d") + " "
            + "order by d.launched_at desc limit 1")
        .execute(Tuple.of(service, environment, time(launchedAt)))
        .map(rows -> rows.size() == 0 ? Optional.<String>empty()
            : Optional.of(rows.iterator().next().getUUID("run_id").toString()));
  }

  // Releases

  static Future<Optional<Release>> latestRelease(SqlClient client, String service, String environment) {
    return client.preparedQuery("select * from releases where service = $1 and environment = $2 order by id desc limit 1")
        .execute(Tuple.of(service, environment))
        .map(rows -> rows.size() == 0 ? Optional.<Release>empty()
            : Optional.of(DeploymentJson.releaseFromRow(rows.iterator().next())));
  }

  public static Future<Void> addRelease(SqlClient client, Release r) {
    return client.preparedQuery("insert into releases (service, environment, version, revision, run_id, released_by, "
            + "released_at, kind) values ($1, $2, $3, $4, $5, $6, $7, $8)")
        .execute(Tuple.from(Arrays.asList(r.service(), r.environment(), r.version(), r.revision(),
            r.runId() == null ? null : UUID.fromString(r.runId()), r.by(), time(r.at()), r.kind())))
        .mapEmpty();
  }

  /** The newest release of every service and environment. */
  public Future<List<Release>> latestReleases() {
    return pool.query("select distinct on (service, environment) * from releases "
            + "order by service, environment, id desc")
        .execute()
        .map(rows -> {
          List<Release> releases = new ArrayList<>();
          rows.forEach(row -> releases.add(DeploymentJson.releaseFromRow(row)));
          return releases;
        });
  }

  /** Releases and rollbacks of one service and environment, newest first. */
  public Future<List<Release>> releases(String service, String environment, int limit) {
    return pool.preparedQuery("select * from releases where service = $1 and environment = $2 order by id desc limit $3")
        .execute(Tuple.of(service, environment, limit))
        .map(rows -> {
          List<Release> releases = new ArrayList<>();
          rows.forEach(row -> releases.add(DeploymentJson.releaseFromRow(row)));
          return releases;
        });
  }

  // Locks

  public Future<Optional<EnvLock>> lockOf(String service, String environment) {
    return lockOf(pool, service, environment);
  }

  public static Future<Optional<EnvLock>> lockOf(SqlClient client, String service, String environment) {
    return client.preparedQuery("select * from environment_locks where service = $1 and environment = $2")
        .execute(Tuple.of(service, environment))
        .map(rows -> rows.size() == 0 ? Optional.<EnvLock>empty() : Optional.of(lock(rows.iterator().next())));
  }

  /** Locks an environment, replacing an earlier lock's reason. */
  public static Future<EnvLock> putLock(SqlClient client, EnvLock lock) {
    return client.preparedQuery("insert into environment_locks (service, environment, reason, locked_by, locked_at) "
            + "values ($1, $2, $3, $4, $5) on conflict (service, environment) do update set reason = excluded.reason, "
            + "locked_by = excluded.locked_by, locked_at = excluded.locked_at")
        .execute(Tuple.of(lock.service(), lock.environment(), StoredCauses.lockReason(lock.cause()), lock.by(),
            time(lock.at())))
        .map(rows -> lock);
  }

  /**
   * Marks the lock the rollback from {@code fromVersion} put on the environment as that of a
   * failed rollback, so that it no longer reads as a rollback done. A lock someone replaced since
   * is left alone.
   */
  public static Future<Void> rollbackFailed(SqlClient client, String service, String environment, String fromVersion) {
    return lockOf(client, service, environment).compose(lock -> lock
        .filter(l -> l.cause() instanceof LockCause.RolledBack r && !r.failed()
            && Objects.equals(r.fromVersion(), fromVersion))
        .map(l -> putLock(client, new EnvLock(l.service(), l.environment(),
            ((LockCause.RolledBack) l.cause()).failedNow(), l.by(), l.at())).<Void>mapEmpty())
        .orElseGet(Future::succeededFuture));
  }

  static Future<Optional<EnvLock>> removeLock(SqlClient client, String service, String environment) {
    return client.preparedQuery("delete from environment_locks where service = $1 and environment = $2 returning *")
        .execute(Tuple.of(service, environment))
        .map(rows -> rows.size() == 0 ? Optional.<EnvLock>empty() : Optional.of(lock(rows.iterator().next())));
  }

  public Future<List<EnvLock>> locks() {
    return pool.query("select * from environment_locks order by service, environment").execute().map(rows -> {
      List<EnvLock> locks = new ArrayList<>();
      rows.forEach(row -> locks.add(lock(row)));
      return locks;
    });
  }

  private static EnvLock lock(Row row) {
    return new EnvLock(row.getString("service"), row.getString("environment"),
        StoredCauses.lockCause(row.getString("reason")), row.getString("locked_by"), DeploymentJson.instant(row.getOffsetDateTime("locked_at")));
  }

  // Active runs

  /** Ids of deploy runs that are not finished, oldest first. */
  public Future<List<String>> activeDeployRunIds() {
    return pool.preparedQuery("select id from runs where kind = 'deploy' and status = any($1) order by started_at")
        .execute(Tuple.of(names(RunStatus.ACTIVE)))
        .map(DeploymentStore::ids);
  }

  /** How many deploy runs are deploying, verifying or rolling back, on any replica. */
  public Future<Integer> countInFlight() {
    return pool.preparedQuery("select count(*)::int as n from runs where kind = 'deploy' and status = any($1)")
        .execute(Tuple.of((Object) IN_FLIGHT))
        .map(rows -> rows.iterator().next().getInteger("n"));
  }

  /** Ids of one service and environment's deploy runs that are not finished, oldest first. */
  Future<List<String>> activeDeployRunIds(String service, String environment) {
    return pool.preparedQuery("select id from runs where kind = 'deploy' and service = $1 and environment = $2 "
            + "and status = any($3) order by started_at")
        .execute(Tuple.of(service, environment, names(RunStatus.ACTIVE)))
        .map(DeploymentStore::ids);
  }

  private static String[] names(Set<RunStatus> statuses) {
    return statuses.stream().map(Enum::name).toArray(String[]::new);
  }

  // Leases

  /**
   * Takes the lease of a run, within the caller's transaction. The token names one drive of
   * one run: every write of that drive checks it, so a drive that lost its lease (even to a
   * later drive on the same replica) can never write again.
   */
  static Future<Void> takeLease(SqlClient client, String runId, String token, Duration lease) {
    return client.preparedQuery("update runs set lease_owner = $2, lease_until = now() + make_interval(secs => $3) "
            + "where id = $1")
        .execute(Tuple.of(UUID.fromString(runId), token, lease.toMillis() / 1000.0))
        .mapEmpty();
  }

  /** A run claimed for a new drive, and the drive's lease token. */
  public record Claim(String runId, String token) {}

  /** Claims in-flight runs nobody holds (a lease that ran out belongs to a replica that died). */
  public Future<List<Claim>> claimOrphans(String owner, Duration lease) {
    return pool.preparedQuery("update runs set lease_owner = $1 || '/' || gen_random_uuid(), "
            + "lease_until = now() + make_interval(secs => $2) "
            + "where id in (select id from runs where kind = 'deploy' and status = any($3) "
            + "and (lease_until is null or lease_until < now()) for update skip locked) returning id, lease_owner")
        .execute(Tuple.of(owner, lease.toMillis() / 1000.0, IN_FLIGHT))
        .map(rows -> {
          List<Claim> claims = new ArrayList<>();
          rows.forEach(row -> claims.add(new Claim(row.getUUID("id").toString(), row.getString("lease_owner"))));
          return claims;
        });
  }

  /**
   * Extends a held lease. Answers whether it is still held, and who asked for an abort (so a
   * drive notices an abort clicked on another replica), as {@code Optional.empty()} when it was lost.
   */
  public Future<Optional<Optional<String>>> renewLease(String runId, String token, Duration lease) {
    return pool.preparedQuery("update runs r set lease_until = now() + make_interval(secs => $3) "
            + "from deployments d where r.id = $1 and d.run_id = r.id and r.lease_owner = $2 "
            + "returning d.abort_requested_by")
        .execute(Tuple.of(UUID.fromString(runId), token, lease.toMillis() / 1000.0))
        .map(DeploymentStore::abortIfHeld);
  }

  /** Within a transaction: whether the token still holds the lease, and who asked for an abort. */
  public static Future<Optional<Optional<String>>> checkLease(SqlClient client, String runId, String token) {
    return client.preparedQuery("select d.abort_requested_by from runs r join deployments d on d.run_id = r.id "
            + "where r.id = $1 and r.lease_owner = $2")
        .execute(Tuple.of(UUID.fromString(runId), token))
        .map(DeploymentStore::abortIfHeld);
  }

  private static Optional<Optional<String>> abortIfHeld(io.vertx.sqlclient.RowSet<Row> rows) {
    return rows.size() == 0 ? Optional.empty()
        : Optional.of(Optional.ofNullable(rows.iterator().next().getString("abort_requested_by")));
  }

  /** Gives a lease back, unless another drive holds it by now. */
  public static Future<Void> releaseLease(SqlClient client, String runId, String token) {
    return client.preparedQuery("update runs set lease_owner = null, lease_until = null "
            + "where id = $1 and lease_owner = $2")
        .execute(Tuple.of(UUID.fromString(runId), token))
        .mapEmpty();
  }

  /** In single-instance mode nobody else can hold a lease, so those of a previous process are void. */
  public Future<Void> voidAllLeases() {
    return pool.query("update runs set lease_until = null where lease_until is not null").execute().mapEmpty();
  }

  static Future<Boolean> requestAbort(SqlClient client, String runId, String by) {
    return client.preparedQuery("update deployments set abort_requested_by = $2, abort_requested_at = now() "
            + "where run_id = $1 and abort_requested_by is null")
        .execute(Tuple.of(UUID.fromString(runId), by == null ? "preflight" : by))
        .map(rows -> rows.rowCount() > 0);
  }

  public static Future<Void> clearAbort(SqlClient client, String runId) {
    return client.preparedQuery("update deployments set abort_requested_by = null, abort_requested_at = null "
            + "where run_id = $1")
        .execute(Tuple.of(UUID.fromString(runId)))
        .mapEmpty();
  }

  private static List<String> ids(io.vertx.sqlclient.RowSet<Row> rows) {
    List<String> ids = new ArrayList<>();
    rows.forEach(row -> ids.add(row.getUUID("id").toString()));
    return ids;
  }

  private static OffsetDateTime time(Instant instant) {
    return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
  }
}
