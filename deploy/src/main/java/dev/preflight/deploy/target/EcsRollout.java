package dev.preflight.deploy.target;

import static dev.preflight.deploy.target.EcsTarget.PREVIOUS_TASK_DEFINITION;
import static dev.preflight.deploy.target.EcsTarget.TASK_DEFINITION;
import static dev.preflight.deploy.target.EcsTarget.UPDATE_SENT;
import static dev.preflight.deploy.target.EcsTarget.UPDATE_SENT_AT;

import dev.preflight.checklists.secret.Redactor;
import dev.preflight.checklists.time.Spans;
import dev.preflight.deploy.check.EcsServiceCheck;
import dev.preflight.deploy.target.EcsFailures.Problem;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
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
 * One deploy or rollback of one ECS service, carried from whatever its journal says was done to
 * an outcome: pick the task definition, send UpdateService once, follow the rollout. Lives on one
 * Vert.x context; the outcome is settled once, by whichever comes first of the rollout's end,
 * a failure, the timeout and an abort.
 */
final class EcsRollout {

  private static final int EVENTS_IN_DETAIL = 5;

  private final Context context;
  private final EcsCalls ecs;
  private final EcsSettings settings;
  private final TargetJournal journal;
  private final Map<String, String> state;
  private final Duration pollInterval;
  private final Redactor redactor;
  private final String version;
  private final Promise<TargetOutcome> outcome = Promise.promise();
  private boolean updateSent;
  private String lastSeen;
  private String lastProgress;

  /** @param version the image tag a deploy registers; unused by a rollback */
  EcsRollout(Context context, EcsCalls ecs, EcsSettings settings, String version, TargetJournal journal,
      Duration pollInterval, Redactor redactor) {
    this.context = context;
    this.ecs = ecs;
    this.settings = settings;
    this.journal = journal;
    this.state = new HashMap<>(journal.state());
    this.pollInterval = pollInterval;
    this.redactor = redactor;
    this.version = version;
    this.updateSent = "true".equals(state.get(UPDATE_SENT));
  }

  /** Registers (or takes the configured) task definition, then moves the service to it. */
  Future<TargetOutcome> deploy() {
    String recorded = state.get(TASK_DEFINITION);
    return run(recorded != null ? Future.succeededFuture(recorded) : prepare());
  }

  /** Moves the service back to {@code taskDefinition}; nothing is registered. */
  Future<TargetOutcome> rollback(String taskDefinition) {
    return run(taskDefinition.startsWith("arn:") ? Future.succeededFuture(taskDefinition) : arnOf(taskDefinition));
  }

  private Future<TargetOutcome> run(Future<String> target) {
    journal.aborted().onSuccess(aborted -> context.runOnContext(v -> finish(aborted())));
    // The bot is shutting down: stop following; ECS goes on, and another replica follows it from the journal.
    journal.stopping().onSuccess(stopping -> context.runOnContext(v -> finish(failure("Stopped following the rollout",
        null))));
    target.compose(arn -> send(arn).compose(sentAt -> follow(arn, sentAt)))
        .onComplete(done -> finish(done.succeeded() ? done.result() : EcsFailures.outcome(done.cause(), redactor)));
    return outcome.future();
  }

  // --- 1. the task definition to deploy -------------------------------------------------------

  private Future<String> prepare() {
    progress("Reading the ECS service", settings.where());
    return ecs.service().compose(service -> {
      String previous = service.taskDefinition();
      if (previous == null) {
        return Future.failedFuture(new Problem("ECS service " + settings.where() + " reports no task definition",
            "A service under an EXTERNAL deployment controller has no task definition of its own to update."));
      }
      Future<String> next = settings.taskDefinition() != null ? arnOf(settings.taskDefinition()) : register(previous);
      return next.compose(arn -> record(Map.of(PREVIOUS_TASK_DEFINITION, previous, TASK_DEFINITION, arn)).map(arn));
    });
  }

  private Future<String> register(String previous) {
    return ecs.taskDefinition(previous).compose(current -> {
      if (stopped()) {
        return stoppedFuture();
      }
      RegisterTaskDefinitionRequest request = EcsImages.nextRevision(current, settings.container(), version);
      String retagged = request.containerDefinitions().stream()
          .filter(c -> !current.taskDefinition().containerDefinitions().contains(c))
          .map(ContainerDefinition::image)
          .collect(Collectors.joining(", "));
      progress("Registering a task definition", EcsServiceCheck.shortTaskDefinition(previous) + " with " + retagged);
      return ecs.register(request);
    });
  }

  private Future<String> arnOf(String taskDefinition) {
    return ecs.taskDefinition(taskDefinition).map(found -> found.taskDefinition().taskDefinitionArn());
  }

  // --- 2. UpdateService, at most once ----------------------------------------------------------

  /** Answers when UpdateService went out, from the journal when an earlier attempt sent it. */
  private Future<Instant> send(String arn) {
    if (updateSent) {
      return Future.succeededFuture(sentAt());
    }
    if (stopped()) {
      return stoppedFuture();
    }
    progress("Updating the ECS service", settings.where() + " → " + EcsServiceCheck.shortTaskDefinition(arn));
    // A restart between UpdateService and its record finds the service already pointing at arn.
    return ecs.service()
        .compose(service -> arn.equals(service.taskDefinition()) ? Future.succeededFuture() : ecs.update(arn))
        .compose(v -> {
          updateSent = true;
          Instant now = Instant.now();
          return record(Map.of(UPDATE_SENT, "true", UPDATE_SENT_AT, now.toString())).map(now);
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

  // --- 3. follow the rollout --------------------------------------------------------------------

  private Future<TargetOutcome> follow(String arn, Instant sentAt) {
    poll(arn, sentAt.plus(settings.timeout()));
    return outcome.future();
  }

  /** Polls once more at the deadline before calling it a timeout: the rollout may just have ended. */
  private void poll(String arn, Instant deadline) {
    if (stopped()) {
      return;
    }
    ecs.service().onComplete(described -> {
      if (stopped()) {
        return;
      }
      Optional<TargetOutcome> ended = described.succeeded() ? judge(described.result(), arn) : pollFailed(described.cause());
      if (ended.isPresent()) {
        finish(ended.get());
        return;
      }
      long left = Duration.between(Instant.now(), deadline).toMillis();
      if (left <= 0) {
        finish(timedOut());
        return;
      }
      context.owner().setTimer(Math.max(1, Math.min(pollInterval.toMillis(), left)), id -> poll(arn, deadline));
    });
  }

  private Optional<TargetOutcome> judge(Service service, String arn) {
    Optional<Deployment> ours = service.deployments().stream().filter(d -> arn.equals(d.taskDefinition())).findFirst();
    if (ours.isEmpty()) {
      // ECS lists the new deployment a moment after UpdateService (moto never does).
      lastSeen = "no deployment of " + EcsServiceCheck.shortTaskDefinition(arn) + " yet";
      progress("Waiting for ECS to start the deployment", lastSeen);
      return Optional.empty();
    }
    Deployment deployment = ours.get();
    int running = orZero(deployment.runningCount());
    int desired = orZero(deployment.desiredCount());
    String rollout = deployment.rolloutStateAsString();
    String counts = running + "/" + desired;
    if ("FAILED".equals(rollout)) {
      String reason = deployment.rolloutStateReason() == null ? "no reason given" : deployment.rolloutStateReason();
      return Optional.of(failure("Rollout FAILED: " + reason, reason + recentEvents(service)));
    }
    if (!"PRIMARY".equals(deployment.status())) {
      String primary = service.deployments().stream().filter(d -> "PRIMARY".equals(d.status()))
          .map(d -> EcsServiceCheck.shortTaskDefinition(d.taskDefinition())).findFirst().orElse("something else");
      return Optional.of(failure("Another deployment replaced this one: the service now runs " + primary,
          "The deployment of " + EcsServiceCheck.shortTaskDefinition(arn) + " is " + deployment.status() + recentEvents(service)));
    }
    // Controllers other than ECS report no rollout state; then a lone deployment at full strength is done.
    boolean completed = rollout == null
        ? running == desired && service.deployments().size() == 1
        : "COMPLETED".equals(rollout) && running == desired;
    if (completed) {
      return Optional.of(TargetOutcome.success(redactor.redact("Rollout COMPLETED: " + counts + " running ("
          + EcsServiceCheck.shortTaskDefinition(arn) + ")"), arn, null));
    }
    lastSeen = counts + " tasks running · " + (rollout == null ? "no rollout state" : rollout);
    progress("Waiting for the rollout", lastSeen);
    return Optional.empty();
  }

  /** A poll that failed for a transient reason is noted and tried again; anything else ends the deploy. */
  private Optional<TargetOutcome> pollFailed(Throwable failure) {
    if (!EcsFailures.isTransient(failure)) {
      return Optional.of(EcsFailures.outcome(failure, redactor));
    }
    progress("Waiting for the rollout", EcsFailures.brief(failure, redactor) + "; trying again");
    return Optional.empty();
  }

  private static String recentEvents(Service service) {
    List<String> events = service.events().stream()
        .limit(EVENTS_IN_DETAIL)
        .map(ServiceEvent::message)
        .toList();
    return events.isEmpty() ? "" : "\nRecent service events:\n" + String.join("\n", events);
  }

  // --- ending -----------------------------------------------------------------------------------

  private TargetOutcome timedOut() {
    return failure("Timed out after " + Spans.format(settings.timeout()) + " waiting for the rollout"
        + (lastSeen == null ? "" : " (" + lastSeen + ")"),
        "UpdateService was sent; ECS goes on with the deployment unless the service is rolled back.");
  }

  private TargetOutcome aborted() {
    return failure("Aborted", updateSent
        ? "UpdateService was sent; ECS goes on with the deployment unless the service is rolled back."
        : "Stopped before UpdateService; the service was not changed.");
  }

  private TargetOutcome failure(String summary, String detail) {
    return TargetOutcome.failure(redactor.redact(summary), redactor.redact(detail));
  }

  private void finish(TargetOutcome result) {
    outcome.tryComplete(result);
  }

  private boolean stopped() {
    return outcome.future().isComplete();
  }

  /** Ends a chain whose outcome an abort already settled; the failure is never seen. */
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
