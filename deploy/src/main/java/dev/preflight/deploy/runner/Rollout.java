package dev.preflight.deploy.runner;

import dev.preflight.deploy.target.TargetOutcome;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Instant;

/**
 * One deploy or rollback as a target carries it out, driven by {@link FollowRunner}: the target
 * says how to start, how to judge what it sees and how to stop; the runner owns the polling,
 * the deadline, retries, abort and shutdown. No method loops or waits on a timer of its own.
 *
 * <p>The runner calls one method at a time, never two at once, all on one Vert.x context.
 */
public interface Rollout {

  /** Why the runner ends a rollout that has not ended by itself. */
  enum Halt {
    /** Someone aborted the run: stop or cancel what was started, and say so. */
    ABORTED,
    /** The deadline passed with the rollout still under way (after one last look). */
    TIMED_OUT,
    /**
     * The bot is shutting down: stop following and act on nothing (no cancel); a process of the
     * bot's own is killed, and what a successor must know is recorded. The outcome is not kept.
     */
    STOPPING
  }

  /**
   * Starts the deploy, or picks it up where the journal says an earlier attempt left it. Reads
   * the journal first so that a restart never sends anything twice. Answers what is seen right
   * after: usually {@link Observation.Running}; an ended observation when the journal already
   * holds the end or the start failed for good. Not called when the run was aborted or the bot
   * was stopping before it began.
   */
  Future<Observation> start();

  /** When a rollout still under way counts as timed out; asked after {@link #start()} answered. */
  Instant deadline();

  /**
   * One look at the deploy. A failed future means the look itself failed for a reason that may
   * pass (a timeout, a 5xx, throttling): the runner looks again with backoff. A failure that
   * will not pass is judged as {@link Observation.Failed}.
   */
  Future<Observation> observe();

  /** Stops (kills, cancels or just stops following, as {@code why} asks) and says how it ended. */
  Future<TargetOutcome> stop(Halt why);

  /** How an unexpected failure of one of these calls reads, masked; also the retry note's text. */
  TargetOutcome failed(Throwable failure);

  /**
   * Completes when there is something new to see before the next look is due (a process
   * exited), so the runner looks at once. Never completes by default.
   */
  default Future<Void> changed() {
    return Promise.<Void>promise().future();
  }
}
