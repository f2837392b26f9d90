package dev.preflight.deploy.aws;

/**
 * ELBv2 answered a call with an error: the AWS error code and message from its XML, or the HTTP
 * status when the answer was not AWS's XML.
 *
 * @param retryable throttling or a server error, worth sending again
 */
public final class Elbv2Exception extends RuntimeException {

  private final String action;
  private final int status;
  private final String code;
  private final boolean retryable;

  public Elbv2Exception(String action, int status, String code, String message, boolean retryable) {
    super(action + " failed: " + code + (message == null || message.isBlank() ? "" : ": " + message));
    this.action = action;
    this.status = status;
    this.code = code;
    this.retryable = retryable;
  }

  public String action() {
    return action;
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  public boolean retryable() {
    return retryable;
  }
}
