package dev.preflight.deploy.action;

import dev.preflight.checklists.secret.Redactor;
import dev.preflight.deploy.aws.AwsFutures;
import dev.preflight.deploy.failure.Failures;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

/**
 * One AWS call of an action: the request is made on a worker (building a client may read
 * credential files), the answer arrives on the caller's context. The SDK clients carry the
 * timeouts and the retries ({@link dev.preflight.deploy.aws.AwsClients}).
 */
final class AwsCall {

  private static final int SUMMARY_LIMIT = 300;

  private AwsCall() {}

  static <T> Future<T> call(Vertx vertx, Supplier<CompletableFuture<T>> request) {
    var context = vertx.getOrCreateContext();
    return context.executeBlocking(request::get, false).compose(pending -> AwsFutures.toVertx(pending, context));
  }

  /**
   * Whether AWS refused the request for good (a 4xx other than throttling): looking again will
   * answer the same. Timeouts, throttling and 5xx may pass.
   */
  static boolean refused(Throwable failure) {
    Throwable cause = AwsFutures.unwrap(failure);
    return cause instanceof AwsServiceException aws && aws.statusCode() >= 400 && aws.statusCode() < 500
        && !aws.isThrottlingException() && aws.statusCode() != 408;
  }

  /** The error code AWS answered with, or null. */
  static String code(Throwable failure) {
    Throwable cause = AwsFutures.unwrap(failure);
    return cause instanceof AwsServiceException aws && aws.awsErrorDetails() != null
        ? aws.awsErrorDetails().errorCode() : null;
  }

  /** When an earlier attempt recorded that the action started, or now for a first attempt. */
  static Instant recordedOrNow(String recorded) {
    try {
      return recorded == null ? Instant.now() : Instant.parse(recorded);
    } catch (DateTimeParseException e) {
      return Instant.now();
    }
  }

  /** One masked line: the operation and what AWS (or the network) said. */
  static String line(String operation, Throwable failure, Redactor redactor) {
    Throwable cause = AwsFutures.unwrap(failure);
    String said = cause instanceof AwsServiceException aws && aws.awsErrorDetails() != null
        ? aws.awsErrorDetails().errorCode() + ": " + aws.awsErrorDetails().errorMessage()
        : Failures.isTimeout(cause) ? "no answer in time" : Failures.message(cause);
    return Failures.clip(redactor.redact(operation + " failed: " + said).replace('\n', ' '), SUMMARY_LIMIT);
  }
}
