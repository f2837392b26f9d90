package dev.preflight.checklists.run;

import java.util.EnumSet;
import java.util.Set;

/**
 * Where a run is in its life. Checklist runs use PREPARING, READY and CANCELLED. The moves
 * between them are {@link RunLifecycle}; the named groups below are what the rest of the code
 * asks about.
 */
public enum RunStatus {
  PREPARING,
  READY,
  DEPLOYING,
  VERIFYING,
  /** An abort was asked for; the deploy or verify step is stopping. */
  ABORTING,
  SUCCEEDED,
  FAILED,
  ROLLING_BACK,
  ROLLED_BACK,
  ROLLBACK_FAILED,
  CANCELLED;

  /** Runs that still want work or attention. */
  public static final Set<RunStatus> ACTIVE = EnumSet.of(PREPARING, READY, DEPLOYING, VERIFYING, ABORTING,
      ROLLING_BACK);
  /** Runs whose story is over. */
  public static final Set<RunStatus> FINISHED = EnumSet.of(SUCCEEDED, FAILED, ROLLED_BACK, ROLLBACK_FAILED, CANCELLED);
  /** Finished runs that did not end well. */
  public static final Set<RunStatus> UNSUCCESSFUL = EnumSet.of(FAILED, ROLLED_BACK, ROLLBACK_FAILED);
  /** Deploy runs a replica is driving: deploying, verifying, aborting or rolling back. */
  public static final Set<RunStatus> IN_FLIGHT = EnumSet.of(DEPLOYING, VERIFYING, ABORTING, ROLLING_BACK);
  /** Runs whose checklist can still change: items ticked, checks re-run, sign-offs given. */
  public static final Set<RunStatus> OPEN = EnumSet.of(PREPARING, READY);

  public boolean active() {
    return ACTIVE.contains(this);
  }

  public boolean open() {
    return OPEN.contains(this);
  }
}
