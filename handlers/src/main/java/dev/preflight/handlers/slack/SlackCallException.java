package dev.preflight.handlers.slack;

import java.util.Set;

/**
 * A Web API call that did not succeed. The message names the method and Slack's error code
 * ({@code channel_not_found}, {@code message_not_found}, …) and never carries the token.
 *
 * <p>The one place that decides whether asking again can help: a 429, a 5xx, a call that never
 * got an answer, and the codes Slack uses for its own trouble may; anything else says the request
 * itself is wrong for this workspace ({@code invalid_auth}, {@code channel_not_found}, …) and
 * would fail again.
 */
public final class SlackCallException extends RuntimeException {

  /** The error code when Slack's answer carried none: the call failed below the API. */
  public static final String UNREACHABLE = "unreachable";
  public static final String RATE_LIMITED = "ratelimited";

  // Answered with HTTP 200 and ok=false, yet about Slack's state, not the request's.
  private static final Set<String> SLACK_TROUBLE = Set.of("internal_error", "fatal_error", "service_unavailable",
      "request_timeout", "ratelimited", "rate_limited");

  // The channel itself will not take the message, until someone changes the channel or the config.
  private static final Set<String> CHANNEL_REFUSED = Set.of("channel_not_found", "not_in_channel", "is_archived",
      "channel_is_archived", "invalid_channel", "restricted_action", "restricted_action_read_only_channel",
      "restricted_action_thread_only_channel", "restricted_action_non_threadable_channel", "team_access_not_granted");

  private final String method;
  private final String error;
  private final long retryAfterSeconds;

  SlackCallException(String method, String error, String detail) {
    this(method, error, detail, 0);
  }

  SlackCallException(String method, String error, String detail, long retryAfterSeconds) {
    super("Slack " + method + " failed: " + error + (detail == null ? "" : " (" + detail + ")"));
    this.method = method;
    this.error = error;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  private SlackCallException(SlackCallException last, int attempts) {
    super(last.getMessage() + "; gave up after " + attempts + (attempts == 1 ? " attempt" : " attempts"));
    this.method = last.method;
    this.error = last.error;
    this.retryAfterSeconds = last.retryAfterSeconds;
  }

  /** The Web API method, e.g. {@code chat.update}. */
  public String method() {
    return method;
  }

  /** Slack's error code, {@link #RATE_LIMITED}, {@code http_<status>} or {@link #UNREACHABLE}. */
  public String error() {
    return error;
  }

  /** Whether the same call may succeed later. */
  public boolean retryable() {
    return UNREACHABLE.equals(error) || error.startsWith("http_5") || SLACK_TROUBLE.contains(error);
  }

  /** Whether Slack refused the channel for good: unknown, archived, the bot not in it, posting restricted. */
  public boolean channelRefused() {
    return CHANNEL_REFUSED.contains(error);
  }

  boolean rateLimited() {
    return RATE_LIMITED.equals(error) && retryAfterSeconds > 0;
  }

  long retryAfterSeconds() {
    return retryAfterSeconds;
  }

  SlackCallException givenUp(int attempts) {
    return new SlackCallException(this, attempts);
  }
}
