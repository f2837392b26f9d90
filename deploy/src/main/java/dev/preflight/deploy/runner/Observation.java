package dev.preflight.deploy.runner;

import dev.preflight.deploy.target.TargetOutcome;

/**
 * What a target judged from one look at its deploy or rollback: still under way (with a line of
 * progress for the run's message), succeeded, or failed with a reason. Texts are already masked.
 */
public sealed interface Observation {

  /**
   * @param step what is going on ("Waiting for the rollout"), or null when there is nothing new
   *     to show (the target has just shown it itself)
   * @param progress how far, or null
   */
  record Running(String step, String progress) implements Observation {}

  /** @param revision what the deployed version is known by, or null; @param detail for the thread, or null */
  record Succeeded(String summary, String revision, String detail) implements Observation {}

  /**
   * @param detail for the thread, or null
   * @param neverStarted the target refused the work, so the environment did not change
   * @param unknown whether how it ended is not known (the command was cut short by a restart)
   */
  record Failed(String summary, String detail, boolean neverStarted, boolean unknown) implements Observation {

    public Failed(String summary, String detail) {
      this(summary, detail, false, false);
    }
  }

  static Observation running(String step, String progress) {
    return new Running(step, progress);
  }

  /** Under way, with nothing new for the run's message. */
  static Observation underWay() {
    return new Running(null, null);
  }

  static Observation succeeded(String summary, String revision, String detail) {
    return new Succeeded(summary, revision, detail);
  }

  static Observation failed(String summary, String detail) {
    return new Failed(summary, detail);
  }

  /** Ended before anything was started: the target refused the work outright. */
  static Observation refused(String summary) {
    return new Failed(summary, null, true, false);
  }

  /** An end nobody saw: the command an earlier attempt started was cut short. */
  static Observation unknown(String summary, String detail) {
    return new Failed(summary, detail, false, true);
  }

  /** The same end as an observation, for a target that already holds it as an outcome. */
  static Observation of(TargetOutcome outcome) {
    return outcome.succeeded()
        ? new Succeeded(outcome.summary(), outcome.revision(), outcome.detail())
        : new Failed(outcome.summary(), outcome.detail(), outcome.neverStarted(), outcome.unknown());
  }

  /** Whether the deploy or rollback is over. */
  default boolean ended() {
    return !(this instanceof Running);
  }

  /** How it ended, as the run records it; only for an observation that {@link #ended()}. */
  default TargetOutcome outcome() {
    if (this instanceof Succeeded done) {
      return TargetOutcome.success(done.summary(), done.revision(), done.detail());
    }
    if (this instanceof Failed failed) {
      if (failed.neverStarted()) {
        return TargetOutcome.refused(failed.summary());
      }
      return failed.unknown() ? TargetOutcome.unknown(failed.summary(), failed.detail())
          : TargetOutcome.failure(failed.summary(), failed.detail());
    }
    throw new IllegalStateException("still running: " + this);
  }
}
