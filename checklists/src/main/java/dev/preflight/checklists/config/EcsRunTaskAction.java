package dev.preflight.checklists.config;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A one-off ECS task (a migration, an ETL run) started and followed until it stops; the exit
 * codes of its essential containers decide.
 *
 * @param container the container whose command and environment are overridden, or null for no override
 * @param command the command override, or empty for the task definition's own
 * @param env environment overrides for {@code container}
 * @param launchType FARGATE, EC2 or EXTERNAL
 * @param subnets for awsvpc networking; empty for none
 * @param securityGroups for awsvpc networking
 * @param region the AWS region, or null for the default
 */
public record EcsRunTaskAction(String name, String cluster, String taskDefinition, String container,
    List<String> command, Map<String, String> env, String launchType, List<String> subnets,
    List<String> securityGroups, boolean assignPublicIp, String region, Duration timeout) implements ActionSpec {

  public static final String KIND = "ecs-run-task";
  public static final List<String> LAUNCH_TYPES = List.of("FARGATE", "EC2", "EXTERNAL");

  public EcsRunTaskAction {
    command = List.copyOf(command);
    env = Collections.unmodifiableMap(new LinkedHashMap<>(env));
    subnets = List.copyOf(subnets);
    securityGroups = List.copyOf(securityGroups);
  }

  @Override
  public String kind() {
    return KIND;
  }
}
