package dev.preflight.deploy.runner;

import dev.preflight.checklists.deploy.AbortDecision;
import dev.preflight.checklists.deploy.Deployment;
import dev.preflight.checklists.deploy.Release;
import dev.preflight.checklists.run.RunEvent;
import dev.preflight.deploy.run.RunNote;
import dev.preflight.deploy.run.TargetStart;
import dev.preflight.deploy.target.DeployJob;
import dev.preflight.deploy.target.DeployTarget;
import dev.preflight.deploy.target.LiveVersion;
import dev.preflight.deploy.target.TargetOutcome;
import dev.preflight.deploy.target.Targets;
import io.vertx.core.Future;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The target deploys the run's version; a restart carries on from what its journal holds. */
final class DeployStep implements Step {

  private final Targets targets;

  DeployStep(Targets targets) {
    this.targets = targets;
  }

  @Override
  public String name() {
    return "deploy";
  }

  @Override
  public String finishedAction() {
    return "deploy.finished";
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
    Deployment d = ctx.deployment();
    DeployJob job = new DeployJob(ctx.run().id(), d.service(), d.environment(), d.version(), null,
        ctx.environment().target(), ctx.variables(), ctx.environment().rollout().traffic());
    DeployTarget target = targets.forTarget(ctx.environment().target());
    return previousRecorded(ctx, target, job).compose(v -> {
      RunJournal journal = ctx.journal(false, d.deployState(), ctx.aborted());
      return deploy(ctx, target, job, journal);
    });
  }

  /**
   * A first deploy (no release on record, or one whose version is unknown) reads what the
   * environment runs from the target and records it as the release before, so that its rollback,
   * {@code /deploys} and the next run name the version returned to. Only before the target has
   * started: once it has, the environment may already run the new version.
   */
  private static Future<Void> previousRecorded(StepContext ctx, DeployTarget target, DeployJob job) {
    Deployment d = ctx.deployment();
    Release previous = d.previous();
    if ((previous != null && previous.version() != null) || PipelineStep.targetStarted(d.deployState())) {
      return Future.succeededFuture();
    }
    return target.live(job)
        .otherwise(Optional.empty())
        .compose(live -> live.isEmpty() ? Future.succeededFuture() : ctx.record(cur -> cur.withPrevious(
            restored(cur, live.get()))))
        .otherwiseEmpty();
  }

  /** The release on record, with the version (and revision, where it had none) the target reported. */
  private static Release restored(Deployment d, LiveVersion live) {
    Release known = d.previous();
    if (known == null) {
      return new Release(d.service(), d.environment(), live.version(), live.revision(), null, null, null,
          Release.DEPLOY);
    }
    return new Release(known.service(), known.environment(), live.version(),
        known.revision() != null ? known.revision() : live.revision(), known.runId(), known.by(), known.at(),
        known.kind());
  }

  private Future<StepResult> deploy(StepContext ctx, DeployTarget target, DeployJob job, RunJournal journal) {
    return target.deploy(job, journal)
        .recover(e -> Future.succeededFuture(TargetOutcome.failure("The deploy errored: " + e.getMessage(), null)))
        .compose(outcome -> journal.settled().map(outcome))
        .compose(ctx::unlessStopping)
        .map(outcome -> {
          if (outcome.detail() != null) {
            ctx.note(RunNote.target(ctx.run().id(),
                outcome.succeeded() ? RunNote.Kind.DEPLOY_OUTPUT : RunNote.Kind.DEPLOY_FAILED,
                null, outcome.summary(), outcome.detail()));
          }
          if (outcome.unknown()) {
            return StepResult.unknown("The deploy was interrupted: " + outcome.summary(),
                cur -> recorded(cur, outcome, ctx));
          }
          return outcome.succeeded()
              ? StepResult.passed(outcome.summary(), cur -> recorded(cur, outcome, ctx), null)
              : StepResult.failed(outcome.summary(), cur -> recorded(cur, outcome, ctx),
                  new AbortDecision.Outcome.DeployFailed(outcome.summary()));
        });
  }

  /** The target's ending joins its journal; an aborted deploy counts as failed whatever the target said. */
  private static Deployment recorded(Deployment cur, TargetOutcome outcome, StepContext ctx) {
    boolean succeeded = outcome.succeeded() && !ctx.abortRequested();
    Map<String, String> state = new LinkedHashMap<>(cur.deployState());
    state.put("outcome", succeeded ? "succeeded" : outcome.unknown() ? PipelineStep.UNKNOWN : "failed");
    state.put("summary", outcome.summary());
    if (outcome.revision() != null) {
      state.put("revision", outcome.revision());
    }
    if (outcome.neverStarted() && !succeeded) {
      state.put(TargetStart.REFUSED, "true");
    }
    Deployment recorded = cur.withDeployState(state);
    return succeeded ? recorded.withStep("Verifying", outcome.summary()) : recorded;
  }
}
