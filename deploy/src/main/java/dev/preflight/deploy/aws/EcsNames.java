package dev.preflight.deploy.aws;

/** ECS names the way people say them, shared by the ECS check and the ECS deploy target. */
public final class EcsNames {

  private EcsNames() {}

  /**
   * A task definition ARN as people say it, {@code family:revision}:
   * "arn:aws:ecs:eu-west-1:123:task-definition/web:23" reads "web:23". Anything else is kept.
   */
  public static String shortTaskDefinition(String taskDefinition) {
    if (taskDefinition == null) {
      return null;
    }
    int slash = taskDefinition.lastIndexOf('/');
    return slash < 0 ? taskDefinition : taskDefinition.substring(slash + 1);
  }
}
