package dev.preflight.handlers.render;

import static dev.preflight.handlers.render.Fixtures.automated;
import static dev.preflight.handlers.render.Fixtures.checklist;
import static dev.preflight.handlers.render.Fixtures.fail;
import static dev.preflight.handlers.render.Fixtures.manual;
import static dev.preflight.handlers.render.Fixtures.needs;
import static dev.preflight.handlers.render.Fixtures.start;
import static dev.preflight.handlers.render.Fixtures.tick;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.slack.api.model.view.View;
import dev.preflight.checklists.checklist.Checklist;
import dev.preflight.checklists.checklist.Item;
import dev.preflight.checklists.checklist.Section;
import dev.preflight.checklists.run.ChecklistRun;
import dev.preflight.handlers.ActionIds;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Issue 14 point 6: on a long checklist every open item, blockers above all, stays within reach
 * of the person reading the message: listed in it, or one click away in the all-items modal.
 */
class LongChecklistTest {

  private static final Pattern MORE = Pattern.compile("…and (\\d+) more items? not shown here \\((\\d+) of them open\\)");

  /**
   * {@code sections} sections of {@code perSection} items: manual ones (Tick or Waive) and every
   * fifth an automated check; even ones are blockers. Waivable by sre, so most have two actions.
   */
  private static Checklist checklistOf(int sections, int perSection) {
    List<Section> all = new ArrayList<>();
    for (int s = 1; s <= sections; s++) {
      List<Item> items = new ArrayList<>();
      for (int i = 1; i <= perSection; i++) {
        String id = "s" + s + "-i" + i;
        String title = "Item " + id + " is checked";
        items.add(i % 5 == 0 ? automated(id, title, i % 2 == 0) : manual(id, title, i % 2 == 0));
      }
      all.add(new Section("Section " + s, items));
    }
    return checklist("Quarterly release review", all, needs("sre", 1), List.of("sre"));
  }

  /** The ids of every item of the run, in checklist order. */
  private static List<String> ids(ChecklistRun run) {
    return run.checklist().sections().stream().flatMap(s -> s.items().stream()).map(Item::id).toList();
  }

  private static Rendered modal(View view) {
    return Rendered.of(new MessageContent(view.getTitle().getText(), view.getBlocks()));
  }

  @Test
  void fortyFourItemsShowFailedBlockersFirstAndOfferEveryItemInAModal() {
    ChecklistRun run = start(checklistOf(4, 11));
    // The last items of the last section are the ones a short message would have dropped.
    run = fail(run, "s4-i10", "503 Service Unavailable", "upstream connect error");
    run = tick(run, "s1-i1", "U0ALICE");

    Rendered message = Rendered.of(RunMessage.render(run));

    SlackLimits.assertWithinSlackLimits(message);
    Set<String> shown = message.itemsWithTheirOwnBlock();
    assertTrue(shown.contains("s4-i10"), "the failed blocker is listed although it comes last: " + shown);
    assertFalse(shown.contains("s1-i1"), "a done item gives its place to open ones");
    assertTrue(shown.size() >= 35, "one block per item fits most of the 43 open items: " + shown.size());
    for (String id : shown) {
      JsonObject block = message.block(ActionIds.ITEM_BLOCK_PREFIX + id);
      assertNotNull(block.getJsonObject("accessory"), "item " + id + " carries its actions beside it");
    }
    assertTrue(message.blocks.stream().noneMatch(b -> "actions".equals(b.getString("type"))
        && b.getString("block_id", "").startsWith(ActionIds.ITEM_ACTIONS_BLOCK_PREFIX)), "no second block per item");
    String text = message.allText();
    Matcher more = MORE.matcher(text);
    assertTrue(more.find(), text);
    assertEquals(44 - shown.size(), Integer.parseInt(more.group(1)), "every item is listed or counted");
    assertEquals(43 - shown.size(), Integer.parseInt(more.group(2)));
    JsonObject showAll = message.buttons().stream()
        .filter(b -> ActionIds.ITEMS_SHOW_ALL.equals(b.getString("action_id"))).findFirst().orElseThrow();
    assertEquals("Show all 44 items", showAll.getJsonObject("text").getString("text"));
    assertEquals(run.id(), showAll.getString("value"));

    Rendered all = modal(ItemsModal.build(run, 0, null));
    assertTrue(all.blocks.size() <= ItemsModal.MAX_BLOCKS, "modal blocks: " + all.blocks.size());
    String listed = all.allText();
    for (String id : ids(run)) {
      assertTrue(listed.contains("Item " + id + " is checked"), "the modal lists " + id);
    }
    assertTrue(listed.contains("1/44 done · 20 blockers open"), listed);
    assertEquals(List.of(ActionIds.RERUN, ActionIds.WAIVE),
        all.actionsFor(ActionIds.itemValue(run.id(), "s4-i10")), "the failed check can be re-run or waived");
    assertEquals(List.of(ActionIds.TICK, ActionIds.WAIVE), all.actionsFor(ActionIds.itemValue(run.id(), "s4-i11")),
        "an item missing from the message is ticked from the modal");
    assertEquals(List.of(ActionIds.UNTICK), all.actionsFor(ActionIds.itemValue(run.id(), "s1-i1")));
    assertTrue(all.buttons().stream().noneMatch(b -> b.getString("action_id").startsWith("items_page")),
        "44 items fit on one page");
  }

  @Test
  void hundredTwentyItemsKeepEveryOpenBlockerReachable() {
    ChecklistRun run = start(checklistOf(12, 10));
    run = fail(run, "s12-i10", "connection refused", "connection refused");
    run = fail(run, "s11-i5", "timed out", "no answer within 5s");

    Rendered message = Rendered.of(RunMessage.render(run));

    SlackLimits.assertWithinSlackLimits(message);
    Set<String> shown = message.itemsWithTheirOwnBlock();
    assertTrue(shown.containsAll(List.of("s12-i10", "s11-i5")), "failed checks come first: " + shown);
    boolean showAll = message.buttons().stream().anyMatch(b -> ActionIds.ITEMS_SHOW_ALL.equals(b.getString("action_id")));
    for (String id : ids(run)) {
      assertTrue(shown.contains(id) || showAll, id + " is neither listed nor behind Show all");
    }
    assertTrue(showAll);
    // Blockers come before the other open items: a blocker is only left out once no other item is listed.
    boolean nonBlockerShown = shown.stream().filter(id -> !id.equals("s11-i5"))
        .anyMatch(id -> Integer.parseInt(id.substring(id.indexOf("-i") + 2)) % 2 == 1);
    boolean blockerHidden = run.checklist().sections().stream().flatMap(s -> s.items().stream())
        .anyMatch(item -> item.blocker() && !shown.contains(item.id()));
    assertFalse(nonBlockerShown && blockerHidden, "an optional item took a blocker's place: " + shown);

    int pages = ItemsModal.pages(run);
    assertEquals(3, pages);
    Set<String> listed = new HashSet<>();
    for (int page = 0; page < pages; page++) {
      View view = ItemsModal.build(run, page, null);
      Rendered rendered = modal(view);
      assertTrue(rendered.blocks.size() <= ItemsModal.MAX_BLOCKS, "page " + page + ": " + rendered.blocks.size());
      assertEquals(ActionIds.itemsModalMetadata(run.id(), page), view.getPrivateMetadata());
      String text = rendered.allText();
      assertTrue(text.contains("page " + (page + 1) + " of 3"), text);
      for (String id : ids(run)) {
        if (text.contains("Item " + id + " is checked")) {
          assertTrue(listed.add(id), id + " is on two pages");
          assertFalse(rendered.actionsFor(ActionIds.itemValue(run.id(), id)).isEmpty(), id + " has its actions");
        }
      }
      List<String> turns = rendered.buttons().stream().map(b -> b.getString("action_id"))
          .filter(a -> a.startsWith("items_page")).toList();
      List<String> expected = new ArrayList<>();
      if (page > 0) {
        expected.add(ActionIds.ITEMS_PREVIOUS);
      }
      if (page < pages - 1) {
        expected.add(ActionIds.ITEMS_NEXT);
      }
      assertEquals(expected, turns, "page " + page);
    }
    assertEquals(new HashSet<>(ids(run)), listed, "every item is on a page of the modal");
  }

  @Test
  void aShortChecklistNeedsNoShowAllButton() {
    ChecklistRun run = start(checklistOf(2, 5));

    Rendered message = Rendered.of(RunMessage.render(run));

    assertEquals(new HashSet<>(ids(run)), message.itemsWithTheirOwnBlock());
    assertTrue(message.buttons().stream().noneMatch(b -> ActionIds.ITEMS_SHOW_ALL.equals(b.getString("action_id"))));
    assertFalse(MORE.matcher(message.allText()).find());
  }

  @Test
  void aClosedRunsModalListsItemsWithoutActions() {
    ChecklistRun run = start(checklistOf(4, 11)).cancel();

    Rendered all = modal(ItemsModal.build(run, 0, null));

    assertTrue(all.buttons().isEmpty(), all.buttons().toString());
    String text = all.allText();
    assertTrue(text.contains("The checklist is closed"), text);
    for (String id : ids(run)) {
      assertTrue(text.contains("Item " + id + " is checked"), id);
    }
    assertNull(all.block("items_pages"));
  }

  @Test
  void anItemWhoseIdsAreTooLongForAMenuOptionKeepsItsButtons() {
    String id = "x".repeat(140);
    ChecklistRun run = start(checklist("Long ids", List.of(new Section("Only", List.of(manual(id, "Long id", true)))),
        needs("sre", 1), List.of("sre")));

    Rendered message = Rendered.of(RunMessage.render(run));

    assertTrue(ActionIds.itemMenuValue(ActionIds.WAIVE, run.id(), id).isEmpty(), "over Slack's 150 characters");
    assertEquals(List.of(ActionIds.TICK, ActionIds.WAIVE), message.actionsFor(ActionIds.itemValue(run.id(), id)));
    assertTrue(message.buttons().stream().noneMatch(b -> b.getBoolean("in_menu", false)), "no option would be valid");
    assertNotNull(message.block(ActionIds.ITEM_ACTIONS_BLOCK_PREFIX + id), "the buttons sit in a row under the item");
  }

  /** Prints the message and the modal as a person reads them (run with -Dlong.print=true). */
  @Test
  void printForTheReport() {
    if (!Boolean.getBoolean("long.print")) {
      return;
    }
    ChecklistRun run = fail(tick(start(checklistOf(4, 11)), "s1-i1", "U0ALICE"), "s4-i10", "503 Service Unavailable",
        "upstream connect error");
    Rendered message = Rendered.of(RunMessage.render(run));
    message.blocks.forEach(b -> System.out.println(b.encode()));
  }
}
