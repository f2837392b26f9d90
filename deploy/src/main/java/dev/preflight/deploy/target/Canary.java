package dev.preflight.deploy.target;

import dev.preflight.checklists.config.RolloutPlan;
import io.vertx.core.Future;

/**
 * How a target moves a share of the traffic to the new version during canary stages. Every call
 * is safe to make again with the same arguments (a weight is set, not added), so a restart that
 * is unsure whether a call went through may repeat it. The futures never fail: a failure is a
 * failed outcome.
 */
public interface Canary {

  /** Sends {@code weight} percent of the traffic to the new version and the rest to the stable one. */
  Future<TargetOutcome> shift(DeployJob job, RolloutPlan.Traffic traffic, int weight);

  /** After the last stage passed: the new version takes all traffic and becomes the stable one. */
  Future<TargetOutcome> promote(DeployJob job, RolloutPlan.Traffic traffic);

  /** The canary is given up: all traffic goes back to the stable version at once. */
  Future<TargetOutcome> abort(DeployJob job, RolloutPlan.Traffic traffic);
}
