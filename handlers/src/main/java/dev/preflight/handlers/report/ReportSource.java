package dev.preflight.handlers.report;

import dev.preflight.deploy.report.RunReports;
import dev.preflight.deploy.run.ChecklistRuns;
import dev.preflight.deploy.run.TrackedRun;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * What the thread reports need from the run services and the report store. Tests stand in for
 * it in memory, since this module has no database of its own.
 */
interface ReportSource {

  void onChange(Consumer<TrackedRun> listener);

  Future<TrackedRun> find(String runId);

  Future<RunReports.Report> report(TrackedRun tracked);

  Future<Boolean> claim(String runId, String owner);

  Future<Void> uploaded(String runId, String fileId);

  Future<Void> release(String runId, String owner);

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
      public Future<Boolean> claim(String runId, String owner) {
        return reports.claim(runId, owner);
      }

      @Override
      public Future<Void> uploaded(String runId, String fileId) {
        return reports.uploaded(runId, fileId);
      }

      @Override
      public Future<Void> release(String runId, String owner) {
        return reports.release(runId, owner);
      }

      @Override
      public Future<List<String>> unreported(Duration within) {
        return reports.unreported(within);
      }
    };
  }
}
