package dev.preflight.handlers.render;

import static com.slack.api.model.block.Blocks.actions;
import static com.slack.api.model.block.Blocks.section;
import static com.slack.api.model.block.composition.BlockCompositions.markdownText;
import static com.slack.api.model.block.composition.BlockCompositions.plainText;
import static com.slack.api.model.block.element.BlockElements.button;
import static com.slack.api.model.block.element.BlockElements.overflowMenu;

import com.slack.api.model.block.LayoutBlock;
import com.slack.api.model.block.composition.OptionObject;
import com.slack.api.model.block.element.BlockElement;
import com.slack.api.model.block.element.ButtonElement;
import dev.preflight.checklists.checklist.Item;
import dev.preflight.checklists.run.ChecklistRun;
import dev.preflight.checklists.run.Evidence;
import dev.preflight.checklists.run.ItemProgress;
import dev.preflight.checklists.run.ItemState;
import dev.preflight.deploy.failure.Failures;
import dev.preflight.handlers.ActionIds;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One item as the run message shows it: a line of text and the buttons that apply to it now.
 *
 * @param line escaped mrkdwn, one or two lines
 * @param buttons empty when nothing can be done to the item (or the run is closed)
 */
record ItemCard(String runId, Item item, ItemProgress progress, String line, List<ButtonElement> buttons) {

  private static final int TITLE_LIMIT = 300;
  private static final int SUMMARY_LIMIT = 200;
  private static final int ERROR_LIMIT = 300;
  private static final int REASON_LIMIT = 600;

  ItemCard {
    buttons = List.copyOf(buttons);
  }

  /**
   * @param now when the message is drawn; a running item past its time limit (its result lost)
   *     then says so and offers Re-run. Null when unknown: no item is judged overdue.
   */
  static ItemCard of(ChecklistRun run, Item item, Instant now) {
    ItemProgress progress = run.progress(item.id());
    boolean overdue = run.overdue(item.id(), now);
    return new ItemCard(run.id(), item, progress, line(item, progress, overdue),
        buttons(run, item, progress, overdue));
  }

  boolean done() {
    return progress.state().satisfied();
  }

  boolean interactive() {
    return !buttons.isEmpty();
  }

  boolean failed() {
    return progress.state() == ItemState.FAILED;
  }

  /**
   * The item's own block: a lone button sits beside the text, several actions are the options of
   * an overflow menu beside it, so every item costs one block of Slack's fifty. Only when the
   * item's ids are too long for a menu option do its buttons go in a row beneath the text.
   */
  List<LayoutBlock> blocks(BlockIds ids) {
    String textBlockId = ids.unique(ActionIds.itemBlockId(ActionIds.ITEM_BLOCK_PREFIX, item.id()));
    if (buttons.size() == 1) {
      return List.of(section(s -> s.blockId(textBlockId).text(markdownText(line)).accessory(buttons.get(0))));
    }
    Optional<List<OptionObject>> menu = menu();
    if (menu.isPresent()) {
      return List.of(section(s -> s.blockId(textBlockId).text(markdownText(line))
          .accessory(overflowMenu(o -> o.actionId(ActionIds.ITEM_MENU).options(menu.get())))));
    }
    List<LayoutBlock> blocks = new ArrayList<>();
    blocks.add(section(s -> s.blockId(textBlockId).text(markdownText(line))));
    if (!buttons.isEmpty()) {
      String rowId = ids.unique(ActionIds.itemBlockId(ActionIds.ITEM_ACTIONS_BLOCK_PREFIX, item.id()));
      List<BlockElement> elements = new ArrayList<>(buttons);
      blocks.add(actions(a -> a.blockId(rowId).elements(elements)));
    }
    return blocks;
  }

  /** The buttons as overflow options, or empty when one of their values would be too long for an option. */
  private Optional<List<OptionObject>> menu() {
    if (buttons.size() < 2) {
      return Optional.empty();
    }
    List<OptionObject> options = new ArrayList<>();
    for (ButtonElement button : buttons) {
      Optional<String> value = ActionIds.itemMenuValue(button.getActionId(), runId, item.id());
      if (value.isEmpty()) {
        return Optional.empty();
      }
      options.add(OptionObject.builder().text(plainText(button.getText().getText())).value(value.get()).build());
    }
    return Optional.of(options);
  }

  static String emoji(ItemState state) {
    return switch (state) {
      case PENDING -> "⬜";
      case RUNNING -> "⏳";
      case PASSED -> "✅";
      case FAILED -> "❌";
      case WAIVED -> "➖";
    };
  }

  static String emoji(boolean passed) {
    return emoji(passed ? ItemState.PASSED : ItemState.FAILED);
  }

  private static String line(Item item, ItemProgress progress, boolean overdue) {
    String first = emoji(progress.state()) + " " + Mrkdwn.inline(item.title(), TITLE_LIMIT)
        + (item.blocker() ? "  ·  _blocker_" : "");
    String detail = detail(item, progress) + (overdue ? " · no result within its time limit" : "");
    return detail.isEmpty() ? first : first + "\n      " + detail;
  }

  /**
   * Who did what to the item, without a date: a run's message dates only its launch and finish,
   * and the audit and the report keep when each item changed.
   */
  private static String detail(Item item, ItemProgress progress) {
    return switch (progress.state()) {
      case PENDING -> "";
      case RUNNING -> "Running" + (progress.attempt() > 1 ? " (attempt " + progress.attempt() + ")" : "")
          + "…" + (progress.actor() == null ? "" : " started by " + Mrkdwn.user(progress.actor()));
      // Evidence marks a checked item even where the config no longer says it is automated.
      case PASSED -> item.automated() || progress.evidence() != null
          ? evidence(progress.evidence(), "Passed")
          : "Ticked by " + Mrkdwn.user(progress.actor());
      case FAILED -> evidence(progress.evidence(), "Failed");
      case WAIVED -> "Waived by " + Mrkdwn.user(progress.actor())
          + (progress.note() == null || progress.note().isBlank()
              ? "" : ": “" + Mrkdwn.inline(progress.note(), REASON_LIMIT) + "”");
    };
  }

  /** What the check saw, short: the full output belongs in the run's thread. */
  static String evidence(Evidence evidence, String otherwise) {
    if (evidence == null) {
      return otherwise;
    }
    String summary = evidence.summary() == null || evidence.summary().isBlank() ? otherwise : evidence.summary();
    if (evidence.passed()) {
      return Mrkdwn.inline(summary, SUMMARY_LIMIT);
    }
    // The error often restates the summary ("expected 200, got 500" twice): say it once.
    return Mrkdwn.inline(Failures.summaryWithDetail(summary, evidence.error(), " — "), SUMMARY_LIMIT + ERROR_LIMIT);
  }

  private static List<ButtonElement> buttons(ChecklistRun run, Item item, ItemProgress progress, boolean overdue) {
    if (!run.status().open()) {
      return List.of();
    }
    String value = ActionIds.itemValue(run.id(), item.id());
    ItemState state = progress.state();
    List<ButtonElement> buttons = new ArrayList<>();
    if (!item.automated() && state == ItemState.PENDING) {
      buttons.add(itemButton(ActionIds.TICK, "Tick", value, "primary"));
    }
    if (!item.automated() && state.satisfied()) {
      buttons.add(itemButton(ActionIds.UNTICK, "Untick", value, null));
    }
    if (item.automated() && (state != ItemState.RUNNING || overdue)) {
      buttons.add(itemButton(ActionIds.RERUN, "Re-run", value, null));
    }
    if (!state.satisfied() && !run.checklist().waiverRoles().isEmpty()) {
      buttons.add(itemButton(ActionIds.WAIVE, "Waive…", value, null));
    }
    return buttons;
  }

  private static ButtonElement itemButton(String actionId, String label, String value, String style) {
    return button(b -> b.actionId(actionId).text(plainText(label)).value(value).style(style));
  }
}
