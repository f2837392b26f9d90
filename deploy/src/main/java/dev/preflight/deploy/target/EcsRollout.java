package dev.preflight.deploy.target;

import static dev.preflight.deploy.target.EcsTarget.PREVIOUS_TASK_DEFINITION;
import static dev.preflight.deploy.target.EcsTarget.TASK_DEFINITION;
import static dev.preflight.deploy.target.EcsTarget.UPDATE_SENT;
import static dev.preflight.deploy.target.EcsTarget.UPDATE_SENT_AT;

import dev.preflight.checklists.secret.Redactor;
import dev.preflight.deploy.aws.EcsNames;
import dev.preflight.checklists.time.Spans;
import dev.preflight.deploy.runner.FollowRunner;
import dev.preflight.deploy.runner.Observation;
import dev.preflight.deploy.runner.PollRounds;
import dev.preflight.deploy.runner.Rollout;
import dev.preflight.deploy.target.EcsFailures.Problem;
import io.vertx.core.Future;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.Deployment;
import software.amazon.awssdk.services.ecs.model.RegisterTaskDefinitionRequest;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.ServiceEvent;

/**
 * One deploy or rollback of one ECS service, as {@link FollowRunner} drives it: start picks the
 * task definition and sends UpdateService once (or finds in the journal that it went out), each
 * look is one DescribeServices judged, and stopping sends nothing (ECS goes on with whatever
 * was sent). Lives on one Vert.x context.
 */
final class EcsRollout implements Rollout {

  private static final int EVENTS_IN_DETAIL = 5;
  private static final String NOT_SENT = "Stopped before UpdateService; the service was not changed.";
  private static final String SENT = "UpdateService was sent; ECS goes on with the deployment unless the service is "
      + "rolled back.";

  private final EcsCalls ecs;
  /** The service whose task definition a deploy starts from and records as the one to restore. */
  private final EcsCalls base;
  /** The task count UpdateService sets with the task definition, or null to leave it. */
  private final Integer desiredCount;
  /** The rounds the follow loop looks in. */
  private final PollRounds rounds;
  private final EcsSettings settings;
  private final TargetJournal journal;
  private final Map<String, String> state;
  private final Redactor redactor;
  private final String version;
  /** The task definition a rollback restores, or null for a deploy. */
  private final String restore;
  private boolean updateSent;
  private String arn;
  private Instant sentAt;
  private String lastSeen;
  private String lastProgress;
  /** The task definition the service ran when this attempt read it before registering; null if it did not. */
  private String readBeforeUpdate;

  /**
   * @param version the image tag a deploy registers; unused by a rollback
   * @param restore for a rollback, the task definition (ARN or family:revision) to move back to; null for a deploy
   */
  EcsRollout(EcsCalls ecs, PollRounds rounds, EcsSettings settings, String version, String restore,
      TargetJournal journal, Redactor redactor) {
    this(ecs, ecs, null, rounds, settings, version, restore, journal, redactor);
  }

  /**
   * A deploy to {@code ecs}'s service of a revision of {@code base}'s task definition, as an ECS
   * canary does: the canary service gets a new revision of what the stable service runs.
   *
   * @param desiredCount the task count to set with the task definition, or null to leave it
   */
  EcsRollout(EcsCalls ecs, EcsCalls base, Integer desiredCount, PollRounds rounds, EcsSettings settings,
      String version, String restore, TargetJournal journal, Redactor redactor) {
    this.ecs = ecs;
    this.base = base;
    this.desiredCount = desiredCount;
    this.rounds = rounds;
    this.settings = settings;
    this.journal = journal;
    this.state = new HashMap<>(journal.state());
    this.redactor = redactor;
    this.version = version;
    this.restore = restore;
    this.updateSent = "true".equals(state.get(UPDATE_SENT));
  }

  /**
   * A deploy registers (or takes the configured) task definition unless the journal has one; a
   * rollback registers nothing. Then UpdateService, unless the journal says it went out.
   */
  @Override
  public Future<Observation> start() {
    Future<String> target;
    if (restore != null) {
      target = restore.startsWith("arn:") ? Future.succeededFuture(restore) : arnOf(restore);
    } else {
      String recorded = state.get(TASK_DEFINITION);
      target = recorded != null ? Future.succeededFuture(recorded) : prepare();
    }
    return target.compose(this::send)
        .map(sent -> Observation.underWay())
        .recover(failure -> Future.succeededFuture(halted()
            ? Observation.underWay()
            : Observation.of(EcsFailures.outcome(failure, redactor))));
  }

  /** The timeout counts from when UpdateService went out, so a restart does not buy more time. */
  @Override
  public Instant deadline() {
    return (sentAt == null ? Instant.now() : sentAt).plus(settings.timeout());
  }

  @Override
  public Future<Observation> observe() {
    return ecs.serviceInRound(rounds).transform(described -> {
      if (described.succeeded()) {
        return Future.succeededFuture(judge(described.result(), arn));
      }
      // A look that failed for a transient reason is tried again by the runner; anything else ends the deploy.
      return EcsFailures.isTransient(described.cause())
          ? Future.failedFuture(described.cause())
          : Future.succeededFuture(Observation.of(EcsFailures.outcome(described.cause(), redactor)));
    });
  }

  @Override
  public Future<TargetOutcome> stop(Halt why) {
    return Future.succeededFuture(switch (why) {
      case ABORTED -> failure("Aborted", updateSent ? SENT : NOT_SENT);
      case TIMED_OUT -> failure("Timed out after " + Spans.format(settings.timeout())
          + " waiting for the rollout" + (lastSeen == null ? "" : " (" + lastSeen + ")"), SENT);
      // The bot is shutting down: ECS goes on, and another replica follows it from the journal.
      case STOPPING -> failure("Stopped following the rollout", null);
    });
  }

  @Override
  public TargetOutcome failed(Throwable failure) {
    return EcsFailures.outcome(failure, redactor);
  }

  // --- 1. the task definition to deploy -------------------------------------------------------

  private Future<String> prepare() {
    // A canary reads the stable service's task definition: the line names the service read.
    progress("Reading the ECS service", base.where());
    return base.service().compose(service -> {
      String previous = service.taskDefinition();
      // A canary reads the stable service here; only a read of the service being updated can stand in for another.
      readBeforeUpdate = base == ecs ? previous : null;
      if (previous == null) {
        return Future.failedFuture(new Problem("ECS service " + base.where() + " reports no task definition",
            "A service under an EXTERNAL deployment controller has no task definition of its own to update."));
      }
      Future<String> next = settings.taskDefinition() != null ? arnOf(settings.taskDefinition()) : register(previous);
      return next.compose(arn -> record(Map.of(PREVIOUS_TASK_DEFINITION, previous, TASK_DEFINITION, arn)).map(arn));
    });
  }

  private Future<String> register(String previous) {
    return ecs.taskDefinition(previous).compose(current -> {
      if (halted()) {
        return stoppedFuture();
      }
      RegisterTaskDefinitionRequest request = EcsImages.nextRevision(current, settings.container(), version);
      String retagged = request.containerDefinitions().stream()
          .filter(c -> !current.taskDefinition().containerDefinitions().contains(c))
          .map(ContainerDefinition::image)
          .collect(Collectors.joining(", "));
      progress("Registering a task definition", EcsNames.shortTaskDefinition(previous) + " with " + retagged);
      return ecs.register(request);
    });
  }

  private Future<String> arnOf(String taskDefinition) {
    return ecs.taskDefinition(taskDefinition).map(found -> found.taskDefinition().taskDefinitionArn());
  }

  // --- 2. UpdateService, at most once ----------------------------------------------------------

  /** Sends UpdateService unless an earlier attempt did; notes when it went out either way. */
  private Future<Void> send(String arn) {
    this.arn = arn;
    if (updateSent) {
      sentAt = sentAt();
      return Future.succeededFuture();
    }
    if (halted()) {
      return stoppedFuture();
    }
    progress("Updating the ECS service", settings.where() + " → " + EcsNames.shortTaskDefinition(arn));
    // A restart between UpdateService and its record finds the service already pointing at arn. When
    // this attempt read the service moments ago (before registering), no earlier attempt can have sent
    // UpdateService for this run, and that reading answers the question without another call.
    Future<String> running = readBeforeUpdate != null
        ? Future.succeededFuture(readBeforeUpdate)
        : ecs.service().map(Service::taskDefinition);
    return running
        .compose(current -> arn.equals(current) ? Future.succeededFuture() : desiredCount == null ? ecs.update(arn) : ecs.update(arn, desiredCount))
        .compose(v -> {
          updateSent = true;
          sentAt = Instant.now();
          return record(Map.of(UPDATE_SENT, "true", UPDATE_SENT_AT, sentAt.toString()));
        });
  }

  /** A journal written by hand or by an older build may lack the instant; then the clock starts now. */
  private Instant sentAt() {
    try {
      return Instant.parse(state.getOrDefault(UPDATE_SENT_AT, ""));
    } catch (DateTimeParseException e) {
      return Instant.now();
    }
  }

  // --- 3. judge what DescribeServices shows ------------------------------------------------------

  private Observation judge(Service service, String arn) {
    Optional<Deployment> ours = service.deployments().stream().filter(d -> arn.equals(d.taskDefinition())).findFirst();
    if (ours.isEmpty()) {
      // ECS lists the new deployment a moment after UpdateService (moto never does).
      lastSeen = "no deployment of " + EcsNames.shortTaskDefinition(arn) + " yet";
      return Observation.running("Waiting for ECS to start the deployment", redactor.redact(lastSeen));
    }
    Deployment deployment = ours.get();
    int running = orZero(deployment.runningCount());
    int desired = orZero(deployment.desiredCount());
    String rollout = deployment.rolloutStateAsString();
    String counts = running + "/" + desired;
    if ("FAILED".equals(rollout)) {
      String reason = deployment.rolloutStateReason() == null ? "no reason given" : deployment.rolloutStateReason();
      return Observation.of(failure("Rollout FAILED: " + reason, reason + recentEvents(service)));
    }
    if (!"PRIMARY".equals(deployment.status())) {
      String primary = service.deployments().stream().filter(d -> "PRIMARY".equals(d.status()))
          .map(d -> EcsNames.shortTaskDefinition(d.taskDefinition())).findFirst().orElse("something else");
      return Observation.of(failure("Another deployment replaced this one: the service now runs " + primary,
          "The deployment of " + EcsNames.shortTaskDefinition(arn) + " is " + deployment.status() + recentEvents(service)));
    }
    // Controllers other than ECS report no rollout state; then a lone deployment at full strength is done.
    boolean completed = rollout == null
        ? running == desired && service.deployments().size() == 1
        : "COMPLETED".equals(rollout) && running == desired;
    if (completed) {
      return Observation.succeeded(redactor.redact("Rollout COMPLETED: " + counts + " running ("
          + EcsNames.shortTaskDefinition(arn) + ")"), arn, null);
    }
    // In plain words: the run's message shows this line as the rollout's progress.
    lastSeen = running + " of " + desired + " new tasks running";
    return Observation.running("Waiting for the rollout", redactor.redact(lastSeen));
  }

  private static String recentEvents(Service service) {
    List<String> events = service.events().stream()
        .limit(EVENTS_IN_DETAIL)
        .map(ServiceEvent::message)
        .toList();
    return events.isEmpty() ? "" : "\nRecent service events:\n" + String.join("\n", events);
  }

  // --- helpers ---------------------------------------------------------------------------------

  private TargetOutcome failure(String summary, String detail) {
    return TargetOutcome.failure(redactor.redact(summary), redactor.redact(detail));
  }

  /** Whether the run was aborted or the bot is stopping: then nothing more is sent. */
  private boolean halted() {
    return journal.aborted().isComplete() || journal.stopping().isComplete();
  }

  /** Ends a start that an abort or a shutdown overtook; the runner then asks how it stopped. */
  private static <T> Future<T> stoppedFuture() {
    return Future.failedFuture(new Problem("Stopped", null));
  }

  private Future<Void> record(Map<String, String> entries) {
    state.putAll(entries);
    return journal.record(entries).recover(failure -> Future.failedFuture(
        new Problem("Could not record the deploy's progress, so it stopped", failure.getMessage())));
  }

  private void progress(String step, String detail) {
    String masked = redactor.redact(detail);
    String line = step + "\n" + masked;
    if (!line.equals(lastProgress)) {
      lastProgress = line;
      journal.progress(step, masked);
    }
  }

  private static int orZero(Integer value) {
    return value == null ? 0 : value;
  }
}
