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
 * Keeps each run's one message current: posted at its first change, edited at every later one;
 * each ended step's output goes in the thread once. Changes of one run are sent in order, one
 * at a time, on the loop.
 */
final class RunbookPublisher {

  private static final Logger LOG = LoggerFactory.getLogger(RunbookPublisher.class);

  private final PreflightConfig config;
  private final RunbookRuns runs;
  private final SlackApi slack;
  private final Context loop;
  private final Clock clock;
  private final Map<String, Future<Void>> sending = new HashMap<>();
  private final Map<String, String> messages = new HashMap<>();
  private final Set<String> noted = new HashSet<>();
  /** The latest of each running run, so its running step's elapsed time is shown as it grows. */
  private final Map<String, RunbookRun> live = new HashMap<>();
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
      Future<Void> before = sending.getOrDefault(run.id(), Future.succeededFuture());
      Future<Void> next = before.eventually(() -> send(run))
          .onFailure(e -> LOG.warn("Could not show runbook run {} in Slack: {}", run.id(), e.getMessage()));
      sending.put(run.id(), next.otherwiseEmpty());
    });
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

  private Future<Void> threadNotes(String ts, RunbookRun run) {
    Future<Void> chain = Future.succeededFuture();
    for (int i = 0; i < run.steps().size(); i++) {
      StepState step = run.steps().get(i);
      String key = run.id() + ":" + i;
      if ((step.phase() == StepState.Phase.PASSED || step.phase() == StepState.Phase.FAILED) && noted.add(key)) {
        String note = RunbookMessage.threadNote(i + 1, step);
        chain = chain.compose(v -> slack.postReply(run.channel(), ts, note).mapEmpty());
      }
    }
    if (run.status().finished() && noted.add(run.id() + ":report")) {
      String report = RunbookMessage.report(run);
      chain = chain.compose(v -> slack.postReply(run.channel(), ts, report).mapEmpty());
    }
    return chain;
  }
}
