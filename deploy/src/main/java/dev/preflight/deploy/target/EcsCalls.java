package dev.preflight.deploy.target;

import dev.preflight.deploy.aws.AwsFutures;
import dev.preflight.deploy.aws.EcsNames;
import dev.preflight.deploy.runner.PollRounds;
import dev.preflight.deploy.target.EcsFailures.CallFailed;
import dev.preflight.deploy.target.EcsFailures.Problem;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.ecs.EcsAsyncClient;
import software.amazon.awssdk.services.ecs.model.ClientException;
import software.amazon.awssdk.services.ecs.model.ClusterNotFoundException;
import software.amazon.awssdk.services.ecs.model.DescribeServicesResponse;
import software.amazon.awssdk.services.ecs.model.DescribeTaskDefinitionResponse;
import software.amazon.awssdk.services.ecs.model.RegisterTaskDefinitionRequest;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.ServiceNotActiveException;
import software.amazon.awssdk.services.ecs.model.ServiceNotFoundException;
import software.amazon.awssdk.services.ecs.model.TaskDefinitionField;

/**
 * The four ECS calls a deploy makes, for one service (DescribeServices in batches,
 * {@link EcsDescribeBatches}). Each call starts on a worker (signing the
 * first request may read credential files) and finishes on the deploy's context. Failures come
 * back as {@link Problem} when ECS said something a person should read as such (no cluster, no
 * service), otherwise as {@link CallFailed} naming the operation.
 */
final class EcsCalls {

  private final Context context;
  private final EcsAsyncClient client;
  private final EcsSettings settings;

  EcsCalls(Context context, EcsAsyncClient client, EcsSettings settings) {
    this.context = context;
    this.client = client;
    this.settings = settings;
  }

  /** "cluster/service" of the service these calls are about. */
  String where() {
    return settings.where();
  }

  /**
   * The service as ECS describes it now; a service that is missing or not ACTIVE is a problem.
   * Asked together with the other services of its cluster polled at the same moment.
   */
  Future<Service> service() {
    CompletableFuture<DescribeServicesResponse> batch =
        EcsDescribeBatches.of(client).describe(context, settings.cluster(), settings.service());
    return classified("DescribeServices", AwsFutures.toVertx(batch, context))
        .compose(this::activeService);
  }

  /**
   * The service as the follow loop's look in this round sees it, described together with every
   * service of its cluster due in the same round.
   */
  Future<Service> serviceInRound(PollRounds rounds) {
    CompletableFuture<DescribeServicesResponse> batch =
        EcsDescribeBatches.of(client).describeInRound(context, settings.cluster(), settings.service(), rounds);
    return classified("DescribeServices", AwsFutures.toVertx(batch, context))
        .compose(this::activeService);
  }

  /** A task definition and its tags, by ARN, "family:revision" or family (its latest revision). */
  Future<DescribeTaskDefinitionResponse> taskDefinition(String taskDefinition) {
    return call("DescribeTaskDefinition", () -> client.describeTaskDefinition(b -> b
        .taskDefinition(taskDefinition)
        .include(TaskDefinitionField.TAGS)))
        .recover(failure -> failure.getCause() instanceof ClientException refused
            ? Future.failedFuture(new Problem("Task definition " + EcsNames.shortTaskDefinition(taskDefinition) + " not found",
                refused.awsErrorDetails().errorMessage()))
            : Future.failedFuture(failure));
  }

  /** Registers a revision and answers its ARN. */
  Future<String> register(RegisterTaskDefinitionRequest request) {
    return call("RegisterTaskDefinition", () -> client.registerTaskDefinition(request))
        .map(response -> response.taskDefinition().taskDefinitionArn());
  }

  /** Points the service at a task definition; ECS starts a new deployment for it. */
  Future<Void> update(String taskDefinitionArn) {
    return call("UpdateService", () -> client.updateService(b -> b
        .cluster(settings.cluster())
        .service(settings.service())
        .taskDefinition(taskDefinitionArn)))
        .mapEmpty();
  }

  /** Points the service at a task definition and sets how many tasks it runs. */
  Future<Void> update(String taskDefinitionArn, int desiredCount) {
    return call("UpdateService", () -> client.updateService(b -> b
        .cluster(settings.cluster())
        .service(settings.service())
        .taskDefinition(taskDefinitionArn)
        .desiredCount(desiredCount)))
        .mapEmpty();
  }

  /** Sets how many tasks the service runs, on the task definition it has. */
  Future<Void> scale(int desiredCount) {
    return call("UpdateService", () -> client.updateService(b -> b
        .cluster(settings.cluster())
        .service(settings.service())
        .desiredCount(desiredCount)))
        .mapEmpty();
  }

  private Future<Service> activeService(DescribeServicesResponse response) {
    String name = settings.service();
    Optional<Service> found = response.services().stream()
        .filter(s -> name.equals(s.serviceName()) || name.equals(s.serviceArn()))
        .findFirst();
    if (found.isEmpty()) {
      String reasons = response.failures().stream()
          .map(f -> f.detail() == null ? f.reason() : f.reason() + " (" + f.detail() + ")")
          .filter(Objects::nonNull)
          .collect(Collectors.joining(", "));
      return Future.failedFuture(new Problem("ECS service " + name + " not found in cluster " + settings.cluster(),
          reasons.isEmpty() ? null : "DescribeServices answered " + reasons));
    }
    Service service = found.get();
    if (!"ACTIVE".equals(service.status())) {
      return Future.failedFuture(new Problem("ECS service " + settings.where() + " is " + service.status(), null));
    }
    return Future.succeededFuture(service);
  }

  private <T> Future<T> call(String operation, Supplier<CompletableFuture<T>> request) {
    return classified(operation, context.executeBlocking(request::get, false)
        .compose(pending -> AwsFutures.toVertx(pending, context)));
  }

  private <T> Future<T> classified(String operation, Future<T> answer) {
    return answer.recover(failure -> Future.failedFuture(classify(operation, AwsFutures.unwrap(failure))));
  }

  private Throwable classify(String operation, Throwable failure) {
    if (failure instanceof ClusterNotFoundException) {
      return new Problem("ECS cluster " + settings.cluster() + " not found", awsMessage(failure));
    }
    if (failure instanceof ServiceNotFoundException) {
      return new Problem("ECS service " + settings.service() + " not found in cluster " + settings.cluster(),
          awsMessage(failure));
    }
    if (failure instanceof ServiceNotActiveException) {
      return new Problem("ECS service " + settings.where() + " is not ACTIVE", awsMessage(failure));
    }
    return new CallFailed(operation, failure);
  }

  private static String awsMessage(Throwable failure) {
    return failure instanceof software.amazon.awssdk.awscore.exception.AwsServiceException aws
        && aws.awsErrorDetails() != null ? aws.awsErrorDetails().errorMessage() : failure.getMessage();
  }
}
