package dev.preflight.deploy.alert;

/**
 * A webhook body that is not what its source sends. The message says what is wrong in words
 * fit for the sender's delivery log, and is answered as the 400 body.
 */
public final class AlertFormatException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public AlertFormatException(String reason) {
    super(reason, null, false, false);
  }
}
