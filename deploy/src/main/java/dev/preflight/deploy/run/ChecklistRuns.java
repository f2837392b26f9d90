package dev.preflight.deploy.run;

import dev.preflight.checklists.checklist.Checklist;
import dev.preflight.checklists.checklist.Item;
import dev.preflight.checklists.deploy.Deployment;
import dev.preflight.checklists.run.ChecklistRun;
import dev.preflight.checklists.run.Evidence;
import dev.preflight.checklists.run.ItemEvent;
import dev.preflight.checklists.run.ItemProgress;
import dev.preflight.checklists.run.ItemState;
import dev.preflight.checklists.run.RunRuleException;
import dev.preflight.checklists.run.SignOff;
import dev.preflight.checklists.run.SignOffDecision;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checklist runs as a service: every change is applied by the domain rules to the run as
 * stored, under its row lock, written with an audit entry in one transaction, and then
 * announced to listeners. Automated items run as soon as they are started, and run again
 * after a restart if they were still running.
 */
public final class ChecklistRuns {

  private static final Logger LOG = LoggerFactory.getLogger(ChecklistRuns.class);
  private static final int RECORD_TRIES = 5;
  private static final long RECORD_BACKOFF_MS = 1_000;

  private final Vertx timers;
  private final RunRepository repository;
  private final CheckExecutor checks;
  private final Function<String, Optional<Checklist>> checklists;
  private final Clock clock;
  private final List<Consumer<TrackedRun>> listeners = new CopyOnWriteArrayList<>();

  public ChecklistRuns(Vertx timers, RunRepository repository, CheckExecutor checks,
      Function<String, Optional<Checklist>> checklists, Clock clock) {
    this.timers = timers;
    this.repository = repository;
    this.checks = checks;
    this.checklists = checklists;
    this.clock = clock;
  }

  /** Called after every committed change, on the event loop; listeners must not block. */
  public void onChange(Consumer<TrackedRun> listener) {
    listeners.add(listener);
  }

  public Future<TrackedRun> start(String checklistId, String channelId, Origin origin) {
    Checklist checklist = checklists.apply(checklistId)
        .orElseThrow(() -> new RunRuleException("There is no checklist `" + checklistId + "`."));
    return start(checklist, channelId, origin, null, conn -> Future.succeededFuture());
  }

  /**
   * Starts a run, a deploy run when {@code deployment} is given. {@code guard} runs first in
   * the same transaction; a failure there stops the start and changes nothing.
   */
  Future<TrackedRun> start(Checklist checklist, String channelId, Origin origin, Deployment deployment,
      Function<SqlConnection, Future<Void>> guard) {
    ChecklistRun fresh = ChecklistRun.start(UUID.randomUUID().toString(), checklist, origin.actor(), clock.instant());
    ChecklistRun started = startAutomated(fresh, checklist.items().filter(Item::automated).toList());
    TrackedRun tracked = new TrackedRun(started, channelId, null, deployment);
    JsonObject detail = new JsonObject().put("checklist", checklist.id()).put("channel", channelId);
    if (deployment != null) {
      detail.put("service", deployment.service()).put("environment", deployment.environment())
          .put("version", deployment.version());
    }
    return repository.pool()
        .withTransaction(conn -> guard.apply(conn)
            .compose(v -> repository.insert(conn, tracked, deployment == null ? "checklist" : "deploy"))
            .compose(v -> repository.audit(conn, started.id(), origin, "run.started", detail)))
        .map(v -> tracked)
        .onSuccess(this::announce)
        .onSuccess(this::launchRunningChecks);
  }

  public Future<TrackedRun> find(String runId) {
    return repository.find(runId).map(found -> found.orElseThrow(() -> new RunRepository.NoSuchRunException(runId)));
  }

  public Future<Optional<TrackedRun>> findByMessage(String channelId, String messageTs) {
    return repository.findByMessage(channelId, messageTs);
  }

  public Future<Void> attachMessage(String runId, String channelId, String messageTs) {
    return repository.setMessage(runId, channelId, messageTs);
  }

  public Future<TrackedRun> tick(String runId, String itemId, Origin origin) {
    return move(runId, itemId, ItemEvent.TICK, origin, null, "item.ticked");
  }

  public Future<TrackedRun> untick(String runId, String itemId, Origin origin) {
    return move(runId, itemId, ItemEvent.UNTICK, origin, null, "item.unticked");
  }

  public Future<TrackedRun> rerun(String runId, String itemId, Origin origin) {
    return move(runId, itemId, ItemEvent.START, origin, null, "item.rerun")
        .onSuccess(tracked -> tracked.run().checklist().item(itemId)
            .ifPresent(item -> execute(runId, item, tracked.run().items().get(itemId).attempt())));
  }

  /** Waives an item; only members of the checklist's waiver roles may, and only with a reason. */
  public Future<TrackedRun> waive(String runId, String itemId, String reason, Set<String> actorRoles, Origin origin) {
    String trimmed = reason == null ? "" : reason.trim();
    if (trimmed.isEmpty()) {
      return Future.failedFuture(new RunRuleException("A waiver needs a reason."));
    }
    return mutate(runId, origin, "item.waived", new JsonObject().put("item", itemId).put("reason", trimmed), run -> {
      run.checklist().waiverRefusal(actorRoles).ifPresent(refusal -> {
        throw new RunRuleException(refusal);
      });
      return run.move(itemId, ItemEvent.WAIVE, origin.actor(), clock.instant(), null, trimmed);
    });
  }

  /** Records a sign-off when the rules accept it; a rejection changes nothing and says why. */
  public Future<SignOffOutcome> signOff(String runId, String user, Set<String> userRoles, Origin origin) {
    return repository.pool()
        .withTransaction(conn -> repository.lock(conn, runId).compose(tracked -> {
          SignOffDecision decision = tracked.run().decideSignOff(user, userRoles);
          if (!(decision instanceof SignOffDecision.Accepted accepted)) {
            return Future.succeededFuture(new SignOffOutcome(decision, tracked));
          }
          ChecklistRun after = tracked.run().withSignOff(new SignOff(user, accepted.role(), clock.instant()));
          return repository.saveChanges(conn, tracked.run(), after)
              .compose(v -> repository.audit(conn, runId, origin, "signoff.added",
                  new JsonObject().put("role", accepted.role())))
              .map(v -> new SignOffOutcome(decision, tracked.with(after)));
        }))
        .onSuccess(outcome -> {
          if (outcome.accepted()) {
            announce(outcome.run());
          }
        });
  }

  /** Withdraws a sign-off; empty when the user had none on this run. */
  public Future<Optional<TrackedRun>> withdrawSignOff(String runId, String user, Origin origin) {
    return repository.pool()
        .withTransaction(conn -> repository.lock(conn, runId).compose(tracked -> {
          boolean signed = tracked.run().signOffs().stream().anyMatch(s -> s.user().equals(user));
          if (!signed || !tracked.run().status().open()) {
            return Future.succeededFuture(Optional.<TrackedRun>empty());
          }
          ChecklistRun after = tracked.run().withoutSignOff(user);
          return repository.saveChanges(conn, tracked.run(), after)
              .compose(v -> repository.audit(conn, runId, origin, "signoff.withdrawn", null))
              .map(v -> Optional.of(tracked.with(after)));
        }))
        .onSuccess(changed -> changed.ifPresent(this::announce));
  }

  /**
   * Picks up open runs after a start: checks that were running when the bot stopped run
   * again, and every open run is announced so its message is brought up to date.
   */
  public Future<Integer> resume() {
    return repository.openRunIds().compose(ids -> {
      List<Future<TrackedRun>> resumed = ids.stream().map(id -> find(id)
          .onSuccess(tracked -> {
            announce(tracked);
            launchRunningChecks(tracked);
          })
          .onFailure(RunMdc.around(id, null, e -> LOG.error("Could not resume run {}: {}", id, e.getMessage()))))
          .toList();
      return Future.join(resumed).otherwiseEmpty().map(v -> ids.size());
    });
  }

  private Future<TrackedRun> move(String runId, String itemId, ItemEvent event, Origin origin, String note,
      String action) {
    return mutate(runId, origin, action, new JsonObject().put("item", itemId),
        run -> run.move(itemId, event, origin.actor(), clock.instant(), null, note));
  }

  private Future<TrackedRun> mutate(String runId, Origin origin, String action, JsonObject detail,
      Function<ChecklistRun, ChecklistRun> change) {
    boolean[] changed = {false};
    return repository.pool()
        .withTransaction(conn -> repository.lock(conn, runId).compose(tracked -> {
          ChecklistRun after = change.apply(tracked.run());
          if (after.equals(tracked.run())) {
            return Future.succeededFuture(tracked);
          }
          changed[0] = true;
          return repository.saveChanges(conn, tracked.run(), after)
              .compose(v -> repository.audit(conn, runId, origin, action, detail))
              .map(v -> tracked.with(after));
        }))
        .onSuccess(tracked -> {
          if (changed[0]) {
            announce(tracked);
          }
        });
  }

  private void launchRunningChecks(TrackedRun tracked) {
    ChecklistRun run = tracked.run();
    run.checklist().items()
        .filter(Item::automated)
        .filter(item -> run.items().get(item.id()).state() == ItemState.RUNNING)
        .forEach(item -> execute(run.id(), item, run.items().get(item.id()).attempt()));
  }

  private void execute(String runId, Item item, int attempt) {
    checks.run(item.check())
        .recover(e -> Future.succeededFuture(Evidence.failure("check errored", e.getMessage(), 1)))
        .onSuccess(evidence -> recordPatiently(runId, item.id(), attempt, evidence, RECORD_TRIES));
  }

  /**
   * A result that cannot be written would leave its item running until the next restart, with
   * no button to re-run it; a passing database blip must not do that.
   */
  private void recordPatiently(String runId, String itemId, int attempt, Evidence evidence, int triesLeft) {
    record(runId, itemId, attempt, evidence).onFailure(RunMdc.around(runId, null, e -> {
      if (triesLeft <= 1 || e instanceof RunRepository.NoSuchRunException) {
        LOG.error("Result of {} in run {} was not recorded: {}", itemId, runId, e.getMessage());
        return;
      }
      LOG.warn("Result of {} in run {} not recorded yet ({}); trying again", itemId, runId, e.getMessage());
      timers.setTimer(RECORD_BACKOFF_MS * (RECORD_TRIES - triesLeft + 1),
          id -> recordPatiently(runId, itemId, attempt, evidence, triesLeft - 1));
    }));
  }

  /** Stores a result unless the item was re-run, waived or the run closed in the meantime. */
  private Future<TrackedRun> record(String runId, String itemId, int attempt, Evidence evidence) {
    ItemEvent event = evidence.passed() ? ItemEvent.PASS : ItemEvent.FAIL;
    Origin origin = Origin.bot("check");
    JsonObject detail = new JsonObject().put("item", itemId).put("attempt", attempt).put("summary", evidence.summary());
    return mutate(runId, origin, evidence.passed() ? "check.passed" : "check.failed", detail, run -> {
      ItemProgress current = run.items().get(itemId);
      boolean stale = current == null || current.state() != ItemState.RUNNING || current.attempt() != attempt
          || !run.status().open();
      return stale ? run : run.move(itemId, event, null, clock.instant(), evidence, null);
    });
  }

  private ChecklistRun startAutomated(ChecklistRun run, List<Item> automated) {
    ChecklistRun started = run;
    for (Item item : automated) {
      started = started.move(item.id(), ItemEvent.START, null, clock.instant(), null, null);
    }
    return started;
  }

  /** Tells every listener about a committed change; DeployRuns announces its changes here too. */
  void announce(TrackedRun tracked) {
    for (Consumer<TrackedRun> listener : listeners) {
      RunMdc.Scope scope = RunMdc.enter(tracked);
      try {
        listener.accept(tracked);
      } catch (RuntimeException e) {
        LOG.error("A run listener failed for run {}", tracked.id(), e);
      } finally {
        scope.close();
      }
    }
  }
}
