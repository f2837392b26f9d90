package dev.preflight.bot;

import static dev.preflight.bot.RestartedBots.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.preflight.deploy.fake.FakeEcs;
import dev.preflight.handlers.ActionIds;
import dev.preflight.handlers.fake.FakeSlack;
import dev.preflight.handlers.fake.SlackRequests;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bot as a real process, SIGKILLed while an ECS rollout it started is under way and
 * started again on the same data: it follows the deploy it already started to the end, without
 * sending UpdateService a second time, and finishes the run's one message.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class DeployRestartTest {

  private static final String DEPLOYS = DeployInSlackTest.DEPLOYS;

  @TempDir
  Path dir;

  private final SlackRequests slack = new SlackRequests();
  private RestartedBots bots;
  private FakeSlack fake;
  private FakeEcs ecs;
  private HealthTarget health;

  @BeforeEach
  void start() throws Exception {
    bots = RestartedBots.in(dir);
    fake = bots.fake;
    health = await(HealthTarget.start(bots.vertx));
    ecs = await(FakeEcs.start(bots.vertx));
    ecs.cluster(DeployInSlackTest.CLUSTER);
    String first = ecs.registerTaskDefinition("api", Map.of("app", DeployInSlackTest.FIRST_IMAGE));
    ecs.service(DeployInSlackTest.CLUSTER, "api", first, 3);
  }

  @AfterEach
  void cleanUp() throws Exception {
    bots.close();
  }

  @Test
  void aDeployInFlightIsFollowedToTheEndAfterSigkillWithOneUpdateService() throws Exception {
    ecs.pace(0); // the rollout stands still until the bot has been killed
    BotProcess first = startBot("first");
    await(bots.send(slack.slashCommand("/deploy", "api v1.1.0 to production", DeployInSlackTest.DEPLOYER,
        DeployInSlackTest.TYPED_IN, fake.responseUrl("deploy"))));
    JsonObject posted = await(fake.awaitCall("chat.postMessage", call -> DEPLOYS.equals(call.getString("channel"))));
    String tick = Blocks.buttonValue(posted, ActionIds.TICK, "migrations").orElseThrow();
    await(bots.send(slack.blockAction(ActionIds.TICK, tick, DeployInSlackTest.DEPLOYER, DEPLOYS, "0", fake.responseUrl("t"))));
    String ts = awaitEdit(null, text -> text.contains("Ticked by")).getString("ts");
    await(bots.send(slack.reactionAdded("Ev0RESTART1", DeployInSlackTest.SRE, "white_check_mark", DEPLOYS, ts)));
    JsonObject ready = awaitEdit(ts, text -> true, message -> Blocks.button(message, ActionIds.LAUNCH).isPresent());
    String runId = Blocks.button(ready, ActionIds.LAUNCH).orElseThrow().getString("value");
    await(bots.send(slack.blockAction(ActionIds.LAUNCH, runId, DeployInSlackTest.DEPLOYER, DEPLOYS, ts, fake.responseUrl("l"))));

    // UpdateService went out and the bot is following the rollout when it dies.
    awaitEdit(ts, text -> text.contains("*Deploying*") && text.contains("0 of 3 new tasks running"));
    assertEquals(1, ecs.updateServiceCalls().size());
    await(first.kill(bots.vertx));

    ecs.pace(1);
    BotProcess second = startBot("second");
    JsonObject done = awaitEdit(ts, text -> text.contains("*Succeeded*"));
    assertTrue(Blocks.text(done).contains("API answers on /ready"), Blocks.text(done));
    assertEquals(1, ecs.updateServiceCalls().size(), "the restarted bot followed the deploy instead of repeating it");
    assertEquals(1, fake.calls("chat.postMessage").stream()
        .filter(call -> DEPLOYS.equals(call.getString("channel")) && call.getString("thread_ts") == null).count(),
        "the same message was finished, no second one posted");
    assertEquals(0, (int) await(second.stop(bots.vertx)), "SIGTERM stops the bot cleanly, with status 0");
  }

  private BotProcess startBot(String name) throws Exception {
    Map<String, String> env = new HashMap<>(RestartedBots.aws(ecs));
    env.put("E2E_BASE_URL", health.baseUrl());
    return bots.start(name, DeployInSlackTest.CONFIG, env);
  }

  private JsonObject awaitEdit(String ts, Predicate<String> text) throws Exception {
    return awaitEdit(ts, text, message -> true);
  }

  private JsonObject awaitEdit(String ts, Predicate<String> text, Predicate<JsonObject> message) throws Exception {
    return bots.awaitEdit(DEPLOYS, ts, text, message);
  }
}
