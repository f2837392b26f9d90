package dev.preflight.deploy.runbook;

import java.util.EnumSet;
import java.util.Set;

/** Where a runbook run is: waiting for its approvals, running its steps, or over. */
public enum RunbookStatus {
  WAITING,
  RUNNING,
  SUCCEEDED,
  FAILED,
  CANCELLED;

  public static final Set<RunbookStatus> FINISHED = EnumSet.of(SUCCEEDED, FAILED, CANCELLED);

  public boolean finished() {
    return FINISHED.contains(this);
  }
}
