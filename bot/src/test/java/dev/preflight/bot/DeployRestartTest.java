package dev.preflight.bot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.preflight.deploy.fake.FakeEcs;
import dev.preflight.handlers.ActionIds;
import dev.preflight.handlers.fake.FakeSlack;
import dev.preflight.handlers.fake.SlackRequests;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Path;
import java.util.ArrayList;
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
  private final List<BotProcess> bots = new ArrayList<>();
  private Vertx vertx;
  private FakeSlack fake;
  private FakeEcs ecs;
  private HealthTarget health;
  private WebClient client;
  private int port;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    client = WebClient.create(vertx);
    fake = await(FakeSlack.start(vertx));
    health = await(HealthTarget.start(vertx));
    ecs = await(FakeEcs.start(vertx));
    ecs.cluster(DeployInSlackTest.CLUSTER);
    String first = ecs.registerTaskDefinition("api", Map.of("app", DeployInSlackTest.FIRST_IMAGE));
    ecs.service(DeployInSlackTest.CLUSTER, "api", first, 3);
  }

  @AfterEach
  void cleanUp() throws Exception {
    bots.forEach(BotProcess::destroy);
    BotProcess.killLeftovers(dir);
    await(vertx.close());
  }

  @Test
  void aDeployInFlightIsFollowedToTheEndAfterSigkillWithOneUpdateService() throws Exception {
    ecs.pace(0); // the rollout stands still until the bot has been killed
    startBot("first");
    await(send(slack.slashCommand("/deploy", "api v1.1.0 to production", DeployInSlackTest.DEPLOYER,
        DeployInSlackTest.TYPED_IN, fake.responseUrl("deploy"))));
    JsonObject posted = await(fake.awaitCall("chat.postMessage", call -> DEPLOYS.equals(call.getString("channel"))));
    String tick = Blocks.buttonValue(posted, ActionIds.TICK, "migrations").orElseThrow();
    await(send(slack.blockAction(ActionIds.TICK, tick, DeployInSlackTest.DEPLOYER, DEPLOYS, "0", fake.responseUrl("t"))));
    String ts = awaitEdit(null, text -> text.contains("Ticked by")).getString("ts");
    await(send(slack.reactionAdded("Ev0RESTART1", DeployInSlackTest.SRE, "white_check_mark", DEPLOYS, ts)));
    JsonObject ready = awaitEdit(ts, text -> true, message -> Blocks.button(message, ActionIds.LAUNCH).isPresent());
    String runId = Blocks.button(ready, ActionIds.LAUNCH).orElseThrow().getString("value");
    await(send(slack.blockAction(ActionIds.LAUNCH, runId, DeployInSlackTest.DEPLOYER, DEPLOYS, ts, fake.responseUrl("l"))));

    // UpdateService went out and the bot is following the rollout when it dies.
    awaitEdit(ts, text -> text.contains("*Deploying*") && text.contains("0 of 3 new tasks running"));
    assertEquals(1, ecs.updateServiceCalls().size());
    await(bots.get(0).kill(vertx));

    ecs.pace(1);
    startBot("second");
    JsonObject done = awaitEdit(ts, text -> text.contains("*Succeeded*"));
    assertTrue(Blocks.text(done).contains("API answers on /ready"), Blocks.text(done));
    assertEquals(1, ecs.updateServiceCalls().size(), "the restarted bot followed the deploy instead of repeating it");
    assertEquals(1, fake.calls("chat.postMessage").stream()
        .filter(call -> DEPLOYS.equals(call.getString("channel")) && call.getString("thread_ts") == null).count(),
        "the same message was finished, no second one posted");
    assertEquals(0, (int) await(bots.get(1).stop(vertx)), "SIGTERM stops the bot cleanly, with status 0");
  }

  private void startBot(String name) throws Exception {
    Map<String, String> env = Map.ofEntries(
        Map.entry("PREFLIGHT_CONFIG", DeployInSlackTest.CONFIG.toAbsolutePath().toString()),
        Map.entry("PREFLIGHT_DATA_DIR", dir.resolve("data").toString()),
        Map.entry("SLACK_BOT_TOKEN", "xoxb-deploy-restart-token"),
        Map.entry("SLACK_SIGNING_SECRET", SlackRequests.SIGNING_SECRET),
        Map.entry("SLACK_API_URL", fake.url()),
        Map.entry("E2E_BASE_URL", health.baseUrl()),
        Map.entry("AWS_ENDPOINT_URL", ecs.endpoint().toString()),
        Map.entry("AWS_ACCESS_KEY_ID", "AKIDRESTART"),
        Map.entry("AWS_SECRET_ACCESS_KEY", "restart-secret"),
        Map.entry("AWS_REGION", "us-east-1"),
        Map.entry("PREFLIGHT_POLL_INTERVAL", "200ms"));
    BotProcess bot = BotProcess.start(List.of(BotProcess.java(), "-cp", System.getProperty("java.class.path"),
        "dev.preflight.bot.Main", "serve"), env, Path.of("."), dir.resolve(name + ".log"));
    bots.add(bot);
    port = await(bot.awaitListening(vertx));
  }

  private JsonObject awaitEdit(String ts, Predicate<String> text) throws Exception {
    return awaitEdit(ts, text, message -> true);
  }

  private JsonObject awaitEdit(String ts, Predicate<String> text, Predicate<JsonObject> message) throws Exception {
    return await(fake.awaitCall("chat.update", call -> DEPLOYS.equals(call.getString("channel"))
        && (ts == null || ts.equals(call.getString("ts"))) && text.test(Blocks.text(call)) && message.test(call)));
  }

  private Future<HttpResponse<Buffer>> send(SlackRequests.Signed request) {
    return request.send(client, "127.0.0.1", port);
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(90, TimeUnit.SECONDS);
  }
}
