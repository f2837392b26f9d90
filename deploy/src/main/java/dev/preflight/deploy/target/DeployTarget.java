package dev.preflight.deploy.target;

import io.vertx.core.Future;

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
}
