package dev.preflight.handlers.report;

import dev.preflight.checklists.run.RunStatus;
import dev.preflight.deploy.report.RunReport;
import dev.preflight.deploy.report.RunReports;
import dev.preflight.deploy.run.TrackedRun;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The run services and the report store in memory, with the claim rules of the run_reports
 * table: per run and status, one holder at a time, given back on request, never again once
 * uploaded. Stale claims are not modelled; the deploy module tests them against PostgreSQL.
 */
final class MemoryReports implements ReportSource {

  private record Key(String runId, RunStatus status) {}

  private record Claim(String owner, String fileId) {}

  private final Map<String, TrackedRun> runs = new ConcurrentHashMap<>();
  private final Map<String, Integer> finds = new ConcurrentHashMap<>();
  private final List<Consumer<TrackedRun>> listeners = new CopyOnWriteArrayList<>();
  // Guarded by this.
  private final Map<Key, Claim> claims = new HashMap<>();

  /** Stores a run as committed and announces it, as ChecklistRuns does. */
  void change(TrackedRun tracked) {
    runs.put(tracked.id(), tracked);
    listeners.forEach(listener -> listener.accept(tracked));
  }

  /** Stores a run without announcing it. */
  void put(TrackedRun tracked) {
    runs.put(tracked.id(), tracked);
  }

  /** What {@link #report} renders for a run: the report with an empty audit trail. */
  static String expected(TrackedRun tracked) {
    return RunReport.markdown(tracked, List.of());
  }

  synchronized Optional<String> fileOf(String runId, RunStatus status) {
    return Optional.ofNullable(claims.get(new Key(runId, status))).map(Claim::fileId);
  }

  /** Records a report as uploaded by an earlier life of the bot. */
  synchronized void reported(String runId, RunStatus status, String fileId) {
    claims.put(new Key(runId, status), new Claim("earlier", fileId));
  }

  /** How many times the run was looked up. */
  int finds(String runId) {
    return finds.getOrDefault(runId, 0);
  }

  synchronized boolean claimed(String runId, RunStatus status) {
    return claims.containsKey(new Key(runId, status));
  }

  @Override
  public void onChange(Consumer<TrackedRun> listener) {
    listeners.add(listener);
  }

  @Override
  public Future<TrackedRun> find(String runId) {
    finds.merge(runId, 1, Integer::sum);
    TrackedRun tracked = runs.get(runId);
    return tracked == null ? Future.failedFuture(new dev.preflight.deploy.api.NoSuchRunException(runId))
        : Future.succeededFuture(tracked);
  }

  @Override
  public Future<RunReports.Report> report(TrackedRun tracked) {
    return Future.succeededFuture(new RunReports.Report(tracked.id(), RunReport.fileName(tracked),
        RunReport.title(tracked), expected(tracked)));
  }

  @Override
  public synchronized Future<Boolean> claim(String runId, RunStatus status, String owner) {
    Key key = new Key(runId, status);
    if (claims.containsKey(key)) {
      return Future.succeededFuture(false);
    }
    claims.put(key, new Claim(owner, null));
    return Future.succeededFuture(true);
  }

  @Override
  public synchronized Future<Void> uploaded(String runId, RunStatus status, String fileId) {
    Key key = new Key(runId, status);
    Claim claim = claims.get(key);
    claims.put(key, new Claim(claim == null ? null : claim.owner(), fileId));
    return Future.succeededFuture();
  }

  @Override
  public synchronized Future<Void> release(String runId, RunStatus status, String owner) {
    Key key = new Key(runId, status);
    Claim claim = claims.get(key);
    if (claim != null && claim.fileId() == null && claim.owner().equals(owner)) {
      claims.remove(key);
    }
    return Future.succeededFuture();
  }

  @Override
  public synchronized Future<Boolean> reportedBefore(String runId, RunStatus status) {
    return Future.succeededFuture(claims.entrySet().stream().anyMatch(claim -> claim.getKey().runId().equals(runId)
        && claim.getKey().status() != status && claim.getValue().fileId() != null));
  }

  @Override
  public synchronized Future<List<String>> unreported(Duration within) {
    return Future.succeededFuture(runs.values().stream()
        .filter(tracked -> RunStatus.FINISHED.contains(tracked.run().status()) && tracked.posted())
        .filter(tracked -> !claims.containsKey(new Key(tracked.id(), tracked.run().status())))
        .map(TrackedRun::id)
        .sorted()
        .toList());
  }
}
