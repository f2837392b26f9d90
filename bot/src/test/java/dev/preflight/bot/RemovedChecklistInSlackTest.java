package dev.preflight.bot;

import static dev.preflight.bot.BotInProcess.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.preflight.handlers.ActionIds;
import dev.preflight.handlers.fake.SlackRequests;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A checklist run whose checklist is taken out of the config, then the bot restarted: its message
 * is edited once to say so and loses the buttons that would change the checklist, and a stale
 * button or a sign-off reaction on it gets a plain refusal that changes nothing, not an error.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RemovedChecklistInSlackTest {

  private static final String OPS = "C0OPS0001";
  private static final String STARTER = "U0STARTER";
  private static final String SRE = "U0SRE0001";
  private static final String LEAD = "U0LEAD001";
  private static final Map<String, String> SETTINGS = Map.of("SLACK_BOT_TOKEN", "xoxb-removed-checklist");
  static final String REFUSAL = "This run's checklist `sti` is no longer in the config, so the run cannot change; "
      + "nothing was changed.";

  /** A checklist that stays, so the config without {@code sti} still has one. */
  static final String OTHER_CHECKLIST = String.join("\n",
      "id: other",
      "title: Other",
      "channel: ops",
      "sections:",
      "  - title: Things",
      "    items:",
      "      - id: thing",
      "        title: A thing",
      "");

  @TempDir
  Path dir;

  private final SlackRequests slack = new SlackRequests();
  private BotInProcess bot;

  @AfterEach
  void stop() throws Exception {
    if (bot != null) {
      bot.close();
    }
  }

  @Test
  void aRunWhoseChecklistLeftTheConfigIsShownWithoutItsButtonsAndRefusesChanges() throws Exception {
    bot = BotInProcess.create().start(config("with", true), SETTINGS, Map.of());
    JsonObject posted = bot.postedAfter(slack.slashCommand("/checklist", "sti", STARTER, "C0TYPED01",
        bot.fake.responseUrl("cmd")), OPS, "STI gate");
    String ts = await(bot.eventually(() -> bot.fake.messages(OPS).stream().findFirst())).getString("ts");
    String tickTests = Blocks.buttonValue(posted, ActionIds.TICK, "tests-pass").orElseThrow();
    String tickNotes = Blocks.buttonValue(posted, ActionIds.TICK, "notes").orElseThrow();
    await(bot.send(slack.blockAction(ActionIds.TICK, tickTests, LEAD, OPS, ts, bot.fake.responseUrl("t1"))));
    bot.awaitEdit(OPS, ts, text -> text.contains("Ticked by <@" + LEAD + ">"), call -> true);
    await(bot.send(slack.reactionAdded("Ev0REMOVED1", SRE, "white_check_mark", OPS, ts)));
    bot.awaitEdit(OPS, ts, text -> text.contains("<@" + SRE + "> for *sre*"), call -> true);

    bot.restart(config("without", false), SETTINGS, Map.of());

    JsonObject shown = bot.awaitEdit(OPS, ts, text -> text.contains("was removed from the config"), call -> true);
    String text = Blocks.text(shown);
    assertTrue(text.contains("This run's checklist `sti` was removed from the config, so its items and sign-offs "
        + "can no longer change. Items are shown as stored, by their ids."), text);
    assertTrue(text.contains("tests-pass") && text.contains("Ticked by <@" + LEAD + ">"), "the tick is kept: " + text);
    assertTrue(text.contains("<@" + SRE + "> for *sre*"), "the sign-off is kept: " + text);
    List<String> actions = Blocks.actionIds(shown);
    for (String gone : List.of(ActionIds.TICK, ActionIds.UNTICK, ActionIds.WAIVE, ActionIds.RERUN, ActionIds.ITEM_MENU,
        ActionIds.LAUNCH)) {
      assertFalse(actions.contains(gone), gone + " is still offered: " + actions);
    }
    assertFalse(text.contains("Complete"), "no verdict without the checklist's rules: " + text);

    // The button on the message as it was before the restart: refused in words, nothing changed.
    await(bot.send(slack.blockAction(ActionIds.TICK, tickNotes, SRE, OPS, ts, bot.fake.responseUrl("stale"))));
    JsonObject answer = await(bot.fake.awaitResponse("stale", body -> true));
    assertEquals(REFUSAL, answer.getString("text"), answer.encode());

    await(bot.send(slack.reactionAdded("Ev0REMOVED2", LEAD, "white_check_mark", OPS, ts)));
    JsonObject told = await(bot.fake.awaitCall("chat.postEphemeral", call -> LEAD.equals(call.getString("user"))));
    assertEquals(REFUSAL, told.getString("text"), told.encode());

    assertEquals("PENDING", bot.one("select state from run_items where item_id = 'notes'").getString(0));
    assertEquals(1L, bot.one("select count(*) from sign_offs").getLong(0), "the refused sign-off is not stored");
    assertEquals(0L, bot.one("select count(*) from audit_log where action in ('item.ticked', 'signoff.added') "
        + "and actor = '" + LEAD + "' and detail->>'item' is distinct from 'tests-pass'").getLong(0));
  }

  /** The config; {@code withSti} says whether the checklist {@code sti} is in it. */
  private Path config(String name, boolean withSti) throws Exception {
    Path checklists = Files.createDirectories(dir.resolve(name).resolve("checklists"));
    Files.writeString(checklists.resolve("other.yaml"), OTHER_CHECKLIST);
    if (withSti) {
      Files.writeString(checklists.resolve("sti.yaml"), String.join("\n",
          "id: sti",
          "title: STI gate",
          "channel: ops",
          "waivers: [sre]",
          "signOff:",
          "  requires:",
          "    - { role: sre, count: 1 }",
          "    - { role: lead, count: 1 }",
          "sections:",
          "  - title: Gate",
          "    items:",
          "      - id: tests-pass",
          "        title: Tests pass",
          "        blocker: true",
          "      - id: notes",
          "        title: Release notes written",
          ""));
    }
    Path config = dir.resolve(name).resolve("preflight.yaml");
    Files.writeString(config, String.join("\n",
        "roles:",
        "  sre:",
        "    users: [" + SRE + "]",
        "  lead:",
        "    users: [" + LEAD + "]",
        "channels:",
        "  ops: " + OPS,
        "checklists:",
        "  - checklists",
        ""));
    return config;
  }
}
