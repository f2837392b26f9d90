package dev.preflight.deploy.runbook;

import dev.preflight.checklists.config.ActionSpec;
import dev.preflight.checklists.runbook.Runbook;
import dev.preflight.checklists.secret.Redactor;
import dev.preflight.checklists.secret.Variables;
import dev.preflight.checklists.time.Spans;
import dev.preflight.deploy.action.ActionContext;
import dev.preflight.deploy.action.ActionOutcome;
import dev.preflight.deploy.action.Actions;
import dev.preflight.deploy.failure.Failures;
import dev.preflight.deploy.target.TargetJournal;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the steps of a runbook run one after another, holding the run's lease while it does.
 * Each step gets its timeout (a step still running then is asked to stop and fails as timed
 * out); a failed step ends the run. What a step's action records goes into the step's journal
 * with the run, so a replica that takes the run over follows what was started.
 */
public final class RunbookDriver {

  private static final Logger LOG = LoggerFactory.getLogger(RunbookDriver.class);
  /** Time an action gets past its own timeout to notice and say so before the driver stops it. */
  static final Duration GRACE = Duration.ofSeconds(30);
  private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyyMMdd").withZone(ZoneOffset.UTC);

  private final Vertx vertx;
  private final RunbookStore store;
  private final Actions actions;
  private final Function<String, Optional<Runbook>> runbooks;
  private final Variables variables;
  private final String owner;
  private final Duration lease;
  private final Clock clock;
  private final Consumer<RunbookRun> changed;
  private final Set<Drive> driving = ConcurrentHashMap.newKeySet();
  private long rescan = -1;

  /**
   * @param owner this replica's name in leases
   * @param changed told of every stored change, for the run's message
   */
  public RunbookDriver(Vertx vertx, RunbookStore store, Actions actions, Function<String, Optional<Runbook>> runbooks,
      Variables variables, String owner, Duration lease, Clock clock, Consumer<RunbookRun> changed) {
    this.vertx = vertx;
    this.store = store;
    this.actions = actions;
    this.runbooks = runbooks;
    this.variables = variables;
    this.owner = owner;
    this.lease = lease;
    this.clock = clock;
    this.changed = changed;
  }

  /** Takes the run's lease and runs its remaining steps; completes when it ended or was handed on. */
  public Future<Void> drive(String runId) {
    if (driving.stream().anyMatch(drive -> drive.run.id().equals(runId))) {
      return Future.succeededFuture();
    }
    return store.claim(runId, owner, lease).compose(claimed -> {
      if (claimed.isEmpty()) {
        return Future.succeededFuture();
      }
      Optional<Runbook> runbook = runbooks.apply(claimed.get().runbook());
      if (runbook.isEmpty() || runbook.get().steps().size() != claimed.get().steps().size()) {
        LOG.error("Runbook run {} cannot go on: runbook {} is gone from the config or its steps changed",
            runId, claimed.get().runbook());
        return finish(claimed.get(), claimed.get().steps(), RunbookStatus.FAILED, "runbook.config-changed").mapEmpty();
      }
      Drive drive = new Drive(claimed.get(), runbook.get());
      driving.add(drive);
      return drive.run().eventually(() -> {
        driving.remove(drive);
        vertx.cancelTimer(drive.renewal);
        return store.release(runId, owner);
      });
    });
  }

  /** Takes over every running run nobody holds (after a restart, or a replica that died). */
  public Future<Void> resume() {
    return store.orphaned().compose(ids -> {
      ids.forEach(id -> drive(id).onFailure(e -> LOG.warn("Could not resume runbook run {}: {}", id, e.getMessage())));
      return Future.succeededFuture();
    });
  }

  /** Looks for runs nobody holds every {@code every}, so one a dead replica left is taken over. */
  public RunbookDriver resumeEvery(Duration every) {
    rescan = vertx.setPeriodic(every.toMillis(), id -> resume());
    return this;
  }

  /** Stops following every run (the bot is stopping); their leases are given back for a successor. */
  public Future<Void> stop() {
    vertx.cancelTimer(rescan);
    List<Future<Void>> ends = new ArrayList<>();
    for (Drive drive : driving) {
      drive.stopping.tryComplete();
      ends.add(drive.done.future());
    }
    return Future.join(ends).mapEmpty();
  }

  private Future<RunbookRun> finish(RunbookRun run, List<StepState> steps, RunbookStatus status, String action) {
    return store.writeSteps(run.id(), owner, steps, status)
        .compose(stored -> stored.map(s -> store.audit(s.id(), null, action, new JsonObject()).map(s))
            .orElseGet(() -> Future.succeededFuture(run)))
        .onSuccess(changed::accept);
  }

  /** One run driven on this replica; touched on its own context. */
  private final class Drive {
    private final Runbook runbook;
    private final Promise<Void> stopping = Promise.promise();
    private final Promise<Void> done = Promise.promise();
    private RunbookRun run;
    private List<StepState> steps;
    private long renewal;

    Drive(RunbookRun run, Runbook runbook) {
      this.run = run;
      this.runbook = runbook;
      this.steps = new ArrayList<>(run.steps());
    }

    Future<Void> run() {
      renewal = vertx.setPeriodic(Math.max(1, lease.toMillis() / 3), id -> store.renew(run.id(), owner, lease)
          .onSuccess(held -> {
            if (!held) {
              LOG.warn("Lost the lease of runbook run {}; another replica carries on", run.id());
              stopping.tryComplete();
            }
          }));
      next().onComplete(done);
      return done.future();
    }

    private Future<Void> next() {
      if (stopping.future().isComplete()) {
        return Future.succeededFuture();
      }
      int index = run.nextStep();
      if (index < 0) {
        return finish(run, steps, RunbookStatus.SUCCEEDED, "runbook.succeeded").mapEmpty();
      }
      return step(index).compose(passed -> {
        if (stopping.future().isComplete()) {
          return Future.succeededFuture();
        }
        return passed ? next() : finish(run, steps, RunbookStatus.FAILED, "runbook.failed").mapEmpty();
      });
    }

    private Future<Boolean> step(int index) {
      ActionSpec spec = runbook.steps().get(index);
      boolean resumed = steps.get(index).phase() == StepState.Phase.RUNNING;
      steps.set(index, steps.get(index).running(clock.instant()));
      Redactor redactor = new Redactor();
      Promise<Void> aborted = Promise.promise();
      StepJournal journal = new StepJournal(index, aborted);
      return write(RunbookStatus.RUNNING)
          .compose(v -> store.audit(run.id(), null, resumed ? "runbook.step-resumed" : "runbook.step-started",
              new JsonObject().put("step", index).put("name", steps.get(index).name())))
          .compose(v -> {
            boolean[] timedOut = {false};
            long timer = vertx.setTimer(spec.timeout().plus(GRACE).toMillis(), id -> {
              timedOut[0] = true;
              aborted.tryComplete();
            });
            return actions.run(spec, new ActionContext(placeholders(), variables, redactor, journal))
                .recover(failure -> Future.succeededFuture(ActionOutcome.failed(
                    "Could not run: " + redactor.redact(Failures.message(failure)), null, null)))
                .map(outcome -> timedOut[0]
                    ? ActionOutcome.failed("Timed out after " + Spans.format(spec.timeout()), outcome.output(), outcome.link())
                    : outcome)
                .eventually(() -> {
                  vertx.cancelTimer(timer);
                  return Future.succeededFuture();
                });
          })
          .compose(outcome -> {
            if (stopping.future().isComplete()) {
              return Future.succeededFuture(false);
            }
            steps.set(index, steps.get(index).ended(outcome.passed(), oneLine(outcome.summary()), outcome.output(),
                outcome.link(), clock.instant()));
            return write(RunbookStatus.RUNNING)
                .compose(v -> store.audit(run.id(), null, outcome.passed() ? "runbook.step-passed" : "runbook.step-failed",
                    new JsonObject().put("step", index).put("summary", oneLine(outcome.summary()))))
                .map(outcome.passed());
          });
    }

    private Future<Void> write(RunbookStatus status) {
      return store.writeSteps(run.id(), owner, steps, status).compose(stored -> {
        if (stored.isEmpty()) {
          stopping.tryComplete();
          return Future.failedFuture(new IllegalStateException("lost the lease of runbook run " + run.id()));
        }
        run = stored.get();
        changed.accept(run);
        return Future.succeededFuture();
      });
    }

    private Map<String, String> placeholders() {
      return RunbookDriver.placeholders(run.parameters(), run.createdAt() == null ? clock.instant() : run.createdAt());
    }

    /** The step's own entries, stored with the run on every record. */
    private final class StepJournal implements TargetJournal {
      private final int index;
      private final Promise<Void> aborted;

      StepJournal(int index, Promise<Void> aborted) {
        this.index = index;
        this.aborted = aborted;
      }

      @Override
      public Map<String, String> state() {
        return steps.get(index).journal();
      }

      @Override
      public Future<Void> record(Map<String, String> entries) {
        steps.set(index, steps.get(index).withJournal(entries));
        return write(RunbookStatus.RUNNING);
      }

      @Override
      public void progress(String step, String detail) {
        LOG.debug("Runbook run {} step {}: {} {}", run.id(), index, step, detail);
      }

      @Override
      public Future<Void> aborted() {
        return aborted.future();
      }

      @Override
      public Future<Void> stopping() {
        return stopping.future();
      }
    }
  }

  private static String oneLine(String text) {
    return text == null ? "" : text.lines().findFirst().orElse("");
  }

  /** A run's placeholders: its parameters and {@code {date}}, the day it was started (UTC). */
  static Map<String, String> placeholders(Map<String, String> parameters, Instant createdAt) {
    Map<String, String> values = new HashMap<>(parameters);
    values.put("date", DATE.format(createdAt));
    return values;
  }
}
