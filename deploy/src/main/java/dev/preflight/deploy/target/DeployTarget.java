package dev.preflight.deploy.target;

import io.vertx.core.Future;
import java.util.Optional;

/**
 * Deploys a version somewhere and rolls it back. Both calls may be made again after a restart
 * with the journal as it was stored; a target reads it first and never repeats an action the
 * journal says was done (or that it can see was done), so nothing is sent twice.
 *
 * <p>The returned future never fails: every failure, timeout and abort is an outcome.
 */
public interface DeployTarget {

  Future<TargetOutcome> deploy(DeployJob job, TargetJournal journal);

  Future<TargetOutcome> rollback(DeployJob job, TargetJournal journal);

  /**
   * What the environment runs now, read from the target itself; asked before the first deploy
   * Preflight makes there, so that its rollback can name what it returns to. Empty when the
   * target cannot tell. Changes nothing; the future never fails.
   */
  default Future<Optional<LiveVersion>> live(DeployJob job) {
    return Future.succeededFuture(Optional.empty());
  }

  /** How the target shifts traffic for canary stages; empty when it cannot. */
  default Optional<Canary> canary() {
    return Optional.empty();
  }
}
