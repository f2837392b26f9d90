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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
  private final List<BotProcess> bots = new ArrayList<>();
  private Vertx vertx;
  private FakeSlack fake;
  private FakeEcs ecs;
  private WebClient client;
  private int port;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    client = WebClient.create(vertx);
    fake = await(FakeSlack.start(vertx));
    ecs = await(FakeEcs.start(vertx));
    PipelineInSlackTest.seed(ecs);
    Files.writeString(dir.resolve("steps.log"), "");
  }

  @AfterEach
  void cleanUp() throws Exception {
    bots.forEach(BotProcess::destroy);
    BotProcess.killLeftovers(dir);
    await(vertx.close());
  }

  @Test
  void aRestartWhileTheMigrationTaskRunsFollowsTheSameTask() throws Exception {
    ecs.tasks(Duration.ofSeconds(10), 0);
    startBot("first");
    await(send(slack.slashCommand("/deploy", "api v3.0.0 to production", DeployInSlackTest.DEPLOYER,
        DeployInSlackTest.TYPED_IN, fake.responseUrl("deploy"))));
    JsonObject posted = await(fake.awaitCall("chat.postMessage", call -> DEPLOYS.equals(call.getString("channel"))));
    String tick = Blocks.buttonValue(posted, ActionIds.TICK, "migrations").orElseThrow();
    await(send(slack.blockAction(ActionIds.TICK, tick, DeployInSlackTest.DEPLOYER, DEPLOYS, "0", fake.responseUrl("t"))));
    String ts = awaitEdit(null, text -> text.contains("Ticked by"), m -> true).getString("ts");
    await(send(slack.reactionAdded("Ev0PIPERST1", DeployInSlackTest.SRE, "white_check_mark", DEPLOYS, ts)));
    JsonObject ready = awaitEdit(ts, text -> true, message -> Blocks.button(message, ActionIds.LAUNCH).isPresent());
    String runId = Blocks.button(ready, ActionIds.LAUNCH).orElseThrow().getString("value");
    await(send(slack.blockAction(ActionIds.LAUNCH, runId, DeployInSlackTest.DEPLOYER, DEPLOYS, ts, fake.responseUrl("l"))));

    // The task was started and the bot shows it running when it dies.
    awaitEdit(ts, text -> text.contains("*step migration* running") && ecs.runTaskCalls().size() == 1, m -> true);
    await(bots.get(0).kill(vertx));

    startBot("second");
    JsonObject done = awaitEdit(ts, text -> text.contains("*Succeeded*"), m -> true);
    String text = Blocks.text(done);
    assertTrue(text.contains("✅ *step migration* passed: Task "), text);
    assertEquals(1, ecs.runTaskCalls().size(), "the restarted bot followed the task instead of starting another");
    assertEquals(1, ecs.updateServiceCalls().size());
    assertEquals(List.of("backup v3.0.0"), Files.readAllLines(dir.resolve("steps.log")), "the backup ran once");
  }

  private void startBot(String name) throws Exception {
    Map<String, String> env = Map.ofEntries(
        Map.entry("PREFLIGHT_CONFIG", PipelineInSlackTest.CONFIG.toAbsolutePath().toString()),
        Map.entry("PREFLIGHT_DATA_DIR", dir.resolve("data").toString()),
        Map.entry("SLACK_BOT_TOKEN", "xoxb-pipeline-restart-token"),
        Map.entry("SLACK_SIGNING_SECRET", SlackRequests.SIGNING_SECRET),
        Map.entry("SLACK_API_URL", fake.url()),
        Map.entry("STEPS_LOG", dir.resolve("steps.log").toString()),
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
