package dev.preflight.deploy.run;

import dev.preflight.checklists.checklist.Checklist;
import dev.preflight.checklists.checklist.Item;
import dev.preflight.checklists.deploy.Deployment;
import dev.preflight.checklists.run.ChecklistRun;
import dev.preflight.checklists.run.ItemEvent;
import dev.preflight.checklists.run.ItemState;
import dev.preflight.checklists.run.Refusal;
import dev.preflight.checklists.run.RunRuleException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
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
 *
 * <p>This class is the door; the work is done by its parts in this package: {@link ItemChanges}
 * (the locked, audited write of one change), {@link AutomatedChecks} (running checks, recording
 * results), {@link SignOffs}, {@link LostResultSweep} and {@link RunListeners} (announcing changes,
 * remembering which message is whose).
 */
public final class ChecklistRuns {

  private static final Logger LOG = LoggerFactory.getLogger(ChecklistRuns.class);

  private final RunRepository repository;
  private final Function<String, Optional<Checklist>> checklists;
  private final Clock clock;
  private final PendingWrites pending;
  private final RunListeners listeners = new RunListeners();
  private final ItemChanges changes;
  private final AutomatedChecks automated;
  private final SignOffs signOffs;
  private final LostResultSweep sweep;

  public ChecklistRuns(Vertx timers, RunRepository repository, CheckExecutor checks,
      Function<String, Optional<Checklist>> checklists, Clock clock) {
    this(timers, repository, checks, checklists, clock, new PendingWrites(timers));
  }

  public ChecklistRuns(Vertx timers, RunRepository repository, CheckExecutor checks,
      Function<String, Optional<Checklist>> checklists, Clock clock, PendingWrites pending) {
    this.repository = repository;
    this.checklists = checklists;
    this.clock = clock;
    this.pending = pending;
    this.changes = new ItemChanges(repository, pending, listeners);
    this.automated = new AutomatedChecks(checks, changes, clock);
    this.signOffs = new SignOffs(repository, pending, listeners, clock);
    this.sweep = new LostResultSweep(timers, repository, checklists, clock, pending, changes, automated, listeners);
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
    ChecklistRun started = automated.startAll(fresh, checklist.items().filter(Item::automated).toList());
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
        .onSuccess(automated::launchRunning);
  }

  public Future<TrackedRun> find(String runId) {
    return repository.find(runId).map(found -> found.orElseThrow(() -> new RunRepository.NoSuchRunException(runId)));
  }

  public Future<Optional<TrackedRun>> findByMessage(String channelId, String messageTs) {
    return repository.findByMessage(channelId, messageTs).onSuccess(found -> found.ifPresent(listeners::remember));
  }

  /**
   * The id of the run whose message this is. While the database does not answer, a run whose
   * message this process has seen is still found, so a reaction on it can be kept for later.
   */
  public Future<Optional<String>> runOfMessage(String channelId, String messageTs) {
    return findByMessage(channelId, messageTs).map(found -> found.map(TrackedRun::id)).recover(e -> {
      Optional<String> known = listeners.knownRunOf(channelId, messageTs);
      return PendingWrites.unreachable(e) && known.isPresent()
          ? Future.succeededFuture(known) : Future.failedFuture(e);
    });
  }

  /** The channel of a run's message; remembered, for answers while the database does not answer. */
  public Future<String> channelOf(String runId) {
    return find(runId).map(TrackedRun::channelId).recover(e -> {
      Optional<String> known = listeners.knownChannelOf(runId);
      return PendingWrites.unreachable(e) && known.isPresent()
          ? Future.succeededFuture(known.get()) : Future.failedFuture(e);
    });
  }

  public Future<Void> attachMessage(String runId, String channelId, String messageTs) {
    listeners.remember(runId, channelId, messageTs);
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
    return changes.change(runId, origin, "item.rerun", new JsonObject().put("item", itemId), run -> {
      ItemEvent event = run.progress(itemId).state() == ItemState.RUNNING ? ItemEvent.RESTART : ItemEvent.START;
      return run.move(itemId, event, origin.actor(), clock.instant(), null, null);
    }, tracked -> automated.launch(tracked, itemId));
  }

  /** Waives an item; only members of the checklist's waiver roles may, and only with a reason. */
  public Future<TrackedRun> waive(String runId, String itemId, String reason, Set<String> actorRoles, Origin origin) {
    String trimmed = reason == null ? "" : reason.trim();
    if (trimmed.isEmpty()) {
      return Future.failedFuture(new RunRuleException(Refusal.of(Refusal.Code.WAIVER_NEEDS_REASON)));
    }
    JsonObject detail = new JsonObject().put("item", itemId).put("reason", trimmed);
    return changes.change(runId, origin, "item.waived", detail, run -> {
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
    return signOffs.add(runId, user, userRoles, origin);
  }

  /** Withdraws a sign-off; empty when the user had none on this run. */
  public Future<Optional<TrackedRun>> withdrawSignOff(String runId, String user, Origin origin) {
    return signOffs.withdraw(runId, user, origin);
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
            if (tracked.checklistGone()) {
              // Said once per run and start; clicks on it are refused without a log line each.
              String checklistId = tracked.run().checklist().id();
              RunMdc.run(id, tracked.deployment(),
                  () -> LOG.warn("Run {} cannot change: its checklist {} is no longer in the config", id, checklistId));
            } else {
              automated.launchRunning(tracked);
            }
          })
          .onFailure(RunMdc.around(id, null, e -> LOG.error("Could not resume run {}: {}", id, e.getMessage()))))
          .toList();
      return Future.join(resumed).otherwiseEmpty().map(v -> ids.size());
    });
  }

  /** Sweeps for lost results now and then every {@code every}, until {@link #stopSweeping()}. */
  public void sweepEvery(Duration every) {
    sweep.every(every);
  }

  public void stopSweeping() {
    sweep.stop();
  }

  /**
   * Finds automated items stored as running past their time limit and starts again those whose
   * result was lost; see {@link LostResultSweep}. Completes with how many were started again.
   */
  public Future<Integer> sweep() {
    return sweep.sweep();
  }

  private Future<TrackedRun> move(String runId, String itemId, ItemEvent event, Origin origin, String action) {
    return changes.change(runId, origin, action, new JsonObject().put("item", itemId),
        run -> run.move(itemId, event, origin.actor(), clock.instant(), null, null), tracked -> { });
  }

  /** Tells every listener about a committed change; DeployRuns announces its changes here too. */
  void announce(TrackedRun tracked) {
    listeners.announce(tracked);
  }
}
