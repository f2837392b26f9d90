package dev.preflight.deploy.run;

import dev.preflight.checklists.checklist.Checklist;
import dev.preflight.checklists.checklist.Item;
import dev.preflight.checklists.deploy.Deployment;
import dev.preflight.checklists.run.ChecklistRun;
import dev.preflight.checklists.run.Evidence;
import dev.preflight.checklists.run.ItemEvent;
import dev.preflight.checklists.run.ItemProgress;
import dev.preflight.checklists.run.ItemState;
import dev.preflight.checklists.run.Refusal;
import dev.preflight.checklists.run.RunRuleException;
import dev.preflight.checklists.run.SignOff;
import dev.preflight.checklists.run.SignOffDecision;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import dev.preflight.deploy.run.RunRepository.RunningItem;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
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
 *
 * <p>Changes asked for by people and checks (ticks, re-runs, waivers, sign-offs, results) go
 * through {@link PendingWrites}: while the database does not answer they are kept in memory, in
 * order per run, and written when it returns; each carries an id so a replay never applies it
 * twice. A periodic sweep finds items stored as running with no check behind them (a result
 * lost, a replica gone) once their time limit has passed, and runs them again.
 */
public final class ChecklistRuns {

  private static final Logger LOG = LoggerFactory.getLogger(ChecklistRuns.class);
  /** Runs whose message this process has seen, kept so a reaction can be placed while the database is away. */
  private static final int REMEMBERED_RUNS = 10_000;

  private final Vertx timers;
  private final RunRepository repository;
  private final CheckExecutor checks;
  private final Function<String, Optional<Checklist>> checklists;
  private final Clock clock;
  private final PendingWrites pending;
  private final List<Consumer<TrackedRun>> listeners = new CopyOnWriteArrayList<>();
  /** run/item/attempt of every check running in this process, until its result is written or given up. */
  private final Set<String> live = ConcurrentHashMap.newKeySet();
  /** Overdue items still live here whose run was re-announced, so their Re-run button shows; once each. */
  private final Set<String> shownOverdue = ConcurrentHashMap.newKeySet();
  private final Map<String, String> runOfMessage = bounded();
  private final Map<String, String> channelOfRun = bounded();
  private long sweepTimer = -1;

  public ChecklistRuns(Vertx timers, RunRepository repository, CheckExecutor checks,
      Function<String, Optional<Checklist>> checklists, Clock clock) {
    this(timers, repository, checks, checklists, clock, new PendingWrites(timers));
  }

  public ChecklistRuns(Vertx timers, RunRepository repository, CheckExecutor checks,
      Function<String, Optional<Checklist>> checklists, Clock clock, PendingWrites pending) {
    this.timers = timers;
    this.repository = repository;
    this.checks = checks;
    this.checklists = checklists;
    this.clock = clock;
    this.pending = pending;
  }

  /** The changes waiting for the database, for readiness and for other writers that wait out an outage. */
  public PendingWrites pendingWrites() {
    return pending;
  }

  /** Called after every committed change, on the event loop; listeners must not block. */
  public void onChange(Consumer<TrackedRun> listener) {
    listeners.add(listener);
  }

  public Future<TrackedRun> start(String checklistId, String channelId, Origin origin) {
    Checklist checklist = checklists.apply(checklistId)
        .orElseThrow(() -> new RunRuleException(Refusal.noSuchChecklist(checklistId)));
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
    return repository.findByMessage(channelId, messageTs).onSuccess(found -> found.ifPresent(this::remember));
  }

  /**
   * The id of the run whose message this is. While the database does not answer, a run whose
   * message this process has seen is still found, so a reaction on it can be kept for later.
   */
  public Future<Optional<String>> runOfMessage(String channelId, String messageTs) {
    return findByMessage(channelId, messageTs).map(found -> found.map(TrackedRun::id)).recover(e -> {
      String known = runOfMessage.get(channelId + "/" + messageTs);
      return PendingWrites.unreachable(e) && known != null
          ? Future.succeededFuture(Optional.of(known)) : Future.failedFuture(e);
    });
  }

  /** The channel of a run's message; remembered, for answers while the database does not answer. */
  public Future<String> channelOf(String runId) {
    return find(runId).map(TrackedRun::channelId).recover(e -> {
      String known = channelOfRun.get(runId);
      return PendingWrites.unreachable(e) && known != null ? Future.succeededFuture(known) : Future.failedFuture(e);
    });
  }

  public Future<Void> attachMessage(String runId, String channelId, String messageTs) {
    remember(runId, channelId, messageTs);
    return repository.setMessage(runId, channelId, messageTs);
  }

  public Future<TrackedRun> tick(String runId, String itemId, Origin origin) {
    return move(runId, itemId, ItemEvent.TICK, origin, "item.ticked");
  }

  public Future<TrackedRun> untick(String runId, String itemId, Origin origin) {
    return move(runId, itemId, ItemEvent.UNTICK, origin, "item.unticked");
  }

  /** Runs an automated item's check again; a running one only once it is overdue (its result is not coming). */
  public Future<TrackedRun> rerun(String runId, String itemId, Origin origin) {
    return change(runId, origin, "item.rerun", new JsonObject().put("item", itemId), run -> {
      ItemEvent event = run.progress(itemId).state() == ItemState.RUNNING ? ItemEvent.RESTART : ItemEvent.START;
      return run.move(itemId, event, origin.actor(), clock.instant(), null, null);
    }, tracked -> launchCheck(tracked, itemId));
  }

  /** Waives an item; only members of the checklist's waiver roles may, and only with a reason. */
  public Future<TrackedRun> waive(String runId, String itemId, String reason, Set<String> actorRoles, Origin origin) {
    String trimmed = reason == null ? "" : reason.trim();
    if (trimmed.isEmpty()) {
      return Future.failedFuture(new RunRuleException(Refusal.of(Refusal.Code.WAIVER_NEEDS_REASON)));
    }
    JsonObject detail = new JsonObject().put("item", itemId).put("reason", trimmed);
    return change(runId, origin, "item.waived", detail, run -> {
      run.checklist().waiverRefusal(actorRoles).ifPresent(refusal -> {
        throw new RunRuleException(refusal);
      });
      return run.move(itemId, ItemEvent.WAIVE, origin.actor(), clock.instant(), null, trimmed);
    }, tracked -> { });
  }

  /**
   * Records a sign-off when the rules accept it; a rejection changes nothing and says why. Kept
   * through an outage, a sign-off the rules then reject fails its {@code applied()} with the reason.
   */
  public Future<SignOffOutcome> signOff(String runId, String user, Set<String> userRoles, Origin origin) {
    UUID changeId = UUID.randomUUID();
    return pending.submit(runId, () -> signOffNow(runId, user, userRoles, origin, changeId))
        .recover(e -> Future.failedFuture(e instanceof ChangeHeldException held ? held.then(result ->
            result instanceof SignOffOutcome outcome && outcome.decision() instanceof SignOffDecision.Rejected no
                ? Future.failedFuture(new RunRuleException(no.reason()))
                : Future.succeededFuture(result)) : e));
  }

  private Future<SignOffOutcome> signOffNow(String runId, String user, Set<String> userRoles, Origin origin,
      UUID changeId) {
    return repository.pool()
        .withTransaction(conn -> repository.lock(conn, runId).compose(tracked -> repository.applied(conn, changeId)
            .compose(applied -> {
              if (applied) {
                String role = tracked.run().signOffs().stream().filter(s -> s.user().equals(user))
                    .map(SignOff::role).findFirst().orElse("");
                return Future.succeededFuture(new SignOffOutcome(new SignOffDecision.Accepted(role), tracked));
              }
              SignOffDecision decision = tracked.run().decideSignOff(user, userRoles);
              if (!(decision instanceof SignOffDecision.Accepted accepted)) {
                return Future.succeededFuture(new SignOffOutcome(decision, tracked));
              }
              ChecklistRun after = tracked.run().withSignOff(new SignOff(user, accepted.role(), clock.instant()));
              return repository.saveChanges(conn, tracked.run(), after)
                  .compose(v -> repository.audit(conn, runId, origin, "signoff.added",
                      new JsonObject().put("role", accepted.role()), changeId))
                  .map(v -> new SignOffOutcome(decision, tracked.with(after)));
            })))
        .onSuccess(outcome -> {
          if (outcome.accepted()) {
            announce(outcome.run());
          }
        });
  }

  /** Withdraws a sign-off; empty when the user had none on this run. */
  public Future<Optional<TrackedRun>> withdrawSignOff(String runId, String user, Origin origin) {
    UUID changeId = UUID.randomUUID();
    return pending.submit(runId, () -> repository.pool()
        .withTransaction(conn -> repository.lock(conn, runId).compose(tracked -> repository.applied(conn, changeId)
            .compose(applied -> {
              if (applied) {
                return Future.succeededFuture(Optional.of(tracked));
              }
              boolean signed = tracked.run().signOffs().stream().anyMatch(s -> s.user().equals(user));
              if (!signed || !tracked.run().status().open()) {
                return Future.succeededFuture(Optional.<TrackedRun>empty());
              }
              ChecklistRun after = tracked.run().withoutSignOff(user);
              return repository.saveChanges(conn, tracked.run(), after)
                  .compose(v -> repository.audit(conn, runId, origin, "signoff.withdrawn", null, changeId))
                  .map(v -> Optional.of(tracked.with(after)));
            })))
        .onSuccess(changed -> changed.ifPresent(this::announce)));
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

  /** Sweeps now and then every {@code every}, until {@link #stopSweeping()}. */
  public void sweepEvery(Duration every) {
    stopSweeping();
    sweep();
    sweepTimer = timers.setPeriodic(every.toMillis(), id -> sweep());
  }

  public void stopSweeping() {
    if (sweepTimer >= 0) {
      timers.cancelTimer(sweepTimer);
      sweepTimer = -1;
    }
  }

  /**
   * Finds automated items stored as running past their time limit. One with no check running in
   * this process lost its result (a crash, an outage longer than results are kept, a replica that
   * went away) and is started again; one whose check here is still going is announced once, so
   * its message offers Re-run. Completes with how many were started again.
   */
  public Future<Integer> sweep() {
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
        String key = liveKey(running.runId(), running.itemId(), running.attempt());
        if (live.contains(key)) {
          if (shownOverdue.add(key)) {
            find(running.runId()).onSuccess(this::announce);
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
    return change(runId, Origin.bot("sweep"), "item.restarted", new JsonObject().put("item", itemId), run -> {
      Instant now = clock.instant();
      // Another replica may have restarted it meanwhile; then it is no longer overdue.
      return run.status().open() && run.overdue(itemId, now)
          ? run.move(itemId, ItemEvent.RESTART, null, now, null, null) : run;
    }, tracked -> launchCheck(tracked, itemId));
  }

  private Future<TrackedRun> move(String runId, String itemId, ItemEvent event, Origin origin, String action) {
    return change(runId, origin, action, new JsonObject().put("item", itemId),
        run -> run.move(itemId, event, origin.actor(), clock.instant(), null, null), tracked -> { });
  }

  /**
   * Makes one change through the pending writes, under a fresh change id; {@code afterwards} runs
   * once it is written, now or when the database returns.
   */
  private Future<TrackedRun> change(String runId, Origin origin, String action, JsonObject detail,
      Function<ChecklistRun, ChecklistRun> change, Consumer<TrackedRun> afterwards) {
    UUID changeId = UUID.randomUUID();
    return pending.submit(runId, () -> mutate(runId, origin, action, detail, change, changeId)
        .onSuccess(afterwards::accept));
  }

  private Future<TrackedRun> mutate(String runId, Origin origin, String action, JsonObject detail,
      Function<ChecklistRun, ChecklistRun> change, UUID changeId) {
    boolean[] changed = {false};
    return repository.pool()
        .withTransaction(conn -> repository.lock(conn, runId).compose(tracked -> repository.applied(conn, changeId)
            .compose(applied -> {
              if (applied) {
                // Written by an attempt whose answer was lost; announce it now, since that attempt could not.
                changed[0] = true;
                return Future.succeededFuture(tracked);
              }
              ChecklistRun after = change.apply(tracked.run());
              if (after.equals(tracked.run())) {
                return Future.succeededFuture(tracked);
              }
              changed[0] = true;
              return repository.saveChanges(conn, tracked.run(), after)
                  .compose(v -> repository.audit(conn, runId, origin, action, detail, changeId))
                  .map(v -> tracked.with(after));
            })))
        .onSuccess(tracked -> {
          if (changed[0]) {
            announce(tracked);
          }
        });
  }

  private void launchRunningChecks(TrackedRun tracked) {
    tracked.run().checklist().items()
        .filter(Item::automated)
        .forEach(item -> launchCheck(tracked, item.id()));
  }

  /** Starts the item's check if it is running as stored and no check for that attempt runs here yet. */
  private void launchCheck(TrackedRun tracked, String itemId) {
    ChecklistRun run = tracked.run();
    ItemProgress progress = run.items().get(itemId);
    run.checklist().item(itemId)
        .filter(Item::automated)
        .filter(item -> progress != null && progress.state() == ItemState.RUNNING)
        .ifPresent(item -> execute(run.id(), item, progress.attempt()));
  }

  private void execute(String runId, Item item, int attempt) {
    String key = liveKey(runId, item.id(), attempt);
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
    return change(runId, Origin.bot("check"), evidence.passed() ? "check.passed" : "check.failed", detail, run -> {
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

  private ChecklistRun startAutomated(ChecklistRun run, List<Item> automated) {
    ChecklistRun started = run;
    for (Item item : automated) {
      started = started.move(item.id(), ItemEvent.START, null, clock.instant(), null, null);
    }
    return started;
  }

  /** Tells every listener about a committed change; DeployRuns announces its changes here too. */
  void announce(TrackedRun tracked) {
    remember(tracked);
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

  private void remember(TrackedRun tracked) {
    remember(tracked.id(), tracked.channelId(), tracked.messageTs());
  }

  private void remember(String runId, String channelId, String messageTs) {
    if (channelId != null) {
      channelOfRun.put(runId, channelId);
      if (messageTs != null) {
        runOfMessage.put(channelId + "/" + messageTs, runId);
      }
    }
  }

  private static String liveKey(String runId, String itemId, int attempt) {
    return runId + "/" + itemId + "/" + attempt;
  }

  private static Map<String, String> bounded() {
    return Collections.synchronizedMap(new LinkedHashMap<>(64, 0.75f, true) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
        return size() > REMEMBERED_RUNS;
      }
    });
  }
}
