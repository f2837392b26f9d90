package dev.preflight.checklists.run;

import static dev.preflight.checklists.run.RunStatus.CANCELLED;
import static dev.preflight.checklists.run.RunStatus.DEPLOYING;
import static dev.preflight.checklists.run.RunStatus.FAILED;
import static dev.preflight.checklists.run.RunStatus.PREPARING;
import static dev.preflight.checklists.run.RunStatus.READY;
import static dev.preflight.checklists.run.RunStatus.ROLLBACK_FAILED;
import static dev.preflight.checklists.run.RunStatus.ROLLED_BACK;
import static dev.preflight.checklists.run.RunStatus.ROLLING_BACK;
import static dev.preflight.checklists.run.RunStatus.SUCCEEDED;
import static dev.preflight.checklists.run.RunStatus.VERIFYING;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/** The run lifecycle as one table. */
public final class RunTransitions {

  private static final Map<RunStatus, Set<RunStatus>> TABLE = new EnumMap<>(RunStatus.class);

  static {
    allow(PREPARING, READY, CANCELLED);
    allow(READY, PREPARING, DEPLOYING, CANCELLED);
    allow(DEPLOYING, VERIFYING, FAILED, ROLLING_BACK);
    allow(VERIFYING, SUCCEEDED, FAILED, ROLLING_BACK);
    allow(SUCCEEDED, ROLLING_BACK);
    allow(FAILED, ROLLING_BACK);
    allow(ROLLING_BACK, ROLLED_BACK, ROLLBACK_FAILED);
    // A rollback that failed may be tried again once its cause is fixed.
    allow(ROLLBACK_FAILED, ROLLING_BACK);
  }

  private RunTransitions() {}

  private static void allow(RunStatus from, RunStatus first, RunStatus... rest) {
    TABLE.put(from, EnumSet.of(first, rest));
  }

  public static boolean allowed(RunStatus from, RunStatus to) {
    return TABLE.getOrDefault(from, Set.of()).contains(to);
  }

  public static RunStatus require(RunStatus from, RunStatus to) {
    if (!allowed(from, to)) {
      throw new RunRuleException("A run that is " + from.name().toLowerCase() + " cannot become "
          + to.name().toLowerCase() + ".");
    }
    return to;
  }
}
