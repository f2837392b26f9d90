package dev.preflight.deploy.report;

import dev.preflight.checklists.checklist.Checklist;
import dev.preflight.checklists.run.RunStatus;
import dev.preflight.deploy.api.NoSuchRunException;
import dev.preflight.deploy.run.RunRepository;
import dev.preflight.deploy.run.TrackedRun;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

/**
 * Reports of finished runs: built from the run as stored and its audit trail, and the claims
 * that make each report go to Slack once. A report is owed per run and finished status: a run
 * that succeeded and is rolled back later owes a second one, which tells the rollback. A replica
 * claims the run and status before it uploads and records the file after; a second
 * announcement, another replica or a restart finds the claim and leaves it alone. A claim whose
 * upload never finished (its replica died mid-way) is void after {@code staleClaim}, and may be
 * taken again.
 */
public final class RunReports {

  public static final Duration DEFAULT_STALE_CLAIM = Duration.ofMinutes(10);

  /** A report ready to print or upload. */
  public record Report(String runId, String fileName, String title, String markdown) {

    /**
     * The same report, named so that a thread already holding the run's first report shows this
     * one as the account of what the rollback did, not as a copy.
     */
    public Report afterRollback() {
      String base = fileName.endsWith(".md") ? fileName.substring(0, fileName.length() - 3) : fileName;
      return new Report(runId, base + "-after-rollback.md", title + " (after the rollback)", markdown);
    }
  }

  private final RunRepository repository;
  private final AuditLog audit;
  private final Pool pool;
  private final Duration staleClaim;

  public RunReports(RunRepository repository, Duration staleClaim) {
    this.repository = repository;
    this.pool = repository.pool();
    this.audit = new AuditLog(pool);
    this.staleClaim = staleClaim;
  }

  /** @param checklists looks a checklist up by id in the current config, as the run services do */
  public RunReports(Pool pool, Function<String, Optional<Checklist>> checklists) {
    this(new RunRepository(pool, checklists), DEFAULT_STALE_CLAIM);
  }

  /** The report of a run; fails with {@link NoSuchRunException} for an unknown id. */
  public Future<Report> report(String runId) {
    return repository.find(runId)
        .map(found -> found.orElseThrow(() -> new NoSuchRunException(runId)))
        .compose(this::report);
  }

  public Future<Report> report(TrackedRun tracked) {
    return audit.forRun(tracked.id()).map(entries -> new Report(tracked.id(), RunReport.fileName(tracked),
        RunReport.title(tracked), RunReport.markdown(tracked, entries)));
  }

  /**
   * Takes the report of the run at {@code status} for {@code owner}; false when it is uploaded or
   * someone else is at it.
   */
  public Future<Boolean> claim(String runId, RunStatus status, String owner) {
    return pool.preparedQuery(
            "insert into run_reports (run_id, status, claimed_by, claimed_at) values ($1, $2, $3, now()) "
                + "on conflict (run_id, status) do update "
                + "set claimed_by = excluded.claimed_by, claimed_at = excluded.claimed_at "
                + "where run_reports.file_id is null and run_reports.claimed_at < now() - make_interval(secs => $4) "
                + "returning run_id")
        .execute(Tuple.of(UUID.fromString(runId), status.name(), owner, seconds(staleClaim)))
        .map(rows -> rows.size() == 1);
  }

  /** Records the Slack file the report at {@code status} went out as; that report is done for good. */
  public Future<Void> uploaded(String runId, RunStatus status, String fileId) {
    return pool.preparedQuery(
            "update run_reports set file_id = $3, uploaded_at = now() where run_id = $1 and status = $2")
        .execute(Tuple.of(UUID.fromString(runId), status.name(), fileId))
        .mapEmpty();
  }

  /** Gives a claim back after a failed upload, so a later attempt may try again. */
  public Future<Void> release(String runId, RunStatus status, String owner) {
    return pool.preparedQuery(
            "delete from run_reports where run_id = $1 and status = $2 and claimed_by = $3 and file_id is null")
        .execute(Tuple.of(UUID.fromString(runId), status.name(), owner))
        .mapEmpty();
  }

  /** The Slack file id of the run's report at {@code status}, once uploaded. */
  public Future<Optional<String>> fileOf(String runId, RunStatus status) {
    return pool.preparedQuery("select file_id from run_reports where run_id = $1 and status = $2")
        .execute(Tuple.of(UUID.fromString(runId), status.name()))
        .map(rows -> rows.size() == 0 ? Optional.<String>empty()
            : Optional.ofNullable(rows.iterator().next().getString("file_id")));
  }

  /**
   * Whether the run's thread already holds a report uploaded at another status than
   * {@code status}: the run finished once before and was rolled back since.
   */
  public Future<Boolean> reportedBefore(String runId, RunStatus status) {
    return pool.preparedQuery(
            "select exists (select 1 from run_reports where run_id = $1 and status <> $2 and file_id is not null) "
                + "as before")
        .execute(Tuple.of(UUID.fromString(runId), status.name()))
        .map(rows -> rows.iterator().next().getBoolean("before"));
  }

  /**
   * Runs that finished within {@code within}, have a message, and have no report and no live
   * claim for the status they are in now: those whose report was lost to a restart or a failed
   * upload, and those rolled back since their first report went out. Oldest first.
   */
  public Future<List<String>> unreported(Duration within) {
    return pool.preparedQuery(
            "select r.id from runs r left join run_reports p on p.run_id = r.id and p.status = r.status "
                + "where r.status = any($1) and r.message_ts is not null "
                + "and r.updated_at > now() - make_interval(secs => $2) "
                + "and (p.run_id is null or (p.file_id is null and p.claimed_at < now() - make_interval(secs => $3))) "
                + "order by r.updated_at")
        .execute(Tuple.of(RunStatus.FINISHED.stream().map(Enum::name).toArray(String[]::new),
            seconds(within), seconds(staleClaim)))
        .map(rows -> {
          List<String> ids = new ArrayList<>();
          rows.forEach(row -> ids.add(row.getUUID("id").toString()));
          return ids;
        });
  }

  private static double seconds(Duration duration) {
    return (double) duration.toMillis() / 1000;
  }
}
