package dev.preflight.deploy.target;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.preflight.deploy.aws.AwsClients;
import dev.preflight.deploy.fake.FakeEcs;
import dev.preflight.deploy.runner.PollRounds;
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
import software.amazon.awssdk.services.ecs.model.DescribeServicesResponse;
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

  /**
   * The follow loop's looks of one round: 25 services of one cluster, looked at by runs on three
   * event loops, arriving in five waves of five, 20 ms apart (far beyond the immediate path's few
   * milliseconds, which made five calls of five), and one service looked at by two runs. ECS sees
   * ceil(25 / 10) = 3 calls that name each service once, every look gets an answer naming its
   * service, and a second cluster's look in the same round takes a call of its own. The looks are
   * all made "at" the round's instant, so a slow machine cannot move one into the next round.
   */
  @Test
  void servicesDueInOneRoundTakeCeilOfATenthAsManyCallsNamingEachOnce(Vertx vertx, VertxTestContext ctx) {
    ecs.reset();
    String definition = ecs.registerTaskDefinition("web", Map.of("web", "registry.example.com/web:1.0.0"));
    for (int i = 0; i < 25; i++) {
      ecs.service("prod", "svc-" + i, definition, 1);
    }
    ecs.service("staging", "svc-0", definition, 1);
    PollRounds rounds = new PollRounds(Duration.ofSeconds(10));
    long instant = rounds.after(System.currentTimeMillis());
    EcsDescribeBatches batches = EcsDescribeBatches.of(ecsClient);
    List<Context> loops = List.of(vertx.getOrCreateContext(), vertx.getOrCreateContext(), vertx.getOrCreateContext());
    Map<String, Future<DescribeServicesResponse>> looks = new java.util.concurrent.ConcurrentHashMap<>();
    List<Future<Void>> waves = new ArrayList<>();
    for (int wave = 0; wave < 5; wave++) {
      int first = wave * 5;
      Context loop = loops.get(wave % loops.size());
      io.vertx.core.Promise<Void> waveDone = io.vertx.core.Promise.promise();
      waves.add(waveDone.future());
      vertx.setTimer(1 + wave * 20L, t -> loop.runOnContext(v -> {
        List<Future<DescribeServicesResponse>> here = new ArrayList<>();
        for (int i = first; i < first + 5; i++) {
          here.add(look(batches, loop, "prod", "svc-" + i, rounds, instant, looks));
        }
        if (first == 0) {
          // A second run following svc-3, and a look at another cluster.
          here.add(look(batches, loop, "prod", "svc-3", rounds, instant, looks));
          here.add(look(batches, loop, "staging", "svc-0", rounds, instant, looks));
        }
        Future.all(here).<Void>mapEmpty().onComplete(waveDone);
      }));
    }
    Future.all(waves).onComplete(ctx.succeeding(all -> ctx.verify(() -> {
      looks.forEach((where, answer) -> assertEquals(true, answer.result().services().stream()
          .anyMatch(s -> where.endsWith("/" + s.serviceName()) && where.startsWith(clusterOf(s) + "/")), where));
      List<FakeEcs.DescribeServicesCall> seen = ecs.describeServicesCalls();
      List<FakeEcs.DescribeServicesCall> prod = seen.stream().filter(c -> c.cluster().equals("prod")).toList();
      assertEquals(3, prod.size(), seen.toString());
      List<String> named = prod.stream().flatMap(c -> c.services().stream()).sorted().toList();
      List<String> expected = new ArrayList<>();
      for (int i = 0; i < 25; i++) {
        expected.add("svc-" + i);
      }
      assertEquals(expected.stream().sorted().toList(), named, "each service named once in the round");
      assertEquals(1, seen.stream().filter(c -> c.cluster().equals("staging")).count(), seen.toString());
      ctx.completeNow();
    })));
  }

  private static Future<DescribeServicesResponse> look(EcsDescribeBatches batches, Context loop, String cluster,
      String service, PollRounds rounds, long instant, Map<String, Future<DescribeServicesResponse>> looks) {
    Future<DescribeServicesResponse> answer =
        Future.fromCompletionStage(batches.describeInRound(loop, cluster, service, rounds, instant + 5), loop);
    looks.put(cluster + "/" + service, answer);
    return answer;
  }

  private static String clusterOf(Service service) {
    return service.clusterArn().substring(service.clusterArn().lastIndexOf('/') + 1);
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
