package dev.preflight.checklists.config;

import dev.preflight.checklists.deploy.AbortRule;
import dev.preflight.checklists.deploy.Target;
import dev.preflight.checklists.deploy.Verification;
import dev.preflight.checklists.deploy.Watch;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A deployable service and its environments.
 *
 * @param versionPattern what a version of this service looks like; the whole version must match
 */
public record Service(String name, Pattern versionPattern, Map<String, Environment> environments) {

  /** Letters, digits, {@code . _ - + /}: never anything a shell would act on. */
  public static final Pattern DEFAULT_VERSION_PATTERN = Pattern.compile("[A-Za-z0-9._+/-]+");

  public Service {
    environments = Map.copyOf(environments);
  }

  public Service(String name, Map<String, Environment> environments) {
    this(name, DEFAULT_VERSION_PATTERN, environments);
  }

  public Optional<Environment> environment(String environmentName) {
    return Optional.ofNullable(environments.get(environmentName));
  }

  /**
   * @param checklist the id of the checklist a deploy to this environment runs
   * @param channel a channel name from the config, or null
   * @param deployers the roles whose members may deploy and roll back here
   * @param autoLaunch launch as soon as every gate passes, without a click
   * @param target how to deploy, or null for an environment that only runs its checklist
   * @param verify what runs after a deploy and after a rollback
   * @param abort when a deploy is given up and whether it is rolled back by itself
   * @param alertChannel a channel name for alerts and watch failures, or null for {@code channel}
   * @param watch how a successful deploy is watched afterwards, or null for not at all
   * @param pipeline the actions around the deploy and around its rollback
   * @param rollout at once, or in canary stages
   */
  public record Environment(
      String name,
      String checklist,
      String channel,
      List<String> deployers,
      boolean autoLaunch,
      Target target,
      Verification verify,
      AbortRule abort,
      String alertChannel,
      Watch watch,
      Pipeline pipeline,
      RolloutPlan rollout) {

    public Environment {
      deployers = List.copyOf(deployers);
      verify = verify == null ? Verification.NONE : verify;
      abort = abort == null ? AbortRule.DEFAULT : abort;
      pipeline = pipeline == null ? Pipeline.NONE : pipeline;
      rollout = rollout == null ? RolloutPlan.AT_ONCE : rollout;
    }

    /** An environment with no actions around its deploys, which deploy at once. */
    public Environment(String name, String checklist, String channel, List<String> deployers, boolean autoLaunch,
        Target target, Verification verify, AbortRule abort, String alertChannel, Watch watch) {
      this(name, checklist, channel, deployers, autoLaunch, target, verify, abort, alertChannel, watch, null, null);
    }

    public Environment(String name, String checklist, String channel) {
      this(name, checklist, channel, List.of(), false, null, Verification.NONE, AbortRule.DEFAULT);
    }

    /** An environment with no alert channel of its own and no watch. */
    public Environment(String name, String checklist, String channel, List<String> deployers, boolean autoLaunch,
        Target target, Verification verify, AbortRule abort) {
      this(name, checklist, channel, deployers, autoLaunch, target, verify, abort, null, null);
    }

    /** The channel name alerts about this environment go to. */
    public String alertChannelOrDefault() {
      return alertChannel != null ? alertChannel : channel;
    }

    public boolean deployable() {
      return target != null;
    }
  }
}
