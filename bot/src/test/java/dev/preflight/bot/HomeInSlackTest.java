package dev.preflight.bot;

import static dev.preflight.bot.BotInProcess.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.preflight.handlers.ActionIds;
import dev.preflight.handlers.fake.FakeSlack;
import dev.preflight.handlers.fake.SlackRequests;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The App Home tab end to end: signed {@code app_home_opened} events and Home clicks go into the
 * running bot with its real database; the tab is republished to the fake Slack as runs and locks
 * change, and Unlock unlocks through the same rules as {@code /unlock}.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HomeInSlackTest {

  private static final String DEPLOYS = DeployInSlackTest.DEPLOYS;
  private static final String TYPED_IN = DeployInSlackTest.TYPED_IN;
  private static final String DEPLOYER = DeployInSlackTest.DEPLOYER;
  private static final String SRE = DeployInSlackTest.SRE;

  private final SlackRequests slack = new SlackRequests();
  private BotInProcess bot;
  private FakeSlack fake;

  @BeforeEach
  void start() throws Exception {
    bot = BotInProcess.create();
    fake = bot.fake;
    bot.start(DeployInSlackTest.CONFIG, Map.of(
        "SLACK_BOT_TOKEN", "xoxb-e2e-home-token",
        "AWS_ENDPOINT_URL", "http://127.0.0.1:9"), Map.of("E2E_BASE_URL", "http://127.0.0.1:9"));
  }

  @AfterEach
  void stop() throws Exception {
    bot.close();
  }

  @Test
  void aLockShowsInTheDeployersHomeWithUnlockWhichRefusesOthersAndUnlocksForThem() throws Exception {
    openHome("Ev0HOMEDEP", DEPLOYER);
    openHome("Ev0HOMESRE", SRE);
    awaitHome(DEPLOYER, text -> text.contains("No environment is locked."));
    awaitHome(SRE, text -> true);

    assertEquals(200, await(send(slack.slashCommand("/lock", "api production freeze for the audit",
        DeployInSlackTest.DEPLOYER_TWO, TYPED_IN, fake.responseUrl("lock")))).statusCode());
    JsonObject locked = awaitHome(DEPLOYER, text -> text.contains("🔒 *api* in *production*\nLocked by <@"
        + DeployInSlackTest.DEPLOYER_TWO + ">"));
    JsonObject unlock = Blocks.button(locked, ActionIds.HOME_UNLOCK).orElseThrow();
    assertTrue(unlock.containsKey("confirm"), "Unlock asks first: " + unlock.encode());

    // Someone who is not a deployer of api in production is refused, in a modal over their Home tab.
    assertEquals(200, await(send(slack.homeBlockAction(ActionIds.HOME_UNLOCK, unlock.getString("value"), SRE)))
        .statusCode());
    JsonObject refusal = await(fake.awaitCall("views.open")).getJsonObject("view");
    assertEquals("modal", refusal.getString("type"));
    assertEquals("Unlocking *api* in *production* needs the *deployer* role, and you do not hold it.\n",
        Blocks.text(refusal), "an unlock is refused in its own words, not as a deploy");
    assertEquals(1L, count("select count(*) from environment_locks"), "the refusal changed nothing");

    List<JsonObject> before = fake.calls("views.publish");
    assertEquals(200, await(send(slack.homeBlockAction(ActionIds.HOME_UNLOCK, unlock.getString("value"), DEPLOYER)))
        .statusCode());
    JsonObject open = awaitHome(DEPLOYER, text -> text.contains("No environment is locked."), before);
    assertFalse(Blocks.button(open, ActionIds.HOME_UNLOCK).isPresent());
    assertEquals(0L, count("select count(*) from environment_locks"));
    assertEquals(1L, count("select count(*) from audit_log where action = 'environment.unlocked' and actor = '"
        + DEPLOYER + "'"));
  }

  @Test
  void aSignOffWaitingForYouAppearsInYourHomeWithALinkToTheRunsMessage() throws Exception {
    openHome("Ev0HOMESR2", SRE);
    awaitHome(SRE, text -> text.contains("Nothing waits for your sign-off."));

    assertEquals(200, await(send(slack.slashCommand("/deploy", "api v1.1.0 to production", DEPLOYER, TYPED_IN,
        fake.responseUrl("deploy")))).statusCode());
    await(fake.awaitCall("chat.postMessage", call -> DEPLOYS.equals(call.getString("channel"))));

    JsonObject home = awaitHome(SRE, text -> text.contains("✍️ *api* `v1.1.0` → *production*\nSign off as *sre*"));
    // Read once Home links to it: the fake records a call as it arrives and keeps the message as it answers.
    String ts = fake.messages(DEPLOYS).get(0).getString("ts");
    JsonObject open = Blocks.button(home, ActionIds.HOME_OPEN_RUN).orElseThrow();
    assertEquals("https://fake.slack/archives/" + DEPLOYS + "/p" + ts.replace(".", ""), open.getString("url"),
        "the message to react on, as chat.getPermalink gives it");
    assertFalse(Blocks.text(home).contains("reopen"), Blocks.text(home));
  }

  private void openHome(String eventId, String user) throws Exception {
    JsonObject event = new JsonObject().put("type", "app_home_opened").put("user", user).put("channel", "D0" + user)
        .put("tab", "home").put("event_ts", "1515449522000016");
    assertEquals(200, await(send(slack.eventCallback(eventId, event))).statusCode());
  }

  private JsonObject awaitHome(String user, Predicate<String> text) throws Exception {
    return awaitHome(user, text, List.of());
  }

  /** The first views.publish of {@code user}'s tab that says {@code text}, other than those {@code before}. */
  private JsonObject awaitHome(String user, Predicate<String> text, List<JsonObject> before) throws Exception {
    return await(fake.awaitCall("views.publish", call -> user.equals(call.getString("user_id"))
        && before.stream().noneMatch(seen -> seen == call)
        && text.test(Blocks.text(call.getJsonObject("view"))))).getJsonObject("view");
  }

  private long count(String sql) throws Exception {
    return bot.one(sql).getLong(0);
  }

  private Future<HttpResponse<Buffer>> send(SlackRequests.Signed request) {
    return bot.send(request);
  }
}
