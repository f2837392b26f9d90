package dev.preflight.handlers.render;

import static com.slack.api.model.block.Blocks.section;
import static com.slack.api.model.block.composition.BlockCompositions.markdownText;

import com.slack.api.model.block.LayoutBlock;
import dev.preflight.checklists.checklist.Section;
import dev.preflight.checklists.run.ChecklistRun;
import dev.preflight.checklists.run.ItemState;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The items part of a run message, fitted to a number of blocks. A long checklist is
 * summarised, never rejected; each step gives up a little detail, in this order:
 * <ol>
 *   <li>every item with its buttons, items without buttons packed together as text;
 *   <li>sections whose items are all passed or waived collapse to one line;
 *   <li>only open items are listed, as many as fit, failed ones and blockers first, and a last
 *       line counts the rest beside a "Show all" button that opens every item in a modal.
 * </ol>
 * An item with several actions carries them in an overflow menu, so each item costs one block.
 */
final class ItemsLayout {

  private final String runId;
  private final List<SectionCards> sections;

  private ItemsLayout(String runId, List<SectionCards> sections) {
    this.runId = runId;
    this.sections = sections;
  }

  /** @param now when the message is drawn, to tell a running item that is overdue; null when unknown */
  static ItemsLayout of(ChecklistRun run, java.time.Instant now) {
    List<SectionCards> sections = new ArrayList<>();
    for (Section section : run.checklist().sections()) {
      List<ItemCard> cards = section.items().stream().map(item -> ItemCard.of(run, item, now)).toList();
      if (!cards.isEmpty()) {
        sections.add(new SectionCards(section.title(), cards));
      }
    }
    return new ItemsLayout(run.id(), sections);
  }

  List<LayoutBlock> fit(int budget) {
    if (budget <= 0) {
      return List.of();
    }
    List<LayoutBlock> full = detailed(false);
    if (full.size() <= budget) {
      return full;
    }
    List<LayoutBlock> collapsed = detailed(true);
    if (collapsed.size() <= budget) {
      return collapsed;
    }
    int open = (int) sections.stream().flatMap(s -> s.cards().stream()).filter(c -> !c.done()).count();
    for (int shown = open; shown >= 0; shown--) {
      List<LayoutBlock> blocks = openFirst(shown);
      if (blocks.size() <= budget) {
        return blocks;
      }
    }
    return cut(openFirst(0), budget);
  }

  /**
   * Every item, at most with its finished sections collapsed; empty when even that needs more
   * than {@code budget} blocks, for a message that would rather say one line than a partial list.
   */
  Optional<List<LayoutBlock>> whole(int budget) {
    List<LayoutBlock> full = detailed(false);
    if (full.size() <= budget) {
      return Optional.of(full);
    }
    List<LayoutBlock> collapsed = detailed(true);
    return collapsed.size() <= budget ? Optional.of(collapsed) : Optional.empty();
  }

  private List<LayoutBlock> detailed(boolean collapseDone) {
    List<LayoutBlock> out = new ArrayList<>();
    TextPacker text = new TextPacker(out);
    BlockIds ids = new BlockIds();
    for (SectionCards section : sections) {
      if (collapseDone && section.allDone()) {
        text.line(section.collapsedLine());
        continue;
      }
      text.gap().line(section.titleLine());
      for (ItemCard card : section.cards()) {
        add(card, out, text, ids);
      }
    }
    text.flush();
    return out;
  }

  /**
   * Open items only, at most {@code shown} of them, failed ones and blockers chosen first; the
   * rest is counted on a last line beside a button that opens every item in a modal.
   */
  private List<LayoutBlock> openFirst(int shown) {
    Set<ItemCard> listed = chosen(shown);
    List<LayoutBlock> out = new ArrayList<>();
    TextPacker text = new TextPacker(out);
    BlockIds ids = new BlockIds();
    int hiddenOpen = 0;
    int hiddenDone = 0;
    for (SectionCards section : sections) {
      if (section.allDone()) {
        continue;
      }
      List<ItemCard> open = section.open();
      hiddenDone += section.cards().size() - open.size();
      List<ItemCard> here = open.stream().filter(listed::contains).toList();
      hiddenOpen += open.size() - here.size();
      if (here.isEmpty()) {
        continue;
      }
      text.gap().line(section.progressLine());
      here.forEach(card -> add(card, out, text, ids));
    }
    text.gap();
    sections.stream().filter(SectionCards::allDone).forEach(section -> text.line(section.collapsedLine()));
    text.flush();
    int hidden = hiddenOpen + hiddenDone;
    if (hidden > 0) {
      out.add(moreBlock(moreLine(hidden, hiddenOpen)));
    }
    return out;
  }

  /** The {@code shown} open items a short message lists: failed ones, then blockers, then the rest. */
  private Set<ItemCard> chosen(int shown) {
    List<ItemCard> open = sections.stream().flatMap(s -> s.open().stream()).toList();
    List<ItemCard> ranked = new ArrayList<>(open);
    ranked.sort(Comparator.comparingInt(ItemsLayout::rank));
    Set<ItemCard> chosen = Collections.newSetFromMap(new IdentityHashMap<>());
    chosen.addAll(ranked.subList(0, Math.min(shown, ranked.size())));
    return chosen;
  }

  private static int rank(ItemCard card) {
    if (card.failed()) {
      return 0;
    }
    return card.item().blocker() ? 1 : 2;
  }

  /** The line that counts what is not listed, with the button that lists everything. */
  private LayoutBlock moreBlock(String line) {
    return section(s -> s.text(markdownText(line)).accessory(ChecklistPart.showAll(runId, total())));
  }

  int total() {
    return sections.stream().mapToInt(s -> s.cards().size()).sum();
  }

  /**
   * The items from the {@code from}-th up to the {@code to}-th, counted in checklist order, each
   * with its state and actions and under its section's title: a page of the all-items modal.
   */
  List<LayoutBlock> slice(int from, int to) {
    List<LayoutBlock> out = new ArrayList<>();
    TextPacker text = new TextPacker(out);
    BlockIds ids = new BlockIds();
    int index = 0;
    for (SectionCards section : sections) {
      boolean titled = false;
      for (ItemCard card : section.cards()) {
        if (index >= from && index < to) {
          if (!titled) {
            text.gap().line(section.progressLine());
            titled = true;
          }
          add(card, out, text, ids);
        }
        index++;
      }
    }
    text.flush();
    return out;
  }

  private static void add(ItemCard card, List<LayoutBlock> out, TextPacker text, BlockIds ids) {
    if (card.interactive()) {
      text.flush();
      out.addAll(card.blocks(ids));
    } else {
      text.line(card.line());
    }
  }

  /** The last resort for absurd checklists (thousands of sections): keep the start, say so. */
  private List<LayoutBlock> cut(List<LayoutBlock> blocks, int budget) {
    List<LayoutBlock> kept = new ArrayList<>(blocks.subList(0, Math.min(blocks.size(), budget - 1)));
    kept.add(moreBlock("_…and more items not shown here._"));
    return kept;
  }

  static String moreLine(int hidden, int hiddenOpen) {
    String items = hidden == 1 ? "1 more item" : hidden + " more items";
    String open = hiddenOpen == 0 ? "all passed or waived" : hiddenOpen + " of them open";
    return "_…and " + items + " not shown here (" + open + ")._";
  }

  private record SectionCards(String title, List<ItemCard> cards) {

    boolean allDone() {
      return cards.stream().allMatch(ItemCard::done);
    }

    List<ItemCard> open() {
      return cards.stream().filter(card -> !card.done()).toList();
    }

    long doneCount() {
      return cards.stream().filter(ItemCard::done).count();
    }

    String titleLine() {
      return "*" + Mrkdwn.inline(title, 200) + "*";
    }

    String progressLine() {
      return titleLine() + " — " + doneCount() + "/" + cards.size() + " done";
    }

    String collapsedLine() {
      return ItemCard.emoji(ItemState.PASSED) + " " + progressLine();
    }
  }
}
