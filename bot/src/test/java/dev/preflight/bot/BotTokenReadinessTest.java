package dev.preflight.bot;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.preflight.checklists.config.ConfigLoader;
import dev.preflight.checklists.secret.Variables;
import dev.preflight.deploy.TestDatabase;
import dev.preflight.handlers.fake.FakeSlack;
import dev.preflight.handlers.fake.SlackRequests;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The whole bot with a bot token that Slack does not accept: its {@code auth.test} at start is
 * refused, and {@code /readyz} says so, while a token Slack accepts leaves the bot ready.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class BotTokenReadinessTest {

  private static final String GOOD_TOKEN = "xoxb-e2e-test-token";

  private FakeSlack fake;
  private WebClient client;
  private TestDatabase database;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext test) {
    database = TestDatabase.create();
    client = WebClient.create(vertx);
    FakeSlack.start(vertx)
        .onSuccess(started -> fake = started.answer("auth.test", (params, token) -> GOOD_TOKEN.equals(token)
            ? new JsonObject().put("ok", true).put("user_id", FakeSlack.BOT_USER_ID).put("team_id", FakeSlack.TEAM_ID)
            : new JsonObject().put("ok", false).put("error", "invalid_auth")))
        .onComplete(test.succeedingThenComplete());
  }

  @Test
  void aBotTokenSlackRejectsMakesTheBotNotReadyAndSaysWhy(Vertx vertx, VertxTestContext test) {
    bot(vertx, "xoxb-revoked-or-mistyped")
        .compose(bot -> readyz(vertx, bot, body -> "rejected".equals(body.getString("bot_token"))))
        .onComplete(test.succeeding(body -> test.verify(() -> {
          assertEquals(503, body.getInteger("http"));
          assertEquals("not ready", body.getString("status"));
          assertEquals(new JsonArray().add("Slack rejected the bot token: invalid_auth"), body.getJsonArray("problems"));
          test.completeNow();
        })));
  }

  @Test
  void aBotTokenSlackAcceptsLeavesTheBotReady(Vertx vertx, VertxTestContext test) {
    bot(vertx, GOOD_TOKEN)
        .compose(bot -> readyz(vertx, bot, body -> "accepted".equals(body.getString("bot_token"))))
        .onComplete(test.succeeding(body -> test.verify(() -> {
          assertEquals(200, body.getInteger("http"));
          assertEquals("ready", body.getString("status"));
          assertEquals(new JsonArray(), body.getJsonArray("problems"));
          test.completeNow();
        })));
  }

  private Future<PreflightVerticle> bot(Vertx vertx, String token) {
    BotSettings settings = BotSettings.fromEnvironment(Map.of(
        "PORT", "0",
        "PREFLIGHT_CONFIG", ChecklistInSlackTest.CONFIG.toString(),
        "SLACK_BOT_TOKEN", token,
        "SLACK_SIGNING_SECRET", SlackRequests.SIGNING_SECRET,
        "SLACK_API_URL", fake.url()));
    PreflightVerticle bot = new PreflightVerticle(settings, ConfigLoader.load(ChecklistInSlackTest.CONFIG),
        database.connectOptions(), Variables.of(Map.of("E2E_BASE_URL", "http://127.0.0.1:9")));
    return vertx.deployVerticle(bot).map(id -> bot);
  }

  /** GET /readyz until its body shows Slack's verdict on the token (the check at start runs beside the start). */
  private Future<JsonObject> readyz(Vertx vertx, PreflightVerticle bot, Predicate<JsonObject> verdict) {
    Promise<JsonObject> seen = Promise.promise();
    vertx.setPeriodic(100, id -> client.get(bot.port(), "127.0.0.1", "/readyz").send()
        .onSuccess(response -> {
          JsonObject body = response.bodyAsJsonObject();
          if (verdict.test(body) && seen.tryComplete(body.put("http", response.statusCode()))) {
            vertx.cancelTimer(id);
          }
        }));
    return seen.future();
  }
}
