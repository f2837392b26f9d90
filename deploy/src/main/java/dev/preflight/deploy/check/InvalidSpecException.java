package dev.preflight.deploy.check;

/**
 * The check cannot run as written (a malformed URL, a JSON pointer without its leading slash):
 * trying again would only fail the same way, so the runner does not retry it. The message is
 * shown to users; it must not carry a secret unredacted.
 */
final class InvalidSpecException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  InvalidSpecException(String message) {
    super(message);
  }
}
