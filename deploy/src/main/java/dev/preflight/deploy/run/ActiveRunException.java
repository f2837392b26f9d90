package dev.preflight.deploy.run;

import dev.preflight.checklists.run.Refusal;
import dev.preflight.checklists.run.RunRuleException;

/**
 * A deploy was asked for while another run of the same service and environment is active; the
 * refusal says so ({@link Refusal.Code#ACTIVE_RUN}), and {@link #active()} is that run.
 */
public final class ActiveRunException extends RunRuleException {
  private static final long serialVersionUID = 1L;

  private final transient TrackedRun active;

  public ActiveRunException(TrackedRun active, Refusal refusal) {
    super(refusal);
    this.active = active;
  }

  /** The run that is already active; its message may not be posted yet. */
  public TrackedRun active() {
    return active;
  }
}
