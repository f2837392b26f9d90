package dev.preflight.deploy.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.preflight.checklists.checklist.CheckSpec;
import dev.preflight.checklists.run.Evidence;
import dev.preflight.checklists.secret.Variables;
import dev.preflight.deploy.aws.AwsClients;
import dev.preflight.deploy.aws.AwsFutures;
import dev.preflight.deploy.fake.FakeAws;
import dev.preflight.deploy.fake.FakeAws.EcsService;
import dev.preflight.deploy.fake.Moto;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.ecs.EcsAsyncClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerAsyncClient;

/**
 * The two AWS checks against a local fake that can report any ECS state, and against moto
 * (when this machine has it) for the real protocol handling.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 90, timeUnit = TimeUnit.SECONDS)
class AwsChecksTest {

  private static final String REGION = "us-east-1";
  private static final String SECRET_NAME = "prod/api/sentry-dsn";
  private static final String SECRET_VALUE = "https://f00dcafe1234@o1.ingest.sentry.io/42";
  private static final Instant CHANGED = Instant.parse("2025-03-14T09:26:53Z");
  private static final CheckSpec.Timing TIMING = new CheckSpec.Timing(Duration.ofSeconds(10), 0, Duration.ZERO);
  private static final StaticCredentialsProvider DUMMY_CREDENTIALS =
      StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTESTTESTTEST", "dummy-secret-key"));

  private static FakeAws fake;
  private static AwsClients fakeClients;
  private static AwsClients unreachableClients;
  private static CheckRunner fakeRunner;
  private static Moto moto;
  private static AwsClients motoClients;
  private static CheckRunner motoRunner;

  @BeforeAll
  static void start(Vertx vertx, VertxTestContext ctx) throws IOException {
    if (Moto.available()) {
      moto = Moto.launch(Map.of("MOTO_ECS_SERVICE_RUNNING", "2"));
      motoClients = new AwsClients(Optional.of(moto.endpoint()), DUMMY_CREDENTIALS);
      motoRunner = new CheckRunner(vertx, motoClients);
    }
    // Built here, on the test thread: building a client may read files.
    EcsAsyncClient motoEcs = moto == null ? null : motoClients.ecs(REGION);
    SecretsManagerAsyncClient motoSecrets = moto == null ? null : motoClients.secretsManager(REGION);
    Context context = vertx.getOrCreateContext();
    FakeAws.start(vertx)
        .onSuccess(AwsChecksTest::seedFake)
        .compose(v -> moto == null ? Future.succeededFuture() : moto.awaitReady(vertx)
            .compose(ready -> seedMoto(motoEcs, motoSecrets, context)))
        .onComplete(ctx.succeedingThenComplete());
  }

  private static void seedFake(FakeAws started) {
    fake = started
        .secret(SECRET_NAME, SECRET_VALUE, CHANGED)
        .service("prod", EcsService.steady("web", 2, "web:23"))
        .service("prod", EcsService.steady("api", 2, "api:7").withRunning(2, "IN_PROGRESS"))
        .service("prod", EcsService.steady("worker", 2, "worker:4").withRunning(1, "COMPLETED"))
        .service("prod", new EcsService("legacy", "ACTIVE", 1, 1, null, "legacy:2"));
    fakeClients = new AwsClients(Optional.of(fake.endpoint()), DUMMY_CREDENTIALS);
    unreachableClients = new AwsClients(Optional.of(URI.create("http://127.0.0.1:" + HttpCheckTest.closedPort())),
        DUMMY_CREDENTIALS);
  }

  /** Moto reports MOTO_ECS_SERVICE_RUNNING tasks for every service: 2 of 2 is steady, 2 of 3 is not. */
  private static Future<Void> seedMoto(EcsAsyncClient ecs, SecretsManagerAsyncClient secrets, Context context) {
    return AwsFutures.toVertx(secrets.createSecret(b -> b.name(SECRET_NAME).secretString(SECRET_VALUE)), context)
        .compose(v -> AwsFutures.toVertx(ecs.createCluster(b -> b.clusterName("prod")), context))
        .compose(v -> AwsFutures.toVertx(ecs.registerTaskDefinition(b -> b.family("web")
            .containerDefinitions(ContainerDefinition.builder().name("web").image("nginx:1.27").memory(256).build())), context))
        .compose(v -> AwsFutures.toVertx(ecs.createService(b -> b.cluster("prod").serviceName("web")
            .taskDefinition("web").desiredCount(2)), context))
        .compose(v -> AwsFutures.toVertx(ecs.createService(b -> b.cluster("prod").serviceName("scaling")
            .taskDefinition("web").desiredCount(3)), context))
        .mapEmpty();
  }

  @AfterAll
  static void stop() {
    if (moto != null) {
      moto.stop();
      motoClients.close();
    }
    if (fakeClients != null) {
      fakeClients.close();
      unreachableClients.close();
    }
  }

  private static CheckRunner fakeRunner(Vertx vertx) {
    if (fakeRunner == null) {
      fakeRunner = new CheckRunner(vertx, fakeClients);
    }
    return fakeRunner;
  }

  private static Future<Evidence> secret(CheckRunner runner, String name) {
    return runner.run(new CheckSpec.AwsSecret(name, REGION, TIMING), Variables.of(Map.of()));
  }

  private static Future<Evidence> service(CheckRunner runner, String cluster, String name) {
    return runner.run(new CheckSpec.EcsService(cluster, name, REGION, TIMING), Variables.of(Map.of()));
  }

  // --- against the fake: always runs ---

  @Test
  void existingSecretPassesWithNameAndDateButNeverItsValue(Vertx vertx, VertxTestContext ctx) {
    Verify.evidence(secret(fakeRunner(vertx), SECRET_NAME), ctx, evidence -> {
      assertTrue(evidence.passed(), evidence::toString);
      assertEquals("secret prod/api/sentry-dsn exists, last changed 2025-03-14T09:26:53Z", evidence.summary());
      assertFalse(Verify.allText(evidence).contains("f00dcafe"));
      assertFalse(fake.calls().contains("GetSecretValue"), "the check must never read the value");
      assertTrue(fake.calls().contains("DescribeSecret"));
    });
  }

  @Test
  void missingSecretFailsSayingItWasNotFound(Vertx vertx, VertxTestContext ctx) {
    Verify.evidence(secret(fakeRunner(vertx), "prod/api/nope"), ctx, evidence -> {
      assertFalse(evidence.passed());
      assertEquals("secret prod/api/nope not found", evidence.summary());
    });
  }

  @Test
  void steadyServicePassesWithCountsRolloutAndTaskDefinition(Vertx vertx, VertxTestContext ctx) {
    Verify.evidence(service(fakeRunner(vertx), "prod", "web"), ctx, evidence -> {
      assertTrue(evidence.passed(), evidence::toString);
      assertEquals("ACTIVE, 2/2 running, rollout COMPLETED (web:23)", evidence.summary());
    });
  }

  @Test
  void serviceStillRollingOutFailsSayingSo(Vertx vertx, VertxTestContext ctx) {
    Verify.evidence(service(fakeRunner(vertx), "prod", "api"), ctx, evidence -> {
      assertFalse(evidence.passed());
      assertEquals("ACTIVE, 2/2 running, rollout IN_PROGRESS (api:7)", evidence.summary());
      assertTrue(evidence.error().startsWith("rollout IN_PROGRESS"), evidence.error());
    });
  }

  @Test
  void serviceShortOfTasksFailsSayingHowMany(Vertx vertx, VertxTestContext ctx) {
    Verify.evidence(service(fakeRunner(vertx), "prod", "worker"), ctx, evidence -> {
      assertFalse(evidence.passed());
      assertEquals("ACTIVE, 1/2 running, rollout COMPLETED (worker:4)", evidence.summary());
      assertEquals("1 of 2 tasks running", evidence.error());
    });
  }

  @Test
  void serviceWithoutRolloutStateIsNotTakenAsSteady(Vertx vertx, VertxTestContext ctx) {
    Verify.evidence(service(fakeRunner(vertx), "prod", "legacy"), ctx, evidence -> {
      assertFalse(evidence.passed());
      assertEquals("the PRIMARY deployment reports no rollout state", evidence.error());
    });
  }

  @Test
  void missingServiceFailsWithTheReasonEcsGave(Vertx vertx, VertxTestContext ctx) {
    Verify.evidence(service(fakeRunner(vertx), "prod", "ghost"), ctx, evidence -> {
      assertFalse(evidence.passed());
      assertEquals("service ghost not found in prod: MISSING", evidence.summary());
    });
  }

  @Test
  void missingClusterFailsNamingIt(Vertx vertx, VertxTestContext ctx) {
    Verify.evidence(service(fakeRunner(vertx), "staging", "web"), ctx, evidence -> {
      assertFalse(evidence.passed());
      assertEquals("cluster staging not found", evidence.summary());
    });
  }

  @Test
  void unreachableEndpointFailsAsEvidence(Vertx vertx, VertxTestContext ctx) {
    Verify.evidence(secret(new CheckRunner(vertx, unreachableClients), SECRET_NAME), ctx, evidence -> {
      assertFalse(evidence.passed());
      // Usually refused at once; sometimes the SDK's connection pool instead keeps trying to acquire
      // a connection, until its connect timeout or the check's own 10 s, whichever ends first (a
      // busy machine decides which). Every way it comes back as failed evidence saying so.
      assertTrue(List.of("connection refused", "could not connect: no connection within the connect timeout",
          "timed out after 10s").contains(evidence.summary()), evidence::toString);
    });
  }


  @Test
  void missingCredentialsFailInOneReadableLine(Vertx vertx, VertxTestContext ctx) {
    AwsClients noCredentials = new AwsClients(Optional.of(fake.endpoint()), () -> {
      throw software.amazon.awssdk.core.exception.SdkClientException.create(
          "Unable to load credentials from any of the providers in the chain " + "provider, ".repeat(200));
    });
    Verify.evidence(secret(new CheckRunner(vertx, noCredentials), SECRET_NAME)
        .eventually(() -> {
          noCredentials.close();
          return Future.succeededFuture();
        }), ctx, evidence -> {
          assertFalse(evidence.passed());
          assertTrue(evidence.summary().startsWith("no AWS credentials"), evidence.summary());
          assertTrue(evidence.error().length() <= 1000, "the detail is bounded: " + evidence.error().length());
        });
  }

  // --- against moto: skipped where moto is not installed ---

  @Test
  void motoExistingSecretPasses(VertxTestContext ctx) {
    assumeTrue(moto != null, "moto is not installed");
    Verify.evidence(secret(motoRunner, SECRET_NAME), ctx, evidence -> {
      assertTrue(evidence.passed(), evidence::toString);
      assertTrue(evidence.summary().startsWith("secret prod/api/sentry-dsn exists, "), evidence.summary());
      assertFalse(Verify.allText(evidence).contains("f00dcafe"));
    });
  }

  @Test
  void motoMissingSecretFails(VertxTestContext ctx) {
    assumeTrue(moto != null, "moto is not installed");
    Verify.evidence(secret(motoRunner, "prod/api/nope"), ctx, evidence -> {
      assertFalse(evidence.passed());
      assertEquals("secret prod/api/nope not found", evidence.summary());
    });
  }

  @Test
  void motoSteadyServicePasses(VertxTestContext ctx) {
    assumeTrue(moto != null, "moto is not installed");
    Verify.evidence(service(motoRunner, "prod", "web"), ctx, evidence -> {
      assertTrue(evidence.passed(), evidence::toString);
      assertEquals("ACTIVE, 2/2 running, rollout COMPLETED (web:1)", evidence.summary());
    });
  }

  @Test
  void motoServiceShortOfTasksFails(VertxTestContext ctx) {
    assumeTrue(moto != null, "moto is not installed");
    Verify.evidence(service(motoRunner, "prod", "scaling"), ctx, evidence -> {
      assertFalse(evidence.passed());
      assertEquals("ACTIVE, 2/3 running, rollout IN_PROGRESS (web:1)", evidence.summary());
      assertTrue(evidence.error().contains("2 of 3 tasks running"), evidence.error());
    });
  }

  @Test
  void motoMissingServiceFailsWithTheReasonEcsGave(VertxTestContext ctx) {
    assumeTrue(moto != null, "moto is not installed");
    Verify.evidence(service(motoRunner, "prod", "ghost"), ctx, evidence -> {
      assertFalse(evidence.passed());
      assertEquals("service ghost not found in prod: MISSING", evidence.summary());
    });
  }
}
