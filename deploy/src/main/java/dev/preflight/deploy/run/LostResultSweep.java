package dev.preflight.deploy.run;

import dev.preflight.checklists.checklist.Checklist;
import dev.preflight.checklists.checklist.Item;
import dev.preflight.checklists.run.ChecklistRun;
import dev.preflight.checklists.run.ItemEvent;
import dev.preflight.deploy.run.RunRepository.RunningItem;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The periodic sweep for lost results: automated items stored as running past their time limit
 * with no check behind them (a crash, an outage longer than results are kept, a replica that
 * went away) are started again.
 */
final class LostResultSweep {

  private static final Logger LOG = LoggerFactory.getLogger(LostResultSweep.class);

  private final Vertx timers;
  private final RunRepository repository;
  private final Function<String, Optional<Checklist>> checklists;
  private final Clock clock;
  private final PendingWrites pending;
  private final ItemChanges changes;
  private final AutomatedChecks automated;
  private final RunListeners listeners;
  private long sweepTimer = -1;

  LostResultSweep(Vertx timers, RunRepository repository, Function<String, Optional<Checklist>> checklists,
      Clock clock, PendingWrites pending, ItemChanges changes, AutomatedChecks automated, RunListeners listeners) {
    this.timers = timers;
    this.repository = repository;
    this.checklists = checklists;
    this.clock = clock;
    this.pending = pending;
    this.changes = changes;
    this.automated = automated;
    this.listeners = listeners;
  }

  /** Sweeps now and then every {@code every}, until {@link #stop()}. */
  void every(Duration every) {
    stop();
    sweep();
    sweepTimer = timers.setPeriodic(every.toMillis(), id -> sweep());
  }

  void stop() {
    if (sweepTimer >= 0) {
      timers.cancelTimer(sweepTimer);
      sweepTimer = -1;
    }
  }

  /**
   * Finds automated items stored as running past their time limit. One with no check running in
   * this process lost its result and is started again; one whose check here is still going is
   * announced once, so its message offers Re-run. Completes with how many were started again.
   */
  Future<Integer> sweep() {
    if (pending.databaseDown()) {
      return Future.succeededFuture(0);
    }
    Instant now = clock.instant();
    return repository.runningItems().map(items -> {
      int restarted = 0;
      for (RunningItem running : items) {
        Optional<Item> item = checklists.apply(running.checklistId())
            .flatMap(checklist -> checklist.item(running.itemId()))
            .filter(Item::automated);
        if (item.isEmpty() || running.since() == null
            || !now.isAfter(running.since().plus(ChecklistRun.timeLimit(item.get())))) {
          continue;
        }
        if (automated.live(running.runId(), running.itemId(), running.attempt())) {
          if (automated.firstShownOverdue(running.runId(), running.itemId(), running.attempt())) {
            repository.find(running.runId()).onSuccess(found -> found.ifPresent(listeners::announce));
          }
          continue;
        }
        LOG.warn("Item {} of run {} has run since {} with no check behind it; running it again",
            running.itemId(), running.runId(), running.since());
        restart(running.runId(), running.itemId())
            .onFailure(e -> LOG.warn("Could not restart item {} of run {}: {}", running.itemId(), running.runId(),
                e.getMessage()));
        restarted++;
      }
      return restarted;
    }).onFailure(e -> LOG.warn("The sweep for lost results could not read the runs: {}", e.getMessage()));
  }

  private Future<TrackedRun> restart(String runId, String itemId) {
    return changes.change(runId, Origin.bot("sweep"), "item.restarted", new JsonObject().put("item", itemId), run -> {
      Instant now = clock.instant();
      // Another replica may have restarted it meanwhile; then it is no longer overdue.
      return run.status().open() && run.overdue(itemId, now)
          ? run.move(itemId, ItemEvent.RESTART, null, now, null, null) : run;
    }, tracked -> automated.launch(tracked, itemId));
  }
}
