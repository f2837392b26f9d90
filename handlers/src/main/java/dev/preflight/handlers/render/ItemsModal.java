package dev.preflight.handlers.render;

import static com.slack.api.model.block.Blocks.actions;
import static com.slack.api.model.block.Blocks.section;
import static com.slack.api.model.block.composition.BlockCompositions.markdownText;
import static com.slack.api.model.block.composition.BlockCompositions.plainText;
import static com.slack.api.model.block.element.BlockElements.button;
import static com.slack.api.model.view.Views.view;
import static com.slack.api.model.view.Views.viewClose;
import static com.slack.api.model.view.Views.viewTitle;

import com.slack.api.model.block.LayoutBlock;
import com.slack.api.model.block.element.BlockElement;
import com.slack.api.model.view.View;
import dev.preflight.checklists.run.ChecklistRun;
import dev.preflight.checklists.run.GateStatus;
import dev.preflight.handlers.ActionIds;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The modal behind a run message's "Show all items" button: every item of the run with its
 * state and the same actions as in the message. A modal holds at most 100 blocks, so a very
 * long checklist is shown {@link #PAGE_ITEMS} items a page, with buttons to turn the page.
 */
public final class ItemsModal {

  /** Slack refuses a modal with more blocks than this. */
  public static final int MAX_BLOCKS = 100;
  /**
   * Items on one page. Each costs at most two blocks (its own and its section's title), plus
   * the heading and the page buttons: within {@link #MAX_BLOCKS} even when every item is in a
   * section of its own.
   */
  public static final int PAGE_ITEMS = 45;

  private ItemsModal() {}

  /** The number of pages the run's items take. */
  public static int pages(ChecklistRun run) {
    int items = ItemsLayout.of(run, null).total();
    return Math.max(1, (items + PAGE_ITEMS - 1) / PAGE_ITEMS);
  }

  /**
   * @param page from 0; past the last page shows the last
   * @param now when the modal is drawn, to offer Re-run on an overdue running item; null when unknown
   */
  public static View build(ChecklistRun run, int page, Instant now) {
    ItemsLayout layout = ItemsLayout.of(run, now);
    int total = layout.total();
    int pages = Math.max(1, (total + PAGE_ITEMS - 1) / PAGE_ITEMS);
    int shown = Math.min(Math.max(page, 0), pages - 1);
    int from = shown * PAGE_ITEMS;
    int to = Math.min(total, from + PAGE_ITEMS);

    GateStatus gates = run.gates();
    List<LayoutBlock> blocks = new ArrayList<>();
    String heading = "*" + Mrkdwn.inline(ChecklistPart.title(run), 200) + "* — " + ChecklistPart.progressLine(gates)
        + (run.status().open() ? "" : "\nThe checklist is closed; nothing on it can change now.")
        + (pages == 1 ? "" : "\nItems " + (from + 1) + "–" + to + " of " + total + " · page " + (shown + 1)
            + " of " + pages);
    blocks.add(section(s -> s.text(markdownText(heading))));
    blocks.addAll(layout.slice(from, to));
    if (pages > 1) {
      List<BlockElement> turns = new ArrayList<>();
      if (shown > 0) {
        turns.add(button(b -> b.actionId(ActionIds.ITEMS_PREVIOUS).value(Integer.toString(shown - 1))
            .text(plainText("← Previous page"))));
      }
      if (shown < pages - 1) {
        turns.add(button(b -> b.actionId(ActionIds.ITEMS_NEXT).value(Integer.toString(shown + 1))
            .text(plainText("Next page →"))));
      }
      blocks.add(actions(a -> a.blockId("items_pages").elements(turns)));
    }
    String metadata = ActionIds.itemsModalMetadata(run.id(), shown);
    return view(v -> v.type("modal")
        .callbackId(ActionIds.ITEMS_MODAL)
        .privateMetadata(metadata)
        .title(viewTitle(t -> t.type("plain_text").text("Checklist items")))
        .close(viewClose(c -> c.type("plain_text").text("Close")))
        .blocks(blocks));
  }
}
