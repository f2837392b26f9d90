package dev.preflight.deploy.runner;

import dev.preflight.checklists.deploy.AbortDecision;
import dev.preflight.checklists.deploy.Deployment;
import dev.preflight.checklists.run.RunEvent;
import dev.preflight.deploy.run.RunNote;
import dev.preflight.deploy.target.DeployJob;
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
        ctx.environment().target(), ctx.variables());
    RunJournal journal = ctx.journal(false, d.deployState(), ctx.aborted());
    return targets.forTarget(ctx.environment().target()).deploy(job, journal)
        .recover(e -> Future.succeededFuture(TargetOutcome.failure("The deploy errored: " + e.getMessage(), null)))
        .compose(outcome -> journal.settled().map(outcome))
        .compose(ctx::unlessStopping)
        .map(outcome -> {
          if (outcome.detail() != null) {
            ctx.note(RunNote.target(ctx.run().id(),
                outcome.succeeded() ? RunNote.Kind.DEPLOY_OUTPUT : RunNote.Kind.DEPLOY_FAILED,
                null, outcome.summary(), outcome.detail()));
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
    state.put("outcome", succeeded ? "succeeded" : "failed");
    state.put("summary", outcome.summary());
    if (outcome.revision() != null) {
      state.put("revision", outcome.revision());
    }
    Deployment recorded = cur.withDeployState(state);
    return succeeded ? recorded.withStep("Verifying", outcome.summary()) : recorded;
  }
}
