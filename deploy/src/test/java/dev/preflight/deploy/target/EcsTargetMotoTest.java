package dev.preflight.deploy.target;

import static dev.preflight.deploy.target.EcsTarget.PREVIOUS_TASK_DEFINITION;
import static dev.preflight.deploy.target.EcsTarget.TASK_DEFINITION;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.preflight.checklists.deploy.Target;
import dev.preflight.checklists.secret.Variables;
import dev.preflight.deploy.aws.AwsClients;
import dev.preflight.deploy.aws.AwsFutures;
import dev.preflight.deploy.fake.Moto;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.ecs.EcsAsyncClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;

/**
 * The ECS target's calls against moto, whose request and response handling is AWS's own model.
 * Moto never moves a rollout (its deployment keeps the task definition it started with), so a
 * deploy here ends in a timeout; what is asserted is what moto's ECS holds afterwards. Skipped
 * where moto is not installed.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 90, timeUnit = TimeUnit.SECONDS)
class EcsTargetMotoTest {

  private static final String REGION = "us-east-1";
  private static final Duration POLL = Duration.ofMillis(50);
  private static final StaticCredentialsProvider CREDENTIALS =
      StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTESTTESTTEST", "dummy-secret-key"));

  private static Moto moto;
  private static AwsClients clients;
  private static EcsAsyncClient ecs;

  @BeforeAll
  static void start(Vertx vertx, VertxTestContext ctx) throws IOException {
    if (!Moto.available()) {
      ctx.completeNow();
      return;
    }
    moto = Moto.launch(Map.of("MOTO_ECS_SERVICE_RUNNING", "2"));
    clients = new AwsClients(Optional.of(moto.endpoint()), CREDENTIALS);
    // Built here, on the test thread: building a client may read files.
    ecs = clients.ecs(REGION);
    Context context = vertx.getOrCreateContext();
    moto.awaitReady(vertx)
        .compose(ready -> call(ecs.createCluster(b -> b.clusterName("prod")), context))
        .compose(v -> seedService("web", context))
        .compose(v -> seedService("api", context))
        .onComplete(ctx.succeedingThenComplete());
  }

  /** A service on revision 1 of its own family: the app container and an envoy sidecar. */
  private static Future<Void> seedService(String name, Context context) {
    return call(ecs.registerTaskDefinition(b -> b.family(name).containerDefinitions(
            ContainerDefinition.builder().name(name).image("nginx:1.27").memory(256).essential(true).build(),
            ContainerDefinition.builder().name("envoy").image("envoyproxy/envoy:v1.29.1").memory(128).build())), context)
        .compose(v -> call(ecs.createService(b -> b.cluster("prod").serviceName(name).taskDefinition(name)
            .desiredCount(2)), context))
        .mapEmpty();
  }

  @AfterAll
  static void stop() {
    if (moto != null) {
      moto.stop();
      clients.close();
    }
  }

  private static <T> Future<T> call(java.util.concurrent.CompletableFuture<T> request, Context context) {
    return AwsFutures.toVertx(request, context);
  }

  private static DeployJob job(String service, String version, String revision, Duration timeout) {
    return new DeployJob("run-moto", service, "production", version, revision,
        new Target.Ecs("prod", service, service, null, REGION, timeout), Variables.of(Map.of()));
  }

  private static Future<String> serviceTaskDefinition(String service, Context context) {
    return call(ecs.describeServices(b -> b.cluster("prod").services(service)), context)
        .map(response -> response.services().get(0).taskDefinition());
  }

  private static Future<Map<String, String>> images(String taskDefinition, Context context) {
    return call(ecs.describeTaskDefinition(b -> b.taskDefinition(taskDefinition)), context)
        .map(response -> response.taskDefinition())
        .map(TaskDefinition::containerDefinitions)
        .map(containers -> containers.stream().collect(Collectors.toMap(ContainerDefinition::name,
            ContainerDefinition::image)));
  }

  @Test
  void deployRegistersTheTaggedRevisionAndPointsTheServiceAtIt(Vertx vertx, VertxTestContext ctx) {
    assumeTrue(moto != null, "moto is not installed");
    Context context = vertx.getOrCreateContext();
    EcsTestJournal journal = new EcsTestJournal();
    new EcsTarget(vertx, clients, POLL).deploy(job("web", "v2.0.0", null, Duration.ofMillis(500)), journal)
        .compose(outcome -> {
          // Moto's deployment never switches to the new task definition, so the rollout cannot finish.
          assertFalse(outcome.succeeded());
          assertTrue(outcome.summary().startsWith("Timed out after 500 ms waiting for the rollout"), outcome.summary());
          String deployed = journal.state().get(TASK_DEFINITION);
          assertTrue(deployed.endsWith(":task-definition/web:2"), deployed);
          assertTrue(journal.state().get(PREVIOUS_TASK_DEFINITION).endsWith(":task-definition/web:1"));
          return serviceTaskDefinition("web", context).compose(current -> {
            assertEquals(deployed, current);
            return images(deployed, context);
          });
        })
        .onComplete(ctx.succeeding(images -> ctx.verify(() -> {
          assertEquals(Map.of("web", "nginx:v2.0.0", "envoy", "envoyproxy/envoy:v1.29.1"), images);
          ctx.completeNow();
        })));
  }

  @Test
  void rollbackPointsTheServiceBackAtTheRecordedRevision(Vertx vertx, VertxTestContext ctx) {
    assumeTrue(moto != null, "moto is not installed");
    Context context = vertx.getOrCreateContext();
    EcsTarget target = new EcsTarget(vertx, clients, POLL);
    EcsTestJournal deploy = new EcsTestJournal();
    target.deploy(job("api", "v2.0.0", null, Duration.ofMillis(300)), deploy)
        .compose(timedOut -> {
          String previous = deploy.state().get(PREVIOUS_TASK_DEFINITION);
          assertNotEquals(previous, deploy.state().get(TASK_DEFINITION));
          return target.rollback(job("api", "1.27", previous, Duration.ofSeconds(20)), new EcsTestJournal())
              .compose(outcome -> serviceTaskDefinition("api", context).map(current -> {
                // Moto's only deployment still runs revision 1, COMPLETED with 2 of 2: the rollback is done.
                assertTrue(outcome.succeeded(), outcome::toString);
                assertEquals("Rollout COMPLETED: 2/2 running (api:1)", outcome.summary());
                assertEquals(previous, outcome.revision());
                assertEquals(previous, current);
                return current;
              }));
        })
        .onComplete(ctx.succeeding(current -> ctx.completeNow()));
  }
}
