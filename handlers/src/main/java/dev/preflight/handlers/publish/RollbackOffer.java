package dev.preflight.handlers.publish;

import com.slack.api.model.block.ActionsBlock;
import com.slack.api.model.block.LayoutBlock;
import com.slack.api.model.block.element.BlockElement;
import com.slack.api.model.block.element.ButtonElement;
import dev.preflight.checklists.run.RunEvent;
import dev.preflight.checklists.run.RunLifecycle;
import dev.preflight.deploy.run.TrackedRun;
import dev.preflight.handlers.ActionIds;
import dev.preflight.handlers.render.MessageContent;
import java.util.ArrayList;
import java.util.List;

/**
 * Rollback is offered only on the run that is its environment's newest launched run: a click on
 * an older one would be refused (a newer deploy took over), so its message drops the button once
 * a newer run launches, and the publisher republishes the older messages that still show it.
 */
final class RollbackOffer {

  private RollbackOffer() {}

  /** Whether the run's state offers Rollback at all, so that it is worth asking whether it is the newest. */
  static boolean possible(TrackedRun tracked) {
    return tracked.deployment() != null && tracked.deployment().launched()
        && RunLifecycle.offered(tracked.run().status()).contains(RunEvent.ROLLBACK);
  }

  /** Whether the message shows the Rollback button. */
  static boolean offered(MessageContent content) {
    return content.blocks().stream()
        .filter(ActionsBlock.class::isInstance)
        .flatMap(block -> ((ActionsBlock) block).getElements().stream())
        .anyMatch(RollbackOffer::isRollback);
  }

  /** The message without its Rollback button, and without the row of buttons if nothing else is in it. */
  static MessageContent withoutRollback(MessageContent content) {
    List<LayoutBlock> blocks = new ArrayList<>();
    for (LayoutBlock block : content.blocks()) {
      if (block instanceof ActionsBlock actions && actions.getElements().stream().anyMatch(RollbackOffer::isRollback)) {
        List<BlockElement> rest = actions.getElements().stream().filter(e -> !isRollback(e)).toList();
        if (!rest.isEmpty()) {
          blocks.add(ActionsBlock.builder().blockId(actions.getBlockId()).elements(new ArrayList<>(rest)).build());
        }
      } else {
        blocks.add(block);
      }
    }
    return new MessageContent(content.text(), blocks);
  }

  private static boolean isRollback(BlockElement element) {
    return element instanceof ButtonElement button && ActionIds.ROLLBACK.equals(button.getActionId());
  }
}
