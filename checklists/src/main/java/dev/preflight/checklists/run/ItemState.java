package dev.preflight.checklists.run;

import java.util.EnumSet;
import java.util.Set;

public enum ItemState {
  PENDING,
  RUNNING,
  PASSED,
  FAILED,
  WAIVED;

  /** States that let a blocker through its gate. */
  public static final Set<ItemState> SATISFIED = EnumSet.of(PASSED, WAIVED);

  public boolean satisfied() {
    return SATISFIED.contains(this);
  }
}
