package dev.preflight.bot;

import static dev.preflight.bot.RestartedBots.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.preflight.deploy.fake.FakeEcs;
import dev.preflight.handlers.ActionIds;
import dev.preflight.handlers.fake.FakeSlack;
import dev.preflight.handlers.fake.SlackRequests;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bot as a real process, SIGKILLed while the migration step's one-off ECS task runs, and
 * started again on the same data: it follows the task it started to its end instead of
 * starting another, and finishes the run's one message.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class PipelineRestartTest {

  private static final String DEPLOYS = DeployInSlackTest.DEPLOYS;

  @TempDir
  Path dir;

  private final SlackRequests slack = new SlackRequests();
  private RestartedBots bots;
  private FakeSlack fake;
  private FakeEcs ecs;

  @BeforeEach
  void start() throws Exception {
    bots = RestartedBots.in(dir);
    fake = bots.fake;
    ecs = await(FakeEcs.start(bots.vertx));
    PipelineInSlackTest.seed(ecs);
    Files.writeString(dir.resolve("steps.log"), "");
  }

  @AfterEach
  void cleanUp() throws Exception {
    bots.close();
  }

  @Test
  void aRestartWhileTheMigrationTaskRunsFollowsTheSameTask() throws Exception {
    ecs.tasks(Duration.ofSeconds(10), 0);
    BotProcess first = startBot("first");
    await(bots.send(slack.slashCommand("/deploy", "api v3.0.0 to production", DeployInSlackTest.DEPLOYER,
        DeployInSlackTest.TYPED_IN, fake.responseUrl("deploy"))));
    JsonObject posted = await(fake.awaitCall("chat.postMessage", call -> DEPLOYS.equals(call.getString("channel"))));
    String tick = Blocks.buttonValue(posted, ActionIds.TICK, "migrations").orElseThrow();
    await(bots.send(slack.blockAction(ActionIds.TICK, tick, DeployInSlackTest.DEPLOYER, DEPLOYS, "0", fake.responseUrl("t"))));
    String ts = awaitEdit(null, text -> text.contains("Ticked by"), m -> true).getString("ts");
    await(bots.send(slack.reactionAdded("Ev0PIPERST1", DeployInSlackTest.SRE, "white_check_mark", DEPLOYS, ts)));
    JsonObject ready = awaitEdit(ts, text -> true, message -> Blocks.button(message, ActionIds.LAUNCH).isPresent());
    String runId = Blocks.button(ready, ActionIds.LAUNCH).orElseThrow().getString("value");
    await(bots.send(slack.blockAction(ActionIds.LAUNCH, runId, DeployInSlackTest.DEPLOYER, DEPLOYS, ts, fake.responseUrl("l"))));

    // The task was started and the bot shows it running when it dies.
    awaitEdit(ts, text -> text.contains("*step migration* running") && ecs.runTaskCalls().size() == 1, m -> true);
    await(first.kill(bots.vertx));

    startBot("second");
    JsonObject done = awaitEdit(ts, text -> text.contains("*Succeeded*"), m -> true);
    String text = Blocks.text(done);
    assertTrue(text.contains("✅ *step migration* passed: Task "), text);
    assertEquals(1, ecs.runTaskCalls().size(), "the restarted bot followed the task instead of starting another");
    assertEquals(1, ecs.updateServiceCalls().size());
    assertEquals(List.of("backup v3.0.0"), Files.readAllLines(dir.resolve("steps.log")), "the backup ran once");
  }

  private BotProcess startBot(String name) throws Exception {
    Map<String, String> env = new HashMap<>(RestartedBots.aws(ecs));
    env.put("STEPS_LOG", dir.resolve("steps.log").toString());
    return bots.start(name, PipelineInSlackTest.CONFIG, env);
  }

  private JsonObject awaitEdit(String ts, Predicate<String> text, Predicate<JsonObject> message) throws Exception {
    return bots.awaitEdit(DEPLOYS, ts, text, message);
  }
}
