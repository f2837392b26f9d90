package dev.preflight.bot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.preflight.deploy.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -HUP} on a running bot, as an operator who expects a config reload sends it: the
 * bot says in its log that the config is read only at start and stops as on SIGTERM, exiting 0.
 * It used to end at once without a word.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class SighupTest {

  private static final Path CONFIG = Path.of("src/test/resources/e2e/preflight.yaml");

  @TempDir
  Path dir;

  private final Vertx vertx = Vertx.vertx();
  private BotProcess bot;

  @AfterEach
  void cleanUp() throws Exception {
    if (bot != null) {
      bot.destroy();
    }
    await(vertx.close());
  }

  @Test
  void sighupSaysTheConfigIsReadOnlyAtStartAndStopsAsOnSigterm() throws Exception {
    TestDatabase database = TestDatabase.create();
    bot = BotProcess.start(List.of(BotProcess.java(), "-cp", System.getProperty("java.class.path"),
            "dev.preflight.bot.Main", "serve"),
        Map.of("PREFLIGHT_CONFIG", CONFIG.toAbsolutePath().toString(),
            "DATABASE_URL", "postgresql://postgres:postgres@localhost:" + database.port + "/" + database.name),
        Path.of("."), dir.resolve("bot.log"));
    await(bot.awaitListening(vertx));
    awaitLog("Preflight stops in order on SIGTERM, SIGINT or SIGHUP");

    Process kill = new ProcessBuilder("kill", "-HUP", String.valueOf(bot.handle().pid())).inheritIO().start();
    assertEquals(0, kill.waitFor());
    int status = await(bot.exited(vertx));
    String log = bot.log();

    assertEquals(0, status, "a clean stop exits 0:\n" + log);
    assertTrue(log.contains("Stopping Preflight (SIGHUP: the config is read only at start and there is no reload, "
        + "so Preflight stops as on SIGTERM; start it again to read the config); it may take up to "), log);
    assertTrue(log.contains("Preflight stopped in "), log);
  }

  /** The start's last step is to take the signals over; a signal before that would be the JVM's. */
  private void awaitLog(String line) throws Exception {
    for (int i = 0; i < 1200 && !bot.log().contains(line); i++) {
      assertTrue(bot.handle().isAlive(), "the bot died while starting:\n" + bot.log());
      TimeUnit.MILLISECONDS.sleep(50);
    }
    assertTrue(bot.log().contains(line), "the bot did not finish starting:\n" + bot.log());
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(90, TimeUnit.SECONDS);
  }
}
