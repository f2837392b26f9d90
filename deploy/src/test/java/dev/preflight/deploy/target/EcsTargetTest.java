package dev.preflight.deploy.target;

import static dev.preflight.deploy.target.EcsTarget.PREVIOUS_TASK_DEFINITION;
import static dev.preflight.deploy.target.EcsTarget.TASK_DEFINITION;
import static dev.preflight.deploy.target.EcsTarget.UPDATE_SENT;
import static dev.preflight.deploy.target.EcsTarget.UPDATE_SENT_AT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.preflight.checklists.deploy.Target;
import dev.preflight.checklists.secret.Variables;
import dev.preflight.deploy.aws.AwsClients;
import dev.preflight.deploy.fake.FakeEcs;
import dev.preflight.deploy.fake.FakeEcs.UpdateServiceCall;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * The ECS target against a local ECS that moves rollouts forward one task per DescribeServices,
 * so every path (completed, failed, timed out, aborted, resumed after a restart) runs over real
 * HTTP through the real SDK client, with a 50 ms poll interval.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class EcsTargetTest {

  private static final Duration POLL = Duration.ofMillis(50);
  private static final StaticCredentialsProvider CREDENTIALS =
      StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTESTTESTTEST", "dummy-secret-key"));
  private static final String WEB_IMAGE = "registry.example.com:5000/acme/web:1.3.0";
  private static final String ENVOY_IMAGE = "envoyproxy/envoy:v1.29.1";
  private static final String CIRCUIT_BREAKER = "ECS deployment circuit breaker: tasks failed to start.";

  // One fake and one client for the class: closing an SDK client waits out Netty's quiet period.
  private static FakeEcs ecs;
  private static AwsClients clients;
  private EcsTarget target;
  private String web1;

  @BeforeAll
  static void startFake(Vertx vertx, VertxTestContext ctx) {
    FakeEcs.start(vertx).onComplete(ctx.succeeding(fake -> {
      ecs = fake;
      clients = new AwsClients(Optional.of(fake.endpoint()), CREDENTIALS);
      ctx.completeNow();
    }));
  }

  @AfterAll
  static void stopClients() {
    if (clients != null) {
      clients.close();
    }
  }

  @BeforeEach
  void seed(Vertx vertx) {
    web1 = ecs.reset().registerTaskDefinition(webDefinition());
    ecs.service("prod", "web", web1, 3);
    target = new EcsTarget(vertx, clients, POLL);
  }

  /** Two containers, an execution role, sizes, environment and a tag: all must survive a new revision. */
  private static JsonObject webDefinition() {
    return new JsonObject()
        .put("family", "web")
        .put("executionRoleArn", "arn:aws:iam::123456789012:role/web-execution")
        .put("networkMode", "awsvpc")
        .put("requiresCompatibilities", new JsonArray().add("FARGATE"))
        .put("cpu", "512")
        .put("memory", "1024")
        .put("containerDefinitions", new JsonArray()
            .add(new JsonObject()
                .put("name", "web")
                .put("image", WEB_IMAGE)
                .put("essential", true)
                .put("portMappings", new JsonArray().add(new JsonObject().put("containerPort", 8080).put("protocol", "tcp")))
                .put("environment", new JsonArray().add(new JsonObject().put("name", "LOG_LEVEL").put("value", "info"))))
            .add(new JsonObject()
                .put("name", "envoy")
                .put("image", ENVOY_IMAGE)
                .put("essential", false)))
        .put("tags", new JsonArray().add(new JsonObject().put("key", "team").put("value", "payments")));
  }

  private static Target.Ecs ecsTarget(Duration timeout) {
    return new Target.Ecs("prod", "web", "web", null, "us-east-1", timeout);
  }

  private static DeployJob deployJob(String version, Target.Ecs target) {
    return new DeployJob("run-1", "web", "production", version, null, target, Variables.of(Map.of()));
  }

  private static DeployJob rollbackJob(String revision) {
    return new DeployJob("run-1", "web", "production", "1.3.0", revision, ecsTarget(Duration.ofMinutes(1)),
        Variables.of(Map.of()));
  }

  private static void verify(Future<TargetOutcome> outcome, VertxTestContext ctx, Consumer<TargetOutcome> assertions) {
    outcome.onComplete(ctx.succeeding(result -> ctx.verify(() -> {
      assertions.accept(result);
      ctx.completeNow();
    })));
  }

  private static String arn(String revision) {
    return "arn:aws:ecs:us-east-1:123456789012:task-definition/" + revision;
  }

  // --- what the service runs before a first deploy ----------------------------------------------

  @Test
  void whatRunsNowIsTheContainersImageTagInTheServicesTaskDefinition(VertxTestContext ctx) {
    target.live(deployJob("v1.4.2", ecsTarget(Duration.ofMinutes(1)))).onComplete(ctx.succeeding(live -> ctx.verify(() -> {
      assertEquals(Optional.of(new LiveVersion("1.3.0", web1)), live,
          "the tag of the web container, not the registry port nor envoy's tag");
      assertTrue(ecs.updateServiceCalls().isEmpty(), "reading changes nothing");
      ctx.completeNow();
    })));
  }

  @Test
  void aServiceThatCannotBeReadLeavesWhatRunsNowUnknown(VertxTestContext ctx) {
    Target.Ecs missing = new Target.Ecs("prod", "no-such-service", "web", null, "us-east-1", Duration.ofMinutes(1));
    target.live(deployJob("v1.4.2", missing)).onComplete(ctx.succeeding(live -> ctx.verify(() -> {
      assertTrue(live.isEmpty(), live::toString);
      ctx.completeNow();
    })));
  }

  // --- a deploy from start to end ---------------------------------------------------------------

  @Test
  void deployRegistersARevisionAndFollowsTheRolloutToCompletion(VertxTestContext ctx) {
    EcsTestJournal journal = new EcsTestJournal();
    verify(target.deploy(deployJob("v1.4.2", ecsTarget(Duration.ofMinutes(1))), journal), ctx, outcome -> {
      assertTrue(outcome.succeeded(), outcome::toString);
      assertEquals("Rollout COMPLETED: 3/3 running (web:2)", outcome.summary());
      assertEquals(arn("web:2"), outcome.revision());
      assertEquals(List.of(
          "Reading the ECS service: prod/web",
          "Registering a task definition: web:1 with registry.example.com:5000/acme/web:v1.4.2",
          "Updating the ECS service: prod/web → web:2",
          "Waiting for the rollout: 1 of 3 new tasks running",
          "Waiting for the rollout: 2 of 3 new tasks running"), journal.progress());
      // The previous and the new task definition are stored together, before UpdateService.
      assertEquals(Map.of(PREVIOUS_TASK_DEFINITION, web1, TASK_DEFINITION, arn("web:2")), journal.records().get(0));
      assertEquals("true", journal.state().get(UPDATE_SENT));
      assertTrue(Instant.parse(journal.state().get(UPDATE_SENT_AT)).isBefore(Instant.now().plusSeconds(1)));
      assertEquals(List.of(new UpdateServiceCall("prod", "web", arn("web:2"))), ecs.updateServiceCalls());
      assertEquals(arn("web:2"), ecs.serviceTaskDefinition("prod", "web"));
      // The service is read once before UpdateService: that reading already says what it runs.
      assertEquals(List.of("DescribeServices", "DescribeTaskDefinition", "RegisterTaskDefinition", "UpdateService"),
          ecs.calls().subList(0, ecs.calls().indexOf("UpdateService") + 1));
    });
  }

  @Test
  void newRevisionTagsOnlyTheNamedContainerAndKeepsEverythingElse(VertxTestContext ctx) {
    verify(target.deploy(deployJob("v1.4.2", ecsTarget(Duration.ofMinutes(1))), new EcsTestJournal()), ctx, outcome -> {
      assertTrue(outcome.succeeded(), outcome::toString);
      assertEquals(Map.of("web", "registry.example.com:5000/acme/web:v1.4.2", "envoy", ENVOY_IMAGE),
          ecs.images(outcome.revision()));
      JsonObject before = ecs.taskDefinition(web1);
      JsonObject after = ecs.taskDefinition(outcome.revision());
      for (String field : List.of("family", "executionRoleArn", "networkMode", "requiresCompatibilities", "cpu", "memory")) {
        assertEquals(before.getValue(field), after.getValue(field), field);
      }
      JsonObject web = after.getJsonArray("containerDefinitions").getJsonObject(0);
      assertEquals("LOG_LEVEL", web.getJsonArray("environment").getJsonObject(0).getString("name"));
      assertEquals(8080, web.getJsonArray("portMappings").getJsonObject(0).getInteger("containerPort"));
      assertEquals(before.getJsonArray("containerDefinitions").getJsonObject(1),
          after.getJsonArray("containerDefinitions").getJsonObject(1));
    });
  }

  @Test
  void imagePinnedByDigestIsMovedToTheVersionTag(VertxTestContext ctx) {
    String pinned = ecs.registerTaskDefinition("api",
        Map.of("api", "123456789012.dkr.ecr.us-east-1.amazonaws.com/api@sha256:" + "ab".repeat(32)));
    ecs.service("prod", "api", pinned, 1);
    Target.Ecs api = new Target.Ecs("prod", "api", null, null, "us-east-1", Duration.ofMinutes(1));
    verify(target.deploy(deployJob("2025.03.14-1", api), new EcsTestJournal()), ctx, outcome -> {
      assertTrue(outcome.succeeded(), outcome::toString);
      assertEquals(Map.of("api", "123456789012.dkr.ecr.us-east-1.amazonaws.com/api:2025.03.14-1"),
          ecs.images(outcome.revision()));
    });
  }

  @Test
  void configuredTaskDefinitionIsDeployedAsItIsWithoutRegistering(VertxTestContext ctx) {
    String web2 = ecs.registerTaskDefinition("web", Map.of("web", "acme/web:hotfix"));
    Target.Ecs fixed = new Target.Ecs("prod", "web", "web", "web:2", "us-east-1", Duration.ofMinutes(1));
    EcsTestJournal journal = new EcsTestJournal();
    verify(target.deploy(deployJob("hotfix", fixed), journal), ctx, outcome -> {
      assertTrue(outcome.succeeded(), outcome::toString);
      assertEquals(web2, outcome.revision());
      assertEquals(0, ecs.callCount("RegisterTaskDefinition"));
      assertEquals(List.of(new UpdateServiceCall("prod", "web", web2)), ecs.updateServiceCalls());
      assertEquals(web1, journal.state().get(PREVIOUS_TASK_DEFINITION));
    });
  }

  @Test
  void placeholdersAndVariablesInTheTargetAreResolved(VertxTestContext ctx) {
    Target.Ecs templated = new Target.Ecs("${ECS_CLUSTER}", "{service}", "{service}", null, "us-east-1",
        Duration.ofMinutes(1));
    DeployJob job = new DeployJob("run-1", "web", "production", "v1.4.2", null, templated,
        Variables.of(Map.of("ECS_CLUSTER", "prod")));
    verify(target.deploy(job, new EcsTestJournal()), ctx, outcome -> {
      assertTrue(outcome.succeeded(), outcome::toString);
      assertEquals(List.of(new UpdateServiceCall("prod", "web", arn("web:2"))), ecs.updateServiceCalls());
    });
  }

  // --- how a rollout can end badly -----------------------------------------------------------------

  @Test
  void failedRolloutFailsWithTheReasonEcsGave(VertxTestContext ctx) {
    ecs.failRollouts(CIRCUIT_BREAKER);
    verify(target.deploy(deployJob("v1.4.2", ecsTarget(Duration.ofMinutes(1))), new EcsTestJournal()), ctx, outcome -> {
      assertFalse(outcome.succeeded());
      assertEquals("Rollout FAILED: " + CIRCUIT_BREAKER, outcome.summary());
      assertTrue(outcome.detail().startsWith(CIRCUIT_BREAKER), outcome.detail());
      assertTrue(outcome.detail().contains("task failed to start"), outcome.detail());
      assertNull(outcome.revision());
    });
  }

  @Test
  void rolloutThatNeverCompletesTimesOut(VertxTestContext ctx) {
    ecs.pace(0);
    verify(target.deploy(deployJob("v1.4.2", ecsTarget(Duration.ofMillis(300))), new EcsTestJournal()), ctx, outcome -> {
      assertFalse(outcome.succeeded());
      assertEquals("Timed out after 300 ms waiting for the rollout (0 of 3 new tasks running)", outcome.summary());
      assertEquals(1, ecs.updateServiceCalls().size());
    });
  }

  @Test
  void abortStopsFollowingTheRollout(VertxTestContext ctx) {
    ecs.pace(0);
    EcsTestJournal journal = new EcsTestJournal();
    Future<TargetOutcome> deploy = target.deploy(deployJob("v1.4.2", ecsTarget(Duration.ofMinutes(5))), journal);
    journal.progressed("0 of 3 new tasks running").onSuccess(v -> journal.abort());
    verify(deploy, ctx, outcome -> {
      assertFalse(outcome.succeeded());
      assertEquals("Aborted", outcome.summary());
      assertTrue(outcome.detail().startsWith("UpdateService was sent"), outcome.detail());
      assertEquals(1, ecs.updateServiceCalls().size());
    });
  }

  @Test
  void abortBeforeTheUpdateLeavesTheServiceAlone(VertxTestContext ctx) {
    EcsTestJournal journal = new EcsTestJournal();
    journal.abort();
    verify(target.deploy(deployJob("v1.4.2", ecsTarget(Duration.ofMinutes(1))), journal), ctx, outcome -> {
      assertFalse(outcome.succeeded());
      assertEquals("Aborted", outcome.summary());
      assertEquals("Stopped before UpdateService; the service was not changed.", outcome.detail());
      assertEquals(List.of(), ecs.updateServiceCalls());
      assertEquals(web1, ecs.serviceTaskDefinition("prod", "web"));
    });
  }

  // --- rollback ----------------------------------------------------------------------------------

  @Test
  void rollbackMovesTheServiceBackToTheRecordedTaskDefinition(VertxTestContext ctx) {
    String web2 = ecs.registerTaskDefinition("web", Map.of("web", "acme/web:1.4.2"));
    ecs.service("prod", "web", web2, 2);
    EcsTestJournal journal = new EcsTestJournal();
    verify(target.rollback(rollbackJob(web1), journal), ctx, outcome -> {
      assertTrue(outcome.succeeded(), outcome::toString);
      assertEquals("Rollout COMPLETED: 2/2 running (web:1)", outcome.summary());
      assertEquals(web1, outcome.revision());
      assertEquals(List.of(new UpdateServiceCall("prod", "web", web1)), ecs.updateServiceCalls());
      assertEquals(0, ecs.callCount("RegisterTaskDefinition"));
      assertEquals("true", journal.state().get(UPDATE_SENT));
      assertFalse(journal.state().containsKey(TASK_DEFINITION));
    });
  }

  @Test
  void rollbackWithNothingOnRecordFails(VertxTestContext ctx) {
    verify(target.rollback(rollbackJob(null), new EcsTestJournal()), ctx, outcome -> {
      assertFalse(outcome.succeeded());
      assertEquals("no earlier task definition on record", outcome.summary());
      assertEquals(List.of(), ecs.calls());
    });
  }

  // --- restarts: UpdateService goes out once whenever the bot dies ---------------------------------

  @Test
  void restartAfterRecordingTheTaskDefinitionSendsTheUpdateOnceWithoutRegisteringAgain(VertxTestContext ctx) {
    EcsTestJournal first = new EcsTestJournal().dieAfterStoring(TASK_DEFINITION);
    DeployJob job = deployJob("v1.4.2", ecsTarget(Duration.ofMinutes(1)));
    Future<TargetOutcome> resumed = target.deploy(job, first)
        .compose(died -> {
          assertFalse(died.succeeded());
          assertEquals(List.of(), ecs.updateServiceCalls());
          return target.deploy(job, new EcsTestJournal(first.state()));
        });
    verify(resumed, ctx, outcome -> {
      assertTrue(outcome.succeeded(), outcome::toString);
      assertEquals(List.of(new UpdateServiceCall("prod", "web", arn("web:2"))), ecs.updateServiceCalls());
      assertEquals(1, ecs.callCount("RegisterTaskDefinition"));
    });
  }

  @Test
  void restartAfterSendingButBeforeRecordingItDoesNotSendAgain(VertxTestContext ctx) {
    EcsTestJournal first = new EcsTestJournal().dieBeforeStoring(UPDATE_SENT);
    DeployJob job = deployJob("v1.4.2", ecsTarget(Duration.ofMinutes(1)));
    Future<TargetOutcome> resumed = target.deploy(job, first)
        .compose(died -> {
          assertFalse(died.succeeded());
          assertEquals(1, ecs.updateServiceCalls().size());
          assertFalse(first.state().containsKey(UPDATE_SENT));
          return target.deploy(job, new EcsTestJournal(first.state()));
        });
    verify(resumed, ctx, outcome -> {
      assertTrue(outcome.succeeded(), outcome::toString);
      assertEquals(List.of(new UpdateServiceCall("prod", "web", arn("web:2"))), ecs.updateServiceCalls());
      assertEquals(1, ecs.callCount("UpdateService"));
    });
  }

  @Test
  void restartWhileFollowingOnlyFollows(VertxTestContext ctx) {
    ecs.pace(0);
    DeployJob job = deployJob("v1.4.2", ecsTarget(Duration.ofMinutes(5)));
    EcsTestJournal first = new EcsTestJournal();
    Future<TargetOutcome> dead = target.deploy(job, first);
    // The first attempt is abandoned mid-rollout, as a killed process would leave it.
    first.progressed("0 of 3 new tasks running").onSuccess(v -> first.abort());
    Future<TargetOutcome> resumed = dead.compose(abandoned -> {
      ecs.pace(1);
      return target.deploy(job, new EcsTestJournal(first.state()));
    });
    verify(resumed, ctx, outcome -> {
      assertTrue(outcome.succeeded(), outcome::toString);
      assertEquals(1, ecs.updateServiceCalls().size());
      assertEquals(1, ecs.callCount("RegisterTaskDefinition"));
    });
  }

  @Test
  void restartLongAfterTheUpdateTimesOutCountingFromWhenItWasSent(VertxTestContext ctx) {
    ecs.pace(0);
    DeployJob job = deployJob("v1.4.2", ecsTarget(Duration.ofMinutes(15)));
    Future<TargetOutcome> resumed = sentAnHourAgo(job).compose(state -> target.deploy(job, new EcsTestJournal(state)));
    verify(resumed, ctx, outcome -> {
      assertFalse(outcome.succeeded());
      assertEquals("Timed out after 15m waiting for the rollout (0 of 3 new tasks running)", outcome.summary());
      assertEquals(1, ecs.updateServiceCalls().size());
    });
  }

  @Test
  void restartAfterTheDeadlineStillSeesARolloutThatCompletedMeanwhile(VertxTestContext ctx) {
    ecs.pace(0);
    DeployJob job = deployJob("v1.4.2", ecsTarget(Duration.ofMinutes(15)));
    Future<TargetOutcome> resumed = sentAnHourAgo(job).compose(state -> {
      ecs.pace(3);
      return target.deploy(job, new EcsTestJournal(state));
    });
    verify(resumed, ctx, outcome -> {
      assertTrue(outcome.succeeded(), outcome::toString);
      assertEquals(1, ecs.updateServiceCalls().size());
    });
  }

  /** Runs a deploy up to a held rollout, drops it, and answers its journal as if UpdateService went out an hour ago. */
  private Future<Map<String, String>> sentAnHourAgo(DeployJob job) {
    EcsTestJournal first = new EcsTestJournal();
    Future<TargetOutcome> dead = target.deploy(job, first);
    first.progressed("0 of 3 new tasks running").onSuccess(v -> first.abort());
    return dead.map(abandoned -> {
      Map<String, String> state = new HashMap<>(first.state());
      state.put(UPDATE_SENT_AT, Instant.now().minus(Duration.ofHours(1)).toString());
      return state;
    });
  }

  // --- what cannot be deployed, and why, in one line --------------------------------------------

  @Test
  void containerNotInTheTaskDefinitionFailsNamingThoseThere(VertxTestContext ctx) {
    Target.Ecs wrong = new Target.Ecs("prod", "web", "app", null, "us-east-1", Duration.ofMinutes(1));
    verify(target.deploy(deployJob("v1.4.2", wrong), new EcsTestJournal()), ctx, outcome -> {
      assertFalse(outcome.succeeded());
      assertEquals("Container app is not in web:1 (it has web, envoy)", outcome.summary());
      assertEquals(0, ecs.callCount("RegisterTaskDefinition"));
      assertEquals(List.of(), ecs.updateServiceCalls());
    });
  }

  @Test
  void versionThatCannotBeAnImageTagFailsBeforeRegistering(VertxTestContext ctx) {
    verify(target.deploy(deployJob("1.4.2+build.7", ecsTarget(Duration.ofMinutes(1))), new EcsTestJournal()), ctx,
        outcome -> {
          assertFalse(outcome.succeeded());
          assertEquals("Version 1.4.2+build.7 cannot be an image tag", outcome.summary());
          assertEquals(0, ecs.callCount("RegisterTaskDefinition"));
        });
  }

  @Test
  void missingServiceFailsSayingSo(VertxTestContext ctx) {
    Target.Ecs ghost = new Target.Ecs("prod", "ghost", "web", null, "us-east-1", Duration.ofMinutes(1));
    verify(target.deploy(deployJob("v1.4.2", ghost), new EcsTestJournal()), ctx, outcome -> {
      assertFalse(outcome.succeeded());
      assertEquals("ECS service ghost not found in cluster prod", outcome.summary());
      assertEquals("DescribeServices answered MISSING", outcome.detail());
    });
  }

  @Test
  void inactiveServiceFailsSayingSo(VertxTestContext ctx) {
    ecs.serviceStatus("prod", "web", "INACTIVE");
    verify(target.deploy(deployJob("v1.4.2", ecsTarget(Duration.ofMinutes(1))), new EcsTestJournal()), ctx, outcome -> {
      assertFalse(outcome.succeeded());
      assertEquals("ECS service prod/web is INACTIVE", outcome.summary());
      assertEquals(List.of(), ecs.updateServiceCalls());
    });
  }

  @Test
  void missingClusterFailsNamingIt(VertxTestContext ctx) {
    Target.Ecs elsewhere = new Target.Ecs("staging", "web", "web", null, "us-east-1", Duration.ofMinutes(1));
    verify(target.deploy(deployJob("v1.4.2", elsewhere), new EcsTestJournal()), ctx, outcome -> {
      assertFalse(outcome.succeeded());
      assertEquals("ECS cluster staging not found", outcome.summary());
    });
  }

  @Test
  void accessDeniedFailsNamingThePermission(VertxTestContext ctx) {
    ecs.deny("UpdateService");
    verify(target.deploy(deployJob("v1.4.2", ecsTarget(Duration.ofMinutes(1))), new EcsTestJournal()), ctx, outcome -> {
      assertFalse(outcome.succeeded());
      assertEquals("AWS denied ecs:UpdateService (AccessDeniedException)", outcome.summary());
      assertTrue(outcome.detail().contains("is not authorized to perform: ecs:UpdateService"), outcome.detail());
    });
  }

  @Test
  void missingCredentialsFailInOneReadableLine(Vertx vertx, VertxTestContext ctx) {
    AwsClients anonymous = new AwsClients(Optional.of(ecs.endpoint()), () -> {
      throw SdkClientException.create("Unable to load credentials from any of the providers in the chain "
          + "provider, ".repeat(200));
    });
    EcsTarget unsigned = new EcsTarget(vertx, anonymous, POLL);
    verify(unsigned.deploy(deployJob("v1.4.2", ecsTarget(Duration.ofMinutes(1))), new EcsTestJournal())
        .eventually(() -> vertx.executeBlocking(() -> {
          anonymous.close();
          return null;
        })), ctx, outcome -> {
          assertFalse(outcome.succeeded());
          assertEquals("No AWS credentials: set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, a profile or a role",
              outcome.summary());
          assertTrue(outcome.detail().length() <= 2000, "bounded detail: " + outcome.detail().length());
          assertEquals(List.of(), ecs.calls());
        });
  }

  @Test
  void missingVariableFailsNamingIt(VertxTestContext ctx) {
    Target.Ecs templated = new Target.Ecs("${ECS_CLUSTER}", "web", "web", null, "us-east-1", Duration.ofMinutes(1));
    verify(target.deploy(deployJob("v1.4.2", templated), new EcsTestJournal()), ctx, outcome -> {
      assertFalse(outcome.succeeded());
      assertEquals("environment variable ECS_CLUSTER is not set", outcome.summary());
    });
  }

  @Test
  void throttledCallsAreRetriedWithBackoffByTheSdk(VertxTestContext ctx) {
    ecs.throttle("DescribeServices", 1).throttle("UpdateService", 1);
    verify(target.deploy(deployJob("v1.4.2", ecsTarget(Duration.ofMinutes(1))), new EcsTestJournal()), ctx, outcome -> {
      assertTrue(outcome.succeeded(), outcome::toString);
      assertEquals(2, ecs.callCount("UpdateService"), "the throttled call and its retry");
      assertEquals(1, ecs.updateServiceCalls().size());
    });
  }
}
