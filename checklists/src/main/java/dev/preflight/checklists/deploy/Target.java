package dev.preflight.checklists.deploy;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Where and how an environment is deployed. Strings may hold {@code {service}},
 * {@code {version}} and {@code {environment}} placeholders (see {@link Placeholders}) and
 * {@code ${ENV_NAME}} references, resolved when the deploy runs.
 */
public sealed interface Target {

  /** The name used in config: {@code ecs}, {@code command} or {@code github-actions}. */
  String kind();

  /** The longest a deploy (or a rollback) may take before it counts as failed. */
  Duration timeout();

  /**
   * An ECS service updated to a new task definition revision.
   *
   * @param container the container whose image tag becomes the version
   * @param taskDefinition a task definition to deploy as it is, or null to register a new
   *     revision of the service's current one with the container's image tag set to the version
   * @param region the AWS region, or null for the SDK's default
   */
  record Ecs(String cluster, String service, String container, String taskDefinition, String region,
      Duration timeout) implements Target {
    @Override
    public String kind() {
      return "ecs";
    }
  }

  /**
   * A program run without a shell; its exit code decides.
   *
   * @param deploy the argv that deploys
   * @param rollback the argv that rolls back, where {@code {version}} is the version restored;
   *     empty when the environment has no rollback command
   * @param workdir the working directory, or null for the bot's own
   * @param previousVersion the argv that prints the version running now (its last line of output),
   *     read before a deploy whose environment has no release on record; empty when not configured
   */
  record Command(List<String> deploy, List<String> rollback, Map<String, String> env, String workdir,
      Duration timeout, List<String> previousVersion) implements Target {
    public Command {
      deploy = List.copyOf(deploy);
      rollback = List.copyOf(rollback);
      env = Map.copyOf(env);
      previousVersion = List.copyOf(previousVersion);
    }

    /** A command target without a {@code previousVersion} argv. */
    public Command(List<String> deploy, List<String> rollback, Map<String, String> env, String workdir,
        Duration timeout) {
      this(deploy, rollback, env, workdir, timeout, List.of());
    }

    @Override
    public String kind() {
      return "command";
    }
  }

  /**
   * A GitHub Actions workflow started by workflow_dispatch and followed to its conclusion.
   *
   * @param apiUrl the API base, {@code https://api.github.com} unless GitHub Enterprise
   * @param token a {@code ${ENV_NAME}} reference to the token; never a literal
   * @param workflow the workflow file name (e.g. {@code deploy.yml}) or id
   * @param ref the branch or tag the workflow runs on
   * @param inputs workflow inputs; values may hold placeholders
   */
  record GithubActions(String apiUrl, String token, String owner, String repo, String workflow, String ref,
      Map<String, String> inputs, Duration timeout) implements Target {
    public static final String DEFAULT_API_URL = "https://api.github.com";

    public GithubActions {
      inputs = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(inputs));
    }

    @Override
    public String kind() {
      return "github-actions";
    }
  }
}
