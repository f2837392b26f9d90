package dev.preflight.bot;

import static dev.preflight.bot.BotInProcess.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.preflight.handlers.ActionIds;
import dev.preflight.handlers.fake.FakeSlack;
import dev.preflight.handlers.fake.SlackRequests;
import dev.preflight.handlers.render.RunMessage;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The whole bot over HTTP: signed slash commands, button clicks, modal submissions and
 * reactions go in; the blocks posted to a fake Slack Web API and the rows stored come out.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 90, timeUnit = TimeUnit.SECONDS)
class ChecklistInSlackTest {

  static final Path CONFIG = Path.of("src/test/resources/e2e/preflight.yaml");
  static final String OPS = "C0OPS0001";
  static final String STARTER = "U0STARTER";
  static final String SRE = "U0SRE0001";
  static final String LEAD = "U0LEAD001";

  private final SlackRequests slack = new SlackRequests();
  private BotInProcess bot;
  private FakeSlack fake;
  private HealthTarget target;

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    bot = BotInProcess.on(vertx);
    fake = bot.fake;
    target = await(HealthTarget.start(vertx));
    bot.start(CONFIG, Map.of("SLACK_BOT_TOKEN", "xoxb-e2e-test-token"), Map.of("E2E_BASE_URL", target.baseUrl()));
  }

  @AfterEach
  void stop() throws Exception {
    bot.close();
  }

  @Test
  void aChecklistGoesFromTheCommandToCompleteInOneMessage(VertxTestContext test) {
    Posted posted = new Posted();
    send(slack.slashCommand("/checklist", "e2e-predeploy", STARTER, "C0TYPED01", fake.responseUrl("cmd")))
        .compose(ack -> {
          test.verify(() -> {
            assertEquals(200, ack.statusCode());
            assertTrue(ack.bodyAsString().contains("Starting"), ack.bodyAsString());
          });
          return fake.awaitCall("chat.postMessage");
        })
        .compose(message -> {
          test.verify(() -> {
            assertEquals(OPS, message.getString("channel"), "posted in the checklist's configured channel");
            assertTrue(Blocks.text(message).contains("Backend pre-deploy"));
          });
          // The automated health item runs by itself and the same message is edited to show it.
          return awaitMessage(text -> text.contains("✅ Health endpoint answers"));
        })
        .compose(message -> {
          posted.ts = message.getString("ts");
          String tick = Blocks.buttonValue(message, ActionIds.TICK, "backup").orElseThrow();
          posted.tick = tick;
          return send(slack.blockAction(ActionIds.TICK, tick, LEAD, OPS, posted.ts(), fake.responseUrl("tick")));
        })
        .compose(clicked -> {
          test.verify(() -> assertEquals(200, clicked.statusCode()));
          return awaitMessage(text -> text.contains("Ticked by <@" + LEAD + ">"));
        })
        // The same click again is a stale button: a private answer, nothing changes.
        .compose(message -> send(slack.blockAction(ActionIds.TICK, posted.tick, LEAD, OPS, posted.ts(),
            fake.responseUrl("tick2"))))
        .compose(again -> fake.awaitResponse("tick2", answer -> true))
        .compose(answer -> {
          test.verify(() -> assertTrue(answer.getString("text").contains("already"), answer.encode()));
          // The person who started the run may not sign it off.
          return send(slack.reactionAdded("Ev00000001", STARTER, "white_check_mark", OPS, posted.ts()));
        })
        .compose(reacted -> fake.awaitCall("chat.postEphemeral", call -> STARTER.equals(call.getString("user"))))
        .compose(ephemeral -> {
          test.verify(() -> assertTrue(ephemeral.getString("text").contains("started this run"), ephemeral.encode()));
          return send(slack.reactionAdded("Ev00000002", SRE, "white_check_mark", OPS, posted.ts()));
        })
        .compose(reacted -> awaitMessage(text -> text.contains("<@" + SRE + "> for *sre*")))
        .compose(message -> {
          test.verify(() -> assertTrue(Blocks.text(message).contains("Needs 1 more sign-off from *lead*")));
          return send(slack.reactionAdded("Ev00000003", LEAD, "white_check_mark", OPS, posted.ts()));
        })
        .compose(reacted -> awaitMessage(text -> text.contains(RunMessage.COMPLETE_LINE)))
        .compose(message -> stored())
        .onComplete(test.succeeding(stored -> test.verify(() -> {
          assertEquals("READY", stored.status);
          assertEquals(posted.ts(), stored.messageTs);
          assertEquals(List.of("lead:" + LEAD, "sre:" + SRE), stored.signOffs);
          assertEquals("PASSED", stored.items.get("health"));
          assertEquals("PASSED", stored.items.get("backup"));
          assertTrue(stored.audit.contains("item.ticked " + LEAD + " button:item_tick"), stored.audit.toString());
          assertTrue(stored.audit.contains("signoff.added " + SRE + " reaction_added"), stored.audit.toString());
          assertEquals(1, stored.audit.stream().filter(line -> line.startsWith("item.ticked")).count(),
              "the second click changed nothing");
          assertTrue(Blocks.text(fake.message(OPS, posted.ts()).orElseThrow()).contains(RunMessage.COMPLETE_LINE),
              "the last edit shows the final state");
          test.completeNow();
        })));
  }

  /**
   * A sign-off reaction that Slack delivers before the bot has stored where it posted the run's
   * message (Slack answered the post slowly) still counts, once the message is known.
   */
  @Test
  void aReactionBeforeTheMessagesTsIsStoredCountsOnceItIsKnown(VertxTestContext test) {
    // Slack shows the message at once but answers the post three seconds later.
    fake.delayAnswers("chat.postMessage", 3000);
    String[] ts = new String[1];
    send(slack.slashCommand("/checklist", "e2e-predeploy", STARTER, "C0TYPED01", fake.responseUrl("cmd")))
        .compose(ack -> postedInSlack())
        .compose(posted -> {
          ts[0] = posted;
          return bot.db.query("select message_ts from runs").execute();
        })
        .compose(runs -> {
          test.verify(() -> assertEquals(null, runs.iterator().next().getString("message_ts"),
              "the bot does not know its message yet"));
          return send(slack.reactionAdded("Ev00000100", SRE, "white_check_mark", OPS, ts[0]));
        })
        .compose(reacted -> {
          test.verify(() -> assertEquals(200, reacted.statusCode()));
          return awaitMessage(text -> text.contains("<@" + SRE + "> for *sre*"));
        })
        .compose(shown -> stored())
        .onComplete(test.succeeding(stored -> test.verify(() -> {
          assertEquals(List.of("sre:" + SRE), stored.signOffs, "the early reaction counted");
          assertEquals(ts[0], stored.messageTs);
          assertEquals(1, fake.messages(OPS).size(), "one message");
          test.completeNow();
        })));
  }

  /** The ts of the run's message as soon as Slack shows it, before the bot has Slack's answer. */
  private Future<String> postedInSlack() {
    return bot.eventually(() -> fake.messages(OPS).stream().findFirst()).map(message -> message.getString("ts"));
  }

  @Test
  void aRedeliveredReactionCountsOnceAndItsRemovalWithdrawsTheSignOff(VertxTestContext test) {
    Posted posted = new Posted();
    startRun()
        .compose(ts -> {
          posted.ts = ts;
          return send(slack.reactionAdded("Ev00000010", SRE, "white_check_mark", OPS, ts));
        })
        .compose(first -> send(slack.reactionAdded("Ev00000010", SRE, "white_check_mark", OPS, posted.ts())
            .withRetry(1, "http_timeout")))
        .compose(retry -> {
          test.verify(() -> assertEquals(200, retry.statusCode()));
          return awaitMessage(text -> text.contains("<@" + SRE + "> for *sre*"));
        })
        .compose(message -> {
          Set<JsonObject> before = updatesSoFar();
          return send(slack.reactionRemoved("Ev00000011", SRE, "white_check_mark", OPS, posted.ts()))
              .compose(removed -> awaitNewMessage(before, text -> text.contains("Needs 1 more sign-off from *sre*")));
        })
        .compose(message -> bot.db.query("select event_id from slack_events order by event_id").execute()
            .compose(events -> {
              test.verify(() -> {
                List<String> ids = new ArrayList<>();
                events.forEach(row -> ids.add(row.getString("event_id")));
                assertEquals(List.of("Ev00000010", "Ev00000011"), ids);
                // Handled twice, the second sign-off would have been refused with a private "already signed".
                assertTrue(fake.calls("chat.postEphemeral").isEmpty(), fake.calls("chat.postEphemeral").toString());
              });
              return stored();
            }))
        .onComplete(test.succeeding(stored -> test.verify(() -> {
          assertTrue(stored.signOffs.isEmpty());
          assertEquals(1, stored.audit.stream().filter(line -> line.startsWith("signoff.added")).count(),
              "the redelivery was not handled a second time: " + stored.audit);
          assertEquals(1, stored.audit.stream().filter(line -> line.startsWith("signoff.withdrawn")).count());
          test.completeNow();
        })));
  }

  @Test
  void aPermittedRoleWaivesAnItemWithAReason(VertxTestContext test) {
    Posted posted = new Posted();
    startRun()
        .compose(ts -> {
          posted.ts = ts;
          return fake.awaitCall("chat.postMessage");
        })
        .compose(message -> {
          String value = Blocks.buttonValue(message, ActionIds.WAIVE, "backup").orElseThrow();
          posted.tick = value;
          // Someone outside the waiver roles is told who may waive, and no modal opens.
          return send(slack.blockAction(ActionIds.WAIVE, value, LEAD, OPS, posted.ts(), fake.responseUrl("w1")));
        })
        .compose(clicked -> fake.awaitResponse("w1", answer -> true))
        .compose(refusal -> {
          test.verify(() -> {
            assertTrue(refusal.getString("text").contains("sre"), refusal.encode());
            assertTrue(fake.calls("views.open").isEmpty());
          });
          return send(slack.blockAction(ActionIds.WAIVE, posted.tick, SRE, OPS, posted.ts(), fake.responseUrl("w2")));
        })
        .compose(clicked -> fake.awaitCall("views.open"))
        .compose(opened -> {
          JsonObject view = opened.getJsonObject("view");
          test.verify(() -> assertEquals(ActionIds.WAIVE_MODAL, view.getString("callback_id")));
          JsonObject state = new JsonObject().put(ActionIds.WAIVE_REASON_BLOCK, new JsonObject()
              .put(ActionIds.WAIVE_REASON_ACTION, new JsonObject().put("type", "plain_text_input")
                  .put("value", "Snapshot taken by the provider at 02:00")));
          return send(slack.viewSubmission(ActionIds.WAIVE_MODAL, SRE, state, view.getString("private_metadata")));
        })
        .compose(submitted -> {
          test.verify(() -> assertEquals(200, submitted.statusCode()));
          return awaitMessage(text -> text.contains("Waived by <@" + SRE + ">"));
        })
        .onComplete(test.succeeding(message -> test.verify(() -> {
          assertTrue(Blocks.text(message).contains("Snapshot taken by the provider at 02:00"));
          test.completeNow();
        })));
  }

  /**
   * Answers after the ack reach the person where they are. A click's answer goes through its
   * response_url, never an ephemeral first, and by direct message once that URL has expired. A
   * refused sign-off reaction has no response_url: it is answered beside the run's message, in the
   * channel the bot posted it in, or by direct message when Slack refuses that.
   */
  @Test
  void lateAnswersToClicksAndReactionsReachThePersonWhereTheyAre(VertxTestContext test) {
    Posted posted = new Posted();
    String already = "This item is already passed.";
    startRun()
        .compose(ts -> {
          posted.ts = ts;
          return fake.awaitCall("chat.postMessage");
        })
        .compose(message -> {
          posted.tick = Blocks.buttonValue(message, ActionIds.TICK, "backup").orElseThrow();
          return send(slack.blockAction(ActionIds.TICK, posted.tick, LEAD, OPS, posted.ts(), fake.responseUrl("t1")));
        })
        .compose(ticked -> awaitMessage(text -> text.contains("Ticked by <@" + LEAD + ">")))
        // The same tick again, picked from the item's overflow menu: a stale choice, answered in place.
        .compose(message -> {
          String[] ref = posted.tick.split("/");
          JsonObject option = new JsonObject().put("text", new JsonObject().put("type", "plain_text").put("text", "Tick"))
              .put("value", ActionIds.itemMenuValue(ActionIds.TICK, ref[0], ref[1]).orElseThrow());
          return send(slack.overflowAction(ActionIds.ITEM_MENU, option, LEAD, OPS, posted.ts(), fake.responseUrl("menu")));
        })
        .compose(picked -> fake.awaitResponse("menu", answer -> true))
        .compose(answer -> {
          test.verify(() -> {
            assertEquals(already, answer.getString("text"));
            assertEquals("ephemeral", answer.getString("response_type"), "only the clicker reads it");
            assertEquals(false, answer.getBoolean("replace_original"), "the run's message stays as it is");
          });
          fake.expireResponseUrl("expired");
          return send(slack.blockAction(ActionIds.TICK, posted.tick, LEAD, OPS, posted.ts(),
              fake.responseUrl("expired")));
        })
        .compose(clicked -> fake.awaitCall("chat.postMessage",
            call -> FakeSlack.dmChannel(LEAD).equals(call.getString("channel"))))
        .compose(dm -> {
          test.verify(() -> {
            assertEquals(already, dm.getString("text"), "the expired response_url's answer comes by direct message");
            assertTrue(fake.calls("chat.postEphemeral").isEmpty(), "a click is never answered by an ephemeral");
          });
          // The bot was removed from the run's channel: Slack refuses the ephemeral.
          fake.failNext("chat.postEphemeral", "not_in_channel");
          return send(slack.reactionAdded("Ev0ANSWER1", STARTER, "white_check_mark", OPS, posted.ts()));
        })
        .compose(reacted -> fake.awaitCall("chat.postMessage",
            call -> FakeSlack.dmChannel(STARTER).equals(call.getString("channel"))))
        .compose(dm -> {
          test.verify(() -> {
            assertTrue(dm.getString("text").startsWith("You started this run")
                && dm.getString("text").endsWith("Your reaction was not counted as a sign-off."), dm.encode());
            List<JsonObject> tried = fake.calls("chat.postEphemeral");
            assertEquals(1, tried.size(), "the refused ephemeral, and no click: " + tried);
            assertEquals(OPS, tried.get(0).getString("channel"), "beside the run's message, where the bot posted it");
          });
          Set<JsonObject> before = Collections.newSetFromMap(new IdentityHashMap<>());
          before.addAll(fake.calls("chat.postEphemeral"));
          return send(slack.reactionAdded("Ev0ANSWER2", STARTER, "white_check_mark", OPS, posted.ts()))
              .compose(reacted -> fake.awaitCall("chat.postEphemeral", call -> !before.contains(call)));
        })
        .onComplete(test.succeeding(ephemeral -> test.verify(() -> {
          assertEquals(OPS, ephemeral.getString("channel"));
          assertEquals(STARTER, ephemeral.getString("user"));
          assertTrue(ephemeral.getString("text").startsWith("You started this run"), ephemeral.encode());
          test.completeNow();
        })));
  }

  @Test
  void forgedRequestsAreRefusedAndChangeNothing(VertxTestContext test) {
    SlackRequests forger = new SlackRequests("not-the-signing-secret");
    send(forger.slashCommand("/checklist", "e2e-predeploy", STARTER, "C0TYPED01", fake.responseUrl("f")))
        .compose(response -> {
          test.verify(() -> assertEquals(401, response.statusCode()));
          return bot.db.query("select count(*) as n from runs").execute();
        })
        .onComplete(test.succeeding(rows -> test.verify(() -> {
          assertEquals(0L, rows.iterator().next().getLong("n"));
          assertTrue(fake.calls("chat.postMessage").isEmpty());
          test.completeNow();
        })));
  }

  @Test
  void anOversizedBodyIsRefusedBeforeAnythingReadsIt(VertxTestContext test) {
    byte[] huge = new byte[2 * 1024 * 1024];
    java.util.Arrays.fill(huge, (byte) 'a');
    send(slack.sign("application/x-www-form-urlencoded", huge))
        .onComplete(test.succeeding(response -> test.verify(() -> {
          assertEquals(413, response.statusCode());
          assertTrue(fake.calls("chat.postMessage").isEmpty());
          test.completeNow();
        })));
  }

  @Test
  void anUnknownChecklistIsAnsweredPrivatelyWithWhatWouldWork(VertxTestContext test) {
    send(slack.slashCommand("/checklist", "e2e-predepoy", STARTER, "C0TYPED01", fake.responseUrl("u")))
        .compose(response -> {
          test.verify(() -> {
            assertEquals(200, response.statusCode());
            String text = response.bodyAsString();
            assertTrue(text.contains("no checklist `e2e-predepoy`"), text);
            assertTrue(text.contains("e2e-predeploy"), "suggests the real id: " + text);
          });
          return send(slack.slashCommand("/checklist", "list", STARTER, "C0TYPED01", fake.responseUrl("l")));
        })
        .onComplete(test.succeeding(list -> test.verify(() -> {
          assertTrue(list.bodyAsString().contains("Backend pre-deploy"), list.bodyAsString());
          assertTrue(fake.calls("chat.postMessage").isEmpty());
          test.completeNow();
        })));
  }

  @Test
  void aBurstOfResultsBecomesAFewEditsAndTheLastShowsTheFinalState(VertxTestContext test) {
    target.hold();
    Set<JsonObject>[] before = new Set[1];
    send(slack.slashCommand("/checklist", "e2e-burst", STARTER, "C0TYPED01", fake.responseUrl("b")))
        .compose(ack -> fake.awaitCall("chat.postMessage"))
        // All twenty checks are under way, held by the target: releasing them makes a burst.
        .compose(posted -> target.awaitRequests(20))
        .compose(held -> {
          before[0] = updatesSoFar();
          target.release();
          return awaitNewMessage(before[0], text -> text.contains("20/20 done"));
        })
        .compose(last -> stored().map(stored -> {
          test.verify(() -> {
            long edits = fake.calls("chat.update").stream().filter(call -> !before[0].contains(call)).count();
            assertTrue(edits <= 10, "twenty results were coalesced into " + edits + " edits");
            assertEquals(20, stored.items.values().stream().filter("PASSED"::equals).count());
            // Nothing newer than the final edit: it is the last state Slack shows.
            List<JsonObject> updates = fake.calls("chat.update");
            assertTrue(Blocks.text(updates.get(updates.size() - 1)).contains("20/20 done"));
          });
          return stored;
        }))
        .onComplete(test.succeedingThenComplete());
  }

  private Future<String> startRun() {
    return send(slack.slashCommand("/checklist", "e2e-predeploy", STARTER, "C0TYPED01", fake.responseUrl("s")))
        .compose(ack -> awaitMessage(text -> text.contains("✅ Health endpoint answers")))
        .map(update -> update.getString("ts"));
  }

  private Future<HttpResponse<Buffer>> send(SlackRequests.Signed request) {
    return bot.send(request);
  }

  /** Waits for an edit of the run's message whose text matches. */
  private Future<JsonObject> awaitMessage(Predicate<String> match) {
    return fake.awaitCall("chat.update", call -> match.test(Blocks.text(call)));
  }

  /** The edits received so far, so a wait can skip them and see only what a request caused. */
  private Set<JsonObject> updatesSoFar() {
    Set<JsonObject> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    seen.addAll(fake.calls("chat.update"));
    return seen;
  }

  private Future<JsonObject> awaitNewMessage(Set<JsonObject> before, Predicate<String> match) {
    return fake.awaitCall("chat.update", call -> !before.contains(call) && match.test(Blocks.text(call)));
  }

  private Future<StoredRun> stored() {
    return StoredRun.read(bot.db);
  }

  private static final class Posted {
    String ts;
    String tick;

    String ts() {
      return ts;
    }
  }
}
