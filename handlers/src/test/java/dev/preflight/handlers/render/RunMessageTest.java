package dev.preflight.handlers.render;

import static dev.preflight.handlers.render.Fixtures.LATER_DATE;
import static dev.preflight.handlers.render.Fixtures.automated;
import static dev.preflight.handlers.render.Fixtures.checklist;
import static dev.preflight.handlers.render.Fixtures.fail;
import static dev.preflight.handlers.render.Fixtures.manual;
import static dev.preflight.handlers.render.Fixtures.needs;
import static dev.preflight.handlers.render.Fixtures.pass;
import static dev.preflight.handlers.render.Fixtures.section;
import static dev.preflight.handlers.render.Fixtures.start;
import static dev.preflight.handlers.render.Fixtures.tick;
import static dev.preflight.handlers.render.Fixtures.waive;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.preflight.checklists.checklist.Checklist;
import dev.preflight.checklists.checklist.SignOffRule;
import dev.preflight.checklists.run.ChecklistRun;
import dev.preflight.checklists.run.Evidence;
import dev.preflight.checklists.run.ItemEvent;
import dev.preflight.checklists.run.ItemProgress;
import dev.preflight.checklists.run.ItemState;
import dev.preflight.checklists.run.RunStatus;
import dev.preflight.checklists.run.SignOff;
import dev.preflight.deploy.run.TrackedRun;
import dev.preflight.handlers.ActionIds;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RunMessageTest {

  private static final String BACKUP = ActionIds.itemValue("r-1", "backup");
  private static final String HEALTH = ActionIds.itemValue("r-1", "health");
  private static final String NOTES = ActionIds.itemValue("r-1", "notes");

  private static Checklist release(SignOffRule signOff, List<String> waiverRoles) {
    return checklist("Release Fluxion v2.0",
        List.of(
            section("Database", manual("backup", "Backup taken", true), automated("health", "API healthy", true)),
            section("Comms", manual("notes", "Release notes posted", false))),
        signOff, waiverRoles);
  }

  private static Rendered render(ChecklistRun run) {
    return Rendered.of(RunMessage.render(run));
  }

  @Test
  void freshRunOffersTickAndReRunWithRunAndItemInTheValue() {
    Rendered message = render(start(release(SignOffRule.NONE, List.of())));

    assertEquals("header", message.blocks.get(0).getString("type"));
    assertEquals("Release Fluxion v2.0", message.blocks.get(0).getJsonObject("text").getString("text"));
    String text = message.allText();
    assertTrue(text.contains("Started by <@U0STARTER>"), text);
    assertFalse(text.contains("r-1"), "the run's id is not for readers: " + text);
    assertTrue(text.contains("0/3 done · 2 blockers open"), text);
    assertTrue(text.contains("▱▱▱▱▱▱▱▱▱▱"), text);

    assertEquals(List.of(ActionIds.TICK), message.actionsFor(BACKUP));
    assertEquals(List.of(ActionIds.RERUN), message.actionsFor(HEALTH));
    assertEquals(List.of(ActionIds.TICK), message.actionsFor(NOTES));
    assertEquals("r-1/backup", BACKUP);
    assertTrue(message.buttons().stream().noneMatch(b -> ActionIds.WAIVE.equals(b.getString("action_id"))),
        "no waiver roles, so no Waive… button");
    assertTrue(message.textOf("item:backup").contains("Backup taken"));
    assertTrue(message.textOf("item:backup").contains("blocker"));
    assertFalse(message.textOf("item:notes").contains("blocker"));
    assertTrue(message.content.text().contains("Release Fluxion v2.0"));
    assertTrue(message.content.text().contains("0/3 done · 2 blockers open"));
  }

  @Test
  void tickedItemShowsWhoTickedItWithoutADateAndOffersUntick() {
    ChecklistRun run = tick(start(release(SignOffRule.NONE, List.of("sre"))), "backup", "U0ALICE");

    Rendered message = render(run);

    String backup = message.textOf("item:backup");
    assertTrue(backup.startsWith("✅"), backup);
    assertTrue(backup.endsWith("Ticked by <@U0ALICE>"), backup);
    assertFalse(message.allText().contains("<!date"), "the audit keeps when it was ticked: " + message.allText());
    assertEquals(List.of(ActionIds.UNTICK), message.actionsFor(BACKUP));
    assertTrue(message.allText().contains("1/3 done · 1 blocker open"));
    assertTrue(message.allText().contains("▰▰▰▱▱▱▱▱▱▱"));
  }

  @Test
  void passedCheckShowsWhatItSawAndOffersReRun() {
    Rendered message = render(pass(start(release(SignOffRule.NONE, List.of("sre"))), "health", "200 OK in 84 ms"));

    String health = message.textOf("item:health");
    assertTrue(health.startsWith("✅"), health);
    assertTrue(health.contains("200 OK in 84 ms"), health);
    assertFalse(health.contains("{\"status\""), "the body excerpt belongs in the thread: " + health);
    assertEquals(List.of(ActionIds.RERUN), message.actionsFor(HEALTH));
  }

  @Test
  void runningCheckCannotBeReRunButCanStillBeWaived() {
    ChecklistRun run = start(release(SignOffRule.NONE, List.of("sre")))
        .move("health", ItemEvent.START, "U0ALICE", Fixtures.LATER, null, null);

    Rendered message = render(run);

    assertTrue(message.textOf("item:health").startsWith("⏳"));
    assertTrue(message.textOf("item:health").contains("started by <@U0ALICE>"));
    assertEquals(List.of(ActionIds.WAIVE), message.actionsFor(HEALTH));
  }

  @Test
  void aRunningCheckPastItsTimeLimitSaysSoAndOffersReRun() {
    ChecklistRun run = start(release(SignOffRule.NONE, List.of()))
        .move("health", ItemEvent.START, null, Fixtures.LATER, null, null);
    // The fixture's check has a 5 s timeout and no retries; a minute's grace follows.
    Instant within = Fixtures.LATER.plusSeconds(64);
    Instant past = Fixtures.LATER.plusSeconds(66);

    Rendered early = Rendered.of(RunMessage.render(run, RunMessage.DEFAULT_REACTION, within));
    Rendered late = Rendered.of(RunMessage.render(run, RunMessage.DEFAULT_REACTION, past));

    assertEquals(List.of(), early.actionsFor(HEALTH), "a result may still come");
    assertFalse(early.allText().contains("time limit"), early.allText());
    assertEquals(List.of(ActionIds.RERUN), late.actionsFor(HEALTH));
    assertTrue(late.textOf("item:health").startsWith("⏳"));
    assertTrue(late.textOf("item:health").contains("no result within its time limit"), late.textOf("item:health"));
  }

  @Test
  void failedCheckShowsSummaryAndErrorWithReRunAndWaiveInItsOverflowMenu() {
    ChecklistRun run = fail(start(release(SignOffRule.NONE, List.of("sre"))), "health",
        "503 Service Unavailable after 3 attempts", "upstream connect error");

    Rendered message = render(run);

    String health = message.textOf("item:health");
    assertTrue(health.startsWith("❌"), health);
    assertTrue(health.contains("503 Service Unavailable after 3 attempts — upstream connect error"), health);
    assertEquals(List.of(ActionIds.RERUN, ActionIds.WAIVE), message.actionsFor(HEALTH));
    JsonObject menu = message.block("item:health").getJsonObject("accessory");
    assertEquals("overflow", menu.getString("type"), "two actions sit in a menu beside the item, in its one block");
    assertEquals(List.of("Re-run", "Waive…"), menu.getJsonArray("options").stream()
        .map(o -> ((JsonObject) o).getJsonObject("text").getString("text")).toList());
    assertNull(message.block("item_actions:health"), "no second block for the item");
  }

  @Test
  void waivedItemShowsWhoWaivedItAndWhy() {
    ChecklistRun run = waive(start(release(SignOffRule.NONE, List.of("sre"))), "backup", "U0SRE",
        "Snapshot verified by hand in the console");

    Rendered message = render(run);

    String backup = message.textOf("item:backup");
    assertTrue(backup.startsWith("➖"), backup);
    assertTrue(backup.contains("Waived by <@U0SRE>: “"), backup);
    assertFalse(backup.contains("<!date"), backup);
    assertTrue(backup.contains("Snapshot verified by hand in the console"), backup);
    assertEquals(List.of(ActionIds.UNTICK), message.actionsFor(BACKUP));
  }

  @Test
  void pendingItemsOfAChecklistWithWaiverRolesCanBeWaived() {
    Rendered message = render(start(release(SignOffRule.NONE, List.of("sre"))));

    assertEquals(List.of(ActionIds.TICK, ActionIds.WAIVE), message.actionsFor(BACKUP));
    assertEquals(List.of(ActionIds.RERUN, ActionIds.WAIVE), message.actionsFor(HEALTH));
    assertTrue(message.buttons().stream().map(b -> b.getJsonObject("text").getString("text")).toList()
        .containsAll(List.of("Tick", "Re-run", "Waive…")));
  }

  @Test
  void signOffsShowWhoSignedForWhichRoleAndWhatIsMissing() {
    SignOffRule rule = new SignOffRule(List.of(
        new SignOffRule.SignOffRequirement("sre", 1),
        new SignOffRule.SignOffRequirement("product", 2)), false);
    ChecklistRun run = start(release(rule, List.of()))
        .withSignOff(new SignOff("U0BOB", "sre", Fixtures.LATER));

    String text = Rendered.of(RunMessage.render(run, ":shipit:")).allText();

    assertTrue(text.contains("✅ <@U0BOB> for *sre*\n"), text);
    assertFalse(text.contains("<!date"), "a sign-off is not dated in the message: " + text);
    assertTrue(text.contains("Needs 2 more sign-offs from *product*"), text);
    assertFalse(text.contains("from *sre*"), text);
    assertTrue(text.contains("React with :shipit: to sign off"), text);
    assertFalse(text.contains(RunMessage.COMPLETE_LINE), text);
  }

  @Test
  void completeLineAppearsExactlyWhenEveryGatePasses() {
    ChecklistRun run = start(release(needs("sre", 1), List.of("sre")));
    run = pass(tick(run, "backup", "U0ALICE"), "health", "200 OK");
    assertFalse(run.gates().passed());
    Rendered waitingForSignOff = render(run);
    assertFalse(waitingForSignOff.allText().contains(RunMessage.COMPLETE_LINE));
    assertTrue(waitingForSignOff.allText().contains("Needs 1 more sign-off from *sre*"));
    assertTrue(waitingForSignOff.allText().contains("React with :white_check_mark: to sign off"));

    ChecklistRun signed = run.withSignOff(new SignOff("U0BOB", "sre", Fixtures.LATER));
    assertTrue(signed.gates().passed());
    Rendered complete = render(signed);
    assertTrue(complete.allText().contains(RunMessage.COMPLETE_LINE), complete.allText());
    assertFalse(complete.allText().contains("React with"), "nothing left to sign");
    assertTrue(complete.allText().contains("2/3 done · no blockers open"), complete.allText());
    assertTrue(complete.content.text().contains("complete"));

    Rendered blockerReopened = render(signed.move("backup", ItemEvent.UNTICK, "U0ALICE", Fixtures.LATER, null, null));
    assertFalse(blockerReopened.allText().contains(RunMessage.COMPLETE_LINE));
  }

  @Test
  void cancelledRunShowsItsStateAndNoButtonsAtAll() {
    ChecklistRun run = tick(start(release(needs("sre", 1), List.of("sre"))), "backup", "U0ALICE").cancel();
    assertEquals(RunStatus.CANCELLED, run.status());

    Rendered message = render(run);

    assertTrue(message.buttons().isEmpty(), message.buttons().toString());
    assertTrue(message.ofType("actions").isEmpty());
    String text = message.allText();
    assertTrue(text.contains("Cancelled"), text);
    assertTrue(text.contains("Ticked by <@U0ALICE>"), "the record stays readable: " + text);
    assertTrue(text.contains("Backup taken") && text.contains("Release notes posted"), text);
    assertFalse(text.contains("React with"), text);
    assertFalse(text.contains(RunMessage.COMPLETE_LINE), text);
    assertTrue(message.content.text().contains("cancelled"));
  }

  @Test
  void closedRunAfterLaunchStillShowsCompletionButNoButtons() {
    ChecklistRun run = start(release(SignOffRule.NONE, List.of()));
    run = tick(pass(tick(run, "backup", "U0A"), "health", "200 OK"), "notes", "U0A").withStatus(RunStatus.DEPLOYING);

    Rendered message = render(run);

    assertTrue(message.buttons().isEmpty());
    assertTrue(message.allText().contains("Deploying"));
    assertTrue(message.allText().contains(RunMessage.COMPLETE_LINE));
    assertTrue(message.allText().contains("3/3 done · no blockers open"));
    assertTrue(message.allText().contains("▰▰▰▰▰▰▰▰▰▰"));
  }

  @Test
  void userTextIsEscapedWhereSlackWouldReadItAsMarkup() {
    Checklist checklist = checklist("Deploy <prod> & friends",
        List.of(section("Infra <b> & co", manual("backup", "Check <!channel> & <@U0EVIL> > 0", true),
            automated("health", "Health", true))),
        needs("sre & <ops>", 1), List.of("sre"));
    ChecklistRun run = fail(start(checklist), "health", "Got <html> & 500", "body was <h1>oops</h1>");
    run = waive(run, "backup", "U0SRE", "done <manually> & checked");

    Rendered message = render(run);
    String text = message.allText();

    assertTrue(text.contains("Check &lt;!channel&gt; &amp; &lt;@U0EVIL&gt; &gt; 0"), text);
    assertTrue(text.contains("*Infra &lt;b&gt; &amp; co*"), text);
    assertTrue(text.contains("Got &lt;html&gt; &amp; 500 — body was &lt;h1&gt;oops&lt;/h1&gt;"), text);
    assertTrue(text.contains("done &lt;manually&gt; &amp; checked"), text);
    assertTrue(text.contains("*sre &amp; &lt;ops&gt;*"), text);
    assertFalse(text.contains("<!channel>"), text);
    assertFalse(text.contains("<@U0EVIL>"), text);
    assertTrue(message.content.text().startsWith("Deploy &lt;prod&gt; &amp; friends"), message.content.text());
    // plain_text is shown literally by Slack, so the header keeps the title as written
    assertEquals("Deploy <prod> & friends", message.blocks.get(0).getJsonObject("text").getString("text"));
    assertEquals("plain_text", message.blocks.get(0).getJsonObject("text").getString("type"));
  }

  @Test
  void blockIdsAreUniqueAndNamedAfterTheItems() {
    Rendered message = render(start(release(needs("sre", 1), List.of("sre"))));

    Set<String> seen = new HashSet<>();
    for (JsonObject block : message.blocks) {
      String id = block.getString("block_id");
      if (id != null) {
        assertTrue(seen.add(id), "duplicate block_id " + id);
      }
    }
    assertTrue(seen.containsAll(List.of("item:backup", "item:health", "item:notes")), seen.toString());
    assertTrue(seen.stream().noneMatch(id -> id.startsWith("item_actions:")), "one block per item: " + seen);
  }

  @Test
  void reactionNameMayBeGivenWithOrWithoutColons() {
    ChecklistRun run = start(release(needs("sre", 1), List.of()));

    assertTrue(Rendered.of(RunMessage.render(run, "rocket")).allText().contains("React with :rocket: to sign off"));
    assertTrue(Rendered.of(RunMessage.render(run, ":rocket:")).allText().contains("React with :rocket: to sign off"));
    assertTrue(Rendered.of(RunMessage.render(run, " ")).allText().contains(":white_check_mark:"));
  }

  @Test
  void theContextLineNamesTheStarterWithoutTheRunIdOrADate() {
    ChecklistRun run = ChecklistRun.start("3f2a9c1e-7b4d-4e8f-9a6b-1c2d3e4f5a6b", release(SignOffRule.NONE, List.of()),
        "U0S", Instant.parse("2024-05-01T14:03:00Z"));

    Rendered message = render(run);

    assertEquals("Started by <@U0S>", message.blocks.get(1).getJsonArray("elements").getJsonObject(0)
        .getString("text"));
    assertFalse(message.allText().contains("3f2a9c1e"), message.allText());
    assertFalse(message.allText().contains(LATER_DATE), message.allText());
  }

  /**
   * A run read back without its checklist: every item stands in as manual, titled by its id. A
   * checked item still shows what its check saw rather than "Ticked by Preflight", and no control.
   */
  @Test
  void aRunWithoutItsChecklistShowsWhatItsChecksSawAndNoControls() {
    Checklist standIn = checklist("sti", List.of(section("Items as stored", manual("health", "health", false),
        manual("notes", "notes", false))), SignOffRule.NONE, List.of());
    ChecklistRun run = new ChecklistRun("r-1", standIn, "U0STARTER", Fixtures.STARTED, RunStatus.PREPARING,
        Map.of("health", new ItemProgress(ItemState.PASSED, null, Fixtures.LATER,
            new Evidence(true, "200 OK in 84 ms", 200, 84L, null, null, 1), null, 1),
            "notes", ItemProgress.pending()),
        List.of());
    TrackedRun gone = new TrackedRun(run, "C0OPS0001", "1.2", null, true);

    Rendered message = Rendered.of(RunMessage.render(gone, Optional.empty(), "white_check_mark", Fixtures.LATER));

    String text = message.allText();
    assertTrue(text.contains("200 OK in 84 ms"), text);
    assertFalse(text.contains("Ticked by"), text);
    assertEquals(List.of(), message.buttons(), "nothing on it can be clicked");
  }
}
