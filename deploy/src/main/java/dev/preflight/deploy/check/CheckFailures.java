package dev.preflight.deploy.check;

import dev.preflight.checklists.run.Evidence;
import dev.preflight.checklists.secret.Redactor;
import dev.preflight.checklists.secret.Variables.MissingVariableException;
import dev.preflight.checklists.time.Spans;
import dev.preflight.deploy.aws.AwsFutures;
import io.netty.channel.ConnectTimeoutException;
import io.vertx.pgclient.PgException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;

/**
 * The one place that decides how a failed attempt reads (timed out, refused, unreachable,
 * misconfigured, errored) and whether another attempt could help.
 */
public final class CheckFailures {

  /** PostgreSQL's SQLSTATE when statement_timeout stops a query. */
  private static final String QUERY_CANCELED = "57014";
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
    if (cause instanceof MissingVariableException || cause instanceof InvalidSpecException) {
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

  /** What AWS said, or the failure's message. */
  public static String detail(Throwable cause) {
    Optional<AwsServiceException> aws = find(cause, AwsServiceException.class);
    if (aws.isPresent() && aws.get().awsErrorDetails() != null) {
      return aws.get().awsErrorDetails().errorMessage();
    }
    return message(cause);
  }

  /** Whether the failure is a timeout of any of the clients the bot uses. */
  public static boolean isTimeout(Throwable cause) {
    return find(cause, TimeoutException.class).isPresent()
        || find(cause, PgException.class).map(e -> QUERY_CANCELED.equals(e.getSqlState())).orElse(false)
        || find(cause, ConnectTimeoutException.class).isPresent()
        || find(cause, ApiCallTimeoutException.class).isPresent()
        || find(cause, ApiCallAttemptTimeoutException.class).isPresent();
  }

  /** The text cut to {@code limit} characters, with an ellipsis when it was longer. */
  public static String clip(String text, int limit) {
    return text == null || text.length() <= limit ? text : text.substring(0, limit - 1) + "…";
  }

  /** A failure's message, or its type when it has none. */
  public static String message(Throwable cause) {
    String message = cause.getMessage();
    return message == null || message.isBlank() ? cause.getClass().getSimpleName() : message;
  }

  /** The first failure of this type in the cause chain, if any. */
  public static <T extends Throwable> Optional<T> find(Throwable failure, Class<T> type) {
    for (Throwable current = failure; current != null; current = current.getCause()) {
      if (type.isInstance(current)) {
        return Optional.of(type.cast(current));
      }
      if (current.getCause() == current) {
        break;
      }
    }
    return Optional.empty();
  }
}
