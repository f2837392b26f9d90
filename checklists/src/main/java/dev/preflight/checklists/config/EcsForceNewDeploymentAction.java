package dev.preflight.checklists.config;

import java.time.Duration;

/**
 * Starts a new deployment of an ECS service with its current task definition (fresh tasks,
 * images pulled again) and waits until that deployment is PRIMARY and the service is steady.
 *
 * @param region the AWS region, or null for the SDK's default
 */
public record EcsForceNewDeploymentAction(String name, Duration timeout, String cluster, String service, String region)
    implements ActionSpec {

  public static final String KIND = "ecs-force-new-deployment";

  @Override
  public String kind() {
    return KIND;
  }
}
