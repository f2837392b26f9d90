package dev.preflight.checklists.deploy;

import java.time.Instant;
import java.util.Objects;

/**
 * An environment closed to deploys until someone unlocks it; a rollback sets one too.
 *
 * @param cause why: a person's reason, or the rollback that set it
 * @param by the Slack user id of who locked it (or asked for the rollback); null for the bot
 */
public record EnvLock(String service, String environment, LockCause cause, String by, Instant at) {

  public EnvLock {
    Objects.requireNonNull(cause, "cause");
  }

  /** A lock set with {@code /lock}. */
  public static EnvLock manual(String service, String environment, String reason, String by, Instant at) {
    return new EnvLock(service, environment, new LockCause.Manual(reason), by, at);
  }

  /**
   * The lock a deploy interrupted mid-command leaves, so that nothing launches on an environment
   * in a state nobody knows.
   *
   * @param step the interrupted pipeline step, or null for the target's deploy
   * @param beforeDeploy whether that step ran before the target, which then never started
   */
  public static EnvLock interrupted(String service, String environment, String version, String step,
      boolean beforeDeploy, Instant at) {
    return new EnvLock(service, environment, new LockCause.Interrupted(version, step, beforeDeploy), null, at);
  }

  /**
   * The lock a rollback leaves behind.
   *
   * @param askedBy who asked for the rollback; null when the abort rules did
   * @param automaticReason why the bot rolled back by itself; null when a person asked
   */
  public static EnvLock rolledBack(String service, String environment, String fromVersion, String askedBy,
      String automaticReason, Instant at) {
    return new EnvLock(service, environment, new LockCause.RolledBack(fromVersion, automaticReason), askedBy, at);
  }
}
