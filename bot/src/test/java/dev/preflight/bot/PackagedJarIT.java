package dev.preflight.bot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.preflight.handlers.fake.FakeSlack;
import dev.preflight.handlers.fake.SlackRequests;
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
 * and refuses Slack requests. With tokens it answers a signed slash command through Bolt and
 * posts over OkHttp to a fake Slack: the classes the shade plugin's minimizer may touch (Kotlin's
 * runtime, Apache Commons) are exercised from the jar itself, and the embedded PostgreSQL is
 * unpacked from the jar into a fresh temporary directory rather than found in a cache.
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
  void theJarRunsAChecklistInSlackFromAFreshUnpack(Vertx vertx, VertxTestContext test) throws IOException {
    Path tmp = Files.createDirectories(dir.resolve("tmp"));
    SlackRequests slack = new SlackRequests();
    WebClient client = WebClient.create(vertx);
    FakeSlack[] fake = new FakeSlack[1];
    int[] port = new int[1];
    FakeSlack.start(vertx)
        .compose(started -> {
          fake[0] = started;
          return HealthTarget.start(vertx);
        })
        .compose(started -> {
          try {
            bot = BotProcess.start(List.of(BotProcess.java(), "-Djava.io.tmpdir=" + tmp, "-jar", JAR.toAbsolutePath().toString()),
                Map.of("PREFLIGHT_CONFIG", ChecklistInSlackTest.CONFIG.toAbsolutePath().toString(),
                    "PREFLIGHT_DATA_DIR", dir.resolve("data").toString(),
                    "SLACK_BOT_TOKEN", "xoxb-packaged-jar-test",
                    "SLACK_SIGNING_SECRET", SlackRequests.SIGNING_SECRET,
                    "SLACK_API_URL", fake[0].url(),
                    "E2E_BASE_URL", started.baseUrl()),
                Path.of("."), dir.resolve("bot.log"));
          } catch (IOException e) {
            return io.vertx.core.Future.failedFuture(e);
          }
          return bot.awaitListening(vertx);
        })
        .compose(bound -> {
          port[0] = bound;
          return slack.slashCommand("/checklist", "e2e-predeploy", ChecklistInSlackTest.STARTER, "C0TYPED01",
              fake[0].responseUrl("cmd")).send(client, "127.0.0.1", bound);
        })
        .compose(ack -> {
          test.verify(() -> assertEquals(200, ack.statusCode(), ack.bodyAsString()));
          return fake[0].awaitCall("chat.postMessage");
        })
        .compose(posted -> {
          test.verify(() -> assertTrue(Blocks.text(posted).contains("Health endpoint answers"), Blocks.text(posted)));
          // The automated health check runs and its result is edited into the same message.
          return fake[0].awaitCall("chat.update", call -> Blocks.text(call).contains("✅ Health endpoint answers"));
        })
        .compose(updated -> client.get(port[0], "127.0.0.1", "/readyz").send())
        .compose(ready -> {
          test.verify(() -> assertEquals(200, ready.statusCode(), ready.bodyAsString()));
          return bot.stop(vertx);
        })
        .onComplete(done -> {
          if (done.failed()) {
            test.failNow(new AssertionError("the bot's log:\n" + (bot == null ? "" : bot.log()), done.cause()));
            return;
          }
          test.verify(() -> {
            try (var unpacked = Files.walk(tmp)) {
              assertTrue(unpacked.anyMatch(path -> path.getFileName().toString().equals("postgres")
                      && Files.isRegularFile(path) && path.getParent().getFileName().toString().equals("bin")),
                  "PostgreSQL was unpacked from the jar into the fresh java.io.tmpdir");
            }
          });
          test.completeNow();
        });
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
