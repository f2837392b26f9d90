package dev.preflight.handlers.report;

import dev.preflight.checklists.run.RunStatus;
import dev.preflight.deploy.report.RunReports;
import dev.preflight.deploy.run.ChecklistRuns;
import dev.preflight.deploy.run.TrackedRun;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * What the thread reports need from the run services and the report store. Tests stand in for
 * it in memory, since this module has no database of its own. Reports are owed per run and
 * finished status, so claims and uploads name both.
 */
interface ReportSource {

  void onChange(Consumer<TrackedRun> listener);

  Future<TrackedRun> find(String runId);

  Future<RunReports.Report> report(TrackedRun tracked);

  Future<Boolean> claim(String runId, RunStatus status, String owner);

  Future<Void> uploaded(String runId, RunStatus status, String fileId);

  Future<Void> release(String runId, RunStatus status, String owner);

  /** Whether the run's thread already holds a report uploaded at another status. */
  Future<Boolean> reportedBefore(String runId, RunStatus status);

  Future<List<String>> unreported(Duration within);

  static ReportSource of(ChecklistRuns runs, RunReports reports) {
    return new ReportSource() {
      @Override
      public void onChange(Consumer<TrackedRun> listener) {
        runs.onChange(listener);
      }

      @Override
      public Future<TrackedRun> find(String runId) {
        return runs.find(runId);
      }

      @Override
      public Future<RunReports.Report> report(TrackedRun tracked) {
        return reports.report(tracked);
      }

      @Override
      public Future<Boolean> claim(String runId, RunStatus status, String owner) {
        return reports.claim(runId, status, owner);
      }

      @Override
      public Future<Void> uploaded(String runId, RunStatus status, String fileId) {
        return reports.uploaded(runId, status, fileId);
      }

      @Override
      public Future<Void> release(String runId, RunStatus status, String owner) {
        return reports.release(runId, status, owner);
      }

      @Override
      public Future<Boolean> reportedBefore(String runId, RunStatus status) {
        return reports.reportedBefore(runId, status);
      }

      @Override
      public Future<List<String>> unreported(Duration within) {
        return reports.unreported(within);
      }
    };
  }
}
