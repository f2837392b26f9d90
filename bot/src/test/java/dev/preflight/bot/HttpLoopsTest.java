package dev.preflight.bot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpResponseExpectation;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * With PREFLIGHT_HTTP_LOOPS above one, connections to the bot's port are served by several event
 * loops, which /metrics shows per loop; with one, a single loop serves them all.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class HttpLoopsTest {

  private static final Pattern LOOP = Pattern.compile("preflight_http_loop_requests_total\\{loop=\"([^\"]+)\"");
  private static final int CONNECTIONS = 12;

  private WebClient client;
  private String deployment;

  @AfterEach
  void close() {
    if (client != null) {
      client.close();
    }
  }

  @Test
  void twoLoopsShareTheConnections(Vertx vertx, VertxTestContext test) {
    servedBy(vertx, "2").onComplete(test.succeeding(loops -> test.verify(() -> {
      assertTrue(loops.size() >= 2, "loops that served requests: " + loops);
      test.completeNow();
    })));
  }

  @Test
  void oneLoopServesEverything(Vertx vertx, VertxTestContext test) {
    servedBy(vertx, "1").onComplete(test.succeeding(loops -> test.verify(() -> {
      assertEquals(1, loops.size(), "loops that served requests: " + loops);
      test.completeNow();
    })));
  }

  /** Each request on a connection of its own, then the loops /metrics names. */
  private Future<Set<String>> servedBy(Vertx vertx, String loops) {
    PreflightVerticle bot = BotWithoutSlack.create(Map.of("PREFLIGHT_HTTP_LOOPS", loops));
    client = WebClient.create(vertx, new WebClientOptions().setKeepAlive(false));
    return vertx.deployVerticle(bot)
        .onSuccess(id -> deployment = id)
        .compose(deployed -> {
          List<Future<?>> requests = new ArrayList<>();
          for (int i = 0; i < CONNECTIONS; i++) {
            requests.add(client.get(bot.port(), "127.0.0.1", "/healthz").send()
                .expecting(HttpResponseExpectation.SC_OK));
          }
          return Future.all(requests);
        })
        .compose(all -> client.get(bot.port(), "127.0.0.1", "/metrics").send())
        .map(metrics -> {
          Set<String> seen = new TreeSet<>();
          Matcher matcher = LOOP.matcher(metrics.bodyAsString());
          while (matcher.find()) {
            seen.add(matcher.group(1));
          }
          return seen;
        })
        .compose(seen -> vertx.undeploy(deployment).map(seen));
  }
}
