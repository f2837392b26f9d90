package dev.preflight.deploy.runner;

import static dev.preflight.deploy.runner.CanaryStageState.key;

import dev.preflight.checklists.config.RolloutPlan;
import dev.preflight.checklists.deploy.AbortDecision;
import dev.preflight.checklists.deploy.Deployment;
import dev.preflight.checklists.deploy.VerifyResult;
import dev.preflight.checklists.run.RunEvent;
import dev.preflight.deploy.check.MetricContext;
import dev.preflight.deploy.run.RunNote;
import dev.preflight.deploy.run.TrackedRun;
import dev.preflight.deploy.run.VerificationExecutor;
import dev.preflight.deploy.target.Canary;
import dev.preflight.deploy.target.DeployJob;
import dev.preflight.deploy.target.TargetOutcome;
import dev.preflight.deploy.target.Targets;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One canary stage: the target sends the stage's weight of traffic to the new version, then the
 * stage holds while the rollout's analysis checks run every interval. A failed check sends all
 * traffic back to the stable version at once and fails the step, so the run's abort rule decides
 * the rollback. When the hold ends well the stage passes (promote: auto) or waits for a Promote
 * click (promote: manual); Promote ends the hold early, Pause stops its clock, Resume starts it
 * again. The stage's start and deadline are stored before the hold begins, so a restarted bot or
 * another replica holds the same stage for what is left of it, without shifting the traffic again.
 */
final class CanaryStageStep implements Step {

  private final Targets targets;
  private final VerificationExecutor verifier;
  private final int stage;

  CanaryStageStep(Targets targets, VerificationExecutor verifier, int stage) {
    this.targets = targets;
    this.verifier = verifier;
    this.stage = stage;
  }

  @Override
  public String name() {
    return "canary-stage-" + (stage + 1);
  }

  @Override
  public String finishedAction() {
    return "canary.stage_finished";
  }

  @Override
  public Optional<RunEvent> passes() {
    return Optional.of(RunEvent.DEPLOYED);
  }

  @Override
  public boolean rollback() {
    return false;
  }

  @Override
  public Future<StepResult> run(StepContext ctx) {
    RolloutPlan plan = ctx.environment().rollout();
    Deployment d = ctx.deployment();
    // What the deploy put on the canary, as its journal recorded it: promote ships that, whatever
    // someone may have done to the canary by hand since.
    DeployJob job = new DeployJob(ctx.run().id(), d.service(), d.environment(), d.version(),
        d.deployState().get("revision"), ctx.environment().target(), ctx.variables(),
        ctx.environment().rollout().traffic());
    Optional<Canary> canary = targets.forTarget(ctx.environment().target()).canary();
    if (canary.isEmpty() || plan.traffic() == null) {
      String why = "The " + ctx.environment().target().kind() + " target cannot shift traffic for canary stages";
      return Future.succeededFuture(StepResult.failed(why, cur -> ended(cur, "failed", why),
          new AbortDecision.Outcome.DeployFailed(why)));
    }
    return new Hold(ctx, plan, canary.get(), job).run();
  }

  /** The stage's ending joins the deploy state; the step line names what follows. */
  private Deployment ended(Deployment cur, String outcome, String summary) {
    Map<String, String> state = new LinkedHashMap<>(cur.deployState());
    state.put(key(stage, "outcome"), outcome);
    state.put(key(stage, "summary"), summary);
    state.remove(key(stage, CanaryStageState.AWAITING));
    return cur.withDeployState(state);
  }

  /** One run of the stage on this replica, from the shift (or the stored start) to its end. */
  private final class Hold {

    private final StepContext ctx;
    private final RolloutPlan plan;
    private final RolloutPlan.Stage spec;
    private final Canary canary;
    private final DeployJob job;
    private final Vertx vertx;
    private final Promise<StepResult> result = Promise.promise();
    private long timer = -1;
    private boolean busy;
    private boolean lookAgain;

    Hold(StepContext ctx, RolloutPlan plan, Canary canary, DeployJob job) {
      this.ctx = ctx;
      this.plan = plan;
      this.spec = plan.stages().get(stage);
      this.canary = canary;
      this.job = job;
      this.vertx = ctx.vertx();
    }

    private boolean last() {
      return stage == plan.stages().size() - 1;
    }

    Future<StepResult> run() {
      if (ctx.abortRequested()) {
        aborted();
        return result.future();
      }
      ctx.aborted().onSuccess(v -> aborted());
      ctx.stopping().onSuccess(v -> stopping());
      Map<String, String> state = ctx.deployment().deployState();
      Future<Void> started = state.containsKey(key(stage, CanaryStageState.STARTED_AT))
          ? Future.succeededFuture() : shift();
      started.onSuccess(v -> {
        if (!result.future().isComplete()) {
          listen();
          schedule(plan.interval());
        }
      }).onFailure(e -> fail("Canary stage " + (stage + 1) + " could not begin: " + e.getMessage()));
      return result.future();
    }

    /** Sends the stage's weight to the new version and stores the start and deadline before the hold. */
    private Future<Void> shift() {
      return canary.shift(job, plan.traffic(), spec.weight()).compose(outcome -> {
        if (!outcome.succeeded()) {
          noteFailure(outcome);
          return Future.failedFuture(outcome.summary());
        }
        Instant now = ctx.clock().instant();
        return ctx.record(cur -> {
          Map<String, String> state = new LinkedHashMap<>(cur.deployState());
          state.put(key(stage, CanaryStageState.STARTED_AT), now.toString());
          if (spec.hold() != null) {
            state.put(key(stage, CanaryStageState.DEADLINE), now.plus(spec.hold()).toString());
          }
          state.put(CanaryStageState.WEIGHT, Integer.toString(spec.weight()));
          state.put(CanaryStageState.STAGES, Integer.toString(plan.stages().size()));
          state.put(key(stage, CanaryStageState.STAGE_WEIGHT), Integer.toString(spec.weight()));
          return cur.withDeployState(state).withStep(stageName(), outcome.summary());
        });
      });
    }

    private String stageName() {
      return "Canary stage " + (stage + 1) + " of " + plan.stages().size();
    }

    private void listen() {
      ctx.changed().onSuccess(v -> {
        if (!result.future().isComplete()) {
          listen();
          look(false);
        }
      });
    }

    private void schedule(Duration after) {
      if (result.future().isComplete()) {
        return;
      }
      timer = vertx.setTimer(Math.max(1, after.toMillis()), id -> look(true));
    }

    /** Reads the stored stage, runs the analysis when {@code analyse}, and decides what follows. */
    private void look(boolean analyse) {
      if (result.future().isComplete()) {
        return;
      }
      if (busy) {
        lookAgain = true;
        return;
      }
      busy = true;
      vertx.cancelTimer(timer);
      Future<Boolean> analysed = analyse && !plan.analysis().isEmpty() ? analyse() : Future.succeededFuture(true);
      analysed.compose(healthy -> healthy ? ctx.current().map(this::decide) : Future.succeededFuture())
          .onComplete(done -> {
            busy = false;
            if (done.failed()) {
              // The look itself failed (the database, say): look again at the next interval.
              schedule(plan.interval());
            } else if (lookAgain) {
              lookAgain = false;
              look(false);
            }
          });
    }

    /**
     * Runs every analysis check once, with the run's id and deploy start so a baseline is measured
     * before the deploy and kept with the run. Answers whether none failed, and fails the stage
     * when one did. A check that could not decide (no data, {@code noData: inconclusive}) pauses
     * the stage for a person to Resume or Rollback, as a failure would be a guess either way.
     */
    private Future<Boolean> analyse() {
      Deployment d = ctx.deployment();
      Map<String, String> placeholders = MetricContext.placeholders(d.placeholders(), ctx.run().id().toString(),
          d.launchedAt());
      return verifier.verify(plan.analysisChecks(), placeholders, r -> {}, ctx.aborted())
          .compose(results -> {
            Instant at = ctx.clock().instant();
            Map<String, String> entries = CanaryStageState.analysisEntries(results, at);
            List<VerifyResult> failed = failed(results);
            List<VerifyResult> undecided = results.stream().filter(VerifyResult::inconclusive).toList();
            boolean pauses = failed.isEmpty() && !undecided.isEmpty();
            AtomicReference<RunNote.Stage> pausedAt = new AtomicReference<>();
            return ctx.record(cur -> {
              Map<String, String> state = new LinkedHashMap<>(cur.deployState());
              state.putAll(entries);
              if (pauses && !state.containsKey(key(stage, CanaryStageState.PAUSED_AT))) {
                state.put(key(stage, CanaryStageState.PAUSED_AT), at.toString());
                state.put(key(stage, CanaryStageState.PAUSED_INCONCLUSIVE),
                    String.join(",", undecided.stream().map(VerifyResult::id).toList()));
              }
              return cur.withDeployState(state);
            }, "canary.paused", stored -> pauses ? pause(stored, undecided, at).map(where -> {
              pausedAt.set(where);
              return pauseDetail(where, undecided);
            }) : Optional.empty()).map(paused -> {
              if (paused) {
                ctx.note(RunNote.canaryPaused(ctx.run().id(), pausedAt.get(), undecided));
              }
              return results;
            });
          })
          .map(results -> {
            List<VerifyResult> failed = failed(results);
            if (failed.isEmpty()) {
              return true;
            }
            ctx.note(RunNote.canaryFailed(ctx.run().id(), new RunNote.Stage(stage + 1, plan.stages().size(), null),
                failed));
            VerifyResult first = failed.get(0);
            fail("Canary stage " + (stage + 1) + " of " + plan.stages().size() + ": " + first.title() + ": "
                + first.evidence().summary());
            return false;
          });
    }

    /**
     * Where the stage stands if the analysis pauses it now: empty when the stored stage is already
     * paused (by a person or an earlier look), so one pause is told once.
     */
    private Optional<RunNote.Stage> pause(Deployment stored, List<VerifyResult> undecided, Instant at) {
      if (stored.deployState().containsKey(key(stage, CanaryStageState.PAUSED_AT))) {
        return Optional.empty();
      }
      Duration left = CanaryStageState.of(stored).map(held -> held.remaining(at)).orElse(null);
      return Optional.of(new RunNote.Stage(stage + 1, plan.stages().size(), left));
    }

    /** The audit entry of a pause for lack of data: why, where, and the checks that could not decide. */
    private static JsonObject pauseDetail(RunNote.Stage where, List<VerifyResult> undecided) {
      JsonObject detail = new JsonObject().put("reason", "analysis inconclusive: no data")
          .put("stage", where.number()).put("stages", where.of())
          .put("checks", new JsonArray(undecided.stream().map(VerifyResult::title).toList()));
      if (where.left() != null) {
        detail.put("holdLeftSeconds", where.left().toSeconds());
      }
      return detail;
    }

    /** The results that failed outright; an inconclusive one pauses rather than fails. */
    private static List<VerifyResult> failed(List<VerifyResult> results) {
      return results.stream().filter(r -> !r.passed() && !r.inconclusive()).toList();
    }

    private Void decide(TrackedRun now) {
      if (result.future().isComplete()) {
        return null;
      }
      Map<String, String> state = now.deployment().deployState();
      if (state.containsKey(key(stage, CanaryStageState.PROMOTED_BY))) {
        pass("Promoted by a deployer");
        return null;
      }
      CanaryStageState held = CanaryStageState.of(now.deployment()).orElse(null);
      Instant instant = ctx.clock().instant();
      Duration left = held == null ? null : held.remaining(instant);
      boolean holdOver = left == null || left.isZero();
      if (held != null && held.paused()) {
        schedule(plan.interval());
      } else if (!holdOver) {
        schedule(left.compareTo(plan.interval()) < 0 ? left : plan.interval());
      } else if (plan.promote() == RolloutPlan.Promote.AUTO || last()) {
        pass("Held " + (spec.hold() == null ? "" : spec.hold().toSeconds() + " s ") + "at " + spec.weight() + "%");
      } else {
        if (!state.containsKey(key(stage, CanaryStageState.AWAITING))) {
          ctx.record(cur -> {
            Map<String, String> awaiting = new LinkedHashMap<>(cur.deployState());
            awaiting.put(key(stage, CanaryStageState.AWAITING), instant.toString());
            return cur.withDeployState(awaiting);
          });
        }
        schedule(plan.interval());
      }
      return null;
    }

    private void pass(String summary) {
      vertx.cancelTimer(timer);
      Future<TargetOutcome> end = last() ? canary.promote(job, plan.traffic())
          : Future.succeededFuture(TargetOutcome.success(summary, null, null));
      end.onComplete(done -> {
        TargetOutcome outcome = done.succeeded() ? done.result() : TargetOutcome.failure(done.cause().getMessage(), null);
        if (!outcome.succeeded()) {
          noteFailure(outcome);
          fail("Canary stage " + (stage + 1) + " could not promote: " + outcome.summary());
          return;
        }
        String line = last() ? "Canary promoted to all traffic" : summary;
        result.tryComplete(StepResult.passed(line, cur -> ended(cur, "passed", line)
            .withStep(last() ? "Verifying" : stageName(), line), null));
      });
    }

    /** All traffic goes back to the stable version at once; then the step fails with {@code why}. */
    private void fail(String why) {
      if (result.future().isComplete()) {
        return;
      }
      vertx.cancelTimer(timer);
      back().onComplete(done -> result.tryComplete(StepResult.failed(why, cur -> ended(cur, "failed", why),
          new AbortDecision.Outcome.DeployFailed(why))));
    }

    private void aborted() {
      if (result.future().isComplete()) {
        return;
      }
      vertx.cancelTimer(timer);
      if (!ctx.abortRequested()) {
        // Not an abort: this drive lost the run's lease, and the drive holding it now carries the stage on.
        result.tryFail(new Drive.LeaseLost(ctx.run().id()));
        return;
      }
      back().onComplete(done -> result.tryComplete(StepResult.failed("Aborted during canary stage " + (stage + 1),
          cur -> ended(cur, "aborted", "Aborted"), null)));
    }

    /** The bot stops: the hold's stored deadline stays for the replica that carries the stage on. */
    private void stopping() {
      vertx.cancelTimer(timer);
      result.tryFail(new Drive.Stopping(ctx.run().id()));
    }

    private Future<Void> back() {
      return canary.abort(job, plan.traffic()).compose(outcome -> {
        if (!outcome.succeeded()) {
          noteFailure(outcome);
          return Future.succeededFuture();
        }
        return ctx.record(cur -> {
          Map<String, String> state = new LinkedHashMap<>(cur.deployState());
          state.put(CanaryStageState.WEIGHT, "0");
          return cur.withDeployState(state).withStep(stageName(), outcome.summary());
        }).otherwiseEmpty();
      });
    }

    private void noteFailure(TargetOutcome outcome) {
      ctx.note(RunNote.target(ctx.run().id(), RunNote.Kind.DEPLOY_FAILED, null, outcome.summary(),
          outcome.detail()));
    }
  }
}
