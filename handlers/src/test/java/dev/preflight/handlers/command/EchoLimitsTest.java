package dev.preflight.handlers.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.preflight.checklists.config.PreflightConfig;
import dev.preflight.handlers.Replies;
import dev.preflight.handlers.Roles;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A name typed into a command is quoted back when it names nothing, but never more than a line
 * of it: 900 KB typed come back as 80 characters with an ellipsis, without control characters.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class EchoLimitsTest {

  private static final String USER = DeployConfigs.DEPLOYER;
  private static final String CHANNEL = "C0TYPEDIN01";
  private static final String HUGE = "\u0007\u001b[2J" + "n".repeat(900 * 1024);

  private final PreflightConfig config = DeployConfigs.config();
  private SlackHarness harness;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext test) {
    Context loop = vertx.getOrCreateContext();
    SlackHarness.start(vertx, setup -> {
      Replies replies = new Replies(setup.slack());
      DeployReplies deployReplies = new DeployReplies(replies, setup.slack());
      Roles roles = new Roles(config, setup.slack(), Clock.systemUTC());
      DeployOpener opener = new DeployOpener(config, null, roles, deployReplies, loop);
      setup.app().command(ChecklistCommand.COMMAND, new ChecklistCommand(config, null, replies, loop));
      setup.app().command(DeployCommand.COMMAND, new DeployCommand(config, opener, setup.slack(), replies, loop));
      setup.app().command(RollbackCommand.COMMAND, new RollbackCommand(config, null, roles, deployReplies, loop));
      setup.app().command(LockCommand.LOCK, new LockCommand(config, null, roles, replies, loop));
    }).onComplete(test.succeeding(started -> {
      harness = started;
      test.completeNow();
    }));
  }

  @AfterEach
  void stop(VertxTestContext test) {
    harness.close().onComplete(test.succeedingThenComplete());
  }

  @ParameterizedTest
  @CsvSource({
      "/checklist, {huge}, There is no checklist `",
      "/deploy, {huge} v1 to production, There is no service `",
      "/rollback, backend {huge}, *backend* has no environment `",
      "/lock, {huge} production why, There is no service `"})
  void nineHundredKilobytesTypedComeBackAsOneShortLine(String command, String text, String start,
      VertxTestContext test) {
    harness.command(command, text.replace("{huge}", HUGE), USER, CHANNEL)
        .onComplete(test.succeeding(response -> test.verify(() -> {
          assertEquals(200, response.statusCode());
          String answer = response.bodyAsJsonObject().getString("text");
          assertTrue(answer.length() < 400, "answered in " + answer.length() + " characters: "
              + answer.substring(0, Math.min(200, answer.length())));
          assertTrue(answer.contains("nnn…"), answer);
          assertTrue(answer.chars().noneMatch(c -> c < 0x20 && c != '\n'), "no control character: " + answer);
          String expected = start.replace("{huge}", "");
          assertTrue(answer.contains(expected.strip()), answer);
          test.completeNow();
        })));
  }

  @Test
  void severalHugeWordsAreAnsweredWithoutEchoingThem(VertxTestContext test) {
    harness.command("/checklist", HUGE + " two", USER, CHANNEL)
        .onComplete(test.succeeding(response -> test.verify(() -> {
          assertEquals(200, response.statusCode());
          assertEquals("`/checklist` takes one checklist id, not 2 words. `/checklist list` shows the ids.",
              response.bodyAsJsonObject().getString("text"));
          test.completeNow();
        })));
  }
}
