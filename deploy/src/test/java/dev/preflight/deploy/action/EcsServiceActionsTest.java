package dev.preflight.deploy.action;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.preflight.checklists.config.EcsForceNewDeploymentAction;
import dev.preflight.checklists.config.EcsScaleAction;
import dev.preflight.checklists.secret.Redactor;
import dev.preflight.checklists.secret.Variables;
import dev.preflight.deploy.aws.AwsClients;
import dev.preflight.deploy.fake.FakeEcs;
import dev.preflight.deploy.target.MemoryJournal;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * ecs-scale and ecs-force-new-deployment against the local ECS, which moves one task per
 * DescribeServices, over real HTTP through the real SDK client.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class EcsServiceActionsTest {

  private static final Duration POLL = Duration.ofMillis(30);
  private static FakeEcs ecs;
  private static AwsClients clients;
  private Actions actions;

  @BeforeAll
  static void startFake(Vertx vertx, VertxTestContext ctx) {
    FakeEcs.start(vertx).onComplete(ctx.succeeding(fake -> {
      ecs = fake;
      clients = fake.clients();
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
    String definition = ecs.reset().registerTaskDefinition("backend", Map.of("backend", "fluxion-backend:1.0"));
    ecs.service("fluxion-cluster", "backend", definition, 2);
    actions = Actions.builder()
        .with(EcsScaleAction.class, new EcsScaleRunner(vertx, clients, POLL))
        .with(EcsForceNewDeploymentAction.class, new EcsForceNewDeploymentRunner(vertx, clients, POLL))
        .build();
  }

  @Test
  void scaleSetsTheDesiredCountAndWaitsUntilSteady(VertxTestContext ctx) {
    MemoryJournal journal = new MemoryJournal();
    verify(actions.run(scale("{count}"), context(Map.of("count", "3"), journal)), ctx, outcome -> {
      assertTrue(outcome.passed(), outcome.summary());
      assertEquals("fluxion-cluster/backend steady at 3 tasks", outcome.summary());
      assertEquals(List.of(new FakeEcs.ScaleCall("fluxion-cluster", "backend", 3, false)), ecs.scaleCalls());
      assertEquals(3, ecs.counts("fluxion-cluster", "backend")[1]);
      assertEquals("true", journal.state().get(EcsServiceAction.SENT));
    });
  }

  @Test
  void scaleBackDownWaitsForTheExtraTasksToStop(VertxTestContext ctx) {
    ecs.service("fluxion-cluster", "backend", ecs.serviceTaskDefinition("fluxion-cluster", "backend"), 3);
    verify(actions.run(scale("2"), context(Map.of(), new MemoryJournal())), ctx, outcome -> {
      assertEquals("fluxion-cluster/backend steady at 2 tasks", outcome.summary());
      assertEquals(2, ecs.counts("fluxion-cluster", "backend")[1]);
    });
  }

  @Test
  void aCountOutsideTheStepsBoundsIsRefusedWithoutACall(VertxTestContext ctx) {
    verify(actions.run(scale("{count}"), context(Map.of("count", "9"), new MemoryJournal())), ctx, outcome -> {
      assertFalse(outcome.passed());
      assertEquals("Desired count 9 is outside 1 to 4", outcome.summary());
      assertEquals(List.of(), ecs.calls());
    });
  }

  @Test
  void aRestartAfterTheUpdateWasSentFollowsItWithoutSendingAgain(VertxTestContext ctx) {
    MemoryJournal first = new MemoryJournal().failingOn(entries -> entries.containsKey(EcsServiceAction.SENT));
    actions.run(scale("3"), context(Map.of(), first)).onComplete(ctx.succeeding(died -> {
      // The update went out; recording that it did failed: the bot "died" after sending.
      assertEquals(1, ecs.scaleCalls().size());
      MemoryJournal restarted = new MemoryJournal(first.state());
      verify(actions.run(scale("3"), context(Map.of(), restarted)), ctx, outcome -> {
        assertEquals("fluxion-cluster/backend steady at 3 tasks", outcome.summary());
        assertEquals(2, ecs.scaleCalls().size(), "scaling is idempotent: the same count is sent again");
      });
    }));
  }

  @Test
  void forceNewDeploymentWaitsUntilTheNewDeploymentIsPrimaryAndSteady(VertxTestContext ctx) {
    MemoryJournal journal = new MemoryJournal();
    verify(actions.run(redeploy(), context(Map.of(), journal)), ctx, outcome -> {
      assertTrue(outcome.passed(), outcome.summary());
      assertEquals("New deployment of fluxion-cluster/backend is PRIMARY and steady with 2 tasks", outcome.summary());
      assertEquals(List.of(new FakeEcs.ScaleCall("fluxion-cluster", "backend", null, true)), ecs.scaleCalls());
      assertTrue(journal.progress().stream().anyMatch(line -> line.contains("of 2 new tasks running")), journal.progress()::toString);
    });
  }

  @Test
  void aRestartFindsTheDeploymentItStartedAndDoesNotStartAnother(VertxTestContext ctx) {
    MemoryJournal first = new MemoryJournal().failingOn(entries -> entries.containsKey(EcsServiceAction.SENT));
    actions.run(redeploy(), context(Map.of(), first)).onComplete(ctx.succeeding(died -> {
      MemoryJournal restarted = new MemoryJournal(first.state());
      verify(actions.run(redeploy(), context(Map.of(), restarted)), ctx, outcome -> {
        assertTrue(outcome.passed(), outcome.summary());
        assertEquals(1, ecs.scaleCalls().size(), "one forced deployment, not two");
        assertEquals(ecs.scaleCalls().size(), ecs.callCount("UpdateService"));
      });
    }));
  }

  @Test
  void aFailedDeploymentFailsTheAction(VertxTestContext ctx) {
    ecs.failRollouts("ECS deployment circuit breaker: tasks failed to start.");
    verify(actions.run(redeploy(), context(Map.of(), new MemoryJournal())), ctx, outcome -> {
      assertFalse(outcome.passed());
      assertEquals("New deployment of fluxion-cluster/backend FAILED: ECS deployment circuit breaker: tasks failed to start.",
          outcome.summary());
    });
  }

  @Test
  void aMissingServiceFailsAtOnce(VertxTestContext ctx) {
    EcsForceNewDeploymentAction missing = new EcsForceNewDeploymentAction("Redeploy", Duration.ofMinutes(1),
        "fluxion-cluster", "frontend", null);
    verify(actions.run(missing, context(Map.of(), new MemoryJournal())), ctx, outcome -> {
      assertFalse(outcome.passed());
      assertEquals("ECS service fluxion-cluster/frontend not found", outcome.summary());
    });
  }

  private static EcsScaleAction scale(String count) {
    return new EcsScaleAction("Scale", Duration.ofMinutes(1), "fluxion-cluster", "backend", null, count, 1, 4);
  }

  private static EcsForceNewDeploymentAction redeploy() {
    return new EcsForceNewDeploymentAction("Redeploy", Duration.ofMinutes(1), "fluxion-cluster", "backend", null);
  }

  private static ActionContext context(Map<String, String> placeholders, MemoryJournal journal) {
    return new ActionContext(placeholders, Variables.of(Map.of()), new Redactor(), journal);
  }

  private static void verify(Future<ActionOutcome> outcome, VertxTestContext ctx, Consumer<ActionOutcome> assertions) {
    outcome.onComplete(ctx.succeeding(result -> ctx.verify(() -> {
      assertions.accept(result);
      ctx.completeNow();
    })));
  }
}
