package dev.preflight.bot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.preflight.checklists.config.ConfigLoader;
import dev.preflight.checklists.secret.Variables;
import dev.preflight.deploy.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A bot that begins to stop refuses new requests with 503 (readiness says it is stopping, so the
 * load balancer and Slack go elsewhere) while the request it is in the middle of still gets its
 * answer, and the stop waits for it.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class StoppingTest {

  private static final String BODY = "command=%2Fchecklist&text=e2e-predeploy";

  private PreflightVerticle bot;
  private String deployment;
  private WebClient client;

  /**
   * Unset is the default (one loop per CPU, at least two). With several loops the extra servers
   * are stopped before the bot's own verticle; they used to close at once and drop the
   * connections they had just accepted ("Connection was closed"), so a request sent as the stop
   * began got no answer at all.
   */
  @ParameterizedTest(name = "PREFLIGHT_HTTP_LOOPS={0}")
  @ValueSource(strings = {"", "1", "2", "4"})
  void newRequestsGet503WhileTheRequestInFlightIsAnsweredBeforeTheServerCloses(String loops, Vertx vertx,
      VertxTestContext test) {
    Path config = Path.of("src/test/resources/e2e/preflight.yaml");
    BotSettings settings = BotSettings.fromEnvironment(
        Map.of("PORT", "0", "PREFLIGHT_CONFIG", config.toString(), "PREFLIGHT_HTTP_LOOPS", loops));
    bot = new PreflightVerticle(settings, ConfigLoader.load(config), TestDatabase.create().connectOptions(),
        Variables.of(Map.of()));
    client = WebClient.create(vertx);
    vertx.deployVerticle(bot)
        .onSuccess(id -> deployment = id)
        .onComplete(test.succeeding(id -> stopWhileARequestIsInFlight(vertx, test)));
  }

  private void stopWhileARequestIsInFlight(Vertx vertx, VertxTestContext test) {
    StringBuilder answer = new StringBuilder();
    Promise<Void> answered = Promise.promise();
    int port = bot.port();
    vertx.createNetClient().connect(port, "127.0.0.1")
        // A request whose body is still on its way: it is in flight when the stop begins.
        .compose(socket -> {
          socket.handler(bytes -> {
            answer.append(bytes.toString());
            if (answer.toString().contains("Slack is not configured")) {
              answered.tryComplete();
            }
          });
          socket.closeHandler(v -> answered.tryComplete());
          return socket.write("POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                  + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " + BODY.length() + "\r\n\r\n"
                  + BODY.substring(0, 10))
              .compose(v -> admitted(vertx))
              .map(socket);
        })
        .compose(socket -> {
          Future<Void> stopped = vertx.undeploy(deployment);
          return client.get(port, "127.0.0.1", "/readyz").send()
              .compose(ready -> {
                test.verify(() -> {
                  assertEquals(503, ready.statusCode());
                  assertEquals("stopping", ready.bodyAsJsonObject().getString("status"));
                });
                return client.post(port, "127.0.0.1", "/slack/events")
                    .putHeader("Content-Type", "application/x-www-form-urlencoded")
                    .sendBuffer(Buffer.buffer(BODY));
              })
              .compose(refused -> {
                test.verify(() -> {
                  assertEquals(503, refused.statusCode());
                  assertEquals("1", refused.getHeader("Retry-After"));
                  assertTrue(refused.bodyAsString().contains("Preflight is stopping"), refused.bodyAsString());
                  assertFalse(stopped.isComplete(), "the stop waits for the request in flight");
                });
                return client.get(port, "127.0.0.1", "/healthz").send();
              })
              .compose(health -> {
                test.verify(() -> assertEquals(200, health.statusCode(), "still alive while it stops"));
                return socket.write(BODY.substring(10));
              })
              .compose(v -> answered.future())
              .compose(v -> stopped);
        })
        .onComplete(test.succeeding(v -> test.verify(() -> {
          // Answered by the Slack endpoint itself (unconfigured here), not refused as new work.
          assertTrue(answer.toString().startsWith("HTTP/1.1 503"), answer.toString());
          assertTrue(answer.toString().contains("Slack is not configured"), answer.toString());
          test.completeNow();
        })));
  }

  /**
   * Completes once the bot counts the half-sent request as in flight. A fixed pause was not
   * enough on a busy machine: the first request of a JVM can take longer to reach the routes, and
   * a stop that sees nothing in flight closes the port at once.
   */
  private Future<Void> admitted(Vertx vertx) {
    Promise<Void> admitted = Promise.promise();
    vertx.setPeriodic(10, id -> {
      if (bot.requestsInFlight() > 0) {
        vertx.cancelTimer(id);
        admitted.complete();
      }
    });
    return admitted.future();
  }
}
