package dev.preflight.checklists.run;

import static dev.preflight.checklists.run.RunEvent.ABORT;
import static dev.preflight.checklists.run.RunEvent.CANCEL;
import static dev.preflight.checklists.run.RunEvent.DEPLOYED;
import static dev.preflight.checklists.run.RunEvent.FAILED;
import static dev.preflight.checklists.run.RunEvent.GATES_BROKEN;
import static dev.preflight.checklists.run.RunEvent.GATES_PASSED;
import static dev.preflight.checklists.run.RunEvent.GIVE_UP;
import static dev.preflight.checklists.run.RunEvent.LAUNCH;
import static dev.preflight.checklists.run.RunEvent.ROLLBACK;
import static dev.preflight.checklists.run.RunEvent.ROLLBACK_SUCCEEDED;
import static dev.preflight.checklists.run.RunEvent.STOPPED;
import static dev.preflight.checklists.run.RunEvent.VERIFIED;
import static dev.preflight.checklists.run.RunStatus.ABORTING;
import static dev.preflight.checklists.run.RunStatus.CANCELLED;
import static dev.preflight.checklists.run.RunStatus.DEPLOYING;
import static dev.preflight.checklists.run.RunStatus.PREPARING;
import static dev.preflight.checklists.run.RunStatus.READY;
import static dev.preflight.checklists.run.RunStatus.ROLLED_BACK;
import static dev.preflight.checklists.run.RunStatus.ROLLING_BACK;
import static dev.preflight.checklists.run.RunStatus.SUCCEEDED;
import static dev.preflight.checklists.run.RunStatus.VERIFYING;

import dev.preflight.checklists.run.Refusal.Code;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The run lifecycle as one table: status x event -> status. Anything not listed is refused, and
 * {@link #refusal} says why in terms a person understands. The buttons a run's message offers
 * ({@link #offered}), the checks of the user commands and the moves of the driver all read this
 * table; the named status groups are on {@link RunStatus}.
 *
 * <pre>
 * PREPARING    --GATES_PASSED-->  READY         --GATES_BROKEN-->  PREPARING
 * PREPARING, READY  --CANCEL-->  CANCELLED
 * READY        --LAUNCH-->  DEPLOYING  --DEPLOYED-->  VERIFYING  --VERIFIED-->  SUCCEEDED
 * DEPLOYING, VERIFYING  --FAILED, GIVE_UP-->  FAILED
 * DEPLOYING, VERIFYING  --ABORT-->  ABORTING  --STOPPED, FAILED, GIVE_UP-->  FAILED
 * SUCCEEDED, FAILED, ROLLBACK_FAILED  --ROLLBACK-->  ROLLING_BACK
 * ROLLING_BACK --ROLLBACK_SUCCEEDED-->  ROLLED_BACK;  --ROLLBACK_FAILED, GIVE_UP-->  ROLLBACK_FAILED
 * </pre>
 *
 * <p><b>Aborting is a state.</b> An abort asks the running step to stop; until it has, the run is
 * ABORTING, which every replica sees and which nobody can abort, cancel or roll back again. The
 * stopped step ends the run FAILED; when the environment's abort rules roll back by themselves,
 * the same change goes on from FAILED with ROLLBACK, as after any other failure.
 *
 * <p><b>Watching is not a state.</b> The watch after a deploy (its alerts, its rollback offer) is
 * a record of its own hanging off a SUCCEEDED run, not a run status. A run's status answers "what
 * is the deploy doing?", and after it succeeded the answer is "nothing": the release is live and
 * the environment is free for the next deploy, which a WATCHED status would hold back (it would
 * count as in flight) or muddle (it would be finished and unfinished at once). A watch also
 * outlives its run's message and can end without anything happening to the run, and a rollback
 * during the watch is the ordinary SUCCEEDED x ROLLBACK move.
 */
public final class RunLifecycle {

  private static final Map<RunStatus, Map<RunEvent, RunStatus>> TABLE = new EnumMap<>(RunStatus.class);

  static {
    allow(PREPARING, GATES_PASSED, READY);
    allow(PREPARING, CANCEL, CANCELLED);
    allow(READY, GATES_BROKEN, PREPARING);
    allow(READY, LAUNCH, DEPLOYING);
    allow(READY, CANCEL, CANCELLED);
    allow(DEPLOYING, DEPLOYED, VERIFYING);
    allow(DEPLOYING, FAILED, RunStatus.FAILED);
    allow(DEPLOYING, ABORT, ABORTING);
    allow(DEPLOYING, GIVE_UP, RunStatus.FAILED);
    allow(VERIFYING, VERIFIED, SUCCEEDED);
    allow(VERIFYING, FAILED, RunStatus.FAILED);
    allow(VERIFYING, ABORT, ABORTING);
    allow(VERIFYING, GIVE_UP, RunStatus.FAILED);
    allow(ABORTING, STOPPED, RunStatus.FAILED);
    // The step may fail by itself before the stop reaches it; the run ends the same way.
    allow(ABORTING, FAILED, RunStatus.FAILED);
    allow(ABORTING, GIVE_UP, RunStatus.FAILED);
    allow(SUCCEEDED, ROLLBACK, ROLLING_BACK);
    allow(RunStatus.FAILED, ROLLBACK, ROLLING_BACK);
    allow(ROLLING_BACK, ROLLBACK_SUCCEEDED, ROLLED_BACK);
    allow(ROLLING_BACK, RunEvent.ROLLBACK_FAILED, RunStatus.ROLLBACK_FAILED);
    allow(ROLLING_BACK, GIVE_UP, RunStatus.ROLLBACK_FAILED);
    // A rollback that failed may be tried again once its cause is fixed.
    allow(RunStatus.ROLLBACK_FAILED, ROLLBACK, ROLLING_BACK);
  }

  private RunLifecycle() {}

  private static void allow(RunStatus from, RunEvent event, RunStatus to) {
    TABLE.computeIfAbsent(from, status -> new EnumMap<>(RunEvent.class)).put(event, to);
  }

  /** The status after {@code event}, or empty when the table does not allow it. */
  public static Optional<RunStatus> next(RunStatus from, RunEvent event) {
    return Optional.ofNullable(TABLE.getOrDefault(from, Map.of()).get(event));
  }

  /** The status after {@code event}; refused with {@link #refusal} when the table does not allow it. */
  public static RunStatus require(RunStatus from, RunEvent event) {
    return next(from, event).orElseThrow(() -> new RunRuleException(refusal(from, event)));
  }

  /**
   * The event that moves a run from {@code from} to {@code to}, for code that knows where a run
   * must go (the driver, after a step's outcome); empty when no event does. When two events lead
   * there, the first in {@link RunEvent}'s order.
   */
  public static Optional<RunEvent> eventBetween(RunStatus from, RunStatus to) {
    return TABLE.getOrDefault(from, Map.of()).entrySet().stream().filter(move -> move.getValue() == to)
        .map(Map.Entry::getKey).findFirst();
  }

  /** The events a person may cause now: what a run's message may offer as buttons. */
  public static Set<RunEvent> offered(RunStatus status) {
    Set<RunEvent> offered = EnumSet.noneOf(RunEvent.class);
    TABLE.getOrDefault(status, Map.of()).keySet().stream().filter(RunEvent::byUser).forEach(offered::add);
    return offered;
  }

  /**
   * Why {@code event} is refused in {@code status}. The refusal carries the status and the event;
   * callers add what only they know (who started a rollback, the version it restored).
   */
  public static Refusal refusal(RunStatus status, RunEvent event) {
    return Refusal.ofStatus(code(status, event), status, event);
  }

  private static Code code(RunStatus status, RunEvent event) {
    return switch (event) {
      case LAUNCH -> switch (status) {
        case PREPARING -> Code.GATES_NOT_PASSED;
        case DEPLOYING, VERIFYING, ABORTING -> Code.ALREADY_DEPLOYING;
        case CANCELLED -> Code.RUN_CANCELLED;
        default -> Code.LAUNCHED_BEFORE;
      };
      case CANCEL -> status == DEPLOYING || status == VERIFYING ? Code.USE_ABORT
          : status == ABORTING ? Code.ALREADY_ABORTING : Code.NOTHING_TO_CANCEL;
      case ABORT -> status == ABORTING ? Code.ALREADY_ABORTING : Code.NOTHING_TO_ABORT;
      case ROLLBACK -> switch (status) {
        case PREPARING, READY, CANCELLED -> Code.NEVER_DEPLOYED;
        case DEPLOYING, VERIFYING -> Code.USE_ABORT;
        case ABORTING -> Code.ALREADY_ABORTING;
        case ROLLING_BACK -> Code.ALREADY_ROLLING_BACK;
        case ROLLED_BACK -> Code.ALREADY_ROLLED_BACK;
        default -> Code.NOT_IN_THIS_STATE;
      };
      default -> Code.NOT_IN_THIS_STATE;
    };
  }
}
