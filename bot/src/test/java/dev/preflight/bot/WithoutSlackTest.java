package dev.preflight.bot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Without Slack tokens the bot starts, says it is not ready, and refuses Slack requests. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class WithoutSlackTest {

  private PreflightVerticle bot;
  private WebClient client;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext test) {
    bot = BotWithoutSlack.create();
    client = WebClient.create(vertx);
    vertx.deployVerticle(bot).onComplete(test.succeedingThenComplete());
  }

  @Test
  void livenessAnswersWhileReadinessNamesWhatIsMissing(VertxTestContext test) {
    client.get(bot.port(), "127.0.0.1", "/healthz").send()
        .compose(health -> {
          test.verify(() -> assertEquals(200, health.statusCode()));
          return client.get(bot.port(), "127.0.0.1", "/readyz").send();
        })
        .onComplete(test.succeeding(ready -> test.verify(() -> {
          assertEquals(503, ready.statusCode());
          JsonObject body = ready.bodyAsJsonObject();
          assertEquals("up", body.getString("database"));
          assertEquals("not configured", body.getString("slack"));
          assertTrue(body.getJsonArray("problems").encode().contains("SLACK_SIGNING_SECRET"), body.encode());
          test.completeNow();
        })));
  }

  @Test
  void slackRequestsAreRefusedWithTheReason(VertxTestContext test) {
    client.post(bot.port(), "127.0.0.1", "/slack/events")
        .putHeader("Content-Type", "application/x-www-form-urlencoded")
        .sendBuffer(Buffer.buffer("command=%2Fchecklist&text=e2e-predeploy"))
        .onComplete(test.succeeding(response -> test.verify(() -> {
          assertEquals(503, response.statusCode());
          assertTrue(response.bodyAsString().contains("SLACK_BOT_TOKEN"), response.bodyAsString());
          test.completeNow();
        })));
  }
}
