package dev.preflight.deploy.target;

import dev.preflight.checklists.config.RolloutPlan;
import dev.preflight.checklists.deploy.Placeholders;
import dev.preflight.checklists.deploy.Target;
import dev.preflight.checklists.secret.Redactor;
import dev.preflight.checklists.secret.Variables;
import dev.preflight.checklists.secret.Variables.MissingVariableException;
import dev.preflight.deploy.runner.FollowRunner;
import dev.preflight.deploy.target.GithubActionsClient.Workflow;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Deploys by starting a team's GitHub Actions workflow (seed 001's workflow_dispatch) with the
 * version among its inputs, and follows the run to its conclusion. A rollback is the same
 * workflow started with the version being restored. {@link FollowRunner} follows the run.
 *
 * <p>One instance serves every deploy of the bot: it owns the HTTP client, and the set of runs
 * already claimed, so two deploys of the same workflow never take each other's run.
 */
public final class GithubActionsTarget implements DeployTarget {

  private static final Logger LOG = LoggerFactory.getLogger(GithubActionsTarget.class);
  public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(10);

  private final FollowRunner runner;
  private final GithubActionsClient client;
  private final Set<Long> claimed = ConcurrentHashMap.newKeySet();

  public GithubActionsTarget(Vertx vertx) {
    this(vertx, DEFAULT_POLL_INTERVAL);
  }

  /** @param pollInterval how often GitHub is asked about the run (and the least wait after a rate limit) */
  public GithubActionsTarget(Vertx vertx, Duration pollInterval) {
    this.runner = new FollowRunner(vertx, pollInterval);
    this.client = new GithubActionsClient(vertx, pollInterval);
  }

  @Override
  public Future<TargetOutcome> deploy(DeployJob job, TargetJournal journal) {
    return start(job, job.placeholders(), journal);
  }

  /** Starts the workflow again with {@code {version}} set to the version being restored. */
  @Override
  public Future<TargetOutcome> rollback(DeployJob job, TargetJournal journal) {
    if (job.version() == null) {
      return Future.succeededFuture(TargetOutcome.failure("No earlier version on record to roll back to", null));
    }
    return start(job, Placeholders.of(job.service(), job.version(), job.environment()), journal);
  }

  /**
   * The commit the newest successful run of the workflow on the target's ref ran on (its
   * {@code head_sha}), with that run's URL: what a rollback dispatches the workflow with.
   */
  @Override
  public Future<Optional<LiveVersion>> live(DeployJob job) {
    Target.GithubActions target = githubActions(job);
    String token;
    try {
      token = job.variables().resolve(target.token(), new Redactor());
    } catch (MissingVariableException e) {
      return Future.succeededFuture(Optional.empty());
    }
    if (token == null || token.isBlank()) {
      return Future.succeededFuture(Optional.empty());
    }
    String apiUrl = target.apiUrl() == null ? Target.GithubActions.DEFAULT_API_URL : target.apiUrl();
    Workflow workflow = new Workflow(apiUrl, target.owner(), target.repo(), target.workflow(), token);
    return client.lastSuccessfulRun(workflow, Placeholders.fill(target.ref(), job.placeholders()))
        .map(run -> run.filter(r -> r.headSha() != null && !r.headSha().isBlank())
            .map(r -> new LiveVersion(r.headSha(), r.htmlUrl())))
        .recover(e -> {
          LOG.info("Could not read the last successful run of {}: {}", target.workflow(), e.getMessage());
          return Future.succeededFuture(Optional.empty());
        });
  }

  /**
   * Each stage dispatches the workflow again with the rollout's weight input set to the stage's
   * percentage (and the deploy's other inputs), and waits for that run to succeed. Giving the
   * canary up dispatches it with 0; after the last stage nothing more is dispatched, since its run
   * already sent all traffic to the new version.
   */
  @Override
  public Optional<Canary> canary() {
    return Optional.of(new Canary() {
      @Override
      public Future<TargetOutcome> shift(DeployJob job, RolloutPlan.Traffic traffic, int weight) {
        return dispatchWeight(job, traffic, weight, "Traffic at " + weight + "%");
      }

      @Override
      public Future<TargetOutcome> promote(DeployJob job, RolloutPlan.Traffic traffic) {
        return Future.succeededFuture(TargetOutcome.success("Promoted", null, null));
      }

      @Override
      public Future<TargetOutcome> abort(DeployJob job, RolloutPlan.Traffic traffic) {
        return dispatchWeight(job, traffic, 0, "Traffic back on the stable version");
      }
    });
  }

  private Future<TargetOutcome> dispatchWeight(DeployJob job, RolloutPlan.Traffic traffic, int weight, String done) {
    if (!(traffic instanceof RolloutPlan.Traffic.WorkflowInput input)) {
      throw new IllegalArgumentException("a workflow shifts traffic with a weight input, not " + traffic);
    }
    Target.GithubActions target = githubActions(job);
    Map<String, String> inputs = new LinkedHashMap<>(target.inputs());
    inputs.put(input.input(), "{weight}");
    Target.GithubActions withWeight = new Target.GithubActions(target.apiUrl(), target.token(), target.owner(),
        target.repo(), target.workflow(), target.ref(), inputs, target.timeout());
    DeployJob stage = new DeployJob(job.runId(), job.service(), job.environment(), job.version(), null, withWeight,
        job.variables());
    Map<String, String> placeholders = new LinkedHashMap<>(job.placeholders());
    placeholders.put("weight", Integer.toString(weight));
    return start(stage, placeholders, new StageJournal())
        .map(outcome -> outcome.succeeded() ? TargetOutcome.success(done, outcome.revision(), outcome.detail())
            : outcome);
  }

  public void close() {
    client.close();
  }

  private Future<TargetOutcome> start(DeployJob job, Map<String, String> placeholders, TargetJournal journal) {
    Target.GithubActions target = githubActions(job);
    Redactor redactor = new Redactor();
    Variables variables = job.variables();
    String token;
    Map<String, String> inputs = new LinkedHashMap<>();
    try {
      token = variables.resolve(target.token(), redactor);
      target.inputs().forEach((name, value) ->
          inputs.put(name, variables.resolve(Placeholders.fill(value, placeholders), redactor)));
    } catch (MissingVariableException e) {
      return Future.succeededFuture(TargetOutcome.failure(e.getMessage(), null));
    }
    if (token == null || token.isBlank()) {
      return Future.succeededFuture(TargetOutcome.failure("No GitHub token: the target's token is empty", null));
    }
    // A token written literally in the config is just as secret as one from the environment.
    redactor.add(token);
    String apiUrl = target.apiUrl() == null ? Target.GithubActions.DEFAULT_API_URL : target.apiUrl();
    Workflow workflow = new Workflow(apiUrl, target.owner(), target.repo(), target.workflow(), token);
    return runner.run(new GithubActionsRollout(client, workflow, Placeholders.fill(target.ref(), placeholders), inputs,
        target.timeout(), claimed, journal, redactor), journal);
  }

  private static Target.GithubActions githubActions(DeployJob job) {
    if (job.target() instanceof Target.GithubActions githubActions) {
      return githubActions;
    }
    throw new IllegalArgumentException("GithubActionsTarget cannot deploy a " + job.target().kind() + " target");
  }
}
