package dev.preflight.handlers.slack;

/**
 * A Web API call that did not succeed. The message names the method and Slack's error code
 * ({@code channel_not_found}, {@code message_not_found}, …) and never carries the token.
 */
public final class SlackCallException extends RuntimeException {

  /** The error code when Slack's answer carried none: the call failed below the API. */
  public static final String UNREACHABLE = "unreachable";
  public static final String RATE_LIMITED = "ratelimited";

  private final String method;
  private final String error;

  SlackCallException(String method, String error, String detail) {
    super("Slack " + method + " failed: " + error + (detail == null ? "" : " (" + detail + ")"));
    this.method = method;
    this.error = error;
  }

  /** The Web API method, e.g. {@code chat.update}. */
  public String method() {
    return method;
  }

  /** Slack's error code, {@link #RATE_LIMITED}, {@code http_<status>} or {@link #UNREACHABLE}. */
  public String error() {
    return error;
  }
}
