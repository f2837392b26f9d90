package dev.preflight.deploy.check;

import dev.preflight.checklists.checklist.CheckSpec;
import dev.preflight.checklists.run.Evidence;
import dev.preflight.checklists.secret.Redactor;
import dev.preflight.checklists.secret.Variables;
import dev.preflight.deploy.aws.AwsClients;
import dev.preflight.deploy.aws.AwsFutures;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import software.amazon.awssdk.services.secretsmanager.model.DescribeSecretRequest;
import software.amazon.awssdk.services.secretsmanager.model.DescribeSecretResponse;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;

/**
 * A Secrets Manager secret exists. Only {@code DescribeSecret} is called: the value is never
 * fetched, so it cannot end up in evidence, and the bot needs no permission to read it.
 */
final class AwsSecretCheck implements Check<CheckSpec.AwsSecret> {

  private final Vertx vertx;
  private final AwsClients aws;

  AwsSecretCheck(Vertx vertx, AwsClients aws) {
    this.vertx = vertx;
    this.aws = aws;
  }

  @Override
  public Future<Evidence> attempt(CheckSpec.AwsSecret spec, Variables variables, Redactor redactor) {
    String secretId = variables.resolve(spec.secretId(), redactor);
    String region = variables.resolve(spec.region(), redactor);
    Duration timeout = CheckRunner.timeout(spec);
    DescribeSecretRequest request = DescribeSecretRequest.builder()
        .secretId(secretId)
        .overrideConfiguration(o -> o.apiCallTimeout(timeout))
        .build();
    Context context = vertx.getOrCreateContext();
    long started = System.nanoTime();
    // Building the client and signing the first call may read files; neither belongs on an event loop.
    return vertx.executeBlocking(() -> aws.secretsManager(region).describeSecret(request), false)
        .compose(call -> AwsFutures.toVertx(call, context))
        .map(secret -> found(secret, Latency.millisSince(started), redactor))
        .recover(failure -> failure instanceof ResourceNotFoundException
            ? Future.succeededFuture(notFound(secretId, Latency.millisSince(started), redactor))
            : Future.failedFuture(failure));
  }

  private static Evidence found(DescribeSecretResponse secret, long latencyMillis, Redactor redactor) {
    String name = secret.name();
    if (secret.deletedDate() != null) {
      String summary = "secret " + name + " is scheduled for deletion";
      return new Evidence(false, redactor.redact(summary), null, latencyMillis, null,
          redactor.redact("deleted on " + day(secret.deletedDate()) + "; restore it or point the check at another secret"), 1);
    }
    String summary = secret.lastChangedDate() != null
        ? "secret " + name + " exists, last changed " + day(secret.lastChangedDate())
        : "secret " + name + " exists, created " + day(secret.createdDate());
    return new Evidence(true, redactor.redact(summary), null, latencyMillis, null, null, 1);
  }

  private static Evidence notFound(String secretId, long latencyMillis, Redactor redactor) {
    return new Evidence(false, redactor.redact("secret " + secretId + " not found"), null, latencyMillis, null,
        "Secrets Manager has no secret with this name or ARN in this account and region", 1);
  }

  private static String day(Instant instant) {
    return instant == null ? "at an unknown date" : instant.truncatedTo(ChronoUnit.SECONDS).toString();
  }
}
