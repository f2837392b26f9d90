package dev.preflight.handlers.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.preflight.checklists.config.PreflightConfig;
import dev.preflight.checklists.deploy.Release;
import dev.preflight.deploy.stats.HistoryEntry;
import dev.preflight.handlers.Replies;
import dev.preflight.handlers.render.HistoryMessage;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code /deploys history} reached with signed slash commands: typos answered in the ack with a
 * suggestion, a good request answered privately with the history the source gives.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class DeploysHistoryTest {

  private static final String USER = "U0CURIOUS";
  private static final String CHANNEL = "C0TYPEDIN01";
  private static final Instant AT = Instant.parse("2024-06-12T11:15:00Z");

  private final PreflightConfig config = DeployConfigs.config();
  private final List<String> asked = new CopyOnWriteArrayList<>();
  private SlackHarness harness;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext test) {
    DeploysCommand.History history = (service, environment, limit) -> {
      asked.add(service + "/" + environment + "/" + limit);
      return Future.succeededFuture(List.of(
          new HistoryEntry(new Release(service, environment, "v1.3.1", null, "r-5", "U0ALICE", AT, Release.DEPLOY),
              Duration.ofMinutes(10), null),
          new HistoryEntry(new Release(service, environment, "v1.0.0", null, "r-2", "U0SRE", AT.minusSeconds(3600),
              Release.ROLLBACK), Duration.ofMinutes(5), "v1.1.0")));
    };
    SlackHarness.start(vertx, setup -> {
      DeploysCommand command = new DeploysCommand(config, history, null, new Replies(setup.slack()),
          Clock.systemUTC(), vertx.getOrCreateContext());
      setup.app().command(DeploysCommand.COMMAND, command);
      setup.app().command(DeploysCommand.STATUS, command);
    }).onComplete(test.succeeding(started -> {
      harness = started;
      test.completeNow();
    }));
  }

  @AfterEach
  void stop(VertxTestContext test) {
    harness.close().onComplete(test.succeedingThenComplete());
  }

  @Test
  void historyIsAnsweredPrivatelyWithWhoWhenAndHowLong(VertxTestContext test) {
    harness.command("/deploys", "history backend production", USER, CHANNEL)
        .compose(response -> {
          test.verify(() -> assertEquals(200, response.statusCode()));
          return harness.fake.awaitResponse("cmd", answer -> true);
        })
        .onComplete(test.succeeding(call -> test.verify(() -> {
          assertEquals("ephemeral", call.getString("response_type"),
              "through the command's response_url, which works in a direct message too");
          assertEquals(List.of(), harness.fake.calls("chat.postEphemeral"));
          assertEquals(List.of("backend/production/" + HistoryMessage.LIMIT), asked);
          String text = call.getJsonArray("blocks").stream().map(JsonObject.class::cast)
              .map(b -> b.getJsonObject("text")).filter(t -> t != null).map(t -> t.getString("text"))
              .collect(Collectors.joining("\n"));
          assertTrue(text.contains("History of backend in production"), text);
          assertTrue(text.contains("🚀 deployed `v1.3.1` by <@U0ALICE>"), text);
          assertTrue(text.contains(" · took 10m"), text);
          assertTrue(text.contains("↩️ rolled back to `v1.0.0` from `v1.1.0` by <@U0SRE>"), text);
          assertEquals(List.of(), harness.fake.calls("chat.postMessage"), "nothing is posted in the channel");
          test.completeNow();
        })));
  }

  @Test
  void historyWhoseResponseUrlExpiredComesAsADirectMessageWithItsBlocks(VertxTestContext test) {
    harness.fake.expireResponseUrl("cmd");
    harness.command("/deploys", "history backend production", USER, CHANNEL)
        .compose(response -> harness.fake.awaitCall("chat.postMessage"))
        .onComplete(test.succeeding(call -> test.verify(() -> {
          assertEquals(dev.preflight.handlers.fake.FakeSlack.dmChannel(USER), call.getString("channel"));
          assertTrue(call.getJsonArray("blocks").encode().contains("History of backend in production"),
              call.encode());
          assertEquals(List.of(), harness.fake.calls("chat.postEphemeral"), "never an ephemeral first");
          test.completeNow();
        })));
  }

  @Test
  void statusHistoryIsTheSameCommand(VertxTestContext test) {
    harness.command("/status", "HISTORY backend staging", USER, CHANNEL)
        .compose(response -> harness.fake.awaitResponse("cmd", answer -> true))
        .onComplete(test.succeeding(call -> test.verify(() -> {
          assertEquals(List.of("backend/staging/" + HistoryMessage.LIMIT), asked);
          test.completeNow();
        })));
  }

  @Test
  void unknownServiceIsAnsweredWithASuggestionAndLooksNothingUp(VertxTestContext test) {
    ack("history bakend production", test, "There is no service `bakend`. Did you mean `backend`?");
  }

  @Test
  void unknownEnvironmentIsAnsweredWithASuggestion(VertxTestContext test) {
    ack("history backend prodution", test, "*backend* has no environment `prodution`. Did you mean `production`?");
  }

  @Test
  void historyWithoutBothNamesExplainsItself(VertxTestContext test) {
    ack("history backend", test, DeploysCommand.historyHelp());
  }

  private void ack(String text, VertxTestContext test, String expected) {
    harness.command("/deploys", text, USER, CHANNEL)
        .onComplete(test.succeeding(response -> test.verify(() -> {
          assertEquals(200, response.statusCode());
          assertEquals(expected, response.bodyAsJsonObject().getString("text"));
          assertEquals(List.of(), asked);
          assertEquals(List.of(), harness.fake.calls("chat.postEphemeral"));
          assertEquals(List.of(), harness.fake.responses("cmd"));
          test.completeNow();
        })));
  }
}
