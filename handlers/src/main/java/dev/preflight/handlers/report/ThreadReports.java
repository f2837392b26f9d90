package dev.preflight.handlers.report;

import dev.preflight.checklists.run.RunStatus;
import dev.preflight.deploy.report.RunReports;
import dev.preflight.deploy.run.ChecklistRuns;
import dev.preflight.deploy.run.TrackedRun;
import dev.preflight.handlers.slack.SlackApi;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leaves each finished run's report in its thread, once per finished status the run reaches: a
 * run that succeeded and is rolled back hours later gets a second report, named as the one after
 * the rollback, so the thread tells how the story ended. When a run is announced as finished,
 * the run is read back as stored, claimed in the database for the status it is in (so a second
 * announcement, another replica or a restart does not upload it again), rendered and shared as
 * a Markdown file into the thread of the run's message; the file's id is recorded after.
 *
 * <p>A run can end before its message is posted (a deploy that fails in its first second); the
 * report then waits for the message, looking again a few times. A report that could not go out
 * (the message never came, Slack failed, the bot stopped) gives its claim back and is picked up
 * by the sweep that runs soon after start and every {@link Timing#sweepEvery}.
 */
public final class ThreadReports {

  private static final Logger LOG = LoggerFactory.getLogger(ThreadReports.class);

  /**
   * @param messageWait how long to wait before looking again for a run's message
   * @param messageLooks how many times to look before leaving the run to the sweep
   * @param firstSweep how long after start the first sweep runs, leaving the run services time to resume
   * @param sweepEvery how often to look for finished runs whose report was lost
   * @param sweepWindow how far back the sweep looks; older runs keep no report
   */
  public record Timing(Duration messageWait, int messageLooks, Duration firstSweep, Duration sweepEvery,
      Duration sweepWindow) {
    public static final Timing DEFAULT = new Timing(Duration.ofSeconds(2), 15, Duration.ofSeconds(10),
        Duration.ofMinutes(5), Duration.ofDays(1));
  }

  private final Vertx vertx;
  private final ReportSource source;
  private final SlackFiles files;
  private final Timing timing;
  private final String owner = "reporter-" + UUID.randomUUID();
  private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
  private long sweepTimer = -1;

  ThreadReports(Vertx vertx, ReportSource source, SlackFiles files, Timing timing) {
    this.vertx = vertx;
    this.source = source;
    this.files = files;
    this.timing = timing;
  }

  /** Reports every run that finishes from now on, and those whose report was lost before. */
  public static ThreadReports start(Vertx vertx, ChecklistRuns runs, RunReports reports, SlackApi slack) {
    return new ThreadReports(vertx, ReportSource.of(runs, reports),
        new SlackFiles(vertx, slack, SlackFiles.DEFAULT_TIMEOUT), Timing.DEFAULT).start();
  }

  ThreadReports start() {
    source.onChange(this::changed);
    sweepTimer = vertx.setPeriodic(Math.max(1, timing.firstSweep().toMillis()),
        Math.max(1, timing.sweepEvery().toMillis()), id -> sweep());
    return this;
  }

  public Future<Void> close() {
    if (sweepTimer >= 0) {
      vertx.cancelTimer(sweepTimer);
    }
    return files.close();
  }

  void changed(TrackedRun tracked) {
    if (RunStatus.FINISHED.contains(tracked.run().status())) {
      deliver(tracked.id());
    }
  }

  /**
   * Reports one run at the status it is in now, unless this replica is already at it; completes
   * with the file id, or null when there was nothing to do (not finished, already reported, no
   * message yet).
   */
  Future<String> deliver(String runId) {
    return source.find(runId)
        .compose(tracked -> {
          RunStatus status = tracked.run().status();
          String key = runId + " " + status;
          if (!RunStatus.FINISHED.contains(status) || !inFlight.add(key)) {
            return Future.<String>succeededFuture();
          }
          return attempt(tracked, status, timing.messageLooks()).onComplete(done -> inFlight.remove(key));
        })
        .onFailure(e -> LOG.warn("The report of run {} was not uploaded: {}", runId, e.getMessage()));
  }

  private Future<String> attempt(TrackedRun tracked, RunStatus status, int looksLeft) {
    if (tracked.run().status() != status) {
      // Rolled back while its message was awaited: the new status is announced, and reported, on its own.
      return Future.succeededFuture();
    }
    if (!tracked.posted()) {
      if (looksLeft <= 1) {
        LOG.info("Run {} has no message yet; its report is left to the next sweep", tracked.id());
        return Future.succeededFuture();
      }
      return later(timing.messageWait())
          .compose(v -> source.find(tracked.id()))
          .compose(again -> attempt(again, status, looksLeft - 1));
    }
    return source.claim(tracked.id(), status, owner)
        .compose(claimed -> claimed ? upload(tracked, status) : Future.succeededFuture());
  }

  private Future<String> upload(TrackedRun tracked, RunStatus status) {
    return source.report(tracked)
        .compose(report -> source.reportedBefore(tracked.id(), status)
            .map(before -> before ? report.afterRollback() : report))
        .compose(report -> files.share(tracked.channelId(), tracked.messageTs(), report.fileName(), report.title(),
            report.markdown().getBytes(StandardCharsets.UTF_8)))
        // Nothing reached the thread, so another attempt may try again.
        .recover(e -> source.release(tracked.id(), status, owner).transform(released -> Future.<String>failedFuture(e)))
        // The file is in the thread; if this write fails the claim stays, and only goes stale much later.
        .compose(fileId -> source.uploaded(tracked.id(), status, fileId).map(fileId));
  }

  private void sweep() {
    source.unreported(timing.sweepWindow())
        .onSuccess(ids -> ids.forEach(this::deliver))
        .onFailure(e -> LOG.warn("Could not look for runs without a report: {}", e.getMessage()));
  }

  private Future<Void> later(Duration wait) {
    Promise<Void> elapsed = Promise.promise();
    vertx.setTimer(Math.max(1, wait.toMillis()), id -> elapsed.complete());
    return elapsed.future();
  }
}
