package dev.preflight.handlers.render;

import static com.slack.api.model.block.composition.BlockCompositions.markdownText;

import com.slack.api.model.block.ActionsBlock;
import com.slack.api.model.block.ContextBlock;
import com.slack.api.model.block.ContextBlockElement;
import com.slack.api.model.block.LayoutBlock;
import com.slack.api.model.block.SectionBlock;
import com.slack.api.model.block.composition.MarkdownTextObject;
import com.slack.api.model.block.composition.PlainTextObject;
import com.slack.api.model.block.composition.TextObject;
import com.slack.api.model.block.element.BlockElement;
import com.slack.api.model.block.element.ButtonElement;
import com.slack.api.model.block.element.OverflowMenuElement;
import dev.preflight.deploy.run.TrackedRun;
import dev.preflight.handlers.ActionIds;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The message of a run whose checklist was removed from the config since it started. What is
 * stored is still shown (items by their ids), but nothing that would change the checklist is
 * offered: item buttons and menus, Show all and Launch go, and the verdict "complete" too, since
 * the blockers and sign-off rule it was judged by are gone. Cancel, Abort and Rollback stay: a
 * run's lifecycle does not need its checklist. The reason is said in the first context line, so
 * the message keeps its number of blocks.
 */
final class GoneChecklist {

  /** Controls that change or judge the checklist, refused on such a run. */
  private static final Set<String> REMOVED = Set.of(ActionIds.TICK, ActionIds.UNTICK, ActionIds.RERUN,
      ActionIds.WAIVE, ActionIds.ITEM_MENU, ActionIds.ITEMS_SHOW_ALL, ActionIds.LAUNCH);

  private GoneChecklist() {}

  /** The sentence the message carries; also what the tests read. */
  static String notice(String checklistId, boolean open) {
    return "⚠️ This run's checklist `" + Mrkdwn.echo(checklistId) + "` was removed from the config"
        + (open ? ", so its items and sign-offs can no longer change" : "")
        + ". Items are shown as stored, by their ids.";
  }

  static MessageContent mark(MessageContent content, TrackedRun tracked) {
    String notice = notice(tracked.run().checklist().id(), tracked.run().status().open());
    List<LayoutBlock> blocks = new ArrayList<>();
    boolean noted = false;
    for (LayoutBlock block : content.blocks()) {
      if (block instanceof ContextBlock context && !noted) {
        List<ContextBlockElement> elements = new ArrayList<>(context.getElements());
        elements.add(markdownText(notice));
        blocks.add(ContextBlock.builder().blockId(context.getBlockId()).elements(elements).build());
        noted = true;
      } else if (block instanceof ActionsBlock actions) {
        List<BlockElement> kept = actions.getElements().stream().filter(e -> !removed(e)).toList();
        if (!kept.isEmpty()) {
          blocks.add(ActionsBlock.builder().blockId(actions.getBlockId()).elements(new ArrayList<>(kept)).build());
        }
      } else if (block instanceof SectionBlock section && isVerdict(section.getText())) {
        continue;
      } else if (block instanceof SectionBlock section && section.getAccessory() != null
          && removed(section.getAccessory())) {
        blocks.add(SectionBlock.builder().blockId(section.getBlockId()).text(section.getText())
            .fields(section.getFields()).build());
      } else {
        blocks.add(block);
      }
    }
    return new MessageContent(content.text() + " · checklist removed from the config", blocks);
  }

  private static boolean isVerdict(TextObject text) {
    return textOf(text) != null && textOf(text).contains(RunMessage.COMPLETE_LINE);
  }

  private static String textOf(TextObject text) {
    return text instanceof MarkdownTextObject md ? md.getText()
        : text instanceof PlainTextObject plain ? plain.getText() : null;
  }

  private static boolean removed(BlockElement element) {
    if (element instanceof ButtonElement button) {
      return REMOVED.contains(button.getActionId());
    }
    return element instanceof OverflowMenuElement menu && REMOVED.contains(menu.getActionId());
  }
}
