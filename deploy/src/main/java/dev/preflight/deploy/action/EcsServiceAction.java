package dev.preflight.deploy.action;

import dev.preflight.checklists.deploy.Placeholders;
import dev.preflight.deploy.aws.AwsClients;
import dev.preflight.deploy.aws.AwsFutures;
import dev.preflight.deploy.failure.Failures;
import dev.preflight.deploy.runner.FollowRunner;
import dev.preflight.deploy.runner.Observation;
import dev.preflight.deploy.runner.Rollout;
import dev.preflight.deploy.target.TargetOutcome;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.ecs.EcsAsyncClient;
import software.amazon.awssdk.services.ecs.model.Deployment;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;

/**
 * What the two ECS service actions share: one UpdateService, recorded in the action's journal
 * before and after it is sent, then DescribeServices on {@link FollowRunner}'s timers until the
 * service is where the action wants it. A restart that finds the update recorded follows it
 * instead of sending it again.
 */
final class EcsServiceAction {

  /** Journal keys. */
  static final String SENT = "updateSent";
  static final String PRIMARY_BEFORE = "primaryBefore";
  static final String DEPLOYMENT = "deployment";

  private final Vertx vertx;
  private final AwsClients aws;
  private final Duration pollInterval;

  EcsServiceAction(Vertx vertx, AwsClients aws, Duration pollInterval) {
    this.vertx = vertx;
    this.aws = aws;
    this.pollInterval = pollInterval;
  }

  /** Where the service is, with {@code {placeholders}} and {@code ${NAME}} references filled. */
  record Where(String cluster, String service, String region) {
    String name() {
      return cluster + "/" + service;
    }
  }

  /** How one kind changes the service and judges whether it got there. */
  interface Change {
    UpdateServiceRequest.Builder update(UpdateServiceRequest.Builder request);

    /** Running with progress, succeeded or failed, from the service and what the journal holds. */
    Observation judge(Service service, Map<String, String> journal);

    /** How the service stands now, for a timeout or abort line: "2 of 3 tasks running". */
    String standing(Service service);
  }

  Where where(String cluster, String service, String region, ActionContext context) {
    Function<String, String> fill = text -> text == null ? null
        : context.variables().resolve(Placeholders.fill(text, context.placeholders()), context.redactor());
    String filledRegion = fill.apply(region);
    return new Where(fill.apply(cluster), fill.apply(service),
        filledRegion == null || filledRegion.isBlank() ? null : filledRegion);
  }

  Future<ActionOutcome> run(Where where, Duration timeout, Change change, ActionContext context) {
    Context vertxContext = vertx.getOrCreateContext();
    return vertxContext.executeBlocking(() -> aws.ecs(where.region()), false)
        .map(client -> new Follow(vertxContext, client, where, timeout, change, context))
        .compose(follow -> new FollowRunner(vertx, pollInterval).run(follow, context.journal()))
        .map(outcome -> outcome.succeeded()
            ? ActionOutcome.passed(outcome.summary(), outcome.detail(), null)
            : ActionOutcome.failed(outcome.summary(), outcome.detail(), null));
  }

  /** One action followed to its end; {@link FollowRunner} calls one method at a time on one context. */
  private static final class Follow implements Rollout {
    private final Context context;
    private final EcsAsyncClient client;
    private final Where where;
    private final Duration timeout;
    private final Change change;
    private final ActionContext action;
    private Instant deadline;
    private Service last;

    Follow(Context context, EcsAsyncClient client, Where where, Duration timeout, Change change, ActionContext action) {
      this.context = context;
      this.client = client;
      this.where = where;
      this.timeout = timeout;
      this.change = change;
      this.action = action;
    }

    @Override
    public Future<Observation> start() {
      deadline = Instant.now().plus(timeout);
      Map<String, String> journal = action.journal().state();
      if (journal.containsKey(SENT)) {
        return observe();
      }
      return describe().compose(service -> {
        String primary = primary(service).map(Deployment::id).orElse("");
        if (journal.containsKey(PRIMARY_BEFORE) && !primary.equals(journal.get(PRIMARY_BEFORE))) {
          // The update went out before a restart and ECS already started its deployment.
          return action.journal().record(Map.of(SENT, "true", DEPLOYMENT, primary)).compose(v -> observe());
        }
        return action.journal().record(Map.of(PRIMARY_BEFORE, primary))
            .compose(v -> send())
            .compose(v -> observe());
      });
    }

    private Future<Void> send() {
      action.journal().progress("Sending UpdateService to " + where.name(), null);
      UpdateServiceRequest request = change.update(UpdateServiceRequest.builder()
          .cluster(where.cluster())
          .service(where.service())).build();
      return context.executeBlocking(() -> client.updateService(request), false)
          .compose(pending -> AwsFutures.toVertx(pending, context))
          .compose(response -> action.journal().record(Map.of(SENT, "true",
              DEPLOYMENT, primary(response.service()).map(Deployment::id).orElse(""))));
    }

    @Override
    public Instant deadline() {
      return deadline;
    }

    @Override
    public Future<Observation> observe() {
      return describe()
          .map(service -> change.judge(service, action.journal().state()))
          .recover(failure -> lasting(failure)
              ? Future.succeededFuture(Observation.failed(summary(failure), null))
              : Future.failedFuture(failure));
    }

    @Override
    public Future<TargetOutcome> stop(Halt why) {
      String standing = last == null ? "" : " (" + change.standing(last) + ")";
      return Future.succeededFuture(switch (why) {
        case ABORTED -> TargetOutcome.failure("Aborted; ECS carries on with what it was sent" + standing, null);
        case TIMED_OUT -> TargetOutcome.failure(where.name() + " not steady after "
            + dev.preflight.checklists.time.Spans.format(timeout) + standing, null);
        case STOPPING -> TargetOutcome.failure("The bot is stopping; another replica follows " + where.name(), null);
      });
    }

    @Override
    public TargetOutcome failed(Throwable failure) {
      return TargetOutcome.failure(summary(failure), Failures.clip(action.redactor().redact(Failures.detail(failure)), 2000));
    }

    private Future<Service> describe() {
      return context.executeBlocking(() -> client.describeServices(b -> b.cluster(where.cluster()).services(where.service())),
              false)
          .compose(pending -> AwsFutures.toVertx(pending, context))
          .compose(response -> {
            Optional<Service> found = response.services().stream()
                .filter(s -> where.service().equals(s.serviceName()) || where.service().equals(s.serviceArn()))
                .findFirst();
            if (found.isEmpty() || !"ACTIVE".equals(found.get().status())) {
              return Future.failedFuture(new NoService(where.name() + (found.isEmpty()
                  ? " not found" : " is " + found.get().status())));
            }
            last = found.get();
            return Future.succeededFuture(found.get());
          });
    }

    private String summary(Throwable failure) {
      Throwable cause = AwsFutures.unwrap(failure);
      String text = cause instanceof AwsServiceException aws && aws.awsErrorDetails() != null
          ? "ECS refused: " + aws.awsErrorDetails().errorCode() + " " + aws.awsErrorDetails().errorMessage()
          : cause instanceof NoService ? "ECS service " + cause.getMessage() : "ECS call failed: " + Failures.message(cause);
      return action.redactor().redact(text).lines().findFirst().orElse("");
    }

    /** A refusal or a missing service answers the same next time; throttling, 5xx and timeouts may pass. */
    private static boolean lasting(Throwable failure) {
      Throwable cause = AwsFutures.unwrap(failure);
      if (cause instanceof NoService) {
        return true;
      }
      return cause instanceof AwsServiceException aws && !aws.isThrottlingException() && aws.statusCode() < 500;
    }
  }

  static Optional<Deployment> primary(Service service) {
    return service == null ? Optional.empty()
        : service.deployments().stream().filter(d -> "PRIMARY".equals(d.status())).findFirst();
  }

  /** The service is missing or not ACTIVE. */
  private static final class NoService extends RuntimeException {
    NoService(String message) {
      super(message, null, false, false);
    }
  }
}
