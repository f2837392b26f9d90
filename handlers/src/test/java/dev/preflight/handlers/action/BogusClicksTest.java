package dev.preflight.handlers.action;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.preflight.checklists.config.PreflightConfig;
import dev.preflight.handlers.ActionIds;
import dev.preflight.handlers.Replies;
import dev.preflight.handlers.Roles;
import dev.preflight.handlers.alert.AlertActions;
import dev.preflight.handlers.command.DeployConfigs;
import dev.preflight.handlers.command.DeployReplies;
import dev.preflight.handlers.command.SlackHarness;
import dev.preflight.handlers.fake.SlackRequests;
import dev.preflight.deploy.run.ChecklistRuns;
import dev.preflight.deploy.run.RunRepository;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Buttons and forms whose run id cannot name a run are answered privately, with the id quoted
 * short and clean, and without any lookup: the run services here have no database, so a lookup
 * would fail and be answered "something went wrong" instead.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class BogusClicksTest {

  private static final String USER = DeployConfigs.DEPLOYER;
  private static final String CHANNEL = DeployConfigs.DEPLOYS_CHANNEL;
  private static final String TS = "1700000000.000100";
  private static final String HOSTILE = "\u001b[31m<!channel> `x`" + "r".repeat(1900);

  private final PreflightConfig config = DeployConfigs.config();
  private SlackHarness harness;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext test) {
    Context loop = vertx.getOrCreateContext();
    SlackHarness.start(vertx, setup -> {
      Replies replies = new Replies(setup.slack());
      DeployReplies deployReplies = new DeployReplies(replies, setup.slack());
      Roles roles = new Roles(config, setup.slack(), Clock.systemUTC());
      new RunActions(null, roles, deployReplies, loop).register(setup.app());
      // Runs without a database: a lookup would fail, and be answered "something went wrong".
      ChecklistRuns noDatabase = new ChecklistRuns(vertx, new RunRepository(null, id -> Optional.empty()),
          spec -> Future.failedFuture("no checks here"), id -> Optional.empty(), Clock.systemUTC());
      new ItemActions(noDatabase, roles, setup.slack(), replies, loop).register(setup.app());
      new AlertActions(null, roles, deployReplies, setup.slack(), loop, null).register(setup.app());
      setup.app().viewSubmission(ActionIds.WAIVE_MODAL, new WaiveSubmission(noDatabase, roles, replies, loop));
    }).onComplete(test.succeeding(started -> {
      harness = started;
      test.completeNow();
    }));
  }

  @AfterEach
  void stop(VertxTestContext test) {
    harness.close().onComplete(test.succeedingThenComplete());
  }

  @Test
  void aRunButtonWhoseValueIsNoUuidIsAnsweredAsNoSuchRun(VertxTestContext test) {
    harness.send(harness.requests.blockAction(ActionIds.LAUNCH, HOSTILE, USER, CHANNEL, TS, harness.fake.responseUrl("c")))
        .compose(response -> {
          test.verify(() -> assertEquals(200, response.statusCode()));
          return harness.fake.awaitResponse("c", answer -> true);
        })
        .onComplete(test.succeeding(call -> test.verify(() -> {
          assertShortCleanNoSuchRun(call.getString("text"));
          assertEquals("ephemeral", call.getString("response_type"), "answered to the clicker only, in place");
          test.completeNow();
        })));
  }

  @Test
  void aClickFromTheHomeTabHasNoChannelAndIsAnsweredToThePerson(VertxTestContext test) {
    SlackRequests.Signed click = harness.requests.blockAction(ActionIds.CANCEL, "not-a-run", USER, CHANNEL, TS,
        harness.fake.responseUrl("c"));
    JsonObject payload = payloadOf(click);
    payload.remove("channel");
    payload.remove("message");
    // A Home tab's buttons come without a response_url: the answer is a direct message to the person.
    payload.remove("response_url");
    payload.getJsonObject("container").clear().put("type", "view").put("view_id", "V0HOME");
    harness.send(harness.requests.sign("application/x-www-form-urlencoded",
            ("payload=" + URLEncoder.encode(payload.encode(), StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8)))
        .compose(response -> {
          test.verify(() -> assertEquals(200, response.statusCode()));
          return harness.fake.awaitCall("chat.postMessage");
        })
        .onComplete(test.succeeding(call -> test.verify(() -> {
          assertEquals(dev.preflight.handlers.fake.FakeSlack.dmChannel(USER), call.getString("channel"),
              "no channel: the answer goes to the person");
          assertTrue(call.getString("text").startsWith("There is no run `not-a-run`"), call.getString("text"));
          assertEquals(List.of(), harness.fake.calls("chat.postEphemeral"), "never an ephemeral first");
          test.completeNow();
        })));
  }

  @Test
  void anItemButtonWhoseRunIdIsNoUuidIsAnsweredWithoutALookup(VertxTestContext test) {
    String value = URLEncoder.encode(HOSTILE, StandardCharsets.UTF_8).substring(0, 300) + "/backup";
    harness.send(harness.requests.blockAction(ActionIds.TICK, value, USER, CHANNEL, TS, harness.fake.responseUrl("c")))
        .compose(response -> harness.fake.awaitResponse("c", answer -> true))
        .onComplete(test.succeeding(call -> test.verify(() -> {
          assertShortCleanNoSuchRun(call.getString("text"));
          test.completeNow();
        })));
  }

  /** A click in the all-items modal has no response_url: its answer is a direct message, never an ephemeral. */
  @Test
  void aClickInTheAllItemsModalIsAnsweredByDirectMessage(VertxTestContext test) {
    JsonObject view = new JsonObject().put("id", "V0ITEMS01").put("type", "modal")
        .put("callback_id", ActionIds.ITEMS_MODAL)
        .put("private_metadata", ActionIds.itemsModalMetadata("00000000-0000-4000-8000-000000000000", 0))
        .put("blocks", new io.vertx.core.json.JsonArray());
    String value = ActionIds.itemValue("00000000-0000-4000-8000-000000000000", "Backup; drop table runs");
    harness.send(harness.requests.actionInView(ActionIds.TICK, value, null, USER, view))
        .compose(response -> {
          test.verify(() -> assertEquals(200, response.statusCode()));
          return harness.fake.awaitCall("chat.postMessage");
        })
        .onComplete(test.succeeding(call -> test.verify(() -> {
          assertEquals(dev.preflight.handlers.fake.FakeSlack.dmChannel(USER), call.getString("channel"));
          assertEquals(Replies.NOT_MINE, call.getString("text"));
          assertEquals(List.of(), harness.fake.calls("chat.postEphemeral"), "never an ephemeral first");
          test.completeNow();
        })));
  }

  @Test
  void anItemButtonWhoseItemIdIsNotAConfigIdIsNotMine(VertxTestContext test) {
    String value = ActionIds.itemValue("00000000-0000-4000-8000-000000000000", "Backup; drop table runs");
    harness.send(harness.requests.blockAction(ActionIds.RERUN, value, USER, CHANNEL, TS, harness.fake.responseUrl("c")))
        .compose(response -> harness.fake.awaitResponse("c", answer -> true))
        .onComplete(test.succeeding(call -> test.verify(() -> {
          assertEquals(Replies.NOT_MINE, call.getString("text"));
          test.completeNow();
        })));
  }

  @Test
  void anAlertRollbackNamingABogusRunIsAnsweredAsNoSuchRun(VertxTestContext test) {
    String value = AlertActions.value("backend", "production", HOSTILE.substring(0, 200));
    harness.send(harness.requests.blockAction(AlertActions.ROLLBACK, value, USER, CHANNEL, TS,
            harness.fake.responseUrl("c")))
        .compose(response -> harness.fake.awaitResponse("c", answer -> true))
        .onComplete(test.succeeding(call -> test.verify(() -> {
          assertShortCleanNoSuchRun(call.getString("text"));
          assertEquals(List.of(), harness.fake.calls("chat.postMessage"), "nothing was noted in the thread");
          test.completeNow();
        })));
  }

  @Test
  void aWaiverFormWhoseMetadataNamesNoRunKeepsTheFormOpenWithAnError(VertxTestContext test) {
    JsonObject state = SlackRequests.textInput(ActionIds.WAIVE_REASON_BLOCK, ActionIds.WAIVE_REASON_ACTION,
        "checked by hand");
    harness.send(harness.requests.viewSubmission(ActionIds.WAIVE_MODAL, USER, state, "not-a-run/backup"))
        .onComplete(test.succeeding(response -> test.verify(() -> {
          assertEquals(200, response.statusCode());
          JsonObject body = response.bodyAsJsonObject();
          assertEquals("errors", body.getString("response_action"));
          assertTrue(body.getJsonObject("errors").getString(ActionIds.WAIVE_REASON_BLOCK)
              .startsWith("There is no run not-a-run"), body.encode());
          test.completeNow();
        })));
  }

  private static void assertShortCleanNoSuchRun(String text) {
    assertTrue(text.startsWith("There is no run `"), text);
    assertTrue(text.length() <= 130, "cut to the echo limit: " + text.length() + " characters");
    assertTrue(text.contains("…"), text);
    assertTrue(text.chars().noneMatch(c -> c < 0x20), "no control character: " + text);
    assertTrue(text.contains("&lt;!channel&gt;"), "markup is escaped: " + text);
  }

  private static JsonObject payloadOf(SlackRequests.Signed click) {
    return new JsonObject(URLDecoder.decode(click.bodyText().substring("payload=".length()), StandardCharsets.UTF_8));
  }
}
