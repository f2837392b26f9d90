package dev.preflight.deploy.run;

import dev.preflight.checklists.checklist.Item;
import dev.preflight.checklists.run.ChecklistRun;
import dev.preflight.checklists.run.Evidence;
import dev.preflight.checklists.run.ItemEvent;
import dev.preflight.checklists.run.ItemProgress;
import dev.preflight.checklists.run.ItemState;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the checks of automated items and records their results. An item's check runs once per
 * attempt in this process; its result is written unless the item was re-run, waived or the run
 * closed in the meantime, and through a database outage it is kept until the database returns.
 */
final class AutomatedChecks {

  private static final Logger LOG = LoggerFactory.getLogger(AutomatedChecks.class);

  private final CheckExecutor checks;
  private final ItemChanges changes;
  private final Clock clock;
  /** run/item/attempt of every check running in this process, until its result is written or given up. */
  private final Set<String> live = ConcurrentHashMap.newKeySet();
  /** Overdue items still live here whose run was re-announced, so their Re-run button shows; once each. */
  private final Set<String> shownOverdue = ConcurrentHashMap.newKeySet();

  AutomatedChecks(CheckExecutor checks, ItemChanges changes, Clock clock) {
    this.checks = checks;
    this.changes = changes;
    this.clock = clock;
  }

  /** A new run with every automated item started, so their checks launch once it is stored. */
  ChecklistRun startAll(ChecklistRun run, List<Item> automated) {
    ChecklistRun started = run;
    for (Item item : automated) {
      started = started.move(item.id(), ItemEvent.START, null, clock.instant(), null, null);
    }
    return started;
  }

  /** Launches the check of every automated item stored as running that has none here yet. */
  void launchRunning(TrackedRun tracked) {
    tracked.run().checklist().items()
        .filter(Item::automated)
        .forEach(item -> launch(tracked, item.id()));
  }

  /** Starts the item's check if it is running as stored and no check for that attempt runs here yet. */
  void launch(TrackedRun tracked, String itemId) {
    ChecklistRun run = tracked.run();
    ItemProgress progress = run.items().get(itemId);
    run.checklist().item(itemId)
        .filter(Item::automated)
        .filter(item -> progress != null && progress.state() == ItemState.RUNNING)
        .ifPresent(item -> execute(run.id(), item, progress.attempt()));
  }

  /** Whether this attempt's check is running in this process. */
  boolean live(String runId, String itemId, int attempt) {
    return live.contains(key(runId, itemId, attempt));
  }

  /** True the first time an overdue attempt still running here is shown, false after. */
  boolean firstShownOverdue(String runId, String itemId, int attempt) {
    return shownOverdue.add(key(runId, itemId, attempt));
  }

  private void execute(String runId, Item item, int attempt) {
    String key = key(runId, item.id(), attempt);
    if (!live.add(key)) {
      return;
    }
    checks.run(item.check())
        .recover(e -> Future.succeededFuture(Evidence.failure("check errored", e.getMessage(), 1)))
        .onSuccess(evidence -> record(runId, item.id(), attempt, evidence)
            .onComplete(done -> {
              live.remove(key);
              shownOverdue.remove(key);
            }));
  }

  /**
   * Stores a result unless the item was re-run, waived or the run closed in the meantime. Through
   * an outage the result is kept and written when the database returns; completes once it is
   * written or given up.
   */
  private Future<Void> record(String runId, String itemId, int attempt, Evidence evidence) {
    ItemEvent event = evidence.passed() ? ItemEvent.PASS : ItemEvent.FAIL;
    JsonObject detail = new JsonObject().put("item", itemId).put("attempt", attempt).put("summary", evidence.summary());
    return changes.change(runId, Origin.bot("check"), evidence.passed() ? "check.passed" : "check.failed", detail,
        run -> {
          ItemProgress current = run.items().get(itemId);
          boolean stale = current == null || current.state() != ItemState.RUNNING || current.attempt() != attempt
              || !run.status().open();
          return stale ? run : run.move(itemId, event, null, clock.instant(), evidence, null);
        }, tracked -> { })
        .<Void>mapEmpty()
        .recover(e -> {
          if (e instanceof ChangeHeldException held) {
            LOG.warn("Result of {} in run {} kept until the database answers", itemId, runId);
            return held.applied().<Void>mapEmpty()
                .onFailure(lost -> LOG.error("Result of {} in run {} was not recorded: {}", itemId, runId,
                    lost.getMessage()));
          }
          LOG.error("Result of {} in run {} was not recorded: {}", itemId, runId, e.getMessage());
          return Future.failedFuture(e);
        });
  }

  private static String key(String runId, String itemId, int attempt) {
    return runId + "/" + itemId + "/" + attempt;
  }
}
