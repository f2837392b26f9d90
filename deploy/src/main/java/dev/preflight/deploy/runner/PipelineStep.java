package dev.preflight.deploy.runner;

import dev.preflight.checklists.config.ActionSpec;
import dev.preflight.checklists.config.WhenFailed;
import dev.preflight.checklists.deploy.AbortDecision;
import dev.preflight.checklists.deploy.Deployment;
import dev.preflight.checklists.deploy.Placeholders;
import dev.preflight.checklists.run.RunEvent;
import dev.preflight.checklists.secret.Redactor;
import dev.preflight.deploy.action.ActionContext;
import dev.preflight.deploy.action.ActionOutcome;
import dev.preflight.deploy.action.Actions;
import dev.preflight.deploy.failure.Failures;
import dev.preflight.deploy.run.RunNote;
import dev.preflight.deploy.run.TargetStart;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One action of an environment's pipeline, run as a step of DEPLOYING ({@code before} or
 * {@code after} the target) or of ROLLING_BACK. Its entries live in the run's deploy (or
 * rollback) state under {@code before.<i>.} or {@code after.<i>.}: its name and kind, when it
 * started, what its runner recorded to follow it after a restart, and at the end {@code outcome}
 * ({@code passed}, {@code failed} or {@code skipped}), {@code summary} and {@code link}.
 *
 * <p>A failed deploy step is a {@link AbortDecision.Outcome.StepFailed}; one before the target
 * means nothing was deployed. A failed rollback step fails the rollback. A rollback step with
 * {@code when: { failedStep: … }} runs only when that deploy step failed, and is skipped otherwise.
 */
final class PipelineStep implements Step {

  static final String BEFORE = "before";
  static final String AFTER = "after";
  static final String OUTCOME = "outcome";
  static final String PASSED = "passed";
  static final String FAILED = "failed";
  static final String SKIPPED = "skipped";
  /** Its command was cut short by Preflight's shutdown or a crash: nobody saw how it ended. */
  static final String UNKNOWN = "unknown";
  /** When the step began; apart from the runners' own entries (a command's startedAt). */
  static final String BEGAN = "began";
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);
  private static final int SUMMARY_LIMIT = 300;

  private final Actions actions;
  private final ActionSpec spec;
  private final String phase;
  private final int index;
  private final boolean rollback;

  PipelineStep(Actions actions, ActionSpec spec, String phase, int index, boolean rollback) {
    this.actions = actions;
    this.spec = spec;
    this.phase = phase;
    this.index = index;
    this.rollback = rollback;
  }

  /** The state key this step writes when it ends. */
  String doneKey() {
    return prefix() + OUTCOME;
  }

  private String prefix() {
    return phase + "." + index + ".";
  }

  @Override
  public String name() {
    return "step " + spec.name();
  }

  /** The step's name as the config gives it. */
  String stepName() {
    return spec.name();
  }

  @Override
  public String finishedAction() {
    return rollback ? "rollback.step.finished" : "deploy.step.finished";
  }

  @Override
  public Optional<RunEvent> passes() {
    // Only the last step of DEPLOYING moves the run on; the plan keeps the others where they are.
    return rollback ? Optional.empty() : Optional.of(RunEvent.DEPLOYED);
  }

  @Override
  public boolean rollback() {
    return rollback;
  }

  @Override
  public Future<StepResult> run(StepContext ctx) {
    Deployment d = ctx.deployment();
    Map<String, String> state = rollback ? d.rollbackState() : d.deployState();
    ActionSpec action = spec;
    if (spec instanceof WhenFailed when) {
      if (!failed(d.deployState(), when.step())) {
        // A step cut short may have done anything; undoing it is for a person who checked.
        String why = unknown(d.deployState(), when.step())
            ? "whether " + when.step() + " failed is unknown, so it was not run: run it by hand if it is needed"
            : when.step() + " did not fail";
        return Future.succeededFuture(StepResult.passed(why, cur -> ended(cur, SKIPPED, why, null, ctx), null));
      }
      action = when.action();
    }
    // A rollback is not aborted: it is what an abort leads to.
    Future<Void> aborted = rollback ? Promise.<Void>promise().future() : ctx.aborted();
    PipelineJournal journal = new PipelineJournal(ctx.journal(rollback, state, aborted), prefix());
    Map<String, String> own = journal.state();
    String time = own.getOrDefault("time", TIME.format(ctx.clock().instant()));
    Map<String, String> placeholders = new HashMap<>(Placeholders.of(d.service(), d.version(), d.environment()));
    placeholders.put("time", time);
    Redactor redactor = new Redactor();
    ActionContext context = new ActionContext(placeholders, ctx.variables(), redactor, journal);
    ActionSpec running = action;
    Map<String, String> start = new LinkedHashMap<>();
    start.put("name", spec.name());
    start.put("kind", spec.kind());
    start.put("time", time);
    if (!own.containsKey(BEGAN)) {
      start.put(BEGAN, ctx.clock().instant().toString());
    }
    return journal.record(start)
        .compose(v -> {
          journal.progress("Running " + spec.name(), null);
          return actions.run(running, context);
        })
        .recover(e -> Future.succeededFuture(ActionOutcome.failed(spec.name() + " could not run: "
            + redactor.redact(Failures.message(e)), null, null)))
        .compose(outcome -> journal.settled().map(outcome))
        .compose(ctx::unlessStopping)
        .map(outcome -> judged(ctx, outcome));
  }

  private StepResult judged(StepContext ctx, ActionOutcome outcome) {
    String summary = Failures.clip(outcome.summary(), SUMMARY_LIMIT);
    if (outcome.unknown()) {
      ctx.note(RunNote.stepUnknown(ctx.run().id(), spec.name(), summary, outcome.output()));
      String line = spec.name() + " was interrupted: " + summary;
      if (rollback) {
        return StepResult.failed(line, cur -> ended(cur, UNKNOWN, summary, outcome.link(), ctx)
            .failed(cur.failure() == null ? line : cur.failure()), null);
      }
      return StepResult.unknown(line, cur -> ended(cur, UNKNOWN, summary, outcome.link(), ctx));
    }
    boolean passed = outcome.passed() && (rollback || !ctx.abortRequested());
    ctx.note(RunNote.step(ctx.run().id(), passed, spec.name(), summary, outcome.output(), outcome.link()));
    if (passed) {
      return StepResult.passed(summary, cur -> ended(cur, PASSED, summary, outcome.link(), ctx), null);
    }
    String line = spec.name() + " failed: " + summary;
    if (rollback) {
      // The deploy's own failure, when it had one, stays the headline.
      return StepResult.failed(line, cur -> ended(cur, FAILED, summary, outcome.link(), ctx)
          .failed(cur.failure() == null ? line : cur.failure()), null);
    }
    return StepResult.failed(line, cur -> ended(cur, FAILED, summary, outcome.link(), ctx),
        new AbortDecision.Outcome.StepFailed(spec.name(), summary, BEFORE.equals(phase)));
  }

  private Deployment ended(Deployment cur, String outcome, String summary, String link, StepContext ctx) {
    Map<String, String> state = new LinkedHashMap<>(rollback ? cur.rollbackState() : cur.deployState());
    state.putIfAbsent(prefix() + "name", spec.name());
    state.putIfAbsent(prefix() + "kind", spec.kind());
    state.put(prefix() + OUTCOME, outcome);
    state.put(prefix() + "summary", summary);
    state.put(prefix() + "finishedAt", ctx.clock().instant().toString());
    if (link != null) {
      state.put(prefix() + "link", link);
    }
    return rollback ? cur.withRollbackState(state) : cur.withDeployState(state);
  }

  /** Whether the deploy step named {@code step} ended failed, as the deploy state records it. */
  static boolean failed(Map<String, String> deployState, String step) {
    return ended(deployState, step, FAILED);
  }

  /** Whether the deploy step named {@code step} was cut short, so how it ended is unknown. */
  static boolean unknown(Map<String, String> deployState, String step) {
    return ended(deployState, step, UNKNOWN);
  }

  private static boolean ended(Map<String, String> deployState, String step, String outcome) {
    for (String phase : new String[] {BEFORE, AFTER}) {
      for (int i = 0; deployState.containsKey(phase + "." + i + ".name"); i++) {
        if (step.equals(deployState.get(phase + "." + i + ".name"))
            && outcome.equals(deployState.get(phase + "." + i + "." + OUTCOME))) {
          return true;
        }
      }
    }
    return false;
  }

  /** Whether the target's deploy started: it records entries of its own, outside the steps' prefixes. */
  static boolean targetStarted(Map<String, String> deployState) {
    return TargetStart.started(deployState);
  }
}
