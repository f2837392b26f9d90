package dev.preflight.deploy.runner;

import dev.preflight.checklists.deploy.AbortDecision;
import dev.preflight.checklists.deploy.Deployment;
import dev.preflight.checklists.deploy.Placeholders;
import dev.preflight.checklists.deploy.Release;
import dev.preflight.checklists.deploy.VerifyResult;
import dev.preflight.checklists.run.RunEvent;
import dev.preflight.deploy.run.RunNote;
import dev.preflight.deploy.check.MetricContext;
import dev.preflight.deploy.run.VerificationExecutor;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The environment's health checks and smoke tests, after the deploy or after a rollback. Each
 * result is stored as it comes, so the run's message shows the checks one by one.
 */
final class VerifyStep implements Step {

  private final VerificationExecutor verifier;
  private final boolean afterRollback;

  VerifyStep(VerificationExecutor verifier, boolean afterRollback) {
    this.verifier = verifier;
    this.afterRollback = afterRollback;
  }

  @Override
  public String name() {
    return afterRollback ? "verify-rollback" : "verify";
  }

  @Override
  public String finishedAction() {
    return afterRollback ? "rollback.verified" : "deploy.verified";
  }

  @Override
  public Optional<RunEvent> passes() {
    return Optional.of(afterRollback ? RunEvent.ROLLBACK_SUCCEEDED : RunEvent.VERIFIED);
  }

  @Override
  public boolean rollback() {
    return afterRollback;
  }

  @Override
  public Future<StepResult> run(StepContext ctx) {
    Deployment d = ctx.deployment();
    if (!afterRollback && ctx.abortRequested()) {
      // Aborted before (or while) another drive verified: nothing to stop, and what was seen stays.
      return Future.succeededFuture(StepResult.failed(null, seen -> seen, null));
    }
    // A rollback is not aborted; it stops only with this replica.
    Future<Void> stop = Future.any(afterRollback ? Promise.<Void>promise().future() : ctx.aborted(), ctx.stopping())
        .mapEmpty();
    List<VerifyResult> seen = new ArrayList<>();
    // Each result is written after the one before it.
    AtomicReference<Future<Void>> writes = new AtomicReference<>(Future.succeededFuture());
    return ctx.record(now -> results(now, List.of())
            .withStep(afterRollback ? "Verifying the rollback" : "Verifying", now.progress()))
        .compose(v -> verifier.verify(ctx.environment().verify(),
            MetricContext.placeholders(placeholders(d), ctx.run().id().toString(), d.launchedAt()), result -> {
          seen.add(result);
          List<VerifyResult> sofar = List.copyOf(seen);
          writes.updateAndGet(previous -> previous.compose(x -> ctx.record(now -> results(now, sofar))));
        }, stop))
        .compose(results -> writes.get().otherwiseEmpty().map(results))
        .compose(ctx::unlessStopping)
        .map(results -> result(ctx, d, results));
  }

  private StepResult result(StepContext ctx, Deployment d, List<VerifyResult> results) {
    List<VerifyResult> failed = results.stream().filter(r -> !r.passed()).toList();
    if (failed.isEmpty()) {
      Release release = afterRollback ? null : new Release(d.service(), d.environment(), d.version(),
          d.deployState().get("revision"), ctx.run().id(), d.launchedBy(), ctx.clock().instant(), Release.DEPLOY);
      return StepResult.passed(null, cur -> results(cur, results), release);
    }
    ctx.note(RunNote.verificationFailed(ctx.run().id(), afterRollback, failed));
    VerifyResult first = failed.get(0);
    return StepResult.failed(first.title() + ": " + first.evidence().summary(), cur -> results(cur, results),
        afterRollback ? null : new AbortDecision.Outcome.VerificationFailed(failed));
  }

  private Deployment results(Deployment d, List<VerifyResult> results) {
    return afterRollback ? d.withRollbackVerification(results) : d.withVerification(results);
  }

  /** After a rollback the checks are about the release restored. */
  private Map<String, String> placeholders(Deployment d) {
    if (!afterRollback || d.previous() == null || d.previous().version() == null) {
      return d.placeholders();
    }
    return Placeholders.of(d.service(), d.previous().version(), d.environment());
  }
}
