package dev.preflight.bot;

import static dev.preflight.bot.RestartedBots.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.preflight.handlers.fake.FakeSlack;
import dev.preflight.handlers.fake.SlackRequests;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
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
  private RestartedBots bots;
  private FakeSlack fake;
  private HealthTarget health;
  private Path script;
  private Path calls;

  @BeforeEach
  void start() throws Exception {
    bots = RestartedBots.in(dir);
    fake = bots.fake;
    health = await(HealthTarget.start(bots.vertx));
    script = dir.resolve("canary.sh");
    calls = dir.resolve("calls.log");
    Files.writeString(calls, "");
    Files.writeString(script, "echo \"$*\" >> '" + calls + "'\n");
  }

  @AfterEach
  void cleanUp() throws Exception {
    bots.close();
  }

  @Test
  void aBotKilledMidHoldIsFollowedByOneThatHoldsTheSameStage() throws Exception {
    BotProcess first = startBot("first");
    await(bots.send(slack.slashCommand("/deploy", "api v4.0.0 to canary", CanaryInSlackTest.DEPLOYER, DEPLOYS,
        fake.responseUrl("deploy"))));
    awaitEdit(text -> text.contains("Canary stage 2 of 3"));
    await(first.kill(bots.vertx));
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

  private BotProcess startBot(String name) throws Exception {
    return bots.start(name, CanaryInSlackTest.CONFIG, Map.of("E2E_BASE_URL", health.baseUrl(),
        "CANARY_SCRIPT", script.toString(), "PREFLIGHT_LEASE", "3s"));
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
}
