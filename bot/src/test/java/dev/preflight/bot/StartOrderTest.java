package dev.preflight.bot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.preflight.checklists.config.ConfigLoader;
import dev.preflight.checklists.secret.Variables;
import dev.preflight.deploy.TestDatabase;
import dev.preflight.handlers.fake.FakeSlack;
import dev.preflight.handlers.fake.SlackRequests;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.pgclient.PgConnectOptions;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The start's order: the bot builds its parts (the Slack surface, which asks Slack about the
 * token at once) while the database is still opening, but serves nothing, not even
 * {@code /readyz}, until the database is open and migrated; then it is ready and answers a
 * signed slash command.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 90, timeUnit = TimeUnit.SECONDS)
class StartOrderTest {

  private final SlackRequests slack = new SlackRequests(SlackRequests.SIGNING_SECRET);

  @Test
  void thePartsAreBuiltWhileTheDatabaseOpensButNothingIsServedBeforeItIsOpen(Vertx vertx, VertxTestContext test)
      throws Exception {
    TestDatabase database = TestDatabase.create();
    int port = freePort();
    WebClient client = WebClient.create(vertx);
    Promise<PgConnectOptions> opening = Promise.promise();
    Promise<String> deployed = Promise.promise();
    FakeSlack.start(vertx)
        .compose(fake -> {
          BotSettings settings = BotSettings.fromEnvironment(Map.of(
              "PORT", String.valueOf(port),
              "PREFLIGHT_CONFIG", ChecklistInSlackTest.CONFIG.toString(),
              "SLACK_BOT_TOKEN", "xoxb-e2e-test-token",
              "SLACK_SIGNING_SECRET", SlackRequests.SIGNING_SECRET,
              "SLACK_API_URL", fake.url()));
          vertx.deployVerticle(new PreflightVerticle(settings, ConfigLoader.load(ChecklistInSlackTest.CONFIG),
              opening.future(), Variables.of(Map.of()))).onComplete(deployed);
          // The surface was built with the database still closed: it has asked Slack about the token.
          return until(vertx, () -> !fake.calls("auth.test").isEmpty())
              .compose(asked -> client.get(port, "127.0.0.1", "/readyz").send()
                  .transform(answer -> Future.succeededFuture(answer.succeeded()
                      ? "answered " + answer.result().statusCode()
                      : "refused")))
              .compose(before -> {
                test.verify(() -> {
                  assertEquals("refused", before, "/readyz before the database opened");
                  assertFalse(deployed.future().isComplete(), "the start finished before the database opened");
                });
                opening.complete(database.connectOptions());
                return deployed.future();
              })
              .compose(id -> client.get(port, "127.0.0.1", "/readyz").send())
              .compose(ready -> {
                JsonObject body = ready.bodyAsJsonObject();
                test.verify(() -> {
                  assertEquals(200, ready.statusCode(), body.encode());
                  assertEquals("up", body.getString("database"));
                });
                return slack.slashCommand("/checklist", "list", "U0STARTER", "C0TYPED01", fake.responseUrl("cmd"))
                    .send(client, "127.0.0.1", port);
              });
        })
        .onComplete(test.succeeding((HttpResponse<Buffer> ack) -> test.verify(() -> {
          assertEquals(200, ack.statusCode());
          assertTrue(ack.bodyAsString().contains("e2e-predeploy"), ack.bodyAsString());
          test.completeNow();
        })));
  }

  /**
   * The Slack client Serve builds ahead, while the config is read, is the one the surface uses:
   * the settings here name an address where nothing listens, the client built ahead the fake.
   */
  @Test
  void theSlackClientBuiltAheadIsTheOneTheBotCallsSlackWith(Vertx vertx, VertxTestContext test) throws Exception {
    TestDatabase database = TestDatabase.create();
    int port = freePort();
    WebClient client = WebClient.create(vertx);
    FakeSlack.start(vertx)
        .compose(fake -> {
          BotSettings settings = BotSettings.fromEnvironment(Map.of(
              "PORT", String.valueOf(port),
              "PREFLIGHT_CONFIG", ChecklistInSlackTest.CONFIG.toString(),
              "SLACK_BOT_TOKEN", "xoxb-e2e-test-token",
              "SLACK_SIGNING_SECRET", SlackRequests.SIGNING_SECRET,
              "SLACK_API_URL", "http://127.0.0.1:9/api/"));
          java.util.concurrent.CompletableFuture<com.slack.api.Slack> ahead = java.util.concurrent.CompletableFuture
              .supplyAsync(() -> dev.preflight.handlers.slack.SlackApi.slack(fake.url()));
          return vertx.deployVerticle(new PreflightVerticle(settings, ConfigLoader.load(ChecklistInSlackTest.CONFIG),
                  database.connectOptions(), Variables.of(Map.of())).slackClient(ahead))
              .compose(id -> until(vertx, () -> !fake.calls("auth.test").isEmpty()))
              .compose(asked -> slack.slashCommand("/checklist", "e2e-predeploy", "U0STARTER", "C0TYPED01",
                  fake.responseUrl("ahead")).send(client, "127.0.0.1", port))
              .compose(ack -> until(vertx, () -> !fake.calls("chat.postMessage").isEmpty()).map(posted -> ack));
        })
        .onComplete(test.succeeding((HttpResponse<Buffer> ack) -> test.verify(() -> {
          assertEquals(200, ack.statusCode(), ack.bodyAsString());
          test.completeNow();
        })));
  }

  @Test
  void aDatabaseThatFailsToOpenFailsTheStart(Vertx vertx, VertxTestContext test) {
    BotSettings settings = BotSettings.fromEnvironment(Map.of(
        "PORT", "0",
        "PREFLIGHT_CONFIG", ChecklistInSlackTest.CONFIG.toString()));
    vertx.deployVerticle(new PreflightVerticle(settings, ConfigLoader.load(ChecklistInSlackTest.CONFIG),
            Future.failedFuture(new IllegalStateException("migration V3 failed")), Variables.of(Map.of())))
        .onComplete(test.failing(e -> test.verify(() -> {
          assertEquals("migration V3 failed", e.getMessage());
          test.completeNow();
        })));
  }

  /** Completes once {@code condition} holds, looking every 50 ms. */
  private static Future<Void> until(Vertx vertx, java.util.function.BooleanSupplier condition) {
    Promise<Void> done = Promise.promise();
    vertx.setPeriodic(50, id -> {
      if (condition.getAsBoolean()) {
        vertx.cancelTimer(id);
        done.tryComplete();
      }
    });
    return done.future();
  }

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
