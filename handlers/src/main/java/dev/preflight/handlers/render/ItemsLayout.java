package dev.preflight.handlers.render;

import static com.slack.api.model.block.Blocks.section;
import static com.slack.api.model.block.composition.BlockCompositions.markdownText;

import com.slack.api.model.block.LayoutBlock;
import dev.preflight.checklists.checklist.Section;
import dev.preflight.checklists.run.ChecklistRun;
import dev.preflight.checklists.run.ItemState;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The items part of a run message, fitted to a number of blocks. A long checklist is
 * summarised, never rejected; each step gives up a little detail, in this order:
 * <ol>
 *   <li>every item with its buttons, items without buttons packed together as text;
 *   <li>sections whose items are all passed or waived collapse to one line;
 *   <li>only open items are listed, as many as fit, and a last line counts the rest.
 * </ol>
 */
final class ItemsLayout {

  private final List<SectionCards> sections;

  private ItemsLayout(List<SectionCards> sections) {
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
    return new ItemsLayout(sections);
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

  /** Open items first, at most {@code shown} of them; everything else is counted, not listed. */
  private List<LayoutBlock> openFirst(int shown) {
    List<LayoutBlock> out = new ArrayList<>();
    TextPacker text = new TextPacker(out);
    BlockIds ids = new BlockIds();
    int left = shown;
    int hiddenOpen = 0;
    int hiddenDone = 0;
    for (SectionCards section : sections) {
      if (section.allDone()) {
        continue;
      }
      List<ItemCard> open = section.open();
      hiddenDone += section.cards().size() - open.size();
      if (left == 0) {
        hiddenOpen += open.size();
        continue;
      }
      text.gap().line(section.progressLine());
      for (ItemCard card : open) {
        if (left == 0) {
          hiddenOpen++;
          continue;
        }
        left--;
        add(card, out, text, ids);
      }
    }
    text.gap();
    sections.stream().filter(SectionCards::allDone).forEach(section -> text.line(section.collapsedLine()));
    int hidden = hiddenOpen + hiddenDone;
    if (hidden > 0) {
      text.gap().line(moreLine(hidden, hiddenOpen));
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
  private static List<LayoutBlock> cut(List<LayoutBlock> blocks, int budget) {
    List<LayoutBlock> kept = new ArrayList<>(blocks.subList(0, Math.min(blocks.size(), budget - 1)));
    kept.add(section(s -> s.text(markdownText("_…and more items not shown here._"))));
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
