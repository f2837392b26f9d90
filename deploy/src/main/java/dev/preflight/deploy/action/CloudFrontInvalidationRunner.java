package dev.preflight.deploy.action;

import dev.preflight.checklists.config.CloudFrontInvalidationAction;
import dev.preflight.checklists.secret.Variables;
import dev.preflight.checklists.time.Spans;
import dev.preflight.deploy.aws.AwsClients;
import dev.preflight.deploy.runner.FollowRunner;
import dev.preflight.deploy.runner.Observation;
import dev.preflight.deploy.runner.Rollout;
import dev.preflight.deploy.target.TargetOutcome;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Runs a {@code cloudfront-invalidation} step: CreateInvalidation, then GetInvalidation every
 * interval until it is Completed. The caller reference is recorded before the request (CloudFront
 * answers a repeated request with the same reference with the invalidation it already made) and
 * the invalidation's id right after, so a restart follows that invalidation.
 */
public final class CloudFrontInvalidationRunner implements ActionRunner<CloudFrontInvalidationAction> {

  static final String CALLER_REFERENCE = "callerReference";
  static final String INVALIDATION = "invalidationId";
  static final String STARTED_AT = "startedAt";

  private final Vertx vertx;
  private final AwsClients clients;
  private final FollowRunner runner;

  /** @param interval between two GetInvalidation of an invalidation in progress */
  public CloudFrontInvalidationRunner(Vertx vertx, AwsClients clients, Duration interval) {
    this.vertx = vertx;
    this.clients = clients;
    this.runner = new FollowRunner(vertx, interval);
  }

  @Override
  public Future<ActionOutcome> run(CloudFrontInvalidationAction spec, ActionContext context) {
    return runner.run(new InvalidationRollout(spec, context), context.journal())
        .map(outcome -> new ActionOutcome(outcome.succeeded(), outcome.summary(), outcome.detail(), null));
  }

  private final class InvalidationRollout implements Rollout {

    private final CloudFrontInvalidationAction spec;
    private final ActionContext context;
    private String distribution;
    private String id;
    private Instant startedAt;

    InvalidationRollout(CloudFrontInvalidationAction spec, ActionContext context) {
      this.spec = spec;
      this.context = context;
    }

    @Override
    public Future<Observation> start() {
      Map<String, String> state = context.journal().state();
      startedAt = AwsCall.recordedOrNow(state.get(STARTED_AT));
      List<String> paths;
      try {
        distribution = new Fill(context).variables(spec.distribution());
        paths = new Fill(context).texts(spec.paths());
      } catch (Variables.MissingVariableException e) {
        return Future.succeededFuture(Observation.failed(e.getMessage(), null));
      }
      id = state.get(INVALIDATION);
      if (id != null) {
        return Future.succeededFuture(Observation.running("Following invalidation " + id, null));
      }
      String reference = state.getOrDefault(CALLER_REFERENCE, "preflight-" + UUID.randomUUID());
      return context.journal().record(Map.of(CALLER_REFERENCE, reference, STARTED_AT, startedAt.toString()))
          .compose(v -> AwsCall.call(vertx, () -> clients.cloudFront().createInvalidation(r -> r
              .distributionId(distribution)
              .invalidationBatch(b -> b.callerReference(reference)
                  .paths(p -> p.quantity(paths.size()).items(paths))))))
          .compose(created -> {
            id = created.invalidation().id();
            return context.journal().record(Map.of(INVALIDATION, id))
                .map(stored -> Observation.running("Invalidation " + id + " " + created.invalidation().status(), null));
          })
          .recover(e -> AwsCall.refused(e)
              ? Future.succeededFuture(Observation.failed(AwsCall.line("CreateInvalidation", e, context.redactor()),
                  null))
              : Future.failedFuture(e));
    }

    @Override
    public Instant deadline() {
      return startedAt.plus(spec.timeout());
    }

    @Override
    public Future<Observation> observe() {
      return AwsCall.call(vertx, () -> clients.cloudFront().getInvalidation(r -> r.distributionId(distribution).id(id)))
          .map(found -> {
            String status = found.invalidation().status();
            if ("Completed".equalsIgnoreCase(status)) {
              return Observation.succeeded("Invalidation " + id + " of " + String.join(", ", spec.paths())
                  + " completed after " + Spans.format(Duration.between(startedAt, Instant.now())), null, null);
            }
            return Observation.running("Invalidation " + id + " " + status, null);
          })
          .recover(e -> AwsCall.refused(e)
              ? Future.succeededFuture(Observation.failed(AwsCall.line("GetInvalidation", e, context.redactor()), null))
              : Future.failedFuture(e));
    }

    @Override
    public Future<TargetOutcome> stop(Halt why) {
      String reason = why == Halt.TIMED_OUT ? "timed out after " + Spans.format(spec.timeout()) : "Aborted";
      return Future.succeededFuture(TargetOutcome.failure(id == null ? reason
          : reason + "; invalidation " + id + " cannot be cancelled and is left to finish", null));
    }

    @Override
    public TargetOutcome failed(Throwable failure) {
      return TargetOutcome.failure(AwsCall.line("CloudFront invalidation", failure, context.redactor()), null);
    }
  }
}
