package dev.preflight.deploy.target;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.preflight.deploy.aws.AwsClients;
import dev.preflight.deploy.fake.FakeEcs;
import dev.preflight.deploy.target.EcsFailures.Problem;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.ecs.EcsAsyncClient;
import software.amazon.awssdk.services.ecs.model.Service;

/**
 * Many deploys followed at once ask ECS about their services in shared DescribeServices calls of
 * at most ten services, one cluster per call, and each still sees only its own service.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class EcsDescribeBatchesTest {

  private static FakeEcs ecs;
  private static AwsClients clients;
  private static EcsAsyncClient ecsClient;

  @BeforeAll
  static void fake(Vertx vertx, VertxTestContext ctx) {
    FakeEcs.start(vertx)
        .onSuccess(started -> ecs = started)
        .onSuccess(started -> clients = started.clients())
        .onComplete(ctx.succeedingThenComplete());
  }

  @BeforeEach
  void client() {
    ecsClient = clients.ecs("us-east-1");
  }

  @AfterAll
  static void closeClients() {
    clients.close();
  }

  @Test
  void twentyFiveServicesOfOneClusterTakeThreeCallsAndASecondClusterItsOwn(Vertx vertx, VertxTestContext ctx) {
    ecs.reset();
    String definition = ecs.registerTaskDefinition("web", Map.of("web", "registry.example.com/web:1.0.0"));
    List<String> wanted = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      ecs.service("prod", "svc-" + i, definition, 1);
      wanted.add("prod/svc-" + i);
    }
    for (int i = 0; i < 3; i++) {
      ecs.service("staging", "svc-" + i, definition, 1);
      wanted.add("staging/svc-" + i);
    }
    Context context = vertx.getOrCreateContext();
    context.runOnContext(v -> {
      List<Future<Service>> followed = new ArrayList<>();
      for (String where : wanted) {
        String[] parts = where.split("/");
        followed.add(calls(context, parts[0], parts[1]).service());
      }
      Future.all(followed).onComplete(ctx.succeeding(all -> ctx.verify(() -> {
        for (int i = 0; i < wanted.size(); i++) {
          Service seen = followed.get(i).result();
          assertEquals(wanted.get(i), where(seen), "each deploy sees its own service");
        }
        // 25 in prod: 10 + 10 + 5; 3 in staging: 1.
        assertEquals(4, ecs.callCount("DescribeServices"), ecs.calls().toString());
        ctx.completeNow();
      })));
    });
  }

  @Test
  void aMissingServiceIsAProblemForItsDeployOnlyWhileItsBatchMatesCarryOn(Vertx vertx, VertxTestContext ctx) {
    ecs.reset();
    String definition = ecs.registerTaskDefinition("web", Map.of("web", "registry.example.com/web:1.0.0"));
    ecs.service("prod", "web", definition, 1);
    ecs.service("prod", "api", definition, 1);
    Context context = vertx.getOrCreateContext();
    context.runOnContext(v -> {
      Future<Service> web = calls(context, "prod", "web").service();
      Future<Service> gone = calls(context, "prod", "gone").service();
      Future<Service> api = calls(context, "prod", "api").service();
      Future.join(web, gone, api).onComplete(joined -> ctx.verify(() -> {
        assertEquals("web", web.result().serviceName());
        assertEquals("api", api.result().serviceName());
        Problem problem = assertInstanceOf(Problem.class, gone.cause());
        assertEquals("ECS service gone not found in cluster prod", problem.getMessage());
        assertEquals(1, ecs.callCount("DescribeServices"), ecs.calls().toString());
        ctx.completeNow();
      }));
    });
  }

  @Test
  void aMissingClusterFailsEveryDeployOfItsBatchAsAProblem(Vertx vertx, VertxTestContext ctx) {
    ecs.reset();
    Context context = vertx.getOrCreateContext();
    context.runOnContext(v -> {
      Future<Service> one = calls(context, "nowhere", "web").service();
      Future<Service> two = calls(context, "nowhere", "api").service();
      Future.join(one, two).onComplete(joined -> ctx.verify(() -> {
        for (Future<Service> each : List.of(one, two)) {
          Problem problem = assertInstanceOf(Problem.class, each.cause());
          assertEquals("ECS cluster nowhere not found", problem.getMessage());
        }
        assertEquals(1, ecs.callCount("DescribeServices"), ecs.calls().toString());
        ctx.completeNow();
      }));
    });
  }

  /** The client is built on the test's thread beforehand: building one takes a while, too long for an event loop. */
  private static EcsCalls calls(Context context, String cluster, String service) {
    return new EcsCalls(context, ecsClient,
        new EcsSettings(cluster, service, null, null, "us-east-1", Duration.ofMinutes(1)));
  }

  /** "cluster/service" from what ECS answered: the cluster's name is the tail of its ARN. */
  private static String where(Service service) {
    return service.clusterArn().substring(service.clusterArn().lastIndexOf('/') + 1) + "/" + service.serviceName();
  }
}
