package dev.preflight.deploy.target;

import dev.preflight.checklists.secret.Redactor;
import dev.preflight.checklists.secret.Variables.MissingVariableException;
import dev.preflight.deploy.aws.AwsFutures;
import dev.preflight.deploy.aws.Elbv2Exception;
import dev.preflight.deploy.failure.Failures;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

/**
 * The one place that turns what went wrong in an ECS deploy into the line a person reads in the
 * run's message, and decides whether a failed poll is worth another try.
 */
final class EcsFailures {

  /** Error codes by which AWS says "not you" or "not with these credentials". */
  private static final Set<String> DENIED = Set.of("AccessDeniedException", "AccessDenied",
      "UnrecognizedClientException", "InvalidClientTokenId", "ExpiredTokenException", "InvalidSignatureException");
  /** ECS's own words for "the request is wrong", whose message is short and worth showing. */
  private static final Set<String> REFUSED = Set.of("ClientException", "InvalidParameterException",
      "PlatformUnknownException", "PlatformTaskDefinitionIncompatibilityException", "UnsupportedFeatureException");
  private static final int SUMMARY_LIMIT = 200;
  private static final int DETAIL_LIMIT = 2000;

  private EcsFailures() {}

  /** Never throws: whatever failed becomes a failed outcome with a masked, bounded text. */
  static TargetOutcome outcome(Throwable failure, Redactor redactor) {
    Throwable cause = AwsFutures.unwrap(failure);
    String summary;
    String detail;
    if (cause instanceof Problem problem) {
      summary = problem.getMessage();
      detail = problem.detail();
    } else if (cause instanceof CallFailed call) {
      summary = summary(call.operation(), call.getCause());
      detail = Failures.detail(call.getCause());
    } else if (cause instanceof Elbv2Exception refused) {
      summary = "The load balancer: " + refused.getMessage();
      detail = null;
    } else if (cause instanceof MissingVariableException) {
      summary = cause.getMessage();
      detail = null;
    } else {
      summary = "ECS target failed: " + Failures.message(cause);
      detail = null;
    }
    return TargetOutcome.failure(oneLine(redactor.redact(summary)), Failures.clip(redactor.redact(detail), DETAIL_LIMIT));
  }

  /**
   * Whether polling again could help: timeouts, unreachable endpoints, throttling that outlasted
   * the SDK's retries and ECS's own 5xx are worth another poll; a refusal, a missing service or
   * absent credentials will answer the same way next time.
   */
  static boolean isTransient(Throwable failure) {
    Throwable cause = AwsFutures.unwrap(failure);
    if (!(cause instanceof CallFailed call)) {
      return false;
    }
    Throwable inner = call.getCause();
    Optional<AwsServiceException> aws = Failures.find(inner, AwsServiceException.class);
    if (aws.isPresent()) {
      return aws.get().isThrottlingException() || aws.get().statusCode() >= 500;
    }
    return Failures.isTimeout(inner) || unreachable(inner) != null;
  }

  /** One short line, for a progress note while polling goes on. */
  static String brief(Throwable failure, Redactor redactor) {
    return outcome(failure, redactor).summary();
  }

  private static String summary(String operation, Throwable cause) {
    Optional<AwsServiceException> aws = Failures.find(cause, AwsServiceException.class);
    if (aws.isPresent() && aws.get().awsErrorDetails() != null) {
      AwsServiceException e = aws.get();
      String code = e.awsErrorDetails().errorCode();
      if (DENIED.contains(code) || e.statusCode() == 403) {
        return "AWS denied ecs:" + operation + " (" + code + ")";
      }
      if (e.isThrottlingException()) {
        return "ECS kept throttling " + operation + " after the SDK's retries";
      }
      if (REFUSED.contains(code) && e.awsErrorDetails().errorMessage() != null) {
        return "ECS refused " + operation + ": " + e.awsErrorDetails().errorMessage();
      }
      return operation + " failed: " + code + " (HTTP " + e.statusCode() + ")";
    }
    if (Failures.message(cause).startsWith("Unable to load credentials")) {
      // The SDK lists every provider it tried; a person needs the one line below.
      return "No AWS credentials: set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, a profile or a role";
    }
    if (Failures.isTimeout(cause)) {
      return operation + " timed out";
    }
    String unreachable = unreachable(cause);
    if (unreachable != null) {
      return "Could not reach ECS for " + operation + ": " + unreachable;
    }
    return operation + " failed: " + Failures.message(cause);
  }

  /** Why the endpoint could not be reached, or null when it was. */
  private static String unreachable(Throwable cause) {
    if (Failures.message(cause).contains("Acquire operation took longer")) {
      // The SDK's pool reports a connect that never succeeded this way, in a paragraph of advice.
      return "no connection within the connect timeout";
    }
    if (Failures.find(cause, ConnectException.class).isPresent()) {
      return "connection refused";
    }
    return Failures.find(cause, UnknownHostException.class).map(e -> "unknown host " + e.getMessage()).orElse(null);
  }

  /** A summary is one line of the run's message, whatever the SDK put in its exception text. */
  private static String oneLine(String text) {
    return text == null ? null : Failures.clip(text.replaceAll("\\s+", " ").trim(), SUMMARY_LIMIT);
  }

  /** Something about the service or its task definition that makes this deploy impossible as asked. */
  static final class Problem extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String detail;

    Problem(String summary, String detail) {
      super(summary, null, false, false);
      this.detail = detail;
    }

    String detail() {
      return detail;
    }
  }

  /** An ECS call that failed, with the operation it was, so the summary can name it. */
  static final class CallFailed extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String operation;

    CallFailed(String operation, Throwable cause) {
      super(operation + " failed", cause, false, false);
      this.operation = operation;
    }

    String operation() {
      return operation;
    }
  }
}
