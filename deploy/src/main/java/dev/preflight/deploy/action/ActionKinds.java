package dev.preflight.deploy.action;

import dev.preflight.checklists.config.CloudFrontInvalidationAction;
import dev.preflight.checklists.config.CommandAction;
import dev.preflight.checklists.config.EcsForceNewDeploymentAction;
import dev.preflight.checklists.config.EcsRunTaskAction;
import dev.preflight.checklists.config.EcsScaleAction;
import dev.preflight.checklists.config.HttpAction;
import dev.preflight.checklists.config.RdsSnapshotAction;
import dev.preflight.deploy.aws.AwsClients;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;

/**
 * The runners of every action kind, in the one registry that deploy steps, rollback steps and
 * runbook steps all run through: a kind the config reader accepts has its runner here.
 */
public final class ActionKinds {

  /** How long after a failed webhook attempt the next one is sent (doubling after that). */
  public static final Duration HTTP_RETRY_PAUSE = Duration.ofSeconds(1);
  /** How often a command step's newest line of output is looked at. */
  public static final Duration COMMAND_PROGRESS = Duration.ofSeconds(2);

  private ActionKinds() {}

  /**
   * @param web the client for {@code http} steps (its own connect timeout; each request gets the step's)
   * @param pollInterval between two looks at a task, snapshot or invalidation under way
   */
  public static Actions.Builder all(Vertx vertx, AwsClients aws, WebClient web, Duration pollInterval) {
    return Actions.builder()
        .with(CommandAction.class, new CommandActionRunner(vertx, COMMAND_PROGRESS))
        .with(HttpAction.class, new HttpActionRunner(vertx, web, HTTP_RETRY_PAUSE))
        .with(EcsRunTaskAction.class, new EcsRunTaskRunner(vertx, aws, pollInterval))
        .with(RdsSnapshotAction.class, new RdsSnapshotRunner(vertx, aws, pollInterval))
        .with(CloudFrontInvalidationAction.class, new CloudFrontInvalidationRunner(vertx, aws, pollInterval))
        .with(EcsScaleAction.class, new EcsScaleRunner(vertx, aws, pollInterval))
        .with(EcsForceNewDeploymentAction.class, new EcsForceNewDeploymentRunner(vertx, aws, pollInterval));
  }
}
