package dev.preflight.deploy.failure;

import io.netty.channel.ConnectTimeoutException;
import io.vertx.pgclient.PgException;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;

/**
 * Reading a failure from any of the clients the bot uses (AWS SDK, Vert.x, PostgreSQL): its
 * message, what AWS said, whether it was a timeout. Checks and deploy targets both word their
 * failures with these.
 */
public final class Failures {

  /** PostgreSQL's SQLSTATE when statement_timeout stops a query. */
  private static final String QUERY_CANCELED = "57014";

  private Failures() {}

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

  /**
   * A short summary and the longer detail behind it as one line, without saying the same thing
   * twice: a detail that already holds the summary ("Connection refused: host:443" after
   * "connection refused") or that the summary already holds stands alone.
   *
   * @param separator what goes between the two when both say something of their own
   */
  public static String summaryWithDetail(String summary, String detail, String separator) {
    boolean noSummary = summary == null || summary.isBlank();
    boolean noDetail = detail == null || detail.isBlank();
    if (noSummary || noDetail) {
      return noSummary ? (noDetail ? "" : detail.strip()) : summary.strip();
    }
    String s = summary.strip();
    String d = detail.strip();
    String lowerS = s.toLowerCase(Locale.ROOT);
    String lowerD = d.toLowerCase(Locale.ROOT);
    if (lowerD.contains(lowerS)) {
      return d;
    }
    if (lowerS.contains(lowerD)) {
      return s;
    }
    return s + separator + d;
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
