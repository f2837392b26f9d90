package dev.preflight.deploy.action;

import dev.preflight.checklists.config.EcsRunTaskAction;
import dev.preflight.checklists.secret.Variables;
import dev.preflight.checklists.time.Spans;
import dev.preflight.deploy.aws.AwsClients;
import dev.preflight.deploy.runner.FollowRunner;
import dev.preflight.deploy.runner.Observation;
import dev.preflight.deploy.runner.Rollout;
import dev.preflight.deploy.target.TargetOutcome;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import software.amazon.awssdk.services.ecs.EcsAsyncClient;
import software.amazon.awssdk.services.ecs.model.AssignPublicIp;
import software.amazon.awssdk.services.ecs.model.Container;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.ContainerOverride;
import software.amazon.awssdk.services.ecs.model.KeyValuePair;
import software.amazon.awssdk.services.ecs.model.RunTaskRequest;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;

/**
 * Runs an {@code ecs-run-task} step: RunTask, then DescribeTasks every interval until the task
 * has STOPPED; the exit codes of its essential containers decide. The journal holds the client
 * token before RunTask (so a retried RunTask after a crash is the same request, which ECS answers
 * with the same task) and the task's ARN right after, so a restart follows that task.
 * Abort and timeout stop the task (StopTask).
 */
public final class EcsRunTaskRunner implements ActionRunner<EcsRunTaskAction> {

  static final String CLIENT_TOKEN = "clientToken";
  static final String TASK_ARN = "taskArn";
  static final String STARTED_AT = "startedAt";

  private final Vertx vertx;
  private final AwsClients clients;
  private final FollowRunner runner;

  /** @param interval between two DescribeTasks of a task under way */
  public EcsRunTaskRunner(Vertx vertx, AwsClients clients, Duration interval) {
    this.vertx = vertx;
    this.clients = clients;
    this.runner = new FollowRunner(vertx, interval);
  }

  @Override
  public Future<ActionOutcome> run(EcsRunTaskAction spec, ActionContext context) {
    TaskRollout rollout = new TaskRollout(spec, context);
    return runner.run(rollout, context.journal())
        .map(outcome -> new ActionOutcome(outcome.succeeded(), outcome.summary(), outcome.detail(), rollout.link));
  }

  private final class TaskRollout implements Rollout {

    private final EcsRunTaskAction spec;
    private final ActionContext context;
    private Instant startedAt;
    private String taskArn;
    private TaskDefinition definition;
    String link;

    TaskRollout(EcsRunTaskAction spec, ActionContext context) {
      this.spec = spec;
      this.context = context;
    }

    private EcsAsyncClient ecs() {
      return clients.ecs(spec.region());
    }

    @Override
    public Future<Observation> start() {
      Map<String, String> state = context.journal().state();
      startedAt = AwsCall.recordedOrNow(state.get(STARTED_AT));
      taskArn = state.get(TASK_ARN);
      if (taskArn != null) {
        return Future.succeededFuture(Observation.running("Following task " + shortId(taskArn), null));
      }
      String token = state.getOrDefault(CLIENT_TOKEN, UUID.randomUUID().toString());
      RunTaskRequest request;
      try {
        request = request(token);
      } catch (Variables.MissingVariableException e) {
        return Future.succeededFuture(Observation.failed(e.getMessage(), null));
      }
      return context.journal().record(Map.of(CLIENT_TOKEN, token, STARTED_AT, startedAt.toString()))
          .compose(v -> AwsCall.call(vertx, () -> ecs().runTask(request)))
          .compose(response -> {
            if (!response.hasTasks() || response.tasks().isEmpty()) {
              String why = response.failures().stream().map(f -> f.reason() + (f.detail() == null ? "" : " (" + f.detail() + ")"))
                  .findFirst().orElse("no task was started");
              return Future.succeededFuture(Observation.failed(context.redactor().redact("RunTask started no task: " + why),
                  null));
            }
            taskArn = response.tasks().get(0).taskArn();
            return context.journal().record(Map.of(TASK_ARN, taskArn))
                .map(stored -> Observation.running("Task " + shortId(taskArn) + " started", null));
          })
          .recover(e -> AwsCall.refused(e)
              ? Future.succeededFuture(Observation.failed(AwsCall.line("RunTask", e, context.redactor()), null))
              : Future.failedFuture(e));
    }

    private RunTaskRequest request(String token) {
      Fill fill = new Fill(context);
      RunTaskRequest.Builder b = RunTaskRequest.builder()
          .cluster(fill.variables(spec.cluster()))
          .taskDefinition(fill.variables(spec.taskDefinition()))
          .launchType(spec.launchType())
          .count(1)
          .startedBy("preflight")
          .clientToken(token);
      if (spec.container() != null) {
        ContainerOverride.Builder override = ContainerOverride.builder().name(spec.container());
        if (!spec.command().isEmpty()) {
          override.command(fill.texts(spec.command()));
        }
        if (!spec.env().isEmpty()) {
          List<KeyValuePair> env = new ArrayList<>();
          fill.values(spec.env()).forEach((k, v) -> env.add(KeyValuePair.builder().name(k).value(v).build()));
          override.environment(env);
        }
        b.overrides(o -> o.containerOverrides(override.build()));
      }
      if (!spec.subnets().isEmpty()) {
        b.networkConfiguration(n -> n.awsvpcConfiguration(a -> a
            .subnets(spec.subnets().stream().map(fill::variables).toList())
            .securityGroups(spec.securityGroups().stream().map(fill::variables).toList())
            .assignPublicIp(spec.assignPublicIp() ? AssignPublicIp.ENABLED : AssignPublicIp.DISABLED)));
      }
      return b.build();
    }

    @Override
    public Instant deadline() {
      return startedAt.plus(spec.timeout());
    }

    @Override
    public Future<Observation> observe() {
      String cluster = new Fill(context).variables(spec.cluster());
      return AwsCall.call(vertx, () -> ecs().describeTasks(r -> r.cluster(cluster).tasks(taskArn)))
          .compose(response -> {
            if (!response.hasTasks() || response.tasks().isEmpty()) {
              return Future.succeededFuture(Observation.failed("Task " + shortId(taskArn) + " is not known to ECS any more",
                  null));
            }
            Task task = response.tasks().get(0);
            if (!"STOPPED".equals(task.lastStatus())) {
              return Future.succeededFuture(Observation.running("Task " + shortId(taskArn) + " " + task.lastStatus()
                  .toLowerCase(), null));
            }
            return definition(task).map(def -> judged(task, def));
          })
          .recover(e -> AwsCall.refused(e)
              ? Future.succeededFuture(Observation.failed(AwsCall.line("DescribeTasks", e, context.redactor()), null))
              : Future.failedFuture(e));
    }

    /** The task definition, for which containers are essential and where they log; null when it cannot be read. */
    private Future<TaskDefinition> definition(Task task) {
      if (definition != null) {
        return Future.succeededFuture(definition);
      }
      return AwsCall.call(vertx, () -> ecs().describeTaskDefinition(r -> r.taskDefinition(task.taskDefinitionArn())))
          .map(response -> {
            definition = response.taskDefinition();
            return definition;
          })
          .otherwise((TaskDefinition) null);
    }

    private Observation judged(Task task, TaskDefinition def) {
      List<String> codes = new ArrayList<>();
      boolean passed = true;
      for (Container container : task.containers()) {
        Optional<ContainerDefinition> cd = def == null ? Optional.empty()
            : def.containerDefinitions().stream().filter(c -> c.name().equals(container.name())).findFirst();
        boolean essential = cd.map(c -> c.essential() == null || c.essential()).orElse(true);
        if (!essential) {
          continue;
        }
        if (link == null) {
          link = cd.flatMap(c -> logsLink(c, taskArn)).orElse(null);
        }
        Integer exit = container.exitCode();
        codes.add(container.name() + " " + (exit == null ? "no exit code" : "exited " + exit));
        passed &= exit != null && exit == 0;
      }
      String elapsed = Spans.format(Duration.between(startedAt, Instant.now()));
      String detail = task.stoppedReason() == null ? null : context.redactor().redact("Stopped: " + task.stoppedReason());
      String summary = "Task " + shortId(taskArn) + ": " + (codes.isEmpty() ? "no essential container" : String.join(", ", codes))
          + " after " + elapsed;
      if (codes.isEmpty()) {
        passed = false;
      }
      return passed ? Observation.succeeded(summary, null, detail) : Observation.failed(summary, detail);
    }

    @Override
    public Future<TargetOutcome> stop(Halt why) {
      String reason = why == Halt.TIMED_OUT ? "timed out after " + Spans.format(spec.timeout()) : "Aborted";
      if (why == Halt.STOPPING || taskArn == null) {
        return Future.succeededFuture(TargetOutcome.failure(reason, null));
      }
      String cluster = new Fill(context).variables(spec.cluster());
      return AwsCall.call(vertx, () -> ecs().stopTask(r -> r.cluster(cluster).task(taskArn).reason("Preflight: " + reason)))
          .map(r -> TargetOutcome.failure(reason + "; task " + shortId(taskArn) + " was stopped", null))
          .otherwise(e -> TargetOutcome.failure(reason + "; stopping task " + shortId(taskArn) + " failed: "
              + AwsCall.line("StopTask", e, context.redactor()), null));
    }

    @Override
    public TargetOutcome failed(Throwable failure) {
      return TargetOutcome.failure(AwsCall.line(taskArn == null ? "RunTask" : "DescribeTasks", failure,
          context.redactor()), null);
    }
  }

  /** The task's id, the end of its ARN. */
  static String shortId(String arn) {
    return arn.substring(arn.lastIndexOf('/') + 1);
  }

  /** The CloudWatch Logs console link of the container's stream, when it logs with awslogs. */
  static Optional<String> logsLink(ContainerDefinition container, String taskArn) {
    if (container.logConfiguration() == null || !"awslogs".equals(container.logConfiguration().logDriverAsString())) {
      return Optional.empty();
    }
    Map<String, String> options = container.logConfiguration().options();
    String group = options.get("awslogs-group");
    String region = options.get("awslogs-region");
    String prefix = options.get("awslogs-stream-prefix");
    if (group == null || region == null) {
      return Optional.empty();
    }
    String base = "https://" + region + ".console.aws.amazon.com/cloudwatch/home?region=" + region
        + "#logsV2:log-groups/log-group/" + consolePart(group);
    return Optional.of(prefix == null ? base
        : base + "/log-events/" + consolePart(prefix + "/" + container.name() + "/" + shortId(taskArn)));
  }

  /** The console escapes a path part twice over, with $ for %. */
  private static String consolePart(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("%", "$25");
  }
}
