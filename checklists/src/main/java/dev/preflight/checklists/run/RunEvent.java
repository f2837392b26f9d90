package dev.preflight.checklists.run;

import java.util.EnumSet;
import java.util.Set;

/** What can happen to a run; {@link RunLifecycle} says where each leads. */
public enum RunEvent {
  /** Every blocker passed or was waived and every sign-off is in. */
  GATES_PASSED,
  /** A gate that had passed no longer does (an item unticked, a sign-off withdrawn). */
  GATES_BROKEN,
  /** A person (or autoLaunch) starts the deploy. */
  LAUNCH,
  /** A person stops a run that has not launched. */
  CANCEL,
  /** A person stops a deploy that is deploying or verifying. */
  ABORT,
  /** The deploy step finished well; verification starts. */
  DEPLOYED,
  /** Every verification passed. */
  VERIFIED,
  /** The deploy or the verification failed by itself. */
  FAILED,
  /** The step an abort asked to stop has stopped. */
  STOPPED,
  /** A rollback starts: asked for by a person, or decided by the abort rules. */
  ROLLBACK,
  /** The rollback restored the earlier release and it verified. */
  ROLLBACK_SUCCEEDED,
  /** The rollback did not restore a healthy release. */
  ROLLBACK_FAILED,
  /** The bot cannot carry the run on (the same error on every pass) and ends it. */
  GIVE_UP;

  /** Events a person causes by a button or a command; the rest come from the checklist or the driver. */
  public static final Set<RunEvent> BY_USERS = EnumSet.of(LAUNCH, CANCEL, ABORT, ROLLBACK);

  public boolean byUser() {
    return BY_USERS.contains(this);
  }
}
