package dev.preflight.handlers.render;

import com.slack.api.model.block.LayoutBlock;
import java.util.List;

/**
 * What one Slack message shows.
 *
 * @param text the notification and fallback text, already escaped
 * @param blocks the Block Kit blocks, within Slack's limits
 */
public record MessageContent(String text, List<LayoutBlock> blocks) {

  public MessageContent {
    blocks = List.copyOf(blocks);
  }
}
