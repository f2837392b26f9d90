package dev.preflight.deploy.target;

import dev.preflight.checklists.config.RolloutPlan;
import dev.preflight.checklists.deploy.Placeholders;
import dev.preflight.checklists.deploy.Target;
import dev.preflight.checklists.secret.Variables;
import java.util.Map;

/**
 * One deploy or rollback for a target to carry out.
 *
 * @param version the version being deployed, or for a rollback the version being restored
 * @param revision for a rollback, what the target knows the restored release by (for ECS the
 *     task definition ARN); for a canary stage, what the deploy put on the canary, as recorded;
 *     null for a deploy, or when nothing is on record
 * @param variables resolves {@code ${NAME}} references in the target's strings
 * @param traffic how the environment's canary shifts traffic, or null when it deploys at once; an
 *     ECS target deploys to its canary service when there is one
 */
public record DeployJob(String runId, String service, String environment, String version, String revision,
    Target target, Variables variables, RolloutPlan.Traffic traffic) {

  /** A job for an environment without canary stages. */
  public DeployJob(String runId, String service, String environment, String version, String revision,
      Target target, Variables variables) {
    this(runId, service, environment, version, revision, target, variables, null);
  }

  /** {@code {service}}, {@code {version}}, {@code {environment}} for this job. */
  public Map<String, String> placeholders() {
    return Placeholders.of(service, version, environment);
  }
}
