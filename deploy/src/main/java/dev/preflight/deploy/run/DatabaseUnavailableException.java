package dev.preflight.deploy.run;

/** The database does not answer and a change could not be kept for later: nothing was saved. */
public final class DatabaseUnavailableException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public DatabaseUnavailableException(String message) {
    super(message, null, false, false);
  }
}
