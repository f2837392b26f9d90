package dev.preflight.deploy.api;

import java.util.Objects;

/**
 * A run id that names no run. Callers above {@code deploy} answer it as a user mistake (a stale
 * button, a mistyped id), not as a failure of the bot.
 */
public class NoSuchRunException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public NoSuchRunException(String runId) {
    super("There is no run " + Objects.toString(runId) + ".");
  }
}
