package dev.preflight.deploy.target;

import dev.preflight.checklists.deploy.Target;

/**
 * Which {@link DeployTarget} carries out a configured target. The bot has one instance of each
 * kind, shared by every run ({@link #byKind}); a test hands in its own.
 */
@FunctionalInterface
public interface Targets {

  DeployTarget forTarget(Target target);

  /** The three kinds the config can name: {@code ecs}, {@code command}, {@code github-actions}. */
  static Targets byKind(EcsTarget ecs, CommandTarget command, GithubActionsTarget githubActions) {
    return target -> {
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
    };
  }
}
