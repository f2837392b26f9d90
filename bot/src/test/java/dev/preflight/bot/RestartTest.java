package dev.preflight.bot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.preflight.handlers.ActionIds;
import dev.preflight.handlers.fake.FakeSlack;
import dev.preflight.handlers.fake.SlackRequests;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bot as a real process with its embedded PostgreSQL, killed with SIGKILL in the middle
 * of a run and started again on the same data directory: the run is intact, the check that
 * was running runs again, and the buttons on the message posted before the kill still work.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 4, timeUnit = TimeUnit.MINUTES)
class RestartTest {

  private static final String OPS = ChecklistInSlackTest.OPS;
  private static final String LEAD = ChecklistInSlackTest.LEAD;
  private static final String SRE = ChecklistInSlackTest.SRE;

  @TempDir
  Path dir;

  private final SlackRequests slack = new SlackRequests();
  private final List<BotProcess> bots = new ArrayList<>();
  private FakeSlack fake;
  private HealthTarget target;
  private WebClient client;
  private int port;

  @AfterEach
  void cleanUp() {
    bots.forEach(BotProcess::destroy);
    // A killed bot leaves its PostgreSQL behind; nothing of this test may outlive it.
    BotProcess.killLeftovers(dir);
  }

  @Test
  void aRunSurvivesSigkillAndItsButtonsStillWork(Vertx vertx, VertxTestContext test) {
    client = WebClient.create(vertx);
    String[] ts = new String[1];
    FakeSlack.start(vertx)
        .compose(started -> {
          fake = started;
          return HealthTarget.start(vertx);
        })
        .compose(started -> {
          target = started.hold();
          return startBot(vertx, "first");
        })
        .compose(bot -> send(slack.slashCommand("/checklist", "e2e-predeploy", "U0STARTER", "C0TYPED01",
            fake.responseUrl("cmd"))))
        .compose(ack -> fake.awaitCall("chat.postMessage"))
        // The health check is now running: its request is held by the target.
        .compose(posted -> target.awaitRequest().map(v -> posted))
        .compose(posted -> {
          String tick = Blocks.buttonValue(posted, ActionIds.TICK, "backup").orElseThrow();
          return send(slack.blockAction(ActionIds.TICK, tick, LEAD, OPS, "0", fake.responseUrl("t1")));
        })
        .compose(clicked -> fake.awaitCall("chat.update", call -> Blocks.text(call).contains("Ticked by <@" + LEAD + ">")))
        .compose(update -> {
          ts[0] = update.getString("ts");
          return send(slack.reactionAdded("Ev00000100", SRE, "white_check_mark", OPS, ts[0]));
        })
        .compose(reacted -> fake.awaitCall("chat.update", call -> Blocks.text(call).contains("<@" + SRE + "> for *sre*")))
        .compose(update -> {
          test.verify(() -> assertTrue(Blocks.text(update).contains("⏳ Health endpoint answers"),
              "the health check is still running when the bot is killed"));
          return bots.get(0).kill(vertx);
        })
        .compose(killed -> {
          target.stopHolding();
          Set<JsonObject> before = seen();
          return startBot(vertx, "second").map(v -> before);
        })
        // After the restart the unfinished check runs again, and the message shows it, with the
        // tick and the sign-off from before the kill still there.
        .compose(before -> awaitNew(before, text -> text.contains("✅ Health endpoint answers")))
        .compose(update -> {
          test.verify(() -> {
            assertEquals(ts[0], update.getString("ts"), "the same message is edited, not a new one posted");
            String text = Blocks.text(update);
            assertTrue(text.contains("Ticked by <@" + LEAD + ">"), text);
            assertTrue(text.contains("<@" + SRE + "> for *sre*"), text);
            assertEquals(1, fake.calls("chat.postMessage").size());
          });
          String notes = Blocks.buttonValue(update, ActionIds.TICK, "notes").orElseThrow();
          Set<JsonObject> before = seen();
          return send(slack.blockAction(ActionIds.TICK, notes, SRE, OPS, ts[0], fake.responseUrl("t2")))
              .compose(clicked -> awaitNew(before, text -> text.contains("Ticked by <@" + SRE + ">")));
        })
        .compose(update -> bots.get(1).stop(vertx))
        .onComplete(test.succeeding(code -> test.verify(() -> {
          assertEquals(0, code, "SIGTERM stops the bot cleanly, with status 0");
          test.completeNow();
        })));
  }

  private Future<Void> startBot(Vertx vertx, String name) {
    Map<String, String> env = Map.of(
        "PREFLIGHT_CONFIG", ChecklistInSlackTest.CONFIG.toAbsolutePath().toString(),
        "PREFLIGHT_DATA_DIR", dir.resolve("data").toString(),
        "SLACK_BOT_TOKEN", "xoxb-restart-test-token",
        "SLACK_SIGNING_SECRET", SlackRequests.SIGNING_SECRET,
        "SLACK_API_URL", fake.url(),
        "E2E_BASE_URL", target.baseUrl());
    BotProcess bot;
    try {
      bot = BotProcess.start(List.of(BotProcess.java(), "-cp", System.getProperty("java.class.path"),
          "dev.preflight.bot.Main", "serve"), env, Path.of("."), dir.resolve(name + ".log"));
    } catch (IOException e) {
      return Future.failedFuture(e);
    }
    bots.add(bot);
    return bot.awaitListening(vertx).map(bound -> {
      port = bound;
      return null;
    });
  }

  private Future<io.vertx.ext.web.client.HttpResponse<io.vertx.core.buffer.Buffer>> send(SlackRequests.Signed request) {
    return request.send(client, "127.0.0.1", port);
  }

  private Set<JsonObject> seen() {
    Set<JsonObject> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    seen.addAll(fake.calls("chat.update"));
    return seen;
  }

  private Future<JsonObject> awaitNew(Set<JsonObject> before, Predicate<String> match) {
    return fake.awaitCall("chat.update", call -> !before.contains(call) && match.test(Blocks.text(call)));
  }
}
