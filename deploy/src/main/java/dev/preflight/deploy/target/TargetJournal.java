package dev.preflight.deploy.target;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.Map;

/**
 * A target's durable notebook for one deploy or rollback, and its line to the run's message.
 */
public interface TargetJournal {

  /** What was recorded so far; empty on a first attempt, as stored after a restart. */
  Map<String, String> state();

  /**
   * Merges entries into the state and stores them. A target records an intent or a fact
   * before it moves on (for example the new task definition before UpdateService, and that
   * UpdateService was sent right after), so a restart knows how far it got.
   */
  Future<Void> record(Map<String, String> entries);

  /**
   * Live progress for the run's message: the current step ("Waiting for the rollout") and a
   * progress line ("2 of 3 new tasks running", or null). Not stored step by step.
   */
  void progress(String step, String detail);

  /**
   * Completes when someone aborts the run. The target's runner then has it stop what it is doing
   * (kill its process, cancel its workflow run, stop following) and returns a failed outcome that
   * says it was aborted.
   */
  Future<Void> aborted();

  /**
   * Completes when the bot stops (SIGTERM) while this deploy or rollback is under way. The
   * target stops what it is doing as on an abort (kills its process, stops following) but acts
   * on nothing (no cancel, no rollback) and returns at once; whatever it returns is not recorded
   * as the outcome. Another replica then carries on from the journal, so a target records what
   * a successor must know (a command that was killed, say) before it returns.
   */
  default Future<Void> stopping() {
    return Promise.<Void>promise().future();
  }
}
