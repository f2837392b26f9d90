package dev.preflight.bot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
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

  private Process bot;

  @AfterEach
  void stop() {
    if (bot != null) {
      bot.destroyForcibly();
    }
    ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine().map(line -> line.contains(dir.toString())).orElse(false))
        .forEach(ProcessHandle::destroyForcibly);
  }

  @Test
  void theJarValidatesTheExampleConfig() throws Exception {
    Process validate = new ProcessBuilder(java(), "-jar", JAR.toString(), "validate", "../preflight.yaml")
        .redirectErrorStream(true).redirectOutput(dir.resolve("validate.log").toFile()).start();
    assertTrue(validate.waitFor(60, TimeUnit.SECONDS));
    String output = Files.readString(dir.resolve("validate.log"));
    assertEquals(0, validate.exitValue(), output);
    assertTrue(output.contains("OK"), output);
  }

  @Test
  void theJarStartsWithoutSlackAndSaysWhatIsMissing(Vertx vertx, VertxTestContext test) throws IOException {
    int port = freePort();
    ProcessBuilder builder = new ProcessBuilder(java(), "-jar", JAR.toString())
        .directory(Path.of("..").toFile())
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("bot.log").toFile());
    builder.environment().keySet().removeIf(name -> name.startsWith("SLACK_") || name.equals("DATABASE_URL"));
    builder.environment().put("PORT", Integer.toString(port));
    builder.environment().put("PREFLIGHT_DATA_DIR", dir.resolve("data").toString());
    bot = builder.start();
    WebClient client = WebClient.create(vertx);
    awaitAnswer(vertx, client, port, 480)
        .compose(ready -> {
          test.verify(() -> {
            assertEquals(503, ready.statusCode(), ready.bodyAsString());
            assertTrue(ready.bodyAsString().contains("SLACK_BOT_TOKEN"), ready.bodyAsString());
            assertTrue(ready.bodyAsString().contains("\"database\":\"up\""), ready.bodyAsString());
          });
          return client.post(port, "127.0.0.1", "/slack/events").sendBuffer(Buffer.buffer("command=%2Fchecklist"));
        })
        .compose(refused -> {
          test.verify(() -> assertEquals(503, refused.statusCode()));
          bot.destroy();
          return Future.fromCompletionStage(bot.onExit(), vertx.getOrCreateContext());
        })
        .onComplete(test.succeeding(exited -> test.verify(() -> {
          String log = Files.readString(dir.resolve("bot.log"));
          assertTrue(log.contains("SLACK_SIGNING_SECRET is not set"), log);
          assertTrue(Files.exists(dir.resolve("data/postgres/PG_VERSION")), "the embedded data lives in PREFLIGHT_DATA_DIR");
          test.completeNow();
        })));
  }

  private Future<HttpResponse<Buffer>> awaitAnswer(Vertx vertx, WebClient client, int port, int triesLeft) {
    return client.get(port, "127.0.0.1", "/readyz").timeout(1000).send()
        .transform(answer -> {
          if (answer.succeeded()) {
            return Future.succeededFuture(answer.result());
          }
          if (triesLeft == 0 || !bot.isAlive()) {
            return Future.failedFuture("the jar did not start:\n" + log());
          }
          Promise<HttpResponse<Buffer>> later = Promise.promise();
          vertx.setTimer(250, id -> awaitAnswer(vertx, client, port, triesLeft - 1).onComplete(later));
          return later.future();
        });
  }

  private String log() {
    try {
      return Files.readString(dir.resolve("bot.log"));
    } catch (IOException e) {
      return e.getMessage();
    }
  }

  private static String java() {
    return ProcessHandle.current().info().command().orElse("java");
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
