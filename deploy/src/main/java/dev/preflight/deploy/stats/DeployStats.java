package dev.preflight.deploy.stats;

import dev.preflight.checklists.checklist.Checklist;
import dev.preflight.checklists.deploy.Release;
import dev.preflight.checklists.run.RunStatus;
import dev.preflight.checklists.run.SignOffDecision;
import dev.preflight.deploy.run.DeploymentJson;
import dev.preflight.deploy.run.RunRepository;
import dev.preflight.deploy.run.TrackedRun;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Figures about past deploys, read straight from the runs, deployments and releases tables, for
 * the App Home and {@code /deploys history}. Nothing is kept in memory, so every replica answers
 * the same.
 *
 * <p>The figures, per service and environment, over the runs launched in the last 30 days:
 * <ul>
 *   <li><b>deploys</b>: runs launched ({@code deployments.launched_at} in the window).
 *   <li><b>change failure rate</b>: of those runs that have finished their deploy (status
 *       SUCCEEDED, FAILED, ROLLED_BACK or ROLLBACK_FAILED), the share that ended FAILED,
 *       ROLLED_BACK or ROLLBACK_FAILED. A success rolled back later counts as a failure. Runs still
 *       deploying, verifying or rolling back count in neither.
 *   <li><b>median lead time</b>: over runs that ended SUCCEEDED, the median of
 *       {@code deployments.finished_at − runs.started_at}, i.e. from the {@code /deploy} that
 *       opened the run (checklist and sign-offs included) to the verified release.
 *   <li><b>median time to restore</b>: for each failed run, the failure time is when it went
 *       wrong: its audited move to FAILED or ROLLING_BACK (a failed verification, a failed
 *       rollout, or a rollback someone started after a success), falling back to
 *       {@code deployments.rollback_at} or {@code finished_at}; it is restored by the first release of the same service and
 *       environment at or after that time, of either kind (a completed rollback, or a later deploy
 *       that succeeded). The figure is the median over restored failures; failures with no release
 *       since are counted as unrestored.
 * </ul>
 */
public final class DeployStats {

  private static final Logger LOG = LoggerFactory.getLogger(DeployStats.class);

  /** How far back the figures look. */
  public static final Duration WINDOW = Duration.ofDays(30);

  private static final String[] ENDED = {RunStatus.SUCCEEDED.name(), RunStatus.FAILED.name(),
      RunStatus.ROLLED_BACK.name(), RunStatus.ROLLBACK_FAILED.name()};
  private static final String[] UNSUCCESSFUL =
      RunStatus.UNSUCCESSFUL.stream().map(Enum::name).toArray(String[]::new);
  private static final String[] OPEN = RunStatus.OPEN.stream().map(Enum::name).toArray(String[]::new);

  private static final String FIGURES = """
      with launched as (
        select r.id, r.service, r.environment, r.status, r.started_at, d.finished_at, d.rollback_at
        from runs r join deployments d on d.run_id = r.id
        where r.kind = 'deploy' and d.launched_at is not null and d.launched_at >= $1
      ),
      counts as (
        select service, environment,
          count(*) as deploys,
          count(*) filter (where status = any($2)) as finished,
          count(*) filter (where status = any($3)) as failed,
          percentile_cont(0.5) within group (order by extract(epoch from finished_at - started_at))
            filter (where status = 'SUCCEEDED' and finished_at is not null) as lead_seconds
        from launched group by service, environment
      ),
      failures as (
        select f.service, f.environment, f.failed_at,
          (select min(rel.released_at) from releases rel where rel.service = f.service
             and rel.environment = f.environment and rel.released_at >= f.failed_at) as restored_at
        from (select service, environment,
                -- When it went wrong: the audited move to FAILED or ROLLING_BACK, which finishing the
                -- rollback later does not overwrite; runs stored without an audit trail fall back.
                coalesce((select min(a.at) from audit_log a where a.run_id = launched.id
                            and a.detail->>'to' in ('FAILED', 'ROLLING_BACK', 'ROLLBACK_FAILED')),
                         rollback_at, finished_at) as failed_at
              from launched where status = any($3)) f
        where f.failed_at is not null
      ),
      restores as (
        select service, environment, count(*) as failures, count(restored_at) as restored,
          percentile_cont(0.5) within group (order by extract(epoch from restored_at - failed_at)) as restore_seconds
        from failures group by service, environment
      )
      select c.*, coalesce(x.failures, 0) as failures, coalesce(x.restored, 0) as restored, x.restore_seconds
      from counts c left join restores x on x.service = c.service and x.environment = c.environment
      order by c.service, c.environment
      """;

  /**
   * Releases, and every rollback that ended ROLLBACK_FAILED: one whose target restored a release
   * but whose run then failed is marked failed, and one that failed before restoring anything (so
   * wrote no release) is listed from its run, at the time it ended.
   */
  private static final String HISTORY = """
      select * from (
        select rel.service, rel.environment, rel.version, rel.revision, rel.run_id, rel.released_by,
          rel.released_at, rel.kind, d.version as run_version, d.launched_at, d.rollback_at,
          (rel.kind = 'rollback' and r.status = 'ROLLBACK_FAILED') as rollback_failed, rel.id as release_id
        from releases rel left join deployments d on d.run_id = rel.run_id left join runs r on r.id = rel.run_id
        where rel.service = $1 and rel.environment = $2
        union all
        select d.service, d.environment, d.previous->>'version', d.previous->>'revision', d.run_id, d.rollback_by,
          coalesce(d.finished_at, d.rollback_at), 'rollback', d.version, d.launched_at, d.rollback_at, true, null
        from deployments d join runs r on r.id = d.run_id
        where d.service = $1 and d.environment = $2 and r.status = 'ROLLBACK_FAILED' and d.rollback_at is not null
          and not exists (select 1 from releases rel where rel.run_id = d.run_id and rel.kind = 'rollback')
      ) history
      order by released_at desc, release_id desc nulls last limit $3
      """;

  private final Pool pool;
  private final RunRepository runs;
  private final Clock clock;

  /** @param checklists looks a checklist up by id in the current config, to load open runs */
  public DeployStats(Pool pool, Function<String, Optional<Checklist>> checklists, Clock clock) {
    this.pool = pool;
    this.runs = new RunRepository(pool, checklists);
    this.clock = clock;
  }

  /** The figures of every service and environment with a deploy launched in the last 30 days. */
  public Future<List<EnvironmentFigures>> figures() {
    Instant since = clock.instant().minus(WINDOW);
    return pool.preparedQuery(FIGURES)
        .execute(Tuple.of(since.atOffset(ZoneOffset.UTC), ENDED, UNSUCCESSFUL))
        .map(rows -> {
          List<EnvironmentFigures> figures = new ArrayList<>();
          rows.forEach(row -> figures.add(new EnvironmentFigures(row.getString("service"),
              row.getString("environment"), row.getLong("deploys").intValue(), row.getLong("finished").intValue(),
              row.getLong("failed").intValue(), seconds(row, "lead_seconds"), row.getLong("failures").intValue(),
              row.getLong("restored").intValue(), seconds(row, "restore_seconds"))));
          return figures;
        });
  }

  /**
   * Open runs (preparing or ready) waiting for this person: a sign-off of theirs would count now,
   * because the checklist still misses a role they hold, they have not signed, and they did not
   * start the run unless its rule lets the starter sign. Oldest first.
   */
  public Future<List<PendingSignOff>> pendingSignOffs(Set<String> rolesOfUser, String userId) {
    if (rolesOfUser.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    return pool.preparedQuery("select id from runs r where status = any($1) and not exists "
            + "(select 1 from sign_offs s where s.run_id = r.id and s.user_id = $2) order by started_at")
        .execute(Tuple.of(OPEN, userId))
        .compose(rows -> {
          List<Future<Optional<TrackedRun>>> loads = new ArrayList<>();
          rows.forEach(row -> loads.add(load(row.getUUID("id"))));
          return Future.all(loads).map(all -> {
            List<PendingSignOff> pending = new ArrayList<>();
            for (Future<Optional<TrackedRun>> load : loads) {
              load.result().ifPresent(tracked -> {
                if (tracked.run().decideSignOff(userId, rolesOfUser) instanceof SignOffDecision.Accepted accepted) {
                  pending.add(new PendingSignOff(tracked, accepted.role()));
                }
              });
            }
            return pending;
          });
        });
  }

  /** The newest releases and rollbacks of one service and environment, newest first. */
  public Future<List<HistoryEntry>> history(String service, String environment, int limit) {
    return pool.preparedQuery(HISTORY)
        .execute(Tuple.of(service, environment, limit))
        .map(rows -> {
          List<HistoryEntry> entries = new ArrayList<>();
          rows.forEach(row -> entries.add(entry(row)));
          return entries;
        });
  }

  /** A run that cannot be read (the database) is skipped rather than failing the whole list. */
  private Future<Optional<TrackedRun>> load(UUID id) {
    return runs.find(id.toString()).recover(e -> {
      LOG.warn("Skipping run {} while looking for sign-offs: {}", id, e.getMessage());
      return Future.succeededFuture(Optional.empty());
    });
  }

  private static HistoryEntry entry(Row row) {
    Release release = DeploymentJson.releaseFromRow(row);
    boolean rollback = Release.ROLLBACK.equals(release.kind());
    Instant began = instant(row.getOffsetDateTime(rollback ? "rollback_at" : "launched_at"));
    Duration took = began == null || release.at() == null ? null : Duration.between(began, release.at());
    return new HistoryEntry(release, took, rollback ? row.getString("run_version") : null,
        Boolean.TRUE.equals(row.getBoolean("rollback_failed")));
  }

  private static Duration seconds(Row row, String column) {
    Object value = row.getValue(column);
    return value instanceof Number n ? Duration.ofMillis(Math.round(n.doubleValue() * 1000)) : null;
  }

  private static Instant instant(OffsetDateTime time) {
    return time == null ? null : time.toInstant();
  }
}
