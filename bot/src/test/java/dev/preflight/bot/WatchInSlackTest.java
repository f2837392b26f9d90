package dev.preflight.bot;

import static dev.preflight.bot.BotInProcess.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.preflight.handlers.ActionIds;
import dev.preflight.handlers.fake.FakeSlack;
import dev.preflight.handlers.fake.SlackRequests;
import dev.preflight.handlers.watch.WatchAlerts;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The post-deploy watch end to end, as the channels see it: a deploy succeeds, its health then
 * fails for two rounds and comes back. One alert for the streak, nothing for its second round,
 * a recovery in the alert's thread, and the run's message showing the latest round and the
 * counts after every round.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class WatchInSlackTest {

  private static final Path CONFIG = Path.of("src/test/resources/e2e-watch/preflight.yaml");
  private static final String DEPLOYS = "C0DEPLOYS1";
  private static final String ALERTS = "C0ALERTS01";
  private static final String DEPLOYER = "U0DEPLOY1";
  private static final String STRANGER = "U0VISITOR1";

  private final SlackRequests slack = new SlackRequests();
  private BotInProcess bot;
  private FakeSlack fake;
  private HealthTarget health;

  @BeforeEach
  void start() throws Exception {
    bot = BotInProcess.create();
    fake = bot.fake;
    health = await(HealthTarget.start(bot.vertx));
    bot.start(CONFIG, Map.of("SLACK_BOT_TOKEN", "xoxb-e2e-watch-token"), Map.of("E2E_BASE_URL", health.baseUrl()));
  }

  @AfterEach
  void stop() throws Exception {
    bot.close();
  }

  @Test
  void aFailingStreakAlertsOnceAndItsRecoveryAnswersInTheAlertsThread() throws Exception {
    await(slack.slashCommand("/deploy", "api v1.1.0 to production", DEPLOYER, DEPLOYS, fake.responseUrl("deploy"))
        .send(bot.client, "127.0.0.1", bot.port()));
    JsonObject posted = await(fake.awaitCall("chat.postMessage", call -> DEPLOYS.equals(call.getString("channel"))));
    String tick = Blocks.buttonValue(posted, ActionIds.TICK, "ready").orElseThrow();
    String ts = firstMessageTs(DEPLOYS);
    await(slack.blockAction(ActionIds.TICK, tick, DEPLOYER, DEPLOYS, ts, fake.responseUrl("tick"))
        .send(bot.client, "127.0.0.1", bot.port()));
    awaitEdit(ts, text -> text.contains("*Succeeded*") && text.contains("Watched every 10s")
        && text.contains("first round"));

    health.failNext("/ready", 2);
    JsonObject alert = await(fake.awaitCall("chat.postMessage", call -> ALERTS.equals(call.getString("channel"))));
    assertEquals("Watch of api v1.1.0 in production failed", alert.getString("text"));
    assertTrue(alert.getJsonArray("blocks").encode().contains("API answers on /ready: expected 200, got 503"),
        alert.getJsonArray("blocks").encode());
    awaitEdit(ts, text -> text.contains("Post-deploy watch failing") && text.contains("1 failing in a row · 1 round, failed"));
    refusedRollbackClicksAreAnsweredWhereThePersonIs(alert);
    awaitEdit(ts, text -> text.contains("Post-deploy watch failing")
        && text.contains("2 failing in a row · 2 rounds, all failed"));

    String alertTs = firstMessageTs(ALERTS);
    JsonObject recovered = await(fake.awaitCall("chat.postMessage", call -> alertTs.equals(call.getString("thread_ts"))
        && call.getString("text").startsWith("✅")));
    assertEquals(ALERTS, recovered.getString("channel"));
    assertTrue(recovered.getString("text").startsWith("✅ Recovered: the watch of api v1.1.0 in production passes "
        + "again since <!date^"), recovered.getString("text"));
    assertTrue(recovered.getString("text").endsWith(", after 2 failing rounds."), recovered.getString("text"));
    awaitEdit(ts, text -> text.contains("👀 Watched every 10s") && text.contains(" passed · 3 rounds, 2 failed"));

    assertEquals(1, fake.messages(ALERTS).size(), "one alert for the two failing rounds");
    assertEquals(1, fake.replies(ALERTS, alertTs).size(), "the recovery, in the alert's thread");
    assertEquals(1, fake.messages(DEPLOYS).size(), "one message for the run");
  }

  /**
   * Someone without the deployer role clicks the alert's Rollback: the refusal comes through the
   * click's response_url (the alert channel need not have them, or the bot, as a member); when
   * that URL has expired, as a direct message.
   */
  private void refusedRollbackClicksAreAnsweredWhereThePersonIs(JsonObject alert) throws Exception {
    String runId = Blocks.button(alert, WatchAlerts.WATCH_ROLLBACK).orElseThrow().getString("value");
    String alertTs = firstMessageTs(ALERTS);
    await(slack.blockAction(WatchAlerts.WATCH_ROLLBACK, runId, STRANGER, ALERTS, alertTs,
        fake.responseUrl("watch-click")).send(bot.client, "127.0.0.1", bot.port()));
    JsonObject answer = await(fake.awaitResponse("watch-click", body -> true));
    assertEquals("ephemeral", answer.getString("response_type"));
    assertEquals(false, answer.getBoolean("replace_original"), "the alert stays as it is");
    assertEquals("Rolling back *api* in *production* needs the *deployer* role, and you do not hold it.",
        answer.getString("text"));

    fake.expireResponseUrl("watch-old-click");
    await(slack.blockAction(WatchAlerts.WATCH_ROLLBACK, runId, STRANGER, ALERTS, alertTs,
        fake.responseUrl("watch-old-click")).send(bot.client, "127.0.0.1", bot.port()));
    JsonObject dm = await(fake.awaitCall("chat.postMessage",
        call -> FakeSlack.dmChannel(STRANGER).equals(call.getString("channel"))));
    assertEquals(answer.getString("text"), dm.getString("text"));
    assertEquals(List.of(), fake.calls("chat.postEphemeral"), "never an ephemeral first");
  }

  /** The fake stores a message as it answers the call the test saw: look until it has. */
  private String firstMessageTs(String channel) throws Exception {
    return await(bot.eventually(() -> fake.messages(channel).stream().findFirst())).getString("ts");
  }

  private JsonObject awaitEdit(String ts, Predicate<String> text) throws Exception {
    return bot.awaitEdit(DEPLOYS, ts, text, message -> true);
  }
}
