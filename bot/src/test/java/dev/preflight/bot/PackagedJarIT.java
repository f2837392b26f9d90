package dev.preflight.bot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runnable jar as a new user starts it: every class it needs is inside, it validates the
 * example config, and without Slack tokens it starts its embedded database, reports not ready
 * and refuses Slack requests.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 3, timeUnit = TimeUnit.MINUTES)
class PackagedJarIT {

  private static final Path JAR = Path.of(System.getProperty("preflight.jar", "target/preflight.jar"));

  @TempDir
  Path dir;

  private BotProcess bot;

  @AfterEach
  void stop() {
    if (bot != null) {
      bot.destroy();
    }
    BotProcess.killLeftovers(dir);
  }

  @Test
  void theJarValidatesTheExampleConfig() throws Exception {
    Process validate = new ProcessBuilder(BotProcess.java(), "-jar", JAR.toString(), "validate", "../preflight.yaml")
        .redirectErrorStream(true).redirectOutput(dir.resolve("validate.log").toFile()).start();
    assertTrue(validate.waitFor(60, TimeUnit.SECONDS));
    String output = Files.readString(dir.resolve("validate.log"));
    assertEquals(0, validate.exitValue(), output);
    assertTrue(output.contains("OK"), output);
  }

  @Test
  void theJarStartsWithoutSlackAndSaysWhatIsMissing(Vertx vertx, VertxTestContext test) throws IOException {
    bot = BotProcess.start(List.of(BotProcess.java(), "-jar", JAR.toAbsolutePath().toString()),
        Map.of("PREFLIGHT_DATA_DIR", dir.resolve("data").toString()), Path.of(".."), dir.resolve("bot.log"));
    WebClient client = WebClient.create(vertx);
    int[] port = new int[1];
    bot.awaitListening(vertx)
        .compose(bound -> {
          port[0] = bound;
          return client.get(bound, "127.0.0.1", "/readyz").send();
        })
        .compose(ready -> {
          test.verify(() -> {
            assertEquals(503, ready.statusCode(), ready.bodyAsString());
            assertTrue(ready.bodyAsString().contains("SLACK_BOT_TOKEN"), ready.bodyAsString());
            assertTrue(ready.bodyAsString().contains("\"database\":\"up\""), ready.bodyAsString());
          });
          return client.post(port[0], "127.0.0.1", "/slack/events").sendBuffer(Buffer.buffer("command=%2Fchecklist"));
        })
        .compose(refused -> {
          test.verify(() -> assertEquals(503, refused.statusCode()));
          return bot.stop(vertx);
        })
        .onComplete(test.succeeding(exited -> test.verify(() -> {
          String log = bot.log();
          assertTrue(log.contains("SLACK_SIGNING_SECRET is not set"), log);
          assertTrue(Files.exists(dir.resolve("data/postgres/PG_VERSION")), "the embedded data lives in PREFLIGHT_DATA_DIR");
          test.completeNow();
        })));
  }
}
