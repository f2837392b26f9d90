package dev.preflight.checklists.run;

import java.util.EnumSet;
import java.util.Set;

/** Where a run is in its life. Checklist runs use PREPARING, READY and CANCELLED. */
public enum RunStatus {
  PREPARING,
  READY,
  DEPLOYING,
  VERIFYING,
  SUCCEEDED,
  FAILED,
  ROLLING_BACK,
  ROLLED_BACK,
  ROLLBACK_FAILED,
  CANCELLED;

  /** Runs that still want work or attention. */
  public static final Set<RunStatus> ACTIVE = EnumSet.of(PREPARING, READY, DEPLOYING, VERIFYING, ROLLING_BACK);
  /** Runs whose story is over. */
  public static final Set<RunStatus> FINISHED = EnumSet.of(SUCCEEDED, FAILED, ROLLED_BACK, ROLLBACK_FAILED, CANCELLED);
  /** Finished runs that did not end well. */
  public static final Set<RunStatus> UNSUCCESSFUL = EnumSet.of(FAILED, ROLLED_BACK, ROLLBACK_FAILED);
  /** Deploy runs a replica is driving: deploying, verifying or rolling back. */
  public static final Set<RunStatus> IN_FLIGHT = EnumSet.of(DEPLOYING, VERIFYING, ROLLING_BACK);
  /** Runs whose checklist can still change: items ticked, checks re-run, sign-offs given. */
  public static final Set<RunStatus> OPEN = EnumSet.of(PREPARING, READY);

  public boolean active() {
    return ACTIVE.contains(this);
  }

  public boolean open() {
    return OPEN.contains(this);
  }
}
