package dev.preflight.deploy.check;

import static dev.preflight.deploy.failure.Failures.clip;
import static dev.preflight.deploy.failure.Failures.detail;
import static dev.preflight.deploy.failure.Failures.find;
import static dev.preflight.deploy.failure.Failures.isTimeout;
import static dev.preflight.deploy.failure.Failures.message;

import dev.preflight.checklists.run.Evidence;
import dev.preflight.checklists.secret.Redactor;
import dev.preflight.checklists.secret.Variables.MissingVariableException;
import dev.preflight.checklists.time.Spans;
import dev.preflight.deploy.aws.AwsFutures;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Optional;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

/**
 * The one place that decides how a failed attempt reads (timed out, refused, unreachable,
 * misconfigured, errored) and whether another attempt could help.
 */
public final class CheckFailures {

  /** A summary is one line in a Slack message; the detail is for the thread and the terminal. */
  private static final int SUMMARY_LIMIT = 160;
  private static final int DETAIL_LIMIT = 1000;

  private CheckFailures() {}

  static Evidence evidence(Throwable failure, Duration timeout, Redactor redactor) {
    Throwable cause = AwsFutures.unwrap(failure);
    return Evidence.failure(clip(redactor.redact(summary(cause, timeout)), SUMMARY_LIMIT),
        clip(redactor.redact(detail(cause)), DETAIL_LIMIT), 1);
  }

  /** Configuration problems fail the same way every time; anything else may be transient. */
  static boolean retryable(Throwable failure) {
    Throwable cause = AwsFutures.unwrap(failure);
    return !(cause instanceof MissingVariableException || cause instanceof InvalidSpecException);
  }

  static String timedOut(Duration timeout) {
    return "timed out after " + Spans.format(timeout);
  }

  private static String summary(Throwable cause, Duration timeout) {
    if (cause instanceof MissingVariableException || cause instanceof InvalidSpecException
        || cause instanceof HostBusyException) {
      return cause.getMessage();
    }
    if (message(cause).contains("Acquire operation took longer")) {
      // The SDK's pool reports a connect that never succeeded this way, in a paragraph of advice.
      return "could not connect: no connection within the connect timeout";
    }
    if (isTimeout(cause)) {
      return timedOut(timeout);
    }
    if (find(cause, ConnectException.class).isPresent()) {
      return find(cause, NoRouteToHostException.class).isPresent() ? "no route to host" : "connection refused";
    }
    Optional<UnknownHostException> unknownHost = find(cause, UnknownHostException.class);
    if (unknownHost.isPresent()) {
      return "unknown host " + unknownHost.get().getMessage();
    }
    Optional<AwsServiceException> aws = find(cause, AwsServiceException.class);
    if (aws.isPresent() && aws.get().awsErrorDetails() != null) {
      return "AWS answered " + aws.get().awsErrorDetails().errorCode();
    }
    if (message(cause).startsWith("Unable to load credentials")) {
      // The SDK lists every provider it tried; what a person needs is the one line below.
      return "no AWS credentials: set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, a profile or a role";
    }
    return "check failed: " + message(cause);
  }
}
