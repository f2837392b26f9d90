package dev.preflight.deploy.action;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.preflight.checklists.config.EcsRunTaskAction;
import dev.preflight.checklists.secret.Redactor;
import dev.preflight.checklists.secret.Variables;
import dev.preflight.deploy.aws.AwsClients;
import dev.preflight.deploy.fake.FakeEcs;
import dev.preflight.deploy.target.MemoryJournal;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code ecs-run-task} against the local ECS fake (moto 5.2.1 cannot run an awsvpc task: its
 * RunTask fails inside moto): RunTask with the command override, DescribeTasks until STOPPED,
 * the essential container's exit code, the CloudWatch Logs link, and a restart that follows the
 * task already started.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class EcsRunTaskRunnerTest {

  private static final Duration POLL = Duration.ofMillis(100);
  private static FakeEcs ecs;
  private static AwsClients clients;

  @BeforeAll
  static void start(Vertx vertx, VertxTestContext ctx) {
    FakeEcs.start(vertx).onComplete(ctx.succeeding(fake -> {
      ecs = fake;
      clients = fake.clients();
      ctx.completeNow();
    }));
  }

  @AfterAll
  static void stop(Vertx vertx, VertxTestContext ctx) {
    clients.close();
    ecs.close().onComplete(ctx.succeedingThenComplete());
  }

  @BeforeEach
  void seed() {
    ecs.reset().cluster("prod");
    ecs.registerTaskDefinition(new JsonObject().put("family", "migrate").put("networkMode", "awsvpc")
        .put("containerDefinitions", new JsonArray()
            .add(new JsonObject().put("name", "app").put("image", "backend:1.2.3").put("essential", true)
                .put("logConfiguration", new JsonObject().put("logDriver", "awslogs").put("options", new JsonObject()
                    .put("awslogs-group", "/ecs/migrate").put("awslogs-region", "us-east-1")
                    .put("awslogs-stream-prefix", "ecs"))))
            .add(new JsonObject().put("name", "sidecar").put("image", "envoy").put("essential", false))));
  }

  private static EcsRunTaskAction migration(Duration timeout) {
    return new EcsRunTaskAction("migration", "prod", "migrate", "app", List.of("alembic", "upgrade", "{version}"),
        Map.of(), "FARGATE", List.of("subnet-1"), List.of("sg-1"), false, "us-east-1", timeout);
  }

  private static ActionContext context(MemoryJournal journal) {
    return new ActionContext(Map.of("version", "head"), Variables.of(Map.of()), new Redactor(), journal);
  }

  @Test
  void theEssentialContainersExitCodeDecidesAndTheOutcomeLinksToItsLogs(Vertx vertx, VertxTestContext ctx) {
    ecs.tasks(Duration.ofMillis(300), 3);
    MemoryJournal journal = new MemoryJournal();
    new EcsRunTaskRunner(vertx, clients, POLL).run(migration(Duration.ofMinutes(1)), context(journal))
        .onComplete(ctx.succeeding(outcome -> ctx.verify(() -> {
          assertFalse(outcome.passed());
          String task = journal.state().get(EcsRunTaskRunner.TASK_ARN);
          String id = task.substring(task.lastIndexOf('/') + 1);
          assertTrue(outcome.summary().startsWith("Task " + id + ": app exited 3 after "), outcome.summary());
          assertEquals("https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1"
              + "#logsV2:log-groups/log-group/$252Fecs$252Fmigrate/log-events/ecs$252Fapp$252F" + id, outcome.link());
          List<FakeEcs.RunTaskCall> calls = ecs.runTaskCalls();
          assertEquals(1, calls.size());
          assertEquals(new JsonArray().add("alembic").add("upgrade").add("head"), calls.get(0).command());
          assertEquals(journal.state().get(EcsRunTaskRunner.CLIENT_TOKEN), calls.get(0).clientToken());
          ctx.completeNow();
        })));
  }

  @Test
  void aRestartFollowsTheTaskAlreadyStartedInsteadOfStartingAnother(Vertx vertx, VertxTestContext ctx) {
    ecs.tasks(Duration.ofSeconds(2), 0);
    MemoryJournal first = new MemoryJournal();
    EcsRunTaskRunner runner = new EcsRunTaskRunner(vertx, clients, POLL);
    // The first attempt stops (the bot shuts down) once the task is running.
    first.onProgress((step, detail) -> first.stop());
    runner.run(migration(Duration.ofMinutes(1)), context(first))
        .compose(interrupted -> {
          ctx.verify(() -> assertTrue(first.state().containsKey(EcsRunTaskRunner.TASK_ARN)));
          return runner.run(migration(Duration.ofMinutes(1)), context(new MemoryJournal(first.state())));
        })
        .onComplete(ctx.succeeding(outcome -> ctx.verify(() -> {
          assertTrue(outcome.passed(), outcome.summary());
          assertTrue(outcome.summary().contains("app exited 0"), outcome.summary());
          assertEquals(1, ecs.runTaskCalls().size());
          ctx.completeNow();
        })));
  }

  @Test
  void aTaskStillRunningAtTheTimeoutIsStopped(Vertx vertx, VertxTestContext ctx) {
    ecs.tasks(Duration.ofMinutes(5), 0);
    MemoryJournal journal = new MemoryJournal();
    new EcsRunTaskRunner(vertx, clients, POLL).run(migration(Duration.ofMillis(500)), context(journal))
        .onComplete(ctx.succeeding(outcome -> ctx.verify(() -> {
          assertFalse(outcome.passed());
          assertTrue(outcome.summary().startsWith("timed out after"), outcome.summary());
          assertTrue(outcome.summary().endsWith("was stopped"), outcome.summary());
          assertEquals(1, ecs.callCount("StopTask"));
          ctx.completeNow();
        })));
  }
}
