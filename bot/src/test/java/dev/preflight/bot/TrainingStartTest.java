package dev.preflight.bot;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.preflight.checklists.config.ConfigLoader;
import dev.preflight.checklists.secret.Variables;
import dev.preflight.deploy.TestDatabase;
import dev.preflight.handlers.fake.FakeSlack;
import dev.preflight.handlers.fake.SlackRequests;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The class-data archive's training start ({@code serve --exit-when-started}) asks the started
 * bot what a real start is first asked, so the classes that answer it are archived: without
 * that, about 300 classes of the HTTP server and the JSON encoder were loaded from the jar at
 * every start, on the way to the first ready answer.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 90, timeUnit = TimeUnit.SECONDS)
class TrainingStartTest {

  @Test
  void theTrainingStartIsAnsweredReadyAndRefusesAnUnsignedSlackRequest(Vertx vertx) throws Exception {
    TestDatabase database = TestDatabase.create();
    FakeSlack fake = await(FakeSlack.start(vertx));
    BotSettings settings = BotSettings.fromEnvironment(Map.of(
        "PORT", "0",
        "PREFLIGHT_CONFIG", ChecklistInSlackTest.CONFIG.toString(),
        "SLACK_BOT_TOKEN", "xoxb-e2e-test-token",
        "SLACK_SIGNING_SECRET", SlackRequests.SIGNING_SECRET,
        "SLACK_API_URL", fake.url()));
    PreflightVerticle bot = new PreflightVerticle(settings, ConfigLoader.load(ChecklistInSlackTest.CONFIG),
        database.connectOptions(), Variables.of(Map.of()));
    await(vertx.deployVerticle(bot));

    // Asked from this thread, as the training start asks from its main thread, never an event loop.
    assertEquals("training start: /readyz answered 200, an unsigned Slack request 401",
        Serve.askOnce(vertx, bot.port()));
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}
