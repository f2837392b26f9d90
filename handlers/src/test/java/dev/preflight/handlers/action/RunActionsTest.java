package dev.preflight.handlers.action;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.preflight.checklists.config.PreflightConfig;
import dev.preflight.handlers.ActionIds;
import dev.preflight.handlers.Replies;
import dev.preflight.handlers.Roles;
import dev.preflight.handlers.command.DeployConfigs;
import dev.preflight.handlers.command.DeployReplies;
import dev.preflight.handlers.command.SlackHarness;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A run button that carries no run is acknowledged and explained, not acted on. What happens to
 * real clicks is {@code DeployRuns}'s to decide, and is tested end to end in the bot module.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class RunActionsTest {

  private static final String USER = DeployConfigs.DEPLOYER;
  private static final String CHANNEL = DeployConfigs.DEPLOYS_CHANNEL;

  private final PreflightConfig config = DeployConfigs.config();
  private SlackHarness harness;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext test) {
    SlackHarness.start(vertx, setup -> {
      DeployReplies replies = new DeployReplies(new Replies(setup.slack()), setup.slack());
      new RunActions(null, new Roles(config, setup.slack(), Clock.systemUTC()), replies, vertx.getOrCreateContext())
          .register(setup.app());
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
  @ValueSource(strings = {ActionIds.LAUNCH, ActionIds.CANCEL, ActionIds.ABORT, ActionIds.ROLLBACK})
  void buttonWithoutARunIsExplainedPrivately(String actionId, VertxTestContext test) {
    harness.send(harness.requests.blockAction(actionId, " ", USER, CHANNEL, "1700000000.000100",
            harness.fake.responseUrl("click")))
        .compose(response -> {
          test.verify(() -> assertEquals(200, response.statusCode()));
          return harness.fake.awaitResponse("click", answer -> true);
        })
        .onComplete(test.succeeding(answer -> test.verify(() -> {
          assertEquals("ephemeral", answer.getString("response_type"), "only the clicker reads it");
          assertEquals(false, answer.getBoolean("replace_original"), "the run's message stays as it is");
          assertEquals(RunActions.NOT_MINE, answer.getString("text"));
          assertEquals(List.of(), harness.fake.calls("chat.postEphemeral"),
              "the answer goes through the click's response_url, which works where the bot is not a member");
          test.completeNow();
        })));
  }

  @org.junit.jupiter.api.Test
  void anExpiredResponseUrlIsAnsweredByDirectMessage(VertxTestContext test) {
    harness.fake.expireResponseUrl("old-click");
    harness.send(harness.requests.blockAction(ActionIds.LAUNCH, "not-a-run", USER, CHANNEL, "1700000000.000100",
            harness.fake.responseUrl("old-click")))
        .compose(response -> harness.fake.awaitCall("chat.postMessage"))
        .onComplete(test.succeeding(posted -> test.verify(() -> {
          assertEquals(dev.preflight.handlers.fake.FakeSlack.dmChannel(USER), posted.getString("channel"));
          assertEquals(List.of(USER), harness.fake.calls("conversations.open").stream()
              .map(call -> call.getString("users")).toList());
          assertEquals("There is no run `not-a-run`; nothing was changed.", posted.getString("text"),
              "the person reads the answer in their direct messages with the bot");
          assertEquals(List.of(), harness.fake.responses("old-click"));
          test.completeNow();
        })));
  }
}
