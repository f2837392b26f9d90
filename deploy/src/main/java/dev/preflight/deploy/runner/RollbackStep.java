package dev.preflight.deploy.runner;

import dev.preflight.checklists.deploy.Deployment;
import dev.preflight.checklists.deploy.Release;
import dev.preflight.checklists.deploy.Target;
import dev.preflight.checklists.run.RunEvent;
import dev.preflight.deploy.run.RunNote;
import dev.preflight.deploy.target.DeployJob;
import dev.preflight.deploy.target.TargetOutcome;
import dev.preflight.deploy.target.Targets;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The target restores the last good release. Once it has, the run stays rolling back while the
 * verification after the rollback runs.
 */
final class RollbackStep implements Step {

  private final Targets targets;

  RollbackStep(Targets targets) {
    this.targets = targets;
  }

  @Override
  public String name() {
    return "rollback";
  }

  @Override
  public String finishedAction() {
    return "rollback.finished";
  }

  @Override
  public Optional<RunEvent> passes() {
    return Optional.empty();
  }

  @Override
  public boolean rollback() {
    return true;
  }

  @Override
  public Future<StepResult> run(StepContext ctx) {
    Deployment d = ctx.deployment();
    Target target = ctx.environment().target();
    Release previous = d.previous();
    // The last good release is restored; for ECS, without one on record, the task definition the
    // service ran before this deploy is.
    boolean onRecord = previous != null && previous.revision() != null;
    String revision = onRecord || !(target instanceof Target.Ecs)
        ? (previous == null ? null : previous.revision())
        : d.deployState().get("previousTaskDefinition");
    String version = previous == null ? null : previous.version();
    DeployJob job = new DeployJob(ctx.run().id(), d.service(), d.environment(), version, revision, target,
        ctx.variables(), ctx.environment().rollout().traffic());
    // A rollback is not aborted: it is what an abort leads to.
    RunJournal journal = ctx.journal(true, d.rollbackState(), Promise.<Void>promise().future());
    return targets.forTarget(target).rollback(job, journal)
        .recover(e -> Future.succeededFuture(TargetOutcome.failure("The rollback errored: " + e.getMessage(), null)))
        .compose(outcome -> journal.settled().map(outcome))
        .compose(ctx::unlessStopping)
        .map(outcome -> {
          if (outcome.detail() != null || !outcome.succeeded()) {
            ctx.note(RunNote.target(ctx.run().id(),
                outcome.succeeded() ? RunNote.Kind.ROLLBACK_OUTPUT : RunNote.Kind.ROLLBACK_FAILED,
                null, outcome.summary(), outcome.detail()));
          }
          if (!outcome.succeeded()) {
            // The deploy's own failure, when it had one, stays the headline.
            return StepResult.failed(outcome.summary(), cur -> recorded(cur, outcome)
                .failed(cur.failure() == null ? outcome.summary() : cur.failure()), null);
          }
          Release restored = new Release(d.service(), d.environment(), version,
              outcome.revision() != null ? outcome.revision() : revision, ctx.run().id(), d.rollbackBy(),
              ctx.clock().instant(), Release.ROLLBACK);
          return StepResult.passed(outcome.summary(), cur -> recorded(cur, outcome), restored);
        });
  }

  private static Deployment recorded(Deployment cur, TargetOutcome outcome) {
    Map<String, String> state = new LinkedHashMap<>(cur.rollbackState());
    state.put("outcome", outcome.succeeded() ? "succeeded" : "failed");
    state.put("summary", outcome.summary());
    return cur.withRollbackState(state).withStep(null, outcome.summary());
  }
}
