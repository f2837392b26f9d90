package dev.preflight.handlers.render;

import static dev.preflight.handlers.render.Fixtures.automated;
import static dev.preflight.handlers.render.Fixtures.checklist;
import static dev.preflight.handlers.render.Fixtures.manual;
import static dev.preflight.handlers.render.Fixtures.needs;
import static dev.preflight.handlers.render.Fixtures.start;
import static dev.preflight.handlers.render.Fixtures.tick;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.preflight.checklists.checklist.Checklist;
import dev.preflight.checklists.checklist.Item;
import dev.preflight.checklists.checklist.Section;
import dev.preflight.checklists.checklist.SignOffRule;
import dev.preflight.checklists.run.ChecklistRun;
import dev.preflight.checklists.run.SignOff;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class RunMessageLimitsTest {

  private static final Pattern MORE = Pattern.compile("…and (\\d+) more items? not shown here \\((\\d+) of them open\\)");

  /** Sections of manual and automated items whose titles are long and full of characters to escape. */
  private static Checklist longChecklist(int sectionCount, int perSection, SignOffRule signOff, List<String> waivers) {
    List<Section> sections = new ArrayList<>();
    for (int s = 1; s <= sectionCount; s++) {
      List<Item> items = new ArrayList<>();
      for (int i = 1; i <= perSection; i++) {
        String id = "s" + s + "-i" + i;
        String title = "Item " + id + " & <verify> " + "the service answers within its latency budget ".repeat(5);
        items.add(i % 3 == 0 ? automated(id, title, i % 2 == 0) : manual(id, title, i % 2 == 0));
      }
      sections.add(new Section("Section " + s, items));
    }
    return checklist("A very long readiness review", sections, signOff, waivers);
  }

  private static void assertWithinSlackLimits(Rendered message) {
    SlackLimits.assertWithinSlackLimits(message);
  }

  @Test
  void hundredTwentyItemsAreSummarisedWithinFiftyBlocksOpenItemsFirst() {
    ChecklistRun run = start(longChecklist(12, 10, needs("sre", 2), List.of("sre")));
    run = tick(run, "s1-i1", "U0ALICE");

    Rendered message = Rendered.of(RunMessage.render(run));

    assertWithinSlackLimits(message);
    String text = message.allText();
    assertTrue(text.contains("1/120 done · 60 blockers open"), text);
    assertTrue(text.contains("▰▱▱▱▱▱▱▱▱▱"), "the first tick moves the bar: " + text);
    assertTrue(text.contains("Needs 2 more sign-offs from *sre*"), text);
    assertTrue(text.contains("React with :white_check_mark: to sign off"), text);
    Set<String> shown = message.itemsWithTheirOwnBlock();
    assertFalse(shown.isEmpty(), "open items keep their buttons");
    assertFalse(shown.contains("s1-i1"), "a done item gives its place to open ones");
    assertTrue(shown.contains("s1-i2"), "the first open item comes first");
    Matcher more = MORE.matcher(text);
    assertTrue(more.find(), text);
    assertEquals(120 - shown.size(), Integer.parseInt(more.group(1)), "every item is either shown or counted");
    assertEquals(119 - shown.size(), Integer.parseInt(more.group(2)));
    assertTrue(text.contains("*Section 1* — 1/10 done"), text);
  }

  @Test
  void hundredTwentyItemsOfACancelledRunArePackedIntoFewSections() {
    ChecklistRun run = start(longChecklist(12, 10, SignOffRule.NONE, List.of())).cancel();

    Rendered message = Rendered.of(RunMessage.render(run));

    assertWithinSlackLimits(message);
    assertTrue(message.buttons().isEmpty());
    String text = message.allText();
    for (int s = 1; s <= 12; s++) {
      for (int i = 1; i <= 10; i++) {
        assertTrue(text.contains("Item s" + s + "-i" + i + " &amp; &lt;verify&gt;"), "item s" + s + "-i" + i);
      }
    }
    assertFalse(MORE.matcher(text).find(), "nothing is left out when the text fits");
    assertTrue(text.contains("Cancelled"));
  }

  @Test
  void fortyItemsCollapseTheirDoneSections() {
    ChecklistRun run = start(longChecklist(8, 5, SignOffRule.NONE, List.of()));
    for (int s = 1; s <= 4; s++) {
      for (int i = 1; i <= 5; i++) {
        String id = "s" + s + "-i" + i;
        run = i % 3 == 0 ? Fixtures.pass(run, id, "200 OK") : tick(run, id, "U0ALICE");
      }
    }

    Rendered message = Rendered.of(RunMessage.render(run));

    assertWithinSlackLimits(message);
    String text = message.allText();
    for (int s = 1; s <= 4; s++) {
      assertTrue(text.contains("✅ *Section " + s + "* — 5/5 done"), text);
    }
    Set<String> shown = message.itemsWithTheirOwnBlock();
    for (int s = 5; s <= 8; s++) {
      for (int i = 1; i <= 5; i++) {
        assertTrue(shown.contains("s" + s + "-i" + i), "open item s" + s + "-i" + i + " keeps its block");
      }
    }
    assertTrue(shown.stream().noneMatch(id -> id.startsWith("s1-")), shown.toString());
    assertFalse(MORE.matcher(text).find(), "collapsing was enough: " + text);
    assertTrue(text.contains("20/40 done"), text);
  }

  @Test
  void aCompletedLongChecklistStillShowsProgressSignOffsAndCompletion() {
    ChecklistRun run = start(longChecklist(12, 10, needs("sre", 1), List.of("sre")));
    for (int s = 1; s <= 12; s++) {
      for (int i = 1; i <= 10; i++) {
        String id = "s" + s + "-i" + i;
        run = i % 3 == 0 ? Fixtures.pass(run, id, "200 OK") : tick(run, id, "U0ALICE");
      }
    }
    run = run.withSignOff(new SignOff("U0BOB", "sre", Fixtures.LATER));

    Rendered message = Rendered.of(RunMessage.render(run));

    assertWithinSlackLimits(message);
    String text = message.allText();
    assertTrue(text.contains("120/120 done · no blockers open"), text);
    assertTrue(text.contains("<@U0BOB> for *sre*"), text);
    assertTrue(text.contains(RunMessage.COMPLETE_LINE), text);
    assertTrue(text.contains("✅ *Section 12* — 10/10 done"), text);
  }

  @Test
  void hundredsOfSectionsStillFitAndSaySomethingIsMissing() {
    ChecklistRun run = start(longChecklist(400, 1, needs("sre", 1), List.of("sre")));

    Rendered message = Rendered.of(RunMessage.render(run));

    assertWithinSlackLimits(message);
    String text = message.allText();
    assertTrue(text.contains("0/400 done"), text);
    assertTrue(text.contains("not shown here"), text);
    assertTrue(text.contains("Needs 1 more sign-off from *sre*"), text);
  }
}
