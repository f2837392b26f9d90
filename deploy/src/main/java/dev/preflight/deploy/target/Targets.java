package dev.preflight.deploy.target;

import dev.preflight.checklists.deploy.Target;

/** Picks the implementation for a configured target. */
public interface Targets {

  DeployTarget forTarget(Target target);
}
