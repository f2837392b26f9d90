package dev.preflight.deploy.check;

import dev.preflight.checklists.checklist.CheckSpec;
import dev.preflight.checklists.run.Evidence;
import dev.preflight.checklists.secret.Redactor;
import dev.preflight.checklists.secret.Variables;
import dev.preflight.deploy.aws.AwsClients;
import dev.preflight.deploy.aws.AwsFutures;
import dev.preflight.deploy.aws.EcsNames;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.ecs.model.ClusterNotFoundException;
import software.amazon.awssdk.services.ecs.model.Deployment;
import software.amazon.awssdk.services.ecs.model.DescribeServicesRequest;
import software.amazon.awssdk.services.ecs.model.DescribeServicesResponse;
import software.amazon.awssdk.services.ecs.model.Service;

/**
 * An ECS service is steady: ACTIVE, running what it wants, and its PRIMARY deployment's rollout
 * COMPLETED. A deployment that reports no rollout state (CODE_DEPLOY, EXTERNAL controllers) is
 * not taken as steady: the check cannot tell.
 */
public final class EcsServiceCheck implements Check<CheckSpec.EcsService> {

  private final Vertx vertx;
  private final AwsClients aws;

  EcsServiceCheck(Vertx vertx, AwsClients aws) {
    this.vertx = vertx;
    this.aws = aws;
  }

  @Override
  public Future<Evidence> attempt(CheckSpec.EcsService spec, Variables variables, Redactor redactor) {
    String cluster = variables.resolve(spec.cluster(), redactor);
    String service = variables.resolve(spec.service(), redactor);
    String region = variables.resolve(spec.region(), redactor);
    Duration timeout = CheckRunner.timeout(spec);
    DescribeServicesRequest request = DescribeServicesRequest.builder()
        .cluster(cluster)
        .services(service)
        .overrideConfiguration(o -> o.apiCallTimeout(timeout))
        .build();
    Context context = vertx.getOrCreateContext();
    long started = System.nanoTime();
    // Building the client and signing the first call may read files; neither belongs on an event loop.
    return vertx.executeBlocking(() -> aws.ecs(region).describeServices(request), false)
        .compose(call -> AwsFutures.toVertx(call, context))
        .map(response -> judge(cluster, service, response, Latency.millisSince(started), redactor))
        .recover(failure -> failure instanceof ClusterNotFoundException
            ? Future.succeededFuture(Evidence.failure(
                redactor.redact("cluster " + cluster + " not found"),
                redactor.redact(((ClusterNotFoundException) failure).awsErrorDetails().errorMessage()), 1))
            : Future.failedFuture(failure));
  }

  private static Evidence judge(
      String cluster, String name, DescribeServicesResponse response, long latencyMillis, Redactor redactor) {
    Optional<Service> found = response.services().stream().filter(s -> name.equals(s.serviceName())
        || name.equals(s.serviceArn())).findFirst();
    if (found.isEmpty()) {
      found = response.services().stream().findFirst();
    }
    if (found.isEmpty()) {
      String reasons = response.failures().stream()
          .map(f -> f.detail() == null ? f.reason() : f.reason() + " (" + f.detail() + ")")
          .filter(Objects::nonNull)
          .collect(Collectors.joining(", "));
      String why = reasons.isEmpty() ? "no such service" : reasons;
      return new Evidence(false, redactor.redact("service " + name + " not found in " + cluster + ": " + why),
          null, latencyMillis, null, redactor.redact(why), 1);
    }
    Service service = found.get();
    Optional<Deployment> primary = service.deployments().stream().filter(d -> "PRIMARY".equals(d.status())).findFirst();
    int running = Optional.ofNullable(service.runningCount()).orElse(0);
    int desired = Optional.ofNullable(service.desiredCount()).orElse(0);
    String rollout = primary.map(Deployment::rolloutStateAsString).orElse(null);
    String taskDefinition = EcsNames.shortTaskDefinition(primary.map(Deployment::taskDefinition).orElse(service.taskDefinition()));

    List<String> problems = new ArrayList<>();
    if (!"ACTIVE".equals(service.status())) {
      problems.add("service is " + service.status());
    }
    if (running != desired) {
      problems.add(running + " of " + desired + " tasks running");
    }
    if (primary.isEmpty()) {
      problems.add("no PRIMARY deployment");
    } else if (rollout == null) {
      problems.add("the PRIMARY deployment reports no rollout state");
    } else if (!"COMPLETED".equals(rollout)) {
      String reason = primary.get().rolloutStateReason();
      problems.add("rollout " + rollout + (reason == null ? "" : ": " + reason));
    }
    String summary = service.status() + ", " + running + "/" + desired + " running, rollout "
        + (rollout == null ? "unknown" : rollout)
        + (taskDefinition == null ? "" : " (" + taskDefinition + ")");
    return new Evidence(problems.isEmpty(), redactor.redact(summary), null, latencyMillis, null,
        problems.isEmpty() ? null : redactor.redact(String.join("; ", problems)), 1);
  }
}
