package dev.preflight.deploy.target;

import dev.preflight.checklists.config.RolloutPlan;
import dev.preflight.checklists.secret.Redactor;
import dev.preflight.deploy.aws.AwsClients;
import dev.preflight.deploy.aws.Elbv2Client;
import dev.preflight.deploy.runner.FollowRunner;
import dev.preflight.deploy.runner.PollRounds;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deploys to an ECS service as seeds 000 and 001 do by hand: a new revision of the service's task
 * definition with the container's image tag set to the version (or a task definition named in
 * config), UpdateService, then DescribeServices until the PRIMARY deployment's rollout is
 * COMPLETED with every task running. A rollback is UpdateService back to the task definition the
 * deploy replaced, followed the same way.
 *
 * <p>The journal holds, in the order they are written:
 * <ul>
 *   <li>{@value #PREVIOUS_TASK_DEFINITION} and {@value #TASK_DEFINITION}, recorded together before
 *       UpdateService: the ARN the service ran and the ARN being deployed. The first is what a
 *       rollback of this deploy restores. A rollback's journal has neither.
 *   <li>{@value #UPDATE_SENT} ({@code true}) and {@value #UPDATE_SENT_AT} (an ISO-8601 instant),
 *       recorded as soon as UpdateService was answered. The timeout counts from that instant, so
 *       a restart does not buy a deploy more time.
 * </ul>
 * A restart resumes from the first missing entry. UpdateService goes out at most once: a restart
 * that finds no {@value #UPDATE_SENT} first asks whether the service already runs the new task
 * definition (the bot died after sending but before recording) and then only follows.
 *
 * <p>An environment with an ECS canary ({@code rollout.traffic} naming a listener rule and two
 * target groups) deploys to its canary service instead, and rolls back through it: {@link EcsCanary}.
 *
 * <p>{@link FollowRunner} follows the rollout: a look every poll interval, on rounds shared by
 * every deploy of this target ({@link PollRounds}) so that the services of one cluster due in a
 * round are described ten to a DescribeServices ({@link EcsDescribeBatches}); one more look
 * at the deadline, transient failures tried again with backoff, an abort answered at once.
 *
 * <p>Throttling is retried with backoff by the SDK's STANDARD retry strategy (configured in
 * {@link AwsClients}), which counts {@code ThrottlingException} among the throttling codes; every
 * call is bounded by the client's API call timeout.
 */
public final class EcsTarget implements DeployTarget {

  private static final Logger LOG = LoggerFactory.getLogger(EcsTarget.class);
  public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(10);
  public static final String PREVIOUS_TASK_DEFINITION = "previousTaskDefinition";
  public static final String TASK_DEFINITION = "taskDefinition";
  public static final String UPDATE_SENT = "updateSent";
  public static final String UPDATE_SENT_AT = "updateSentAt";

  private final Vertx vertx;
  private final AwsClients aws;
  private final FollowRunner runner;
  private final EcsCanary canary;
  private final PollRounds rounds;

  public EcsTarget(Vertx vertx, AwsClients aws) {
    this(vertx, aws, DEFAULT_POLL_INTERVAL);
  }

  /** @param pollInterval how often DescribeServices is asked while a rollout is under way */
  public EcsTarget(Vertx vertx, AwsClients aws, Duration pollInterval) {
    this(vertx, aws, pollInterval, new Elbv2Client(vertx, aws));
  }

  /** @param elb the load balancer calls of an ECS canary */
  public EcsTarget(Vertx vertx, AwsClients aws, Duration pollInterval, Elbv2Client elb) {
    this.vertx = Objects.requireNonNull(vertx);
    this.aws = Objects.requireNonNull(aws);
    // Looks land on shared rounds, so the follows of one cluster describe their services together.
    this.runner = FollowRunner.onRounds(vertx, pollInterval);
    this.rounds = new PollRounds(pollInterval);
    this.canary = new EcsCanary(vertx, aws, Objects.requireNonNull(elb), runner, rounds);
  }

  /** Two services behind one listener rule's weighted forward ({@link EcsCanary}). */
  @Override
  public Optional<Canary> canary() {
    return Optional.of(canary);
  }

  @Override
  public Future<TargetOutcome> deploy(DeployJob job, TargetJournal journal) {
    if (job.traffic() instanceof RolloutPlan.Traffic.TargetGroups) {
      return canary.deploy(job, journal);
    }
    return start(job, journal, null);
  }

  /** {@code job.revision()} is the task definition ARN to restore, as the deploy recorded it. */
  @Override
  public Future<TargetOutcome> rollback(DeployJob job, TargetJournal journal) {
    if (job.traffic() instanceof RolloutPlan.Traffic.TargetGroups) {
      // The traffic goes back to the stable service first, whatever the record says.
      return canary.rollback(job, journal, () -> restore(job, journal));
    }
    return restore(job, journal);
  }

  private Future<TargetOutcome> restore(DeployJob job, TargetJournal journal) {
    String revision = job.revision();
    if (revision == null || revision.isBlank()) {
      return Future.succeededFuture(TargetOutcome.failure("no earlier task definition on record",
          "A rollback restores the task definition a successful deploy replaced; none is recorded for "
              + job.service() + " in " + job.environment() + "."));
    }
    return start(job, journal, revision.trim());
  }

  /**
   * The task definition the service runs now (DescribeServices) and its container's image tag
   * (DescribeTaskDefinition): what a rollback of the coming deploy returns to.
   */
  @Override
  public Future<Optional<LiveVersion>> live(DeployJob job) {
    Context context = vertx.getOrCreateContext();
    Redactor redactor = new Redactor();
    EcsSettings settings;
    try {
      settings = EcsSettings.resolve(job, redactor);
    } catch (RuntimeException e) {
      return Future.succeededFuture(Optional.empty());
    }
    return context.executeBlocking(() -> aws.ecs(settings.region()), false)
        .map(client -> new EcsCalls(context, client, settings))
        .compose(ecs -> ecs.service().compose(service -> service.taskDefinition() == null
            ? Future.succeededFuture(Optional.<LiveVersion>empty())
            : ecs.taskDefinition(service.taskDefinition()).map(described -> Optional.of(new LiveVersion(
                EcsImages.version(described.taskDefinition(), settings.container()),
                described.taskDefinition().taskDefinitionArn())))))
        .recover(failure -> {
          LOG.info("Could not read what {} runs now: {}", settings.where(), redactor.redact(String.valueOf(
              failure.getMessage())));
          return Future.succeededFuture(Optional.empty());
        });
  }

  /** @param restore the task definition a rollback moves back to; null for a deploy */
  private Future<TargetOutcome> start(DeployJob job, TargetJournal journal, String restore) {
    Context context = vertx.getOrCreateContext();
    Redactor redactor = new Redactor();
    EcsSettings settings;
    try {
      settings = EcsSettings.resolve(job, redactor);
    } catch (RuntimeException e) {
      return Future.succeededFuture(EcsFailures.outcome(e, redactor));
    }
    // Building a client may read profile files or ask instance metadata for the region.
    return context.executeBlocking(() -> aws.ecs(settings.region()), false)
        .map(client -> new EcsRollout(new EcsCalls(context, client, settings), rounds, settings, job.version(),
            restore, journal, redactor))
        .compose(rollout -> runner.run(rollout, journal))
        .recover(failure -> Future.succeededFuture(EcsFailures.outcome(failure, redactor)));
  }
}
