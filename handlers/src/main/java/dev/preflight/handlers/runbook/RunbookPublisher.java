package dev.preflight.handlers.runbook;

import dev.preflight.checklists.config.PreflightConfig;
import dev.preflight.checklists.runbook.Runbook;
import dev.preflight.deploy.runbook.RunbookRun;
import dev.preflight.deploy.runbook.RunbookRuns;
import dev.preflight.deploy.runbook.StepState;
import dev.preflight.handlers.slack.SlackApi;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps each run's one message current: posted at its first change, then edited, at most once a
 * second (changes that arrive meanwhile are folded into the next edit, which shows the newest);
 * each ended step's output goes in the thread once. One run's sends go one at a time, on the loop.
 */
final class RunbookPublisher {

  private static final Logger LOG = LoggerFactory.getLogger(RunbookPublisher.class);

  private final PreflightConfig config;
  private final RunbookRuns runs;
  private final SlackApi slack;
  private final Context loop;
  private final Clock clock;
  /** Slack's rate for editing one message: about one edit a second. */
  static final long EDIT_GAP_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(1);

  /** The newest change of each run not shown yet. */
  private final Map<String, RunbookRun> pending = new HashMap<>();
  /** Runs with a send under way, or waiting for the gap between two edits. */
  private final Set<String> busy = new HashSet<>();
  private final Map<String, Long> lastSent = new HashMap<>();
  private final Map<String, String> messages = new HashMap<>();
  private final Set<String> noted = new HashSet<>();
  /** The latest of each running run, so its running step's elapsed time is shown as it grows. */
  private final Map<String, RunbookRun> live = new HashMap<>();
  /** Sends of each run that Slack did not take, in a row. */
  private final Map<String, Integer> failures = new HashMap<>();
  static final int RETRIES = 5;
  static final long RETRY_FIRST_MS = 5_000;
  /** The newest change seen of each run: an older one arriving late (a refresh) is not shown over it. */
  private final Map<String, java.time.Instant> newest = new HashMap<>();

  RunbookPublisher(PreflightConfig config, RunbookRuns runs, SlackApi slack, Context loop, Clock clock) {
    this.config = config;
    this.runs = runs;
    this.slack = slack;
    this.loop = loop;
    this.clock = clock;
  }

  /** Refreshes the messages of running runs every {@code every}; touched on the loop. */
  RunbookPublisher refreshEvery(java.time.Duration every) {
    loop.owner().setPeriodic(every.toMillis(), id -> loop.runOnContext(v -> List.copyOf(live.values()).forEach(this::changed)));
    return this;
  }

  void changed(RunbookRun run) {
    loop.runOnContext(v -> {
      java.time.Instant seen = newest.get(run.id());
      if (seen != null && run.updatedAt() != null && run.updatedAt().isBefore(seen)) {
        return;
      }
      if (run.updatedAt() != null) {
        newest.put(run.id(), run.updatedAt());
      }
      if (run.status() == dev.preflight.deploy.runbook.RunbookStatus.RUNNING) {
        live.put(run.id(), run);
      } else {
        live.remove(run.id());
      }
      pending.put(run.id(), run);
      drain(run.id());
    });
  }

  /** Sends the newest pending change of a run, once the one before has gone and a second has passed. */
  private void drain(String runId) {
    if (busy.contains(runId) || !pending.containsKey(runId)) {
      return;
    }
    busy.add(runId);
    Long last = lastSent.get(runId);
    long wait = last == null ? 0 : EDIT_GAP_NANOS - (System.nanoTime() - last);
    if (wait > 0) {
      loop.owner().setTimer(Math.max(1, java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(wait)), t -> {
        busy.remove(runId);
        drain(runId);
      });
      return;
    }
    RunbookRun run = pending.remove(runId);
    send(run)
        .onSuccess(v -> failures.remove(runId))
        .onFailure(e -> retryLater(run, e))
        .onComplete(done -> {
          lastSent.put(runId, System.nanoTime());
          busy.remove(runId);
          if (!pending.containsKey(runId) && run.status().finished()) {
            lastSent.remove(runId);
          }
          drain(runId);
        });
  }

  /**
   * A message or note Slack did not take (after the Slack client's own retries) is sent again from
   * the run as it is then, after 5, 10, 20, 40 and 80 s, so a run that has ended, and changes no
   * more, still ends up shown whole; then it is left to the log.
   */
  private void retryLater(RunbookRun run, Throwable failure) {
    int failed = failures.merge(run.id(), 1, Integer::sum);
    if (failed > RETRIES) {
      failures.remove(run.id());
      LOG.warn("Could not show runbook run {} in Slack, and gave up after {} tries: {}", run.id(), failed,
          failure.getMessage());
      return;
    }
    LOG.warn("Could not show runbook run {} in Slack (will try again): {}", run.id(), failure.getMessage());
    loop.owner().setTimer(RETRY_FIRST_MS << (failed - 1), t -> runs.find(run.id())
        .onSuccess(found -> changed(found.orElse(run)))
        .onFailure(e -> changed(run)));
  }

  private Future<Void> send(RunbookRun run) {
    Runbook runbook = config.runbooks().get(run.runbook());
    String text = RunbookMessage.text(run, runbook, clock.instant());
    String ts = messages.getOrDefault(run.id(), run.messageTs());
    Future<String> posted = ts != null
        ? slack.update(run.channel(), ts, text, RunbookMessage.blocks(run, runbook, clock.instant())).map(ts)
        : slack.postMessage(run.channel(), text, RunbookMessage.blocks(run, runbook, clock.instant()))
            .compose(newTs -> {
              messages.put(run.id(), newTs);
              return runs.posted(run.id(), newTs).map(newTs);
            });
    return posted.compose(postedTs -> threadNotes(postedTs, run));
  }

  /**
   * Each ended step's output, then the report once the run is over, each posted once: a note is
   * claimed in the database before it is posted (so a restarted or second replica skips it) and
   * given back when Slack does not take it (so the run's next change posts it).
   */
  private Future<Void> threadNotes(String ts, RunbookRun run) {
    Future<Void> chain = Future.succeededFuture();
    for (int i = 0; i < run.steps().size(); i++) {
      StepState step = run.steps().get(i);
      if (step.phase() == StepState.Phase.PASSED || step.phase() == StepState.Phase.FAILED) {
        String note = RunbookMessage.threadNote(i + 1, step);
        String key = "step:" + i;
        chain = chain.compose(v -> threadNote(run, ts, key, note));
      }
    }
    if (run.status().finished()) {
      chain = chain.compose(v -> threadNote(run, ts, "report", RunbookMessage.report(run)));
    }
    return chain;
  }

  private Future<Void> threadNote(RunbookRun run, String ts, String key, String note) {
    String known = run.id() + ":" + key;
    if (!noted.add(known)) {
      return Future.succeededFuture();
    }
    return runs.claimNote(run.id(), key).compose(claimed -> {
      if (!claimed) {
        return Future.<Void>succeededFuture();
      }
      return slack.postReply(run.channel(), ts, note).<Void>mapEmpty().recover(failure -> {
        noted.remove(known);
        return runs.releaseNote(run.id(), key).transform(released -> Future.<Void>failedFuture(failure));
      });
    }, failure -> {
      noted.remove(known);
      return Future.failedFuture(failure);
    });
  }
}
