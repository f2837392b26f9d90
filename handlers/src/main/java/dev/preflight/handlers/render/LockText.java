package dev.preflight.handlers.render;

import dev.preflight.checklists.deploy.EnvLock;
import dev.preflight.checklists.deploy.LockCause;

/**
 * Why an environment is locked, in words: a person's reason as they wrote it (escaped), or the
 * rollback that locked it, naming who asked as a real mention.
 */
public final class LockText {

  /** The longest a person's reason is shown. */
  public static final int REASON_LIMIT = 600;
  private static final int VERSION_LIMIT = 150;

  private LockText() {}

  public static String cause(EnvLock lock) {
    return cause(lock, REASON_LIMIT);
  }

  /** @param limit the most characters a person's reason (or the bot's) takes up */
  public static String cause(EnvLock lock, int limit) {
    return cause(lock, limit, null);
  }

  /**
   * @param told a failure the reader has just been told (the run's own, in its message): an
   *     automatic rollback's lock whose reason is that failure does not say it again
   */
  public static String cause(EnvLock lock, int limit, String told) {
    if (lock.cause() instanceof LockCause.RolledBack rolledBack && rolledBack.failed()) {
      String from = "The rollback from `" + Mrkdwn.echo(rolledBack.fromVersion()) + "`";
      boolean repeats = told != null && told.equals(rolledBack.automaticReason());
      String who = rolledBack.automatic()
          ? ", started automatically" + (repeats ? "" : " (" + Mrkdwn.inline(rolledBack.automaticReason(), limit) + ")")
          : ", asked for by " + Mrkdwn.user(lock.by());
      return from + who + ", failed. Check the environment by hand, then unlock";
    }
    if (lock.cause() instanceof LockCause.RolledBack rolledBack) {
      String from = "Rolled back from `" + Mrkdwn.echo(rolledBack.fromVersion()) + "`";
      boolean repeats = told != null && told.equals(rolledBack.automaticReason());
      String why = rolledBack.automatic()
          ? " automatically" + (repeats ? "" : ": " + Mrkdwn.inline(rolledBack.automaticReason(), limit))
          : ", asked for by " + Mrkdwn.user(lock.by());
      return from + why + ". Unlock when the cause is understood";
    }
    if (lock.cause() instanceof LockCause.Interrupted interrupted) {
      String what = interrupted.step() == null ? "the deploy of `" + Mrkdwn.echo(interrupted.version()) + "`"
          : "*step " + Mrkdwn.inline(interrupted.step(), limit) + "* of the deploy of `"
              + Mrkdwn.echo(interrupted.version()) + "`";
      return what + " was interrupted when Preflight stopped, so how it ended is unknown. "
          + (interrupted.beforeDeploy() ? "The version was not deployed: check what the step did, then Unlock"
              : "Nothing was rolled back: check it, then Roll back or Unlock");
    }
    return Mrkdwn.inline(((LockCause.Manual) lock.cause()).reason(), limit);
  }
}
