package dev.preflight.checklists.config;

import java.time.Duration;

/**
 * Sets an ECS service's desired count and waits until the service is steady at it.
 *
 * @param desiredCount a whole number or one {@code {parameter}} naming an integer parameter; filled
 *     at run time and refused there too when it falls outside {@code min}..{@code max}
 * @param min the fewest tasks this action may ever ask for
 * @param max the most tasks this action may ever ask for
 * @param region the AWS region, or null for the SDK's default
 */
public record EcsScaleAction(String name, Duration timeout, String cluster, String service, String region,
    String desiredCount, int min, int max) implements ActionSpec {

  public static final String KIND = "ecs-scale";

  @Override
  public String kind() {
    return KIND;
  }
}
