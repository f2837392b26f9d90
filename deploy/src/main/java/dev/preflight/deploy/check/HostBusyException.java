package dev.preflight.deploy.check;

/**
 * A check was not sent: as many checks of the same host as may wait for a connection were
 * already waiting. Nothing reached the host, and a later attempt may find room, so the runner
 * retries it like any other failure. The message is what users read.
 */
final class HostBusyException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  HostBusyException(String message) {
    super(message, null, false, false);
  }
}
