package dev.preflight.deploy.fake;

import dev.preflight.deploy.aws.AwsClients;
import dev.preflight.deploy.fake.FakeAws.Reply;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * A local ECS that rolls deployments forward, which moto does not: UpdateService starts a new
 * PRIMARY deployment IN_PROGRESS at 0 running, and every DescribeServices after that starts
 * {@link #pace} more tasks until it is COMPLETED (or, when scripted, FAILED). The tasks of the
 * deployment it replaces stop as the new ones start.
 *
 * <p>It speaks ECS's JSON 1.1 protocol through {@link FakeAws} (DescribeServices,
 * DescribeTaskDefinition, RegisterTaskDefinition, UpdateService), with the shapes and error
 * types ECS uses, so the real SDK client talks to it unchanged. Safe to inspect and script from
 * any thread while the server answers on its event loop.
 */
public final class FakeEcs {

  private static final String ARN_PREFIX = "arn:aws:ecs:" + FakeAws.REGION + ":" + FakeAws.ACCOUNT + ":";

  /** UpdateService as ECS applied it (a throttled or refused call is not in the list). */
  public record UpdateServiceCall(String cluster, String service, String taskDefinition) {}

  /** The desiredCount (null when not sent) and forceNewDeployment of each applied UpdateService. */
  /** One DescribeServices as it arrived: the cluster, the services it named in order, and when (epoch ms). */
  public record DescribeServicesCall(String cluster, List<String> services, long atMillis) {}

  public record ScaleCall(String cluster, String service, Integer desiredCount, boolean forceNewDeployment) {}

  private final FakeAws aws;
  private final List<UpdateServiceCall> updates = new CopyOnWriteArrayList<>();
  private final List<ScaleCall> scales = new CopyOnWriteArrayList<>();
  private final List<String> calls = new CopyOnWriteArrayList<>();
  private final List<DescribeServicesCall> describes = new CopyOnWriteArrayList<>();
  private final Map<String, JsonObject> taskDefinitions = new LinkedHashMap<>();
  private final Map<String, JsonArray> tags = new HashMap<>();
  private final Map<String, Integer> revisions = new HashMap<>();
  private final Map<String, Map<String, FakeService>> clusters = new HashMap<>();
  private final Map<String, AtomicInteger> throttled = new HashMap<>();
  private final Map<String, String> denied = new HashMap<>();
  private int pace = 1;
  /** Services named in all DescribeServices calls answered so far. */
  private long servicesDescribed;
  private String failureReason;
  private long deploymentIds;

  private FakeEcs(FakeAws aws) {
    this.aws = aws;
    handle("DescribeServices", this::describeServices);
    handle("DescribeTaskDefinition", this::describeTaskDefinition);
    handle("RegisterTaskDefinition", this::answerRegisterTaskDefinition);
    handle("UpdateService", this::updateService);
    handle("RunTask", this::runTask);
    handle("DescribeTasks", this::describeTasks);
    handle("StopTask", this::stopTask);
  }

  // --- one-off tasks (RunTask, DescribeTasks, StopTask), which moto cannot run with awsvpc ----

  /** A RunTask as ECS accepted it: the task it started, the token and the command override. */
  public record RunTaskCall(String cluster, String taskDefinition, String clientToken, JsonArray command, String taskArn) {}

  private final List<RunTaskCall> runTasks = new CopyOnWriteArrayList<>();
  private final Map<String, FakeTask> tasks = new LinkedHashMap<>();
  private final Map<String, String> tasksByToken = new HashMap<>();
  private int taskExitCode;
  private long taskRunsMillis = 2000;

  private static final class FakeTask {
    final String arn;
    final String cluster;
    final String definitionArn;
    final List<String> containers;
    Instant stopsAt;
    Integer exitCode;
    String stoppedReason = "Essential container in task exited";

    FakeTask(String arn, String cluster, String definitionArn, List<String> containers, Instant stopsAt, int exitCode) {
      this.arn = arn;
      this.cluster = cluster;
      this.definitionArn = definitionArn;
      this.containers = containers;
      this.stopsAt = stopsAt;
      this.exitCode = exitCode;
    }
  }

  /** Tasks started from now on run for {@code runFor}, then stop with {@code exitCode}. */
  public synchronized FakeEcs tasks(Duration runFor, int exitCode) {
    taskRunsMillis = runFor.toMillis();
    taskExitCode = exitCode;
    return this;
  }

  public List<RunTaskCall> runTaskCalls() {
    return List.copyOf(runTasks);
  }

  private Reply runTask(JsonObject input) {
    String cluster = FakeAws.shortName(input.getString("cluster", "default"));
    if (!clusters.containsKey(cluster)) {
      return Reply.error(400, "ClusterNotFoundException", "Cluster not found.");
    }
    String token = input.getString("clientToken");
    if (token != null && tasksByToken.containsKey(token)) {
      // ECS answers a repeated request with the task it started for the token.
      return Reply.ok(new JsonObject().put("tasks", new JsonArray().add(taskJson(tasks.get(tasksByToken.get(token)))))
          .put("failures", new JsonArray()));
    }
    String definitionArn = resolve(input.getString("taskDefinition", ""));
    JsonObject definition = taskDefinitions.get(definitionArn);
    if (definition == null) {
      return Reply.error(400, "ClientException", "TaskDefinition not found.");
    }
    List<String> containers = new ArrayList<>();
    for (Object c : definition.getJsonArray("containerDefinitions")) {
      containers.add(((JsonObject) c).getString("name"));
    }
    String arn = ARN_PREFIX + "task/" + cluster + "/" + java.util.UUID.randomUUID().toString().replace("-", "");
    FakeTask task = new FakeTask(arn, cluster, definitionArn, containers,
        Instant.now().plusMillis(taskRunsMillis), taskExitCode);
    tasks.put(arn, task);
    if (token != null) {
      tasksByToken.put(token, arn);
    }
    JsonArray command = null;
    for (Object o : input.getJsonObject("overrides", new JsonObject()).getJsonArray("containerOverrides", new JsonArray())) {
      command = ((JsonObject) o).getJsonArray("command");
    }
    runTasks.add(new RunTaskCall(cluster, definitionArn, token, command, arn));
    return Reply.ok(new JsonObject().put("tasks", new JsonArray().add(taskJson(task))).put("failures", new JsonArray()));
  }

  private Reply describeTasks(JsonObject input) {
    JsonArray found = new JsonArray();
    JsonArray failures = new JsonArray();
    for (Object requested : input.getJsonArray("tasks", new JsonArray())) {
      FakeTask task = tasks.get(String.valueOf(requested));
      if (task == null) {
        failures.add(new JsonObject().put("arn", String.valueOf(requested)).put("reason", "MISSING"));
      } else {
        found.add(taskJson(task));
      }
    }
    return Reply.ok(new JsonObject().put("tasks", found).put("failures", failures));
  }

  private Reply stopTask(JsonObject input) {
    FakeTask task = tasks.get(input.getString("task", ""));
    if (task == null) {
      return Reply.error(400, "InvalidParameterException", "The referenced task was not found.");
    }
    if (Instant.now().isBefore(task.stopsAt)) {
      task.stopsAt = Instant.now();
      task.exitCode = 137;
      task.stoppedReason = input.getString("reason", "Task stopped by user");
    }
    return Reply.ok(new JsonObject().put("task", taskJson(task)));
  }

  private static JsonObject taskJson(FakeTask task) {
    boolean stopped = !Instant.now().isBefore(task.stopsAt);
    JsonArray containers = new JsonArray();
    for (String name : task.containers) {
      JsonObject c = new JsonObject().put("name", name).put("lastStatus", stopped ? "STOPPED" : "RUNNING")
          .put("taskArn", task.arn);
      if (stopped && task.exitCode != null) {
        c.put("exitCode", task.exitCode);
      }
      containers.add(c);
    }
    JsonObject json = new JsonObject().put("taskArn", task.arn)
        .put("clusterArn", ARN_PREFIX + "cluster/" + task.cluster)
        .put("taskDefinitionArn", task.definitionArn)
        .put("lastStatus", stopped ? "STOPPED" : "RUNNING")
        .put("desiredStatus", stopped ? "STOPPED" : "RUNNING")
        .put("containers", containers);
    if (stopped) {
      json.put("stoppedReason", task.stoppedReason).put("stopCode", "EssentialContainerExited");
    }
    return json;
  }

  public static Future<FakeEcs> start(Vertx vertx) {
    return FakeAws.start(vertx).map(FakeEcs::new);
  }

  public URI endpoint() {
    return aws.endpoint();
  }

  /** SDK clients that reach this fake with test credentials; close them when done. */
  public AwsClients clients() {
    return new AwsClients(Optional.of(endpoint()),
        StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTESTTESTTEST", "dummy-secret-key")));
  }

  public Future<Void> close() {
    return aws.close();
  }

  // --- seeding and scripting -----------------------------------------------------------------

  /**
   * Forgets every cluster, service, task definition, script and recorded call, so one fake (and
   * one SDK client pointed at it) can serve a whole test class.
   */
  public synchronized FakeEcs reset() {
    updates.clear();
    scales.clear();
    calls.clear();
    describes.clear();
    taskDefinitions.clear();
    tags.clear();
    revisions.clear();
    clusters.clear();
    throttled.clear();
    denied.clear();
    pace = 1;
    failureReason = null;
    runTasks.clear();
    tasks.clear();
    tasksByToken.clear();
    taskExitCode = 0;
    taskRunsMillis = 2000;
    return this;
  }

  /** Registers a task definition as RegisterTaskDefinition would, and answers its ARN. */
  public synchronized String registerTaskDefinition(JsonObject definition) {
    String family = definition.getString("family");
    int revision = revisions.merge(family, 1, Integer::sum);
    String arn = ARN_PREFIX + "task-definition/" + family + ":" + revision;
    JsonObject stored = definition.copy();
    stored.remove("tags");
    stored.put("taskDefinitionArn", arn)
        .put("revision", revision)
        .put("status", "ACTIVE")
        .put("compatibilities", new JsonArray().add("EC2").add("FARGATE"))
        .put("registeredAt", FakeAws.epochSeconds(Instant.now()));
    taskDefinitions.put(arn, stored);
    tags.put(arn, definition.getJsonArray("tags", new JsonArray()).copy());
    return arn;
  }

  /** A Fargate task definition whose containers are {@code name → image}; answers its ARN. */
  public String registerTaskDefinition(String family, Map<String, String> images) {
    JsonArray containers = new JsonArray();
    images.forEach((name, image) -> containers.add(new JsonObject()
        .put("name", name)
        .put("image", image)
        .put("essential", true)
        .put("cpu", 0)
        .put("portMappings", new JsonArray())
        .put("environment", new JsonArray())));
    return registerTaskDefinition(new JsonObject()
        .put("family", family)
        .put("containerDefinitions", containers)
        .put("networkMode", "awsvpc")
        .put("requiresCompatibilities", new JsonArray().add("FARGATE"))
        .put("cpu", "256")
        .put("memory", "512"));
  }

  /** An ACTIVE service in a steady state: one COMPLETED deployment with every task running. */
  public synchronized FakeEcs service(String cluster, String name, String taskDefinition, int desiredCount) {
    FakeService service = new FakeService(cluster, name, desiredCount);
    FakeDeployment steady = new FakeDeployment(nextDeploymentId(), resolve(taskDefinition), desiredCount, null);
    steady.running = desiredCount;
    steady.rolloutState = "COMPLETED";
    steady.reason = "ECS deployment " + steady.id + " completed.";
    service.deployments.add(steady);
    clusters.computeIfAbsent(cluster, c -> new HashMap<>()).put(name, service);
    return this;
  }

  /** An empty cluster, so DescribeServices answers MISSING rather than ClusterNotFoundException. */
  public synchronized FakeEcs cluster(String cluster) {
    clusters.computeIfAbsent(cluster, c -> new HashMap<>());
    return this;
  }

  /** Sets a service's status, e.g. INACTIVE for one that was deleted. */
  public synchronized FakeEcs serviceStatus(String cluster, String name, String status) {
    clusters.get(cluster).get(name).status = status;
    return this;
  }

  /** How many tasks a rollout starts per DescribeServices; 0 holds every rollout where it is. */
  public synchronized FakeEcs pace(int tasksPerDescribe) {
    this.pace = tasksPerDescribe;
    return this;
  }

  /**
   * Rollouts started from now on fail: their tasks never stay up, and once as many have failed
   * as the service wants running, the deployment is FAILED with this reason. Null succeeds again.
   */
  public synchronized FakeEcs failRollouts(String reason) {
    this.failureReason = reason;
    return this;
  }

  /** The next {@code times} calls of {@code operation} answer ThrottlingException, as ECS does under load. */
  public synchronized FakeEcs throttle(String operation, int times) {
    throttled.put(operation, new AtomicInteger(times));
    return this;
  }

  /** Every call of {@code operation} answers AccessDeniedException with the message IAM gives. */
  public synchronized FakeEcs deny(String operation) {
    denied.put(operation, "User: arn:aws:iam::" + FakeAws.ACCOUNT + ":user/deployer is not authorized to perform: ecs:"
        + operation + " on resource: *");
    return this;
  }

  // --- inspection -------------------------------------------------------------------------

  /** Every UpdateService ECS applied, in order, with its desiredCount and forceNewDeployment. */
  public List<ScaleCall> scaleCalls() {
    return List.copyOf(scales);
  }

  /** The service's desired count and its running tasks, as the next DescribeServices would show before it moves. */
  public synchronized int[] counts(String cluster, String name) {
    FakeService service = clusters.get(cluster).get(name);
    return new int[] {service.desiredCount, service.deployments.stream().mapToInt(d -> d.running).sum()};
  }

  /** Every UpdateService ECS applied, in order. */
  public List<UpdateServiceCall> updateServiceCalls() {
    return List.copyOf(updates);
  }

  /** Every ECS operation called since the last reset, throttled and refused ones included: "DescribeServices". */
  public List<String> calls() {
    return List.copyOf(calls);
  }

  /** Every DescribeServices that reached the handler since the last reset (not throttled or denied ones), in order. */
  public List<DescribeServicesCall> describeServicesCalls() {
    return List.copyOf(describes);
  }

  /** How many services all DescribeServices calls answered so far named, found or not. */
  public synchronized long servicesDescribed() {
    return servicesDescribed;
  }

  public long callCount(String operation) {
    return calls().stream().filter(operation::equals).count();
  }

  /** A registered task definition as DescribeTaskDefinition shows it, or null. */
  public synchronized JsonObject taskDefinition(String arn) {
    JsonObject found = taskDefinitions.get(resolve(arn));
    return found == null ? null : found.copy();
  }

  /** {@code container name → image} of a registered task definition. */
  public synchronized Map<String, String> images(String arn) {
    Map<String, String> images = new LinkedHashMap<>();
    taskDefinitions.get(resolve(arn)).getJsonArray("containerDefinitions")
        .forEach(c -> images.put(((JsonObject) c).getString("name"), ((JsonObject) c).getString("image")));
    return images;
  }

  /** The task definition ARN the service's PRIMARY deployment runs. */
  public synchronized String serviceTaskDefinition(String cluster, String name) {
    return clusters.get(cluster).get(name).primary().taskDefinition;
  }

  // --- the protocol ---------------------------------------------------------------------------

  private void handle(String operation, Function<JsonObject, Reply> answer) {
    aws.on(FakeAws.ECS + operation, input -> {
      synchronized (this) {
        calls.add(operation);
        AtomicInteger throttles = throttled.get(operation);
        if (throttles != null && throttles.getAndDecrement() > 0) {
          return Reply.error(400, "ThrottlingException", "Rate exceeded");
        }
        if (denied.containsKey(operation)) {
          return Reply.error(400, "AccessDeniedException", denied.get(operation));
        }
        return answer.apply(input);
      }
    });
  }

  private Reply describeServices(JsonObject input) {
    String cluster = FakeAws.shortName(input.getString("cluster", "default"));
    describes.add(new DescribeServicesCall(cluster, input.getJsonArray("services", new JsonArray()).stream()
        .map(named -> FakeAws.shortName(String.valueOf(named))).toList(), System.currentTimeMillis()));
    Map<String, FakeService> services = clusters.get(cluster);
    if (services == null) {
      return Reply.error(400, "ClusterNotFoundException", "Cluster not found.");
    }
    JsonArray found = new JsonArray();
    JsonArray failures = new JsonArray();
    for (Object requested : input.getJsonArray("services", new JsonArray())) {
      servicesDescribed++;
      String name = FakeAws.shortName(String.valueOf(requested));
      FakeService service = services.get(name);
      if (service == null) {
        failures.add(new JsonObject().put("arn", FakeAws.serviceArn(cluster, name)).put("reason", "MISSING"));
      } else {
        service.advance(pace);
        found.add(service.toJson());
      }
    }
    return Reply.ok(new JsonObject().put("services", found).put("failures", failures));
  }

  private Reply describeTaskDefinition(JsonObject input) {
    String arn = resolve(input.getString("taskDefinition", ""));
    JsonObject definition = taskDefinitions.get(arn);
    if (definition == null) {
      return Reply.error(400, "ClientException", "Unable to describe task definition.");
    }
    JsonObject answer = new JsonObject().put("taskDefinition", definition.copy());
    if (input.getJsonArray("include", new JsonArray()).contains("TAGS")) {
      answer.put("tags", tags.get(arn).copy());
    }
    return Reply.ok(answer);
  }

  private Reply answerRegisterTaskDefinition(JsonObject input) {
    String family = input.getString("family");
    JsonArray containers = input.getJsonArray("containerDefinitions", new JsonArray());
    if (family == null || family.isBlank()) {
      return Reply.error(400, "ClientException", "Family must not be null or empty.");
    }
    if (containers.isEmpty()) {
      return Reply.error(400, "ClientException", "Container list cannot be empty.");
    }
    for (Object container : containers) {
      String image = ((JsonObject) container).getString("image");
      if (image == null || image.isBlank()) {
        return Reply.error(400, "ClientException", "Container.image should not be null or empty.");
      }
    }
    String arn = registerTaskDefinition(input);
    return Reply.ok(new JsonObject().put("taskDefinition", taskDefinitions.get(arn).copy())
        .put("tags", tags.get(arn).copy()));
  }

  private Reply updateService(JsonObject input) {
    String cluster = FakeAws.shortName(input.getString("cluster", "default"));
    String name = FakeAws.shortName(input.getString("service", ""));
    Map<String, FakeService> services = clusters.get(cluster);
    if (services == null) {
      return Reply.error(400, "ClusterNotFoundException", "Cluster not found.");
    }
    FakeService service = services.get(name);
    if (service == null) {
      return Reply.error(400, "ServiceNotFoundException", "Service not found.");
    }
    if (!"ACTIVE".equals(service.status)) {
      return Reply.error(400, "ServiceNotActiveException", "Service was not ACTIVE.");
    }
    String requested = input.getString("taskDefinition");
    String arn = requested == null ? service.primary().taskDefinition : resolve(requested);
    if (!taskDefinitions.containsKey(arn)) {
      return Reply.error(400, "ClientException", "TaskDefinition not found.");
    }
    if (input.containsKey("desiredCount")) {
      service.desiredCount = input.getInteger("desiredCount");
    }
    if (!arn.equals(service.primary().taskDefinition) || input.getBoolean("forceNewDeployment", false)) {
      service.start(new FakeDeployment(nextDeploymentId(), arn, service.desiredCount, failureReason));
    } else if (service.primary().desired != service.desiredCount) {
      // Scaling alone: the PRIMARY deployment moves its tasks toward the new count, pace per look.
      service.primary().desired = service.desiredCount;
      service.primary().rolloutState = "IN_PROGRESS";
    }
    scales.add(new ScaleCall(cluster, name, input.containsKey("desiredCount") ? input.getInteger("desiredCount") : null,
        input.getBoolean("forceNewDeployment", false)));
    updates.add(new UpdateServiceCall(cluster, name, arn));
    return Reply.ok(new JsonObject().put("service", service.toJson()));
  }

  /** An ARN, "family:revision" or a family (its latest ACTIVE revision) as the ARN it names. */
  private String resolve(String taskDefinition) {
    if (taskDefinition.startsWith("arn:")) {
      return taskDefinition;
    }
    if (taskDefinition.contains(":")) {
      return ARN_PREFIX + "task-definition/" + taskDefinition;
    }
    Integer latest = revisions.get(taskDefinition);
    return ARN_PREFIX + "task-definition/" + taskDefinition + ":" + (latest == null ? 0 : latest);
  }

  private String nextDeploymentId() {
    deploymentIds++;
    return "ecs-svc/" + String.format("%019d", 4_711_000_000L + deploymentIds);
  }

  /** A service and its deployments, PRIMARY first; guarded by the FakeEcs monitor. */
  private static final class FakeService {
    final String cluster;
    final String name;
    final List<FakeDeployment> deployments = new ArrayList<>();
    final List<JsonObject> events = new ArrayList<>();
    String status = "ACTIVE";
    int desiredCount;

    FakeService(String cluster, String name, int desiredCount) {
      this.cluster = cluster;
      this.name = name;
      this.desiredCount = desiredCount;
    }

    FakeDeployment primary() {
      return deployments.get(0);
    }

    void start(FakeDeployment next) {
      deployments.forEach(d -> d.status = "ACTIVE");
      deployments.add(0, next);
      event("(service " + name + ") has started a deployment of " + FakeAws.shortName(next.taskDefinition) + ".");
    }

    /** One DescribeServices worth of progress for an unfinished PRIMARY deployment. */
    void advance(int pace) {
      FakeDeployment primary = primary();
      if (!"IN_PROGRESS".equals(primary.rolloutState)) {
        return;
      }
      if (primary.failureReason != null) {
        primary.failed = Math.min(primary.desired, primary.failed + pace);
        if (pace > 0) {
          event("(service " + name + ") deployment " + primary.id + " task failed to start: essential container exited.");
        }
        if (primary.failed >= primary.desired) {
          primary.rolloutState = "FAILED";
          primary.reason = primary.failureReason;
        }
        return;
      }
      primary.running = primary.running <= primary.desired
          ? Math.min(primary.desired, primary.running + pace)
          : Math.max(primary.desired, primary.running - pace);
      int stopping = primary.running;
      for (FakeDeployment older : deployments.subList(1, deployments.size())) {
        int stopped = Math.min(older.running, stopping);
        older.running -= stopped;
        stopping -= stopped;
      }
      if (primary.running == primary.desired) {
        primary.rolloutState = "COMPLETED";
        primary.reason = "ECS deployment " + primary.id + " completed.";
        deployments.subList(1, deployments.size()).clear();
        event("(service " + name + ") has reached a steady state.");
      }
    }

    void event(String message) {
      events.add(0, new JsonObject()
          .put("id", java.util.UUID.randomUUID().toString())
          .put("createdAt", FakeAws.epochSeconds(Instant.now()))
          .put("message", message));
    }

    JsonObject toJson() {
      JsonArray deploymentsJson = new JsonArray();
      deployments.forEach(d -> deploymentsJson.add(d.toJson()));
      int running = deployments.stream().mapToInt(d -> d.running).sum();
      return new JsonObject()
          .put("serviceArn", FakeAws.serviceArn(cluster, name))
          .put("serviceName", name)
          .put("clusterArn", ARN_PREFIX + "cluster/" + cluster)
          .put("status", status)
          .put("desiredCount", desiredCount)
          .put("runningCount", running)
          .put("pendingCount", Math.max(0, desiredCount - running))
          .put("launchType", "FARGATE")
          .put("taskDefinition", primary().taskDefinition)
          .put("deployments", deploymentsJson)
          .put("events", new JsonArray(new ArrayList<>(events)))
          .put("createdAt", FakeAws.epochSeconds(Instant.now()))
          .put("schedulingStrategy", "REPLICA")
          .put("deploymentController", new JsonObject().put("type", "ECS"));
    }
  }

  /** One deployment; {@code failureReason} set means its tasks will never stay up. */
  private static final class FakeDeployment {
    final String id;
    final String taskDefinition;
    int desired;
    final String failureReason;
    final double createdAt = FakeAws.epochSeconds(Instant.now());
    String status = "PRIMARY";
    String rolloutState = "IN_PROGRESS";
    String reason;
    int running;
    int failed;

    FakeDeployment(String id, String taskDefinition, int desired, String failureReason) {
      this.id = id;
      this.taskDefinition = taskDefinition;
      this.desired = desired;
      this.failureReason = failureReason;
      this.reason = "ECS deployment " + id + " in progress.";
    }

    JsonObject toJson() {
      return new JsonObject()
          .put("id", id)
          .put("status", status)
          .put("taskDefinition", taskDefinition)
          .put("desiredCount", desired)
          .put("pendingCount", Math.max(0, desired - running))
          .put("runningCount", running)
          .put("failedTasks", failed)
          .put("createdAt", createdAt)
          .put("updatedAt", FakeAws.epochSeconds(Instant.now()))
          .put("launchType", "FARGATE")
          .put("rolloutState", rolloutState)
          .put("rolloutStateReason", reason);
    }
  }
}
