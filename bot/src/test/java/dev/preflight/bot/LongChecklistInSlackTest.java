package dev.preflight.bot;

import static dev.preflight.bot.ChecklistInSlackTest.LEAD;
import static dev.preflight.bot.ChecklistInSlackTest.OPS;
import static dev.preflight.bot.ChecklistInSlackTest.SRE;
import static dev.preflight.bot.ChecklistInSlackTest.STARTER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.preflight.handlers.ActionIds;
import dev.preflight.handlers.fake.FakeSlack;
import dev.preflight.handlers.fake.SlackRequests;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 14 point 6 over HTTP: a 44-item checklist's message lists what fits, one block per item
 * with its actions in an overflow menu, and a "Show all" button opens a modal with every item;
 * an option picked there acts like one in the message and redraws both.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 180, timeUnit = TimeUnit.SECONDS)
class LongChecklistInSlackTest {

  static final Path CONFIG = Path.of("src/test/resources/e2e-long/preflight.yaml");

  private final SlackRequests slack = new SlackRequests();
  private BotInProcess bot;
  private FakeSlack fake;

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    bot = BotInProcess.on(vertx);
    fake = bot.fake;
    bot.start(CONFIG, Map.of("SLACK_BOT_TOKEN", "xoxb-e2e-test-token"), Map.of());
  }

  @AfterEach
  void stop() throws Exception {
    bot.close();
  }

  @Test
  void everyItemOfALongChecklistIsReachableAndActsFromTheMessageAndTheModal(VertxTestContext test) {
    String[] ts = new String[1];
    JsonObject[] modal = new JsonObject[1];
    send(slack.slashCommand("/checklist", "e2e-long", STARTER, "C0TYPED01", fake.responseUrl("cmd")))
        .compose(ack -> {
          test.verify(() -> assertTrue(ack.bodyAsString().contains("Starting"), ack.bodyAsString()));
          return bot.eventually(() -> fake.messages(OPS).stream().findFirst());
        })
        .compose(posted -> {
          ts[0] = posted.getString("ts");
          JsonArray blocks = blocks(posted);
          test.verify(() -> {
            assertTrue(blocks.size() <= 50, "blocks: " + blocks.size());
            String text = Blocks.text(posted);
            assertTrue(text.contains("0/44 done · 20 blockers open"), text);
            assertTrue(text.contains("not shown here"), text);
            assertTrue(Blocks.button(posted, ActionIds.ITEMS_SHOW_ALL).isPresent(), "Show all is offered");
            assertFalse(text.contains("Area 4 item 11 is checked"), "the last item does not fit in the message");
          });
          JsonObject tick = option(posted, ActionIds.TICK, "a1-i1").orElseThrow();
          return send(slack.overflowAction(ActionIds.ITEM_MENU, tick, LEAD, OPS, ts[0], fake.responseUrl("menu")));
        })
        .compose(picked -> {
          test.verify(() -> assertEquals(200, picked.statusCode()));
          // A done item gives its place in a long message to open ones; the progress shows the tick.
          return fake.awaitCall("chat.update", call -> Blocks.text(call).contains("1/44 done"));
        })
        .compose(updated -> {
          JsonObject showAll = Blocks.button(updated, ActionIds.ITEMS_SHOW_ALL).orElseThrow();
          test.verify(() -> assertEquals("Show all 44 items", showAll.getJsonObject("text").getString("text")));
          return send(slack.blockAction(ActionIds.ITEMS_SHOW_ALL, showAll.getString("value"), STARTER, OPS, ts[0],
              fake.responseUrl("all")));
        })
        .compose(clicked -> bot.eventually(() -> fake.openedViews().stream().findFirst()))
        .compose(opened -> {
          modal[0] = opened;
          test.verify(() -> {
            assertEquals(ActionIds.ITEMS_MODAL, modal[0].getString("callback_id"));
            String text = Blocks.text(modal[0]);
            for (int area = 1; area <= 4; area++) {
              for (int item = 1; item <= 11; item++) {
                assertTrue(text.contains("Area " + area + " item " + item + " is checked"), area + "/" + item);
              }
            }
            assertTrue(text.contains("1/44 done"), text);
            assertTrue(modal[0].getJsonArray("blocks").size() <= 100);
          });
          // The last item, missing from the message, is ticked from the modal.
          JsonObject tick = option(modal[0], ActionIds.TICK, "a4-i11").orElseThrow();
          return send(slack.actionInView(ActionIds.ITEM_MENU, null, tick, LEAD, modal[0]));
        })
        .compose(picked -> fake.awaitCall("views.update"))
        .compose(update -> {
          JsonObject view = update.getValue("view") instanceof JsonObject v ? v : new JsonObject(update.getString("view"));
          test.verify(() -> {
            assertEquals(modal[0].getString("id"), update.getString("view_id"), "the same modal is redrawn");
            String text = Blocks.text(new JsonObject().put("blocks", view.getJsonArray("blocks")));
            assertTrue(text.contains("2/44 done"), text);
            assertTrue(Blocks.buttonValue(view, ActionIds.UNTICK, "a4-i11").isPresent(), "a4-i11 now offers Untick");
            assertTrue(text.contains("Ticked by <@" + LEAD + ">"), text);
          });
          return fake.awaitCall("chat.update", call -> Blocks.text(call).contains("2/44 done"));
        })
        .compose(message -> {
          // Waiving from the modal puts the reason form on top of it.
          JsonObject waive = option(modal[0], ActionIds.WAIVE, "a4-i9").orElseThrow();
          return send(slack.actionInView(ActionIds.ITEM_MENU, null, waive, SRE, modal[0]));
        })
        .compose(picked -> fake.awaitCall("views.push"))
        .compose(pushed -> {
          JsonObject view = pushed.getValue("view") instanceof JsonObject v ? v : new JsonObject(pushed.getString("view"));
          test.verify(() -> assertEquals(ActionIds.WAIVE_MODAL, view.getString("callback_id")));
          return StoredRun.read(bot.db);
        })
        .onComplete(test.succeeding(stored -> test.verify(() -> {
          assertEquals("PASSED", stored.items.get("a1-i1"));
          assertEquals("PASSED", stored.items.get("a4-i11"));
          assertEquals(2, stored.audit.stream().filter(l -> l.equals("item.ticked " + LEAD + " menu:item_tick")).count(),
              stored.audit.toString());
          test.completeNow();
        })));
  }

  /** The overflow option that does {@code actionId} to {@code itemId}, as Slack shows it. */
  private static Optional<JsonObject> option(JsonObject messageOrView, String actionId, String itemId) {
    List<JsonObject> options = new ArrayList<>();
    collect(messageOrView.getValue("blocks"), options);
    return options.stream()
        .filter(o -> o.getString("value", "").startsWith(actionId + " ") && o.getString("value").endsWith("/" + itemId))
        .findFirst();
  }

  private static void collect(Object node, List<JsonObject> into) {
    if (node instanceof JsonObject object) {
      if ("overflow".equals(object.getString("type"))) {
        object.getJsonArray("options").forEach(o -> into.add((JsonObject) o));
      }
      object.fieldNames().forEach(key -> collect(object.getValue(key), into));
    } else if (node instanceof JsonArray array) {
      array.forEach(element -> collect(element, into));
    }
  }

  private static JsonArray blocks(JsonObject call) {
    Object blocks = call.getValue("blocks");
    return blocks instanceof JsonArray array ? array : new JsonArray(String.valueOf(blocks));
  }

  private Future<HttpResponse<Buffer>> send(SlackRequests.Signed request) {
    return bot.send(request);
  }
}
