package dev.preflight.deploy.fake;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A local AWS endpoint speaking the JSON 1.1 protocol that ECS and Secrets Manager use: every
 * call is a POST to {@code /} naming its operation in {@code X-Amz-Target}, and answers carry
 * the shapes the real services return (dates as epoch seconds, errors as {@code __type}).
 *
 * <p>Unlike moto it lets a test say exactly what ECS reports (a rollout IN_PROGRESS, one task
 * of two running). Operations are a small dispatch table by target, so UpdateService,
 * RegisterTaskDefinition and rollout progression can be added with {@link #on}.
 * Signatures are not checked.
 */
public final class FakeAws {

  public static final String ACCOUNT = "123456789012";
  public static final String REGION = "us-east-1";
  public static final String ECS = "AmazonEC2ContainerServiceV20141113.";
  public static final String SECRETS_MANAGER = "secretsmanager.";

  private final Map<String, Function<JsonObject, Reply>> operations = new ConcurrentHashMap<>();
  private final List<String> calls = new CopyOnWriteArrayList<>();
  private final Map<String, Secret> secrets = new ConcurrentHashMap<>();
  private final Map<String, Map<String, EcsService>> clusters = new ConcurrentHashMap<>();
  private HttpServer server;

  private FakeAws() {
    on(SECRETS_MANAGER + "DescribeSecret", this::describeSecret);
    on(ECS + "DescribeServices", this::describeServices);
  }

  public static Future<FakeAws> start(Vertx vertx) {
    FakeAws fake = new FakeAws();
    return vertx.createHttpServer()
        .requestHandler(fake::handle)
        .listen(0, "127.0.0.1")
        .map(server -> {
          fake.server = server;
          return fake;
        });
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.actualPort());
  }

  public Future<Void> close() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  /** Adds or replaces the operation answering {@code target}, e.g. {@code ECS + "UpdateService"}. */
  public FakeAws on(String target, Function<JsonObject, Reply> operation) {
    operations.put(target, operation);
    return this;
  }

  /** Every operation called so far, in order, without its prefix: "DescribeSecret". */
  public List<String> calls() {
    return List.copyOf(calls);
  }

  public FakeAws secret(String name, String value, Instant lastChanged) {
    secrets.put(name, new Secret(name, value, lastChanged));
    return this;
  }

  public FakeAws cluster(String name) {
    clusters.computeIfAbsent(name, n -> new ConcurrentHashMap<>());
    return this;
  }

  public FakeAws service(String cluster, EcsService service) {
    cluster(cluster);
    clusters.get(cluster).put(service.name(), service);
    return this;
  }

  public EcsService service(String cluster, String name) {
    return clusters.getOrDefault(cluster, Map.of()).get(name);
  }

  private void handle(HttpServerRequest request) {
    request.body().onSuccess(body -> {
      String target = String.valueOf(request.getHeader("X-Amz-Target"));
      calls.add(target.substring(target.indexOf('.') + 1));
      Reply reply = dispatch(target, body);
      request.response()
          .setStatusCode(reply.status())
          .putHeader("Content-Type", "application/x-amz-json-1.1")
          .putHeader("x-amzn-RequestId", java.util.UUID.randomUUID().toString())
          .end(reply.body().encode());
    });
  }

  private Reply dispatch(String target, Buffer body) {
    Function<JsonObject, Reply> operation = operations.get(target);
    if (operation == null) {
      return Reply.error(400, "UnknownOperationException", "FakeAws does not implement " + target);
    }
    try {
      return operation.apply(body.length() == 0 ? new JsonObject() : body.toJsonObject());
    } catch (DecodeException e) {
      return Reply.error(400, "SerializationException", "the body is not JSON");
    }
  }

  private Reply describeSecret(JsonObject input) {
    String id = input.getString("SecretId", "");
    Secret secret = secrets.values().stream()
        .filter(s -> s.name().equals(id) || s.arn().equals(id))
        .findFirst()
        .orElse(null);
    if (secret == null) {
      return Reply.error(400, "ResourceNotFoundException", "Secrets Manager can't find the specified secret.");
    }
    return Reply.ok(new JsonObject()
        .put("ARN", secret.arn())
        .put("Name", secret.name())
        .put("CreatedDate", epochSeconds(secret.lastChanged()))
        .put("LastChangedDate", epochSeconds(secret.lastChanged()))
        .put("VersionIdsToStages", new JsonObject().put("6f1b2c3d-0000-4000-8000-000000000001", new JsonArray().add("AWSCURRENT"))));
  }

  private Reply describeServices(JsonObject input) {
    String cluster = shortName(input.getString("cluster", "default"));
    Map<String, EcsService> services = clusters.get(cluster);
    if (services == null) {
      return Reply.error(400, "ClusterNotFoundException", "Cluster not found.");
    }
    JsonArray found = new JsonArray();
    JsonArray failures = new JsonArray();
    for (Object requested : input.getJsonArray("services", new JsonArray())) {
      String name = shortName(String.valueOf(requested));
      EcsService service = services.get(name);
      if (service == null) {
        failures.add(new JsonObject().put("arn", serviceArn(cluster, name)).put("reason", "MISSING"));
      } else {
        found.add(service.toJson(cluster));
      }
    }
    return Reply.ok(new JsonObject().put("services", found).put("failures", failures));
  }

  static String shortName(String nameOrArn) {
    return nameOrArn.substring(nameOrArn.lastIndexOf('/') + 1);
  }

  static String serviceArn(String cluster, String name) {
    return "arn:aws:ecs:" + REGION + ":" + ACCOUNT + ":service/" + cluster + "/" + name;
  }

  static double epochSeconds(Instant instant) {
    return instant.toEpochMilli() / 1000.0;
  }

  /** What an operation answers: a status and a JSON body. */
  public record Reply(int status, JsonObject body) {

    public static Reply ok(JsonObject body) {
      return new Reply(200, body);
    }

    public static Reply error(int status, String type, String message) {
      return new Reply(status, new JsonObject().put("__type", type).put("message", message));
    }
  }

  /** The value is kept only so a test can prove it never leaves through DescribeSecret. */
  public record Secret(String name, String value, Instant lastChanged) {

    String arn() {
      return "arn:aws:secretsmanager:" + REGION + ":" + ACCOUNT + ":secret:" + name + "-AbCdEf";
    }
  }

  /**
   * An ECS service as DescribeServices reports it, with its PRIMARY deployment.
   *
   * @param taskDefinition "family:revision"
   * @param rolloutState COMPLETED, IN_PROGRESS or FAILED; null leaves it out, as non-ECS
   *     deployment controllers do
   */
  public record EcsService(
      String name, String status, int desiredCount, int runningCount, String rolloutState, String taskDefinition) {

    public static EcsService steady(String name, int count, String taskDefinition) {
      return new EcsService(name, "ACTIVE", count, count, "COMPLETED", taskDefinition);
    }

    public EcsService withRunning(int running, String rollout) {
      return new EcsService(name, status, desiredCount, running, rollout, taskDefinition);
    }

    JsonObject toJson(String cluster) {
      String taskDefinitionArn = "arn:aws:ecs:" + REGION + ":" + ACCOUNT + ":task-definition/" + taskDefinition;
      double now = epochSeconds(Instant.now());
      JsonObject deployment = new JsonObject()
          .put("id", "ecs-svc/" + Math.abs((name + taskDefinition).hashCode()))
          .put("status", "PRIMARY")
          .put("taskDefinition", taskDefinitionArn)
          .put("desiredCount", desiredCount)
          .put("runningCount", runningCount)
          .put("pendingCount", Math.max(0, desiredCount - runningCount))
          .put("failedTasks", 0)
          .put("launchType", "FARGATE")
          .put("createdAt", now)
          .put("updatedAt", now);
      if (rolloutState != null) {
        deployment.put("rolloutState", rolloutState)
            .put("rolloutStateReason", "ECS deployment " + deployment.getString("id")
                + ("COMPLETED".equals(rolloutState) ? " completed." : " in progress."));
      }
      return new JsonObject()
          .put("serviceArn", serviceArn(cluster, name))
          .put("serviceName", name)
          .put("clusterArn", "arn:aws:ecs:" + REGION + ":" + ACCOUNT + ":cluster/" + cluster)
          .put("status", status)
          .put("desiredCount", desiredCount)
          .put("runningCount", runningCount)
          .put("pendingCount", Math.max(0, desiredCount - runningCount))
          .put("launchType", "FARGATE")
          .put("taskDefinition", taskDefinitionArn)
          .put("deployments", new JsonArray().add(deployment))
          .put("events", new JsonArray())
          .put("createdAt", now)
          .put("schedulingStrategy", "REPLICA")
          .put("deploymentController", new JsonObject().put("type", "ECS"));
    }
  }
}
