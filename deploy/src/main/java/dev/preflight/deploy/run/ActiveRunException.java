package dev.preflight.deploy.run;

/** A deploy was asked for while another run of the same service and environment is active. */
public final class ActiveRunException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient TrackedRun active;

  public ActiveRunException(TrackedRun active, String message) {
    super(message);
    this.active = active;
  }

  /** The run that is already active; its message may not be posted yet. */
  public TrackedRun active() {
    return active;
  }
}
