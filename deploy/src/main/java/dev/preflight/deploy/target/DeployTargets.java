package dev.preflight.deploy.target;

import dev.preflight.checklists.deploy.Target;

/** The three kinds of target the config can name, one instance of each, shared by every run. */
public final class DeployTargets implements Targets {

  private final EcsTarget ecs;
  private final CommandTarget command;
  private final GithubActionsTarget githubActions;

  public DeployTargets(EcsTarget ecs, CommandTarget command, GithubActionsTarget githubActions) {
    this.ecs = ecs;
    this.command = command;
    this.githubActions = githubActions;
  }

  @Override
  public DeployTarget forTarget(Target target) {
    if (target instanceof Target.Ecs) {
      return ecs;
    }
    if (target instanceof Target.Command) {
      return command;
    }
    if (target instanceof Target.GithubActions) {
      return githubActions;
    }
    throw new IllegalArgumentException("no deploy target of kind " + target.kind());
  }
}
