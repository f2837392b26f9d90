package dev.preflight.bot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bot as a real process, SIGKILLed while a canary stage holds and started again on the same
 * data: the new process holds the same stage for the rest of its hold, without shifting the
 * traffic again, and finishes the run's one message.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class CanaryRestartTest {

  private static final String DEPLOYS = CanaryInSlackTest.DEPLOYS;

  @TempDir
  Path dir;

  private final SlackRequests slack = new SlackRequests();
  private final List<BotProcess> bots = new ArrayList<>();
  private Vertx vertx;
  private FakeSlack fake;
  private HealthTarget health;
  private WebClient client;
  private Path script;
  private Path calls;
  private int port;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    client = WebClient.create(vertx);
    fake = await(FakeSlack.start(vertx));
    health = await(HealthTarget.start(vertx));
    script = dir.resolve("canary.sh");
    calls = dir.resolve("calls.log");
    Files.writeString(calls, "");
    Files.writeString(script, "echo \"$*\" >> '" + calls + "'\n");
  }

  @AfterEach
  void cleanUp() throws Exception {
    bots.forEach(BotProcess::destroy);
    BotProcess.killLeftovers(dir);
    await(vertx.close());
  }

  @Test
  void aBotKilledMidHoldIsFollowedByOneThatHoldsTheSameStage() throws Exception {
    startBot("first");
    await(send(slack.slashCommand("/deploy", "api v4.0.0 to canary", CanaryInSlackTest.DEPLOYER, DEPLOYS,
        fake.responseUrl("deploy"))));
    awaitEdit(text -> text.contains("Canary stage 2 of 3"));
    await(bots.get(0).kill(vertx));
    int before = fake.calls("chat.update").size();

    startBot("second");
    JsonObject resumed = awaitEditAfter(before, text -> text.contains("🐤 *Canary stage"));
    assertTrue(Blocks.text(resumed).contains("🐤 *Canary stage 2 of 3* · 50% of traffic"),
        "the restarted bot holds stage 2, not stage 1 again: " + Blocks.text(resumed));
    awaitEdit(text -> text.contains("*Succeeded*"));

    assertEquals(List.of("deploy v4.0.0", "weight v4.0.0 10", "weight v4.0.0 50", "weight v4.0.0 100",
        "promote v4.0.0"), Files.readAllLines(calls).stream().map(String::strip).toList(),
        "stage 2's weight was not sent a second time");
  }

  private void startBot(String name) throws Exception {
    Map<String, String> env = Map.ofEntries(
        Map.entry("PREFLIGHT_CONFIG", CanaryInSlackTest.CONFIG.toAbsolutePath().toString()),
        Map.entry("PREFLIGHT_DATA_DIR", dir.resolve("data").toString()),
        Map.entry("SLACK_BOT_TOKEN", "xoxb-canary-restart-token"),
        Map.entry("SLACK_SIGNING_SECRET", SlackRequests.SIGNING_SECRET),
        Map.entry("SLACK_API_URL", fake.url()),
        Map.entry("E2E_BASE_URL", health.baseUrl()),
        Map.entry("CANARY_SCRIPT", script.toString()),
        Map.entry("PREFLIGHT_LEASE", "3s"),
        Map.entry("PREFLIGHT_POLL_INTERVAL", "200ms"));
    BotProcess bot = BotProcess.start(List.of(BotProcess.java(), "-cp", System.getProperty("java.class.path"),
        "dev.preflight.bot.Main", "serve"), env, Path.of("."), dir.resolve(name + ".log"));
    bots.add(bot);
    port = await(bot.awaitListening(vertx));
  }

  private JsonObject awaitEdit(Predicate<String> text) throws Exception {
    return await(fake.awaitCall("chat.update", call -> DEPLOYS.equals(call.getString("channel"))
        && text.test(Blocks.text(call))));
  }

  /** The first edit made after the first {@code skip} edits whose text passes, looked for every 100 ms. */
  private JsonObject awaitEditAfter(int skip, Predicate<String> text) throws Exception {
    for (int i = 0; i < 900; i++) {
      List<JsonObject> edits = fake.calls("chat.update");
      Optional<JsonObject> found = edits.subList(Math.min(skip, edits.size()), edits.size()).stream()
          .filter(call -> DEPLOYS.equals(call.getString("channel")) && text.test(Blocks.text(call))).findFirst();
      if (found.isPresent()) {
        return found.get();
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no such edit after the restart");
  }

  private Future<HttpResponse<Buffer>> send(SlackRequests.Signed request) {
    return request.send(client, "127.0.0.1", port);
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(90, TimeUnit.SECONDS);
  }
}
