package dev.preflight.checklists.deploy;

/** Why an environment is locked, as a value; the Slack layer words it. */
public sealed interface LockCause {

  /** Someone locked it with {@code /lock}, giving this reason in their own words. */
  record Manual(String reason) implements LockCause {}

  /**
   * A rollback locked it: the release {@code fromVersion} was rolled back. A person asked for it
   * (the lock's author) when {@code automaticReason} is null; otherwise the environment's abort
   * rules did, for that reason. {@code failed} once the rollback failed or was given up: the
   * environment may then still run {@code fromVersion}, or something in between.
   */
  record RolledBack(String fromVersion, String automaticReason, boolean failed) implements LockCause {

    /** A rollback under way or done. */
    public RolledBack(String fromVersion, String automaticReason) {
      this(fromVersion, automaticReason, false);
    }

    public boolean automatic() {
      return automaticReason != null;
    }

    /** The same lock, once its rollback failed. */
    public RolledBack failedNow() {
      return new RolledBack(fromVersion, automaticReason, true);
    }
  }

  /**
   * A deploy of {@code version} was interrupted by Preflight's shutdown (or a crash) while a
   * command ran, so how it ended is unknown; nothing was rolled back.
   *
   * @param step the pipeline step that was interrupted, or null for the target's deploy itself
   * @param beforeDeploy whether the step ran before the target: the version was not deployed, so
   *     there is nothing to roll back
   */
  record Interrupted(String version, String step, boolean beforeDeploy) implements LockCause {}
}
