package dev.preflight.handlers.render;

import static com.slack.api.model.block.Blocks.section;
import static com.slack.api.model.block.composition.BlockCompositions.markdownText;

import com.slack.api.model.block.LayoutBlock;
import java.util.List;

/**
 * Packs lines of mrkdwn into as few section blocks as Slack's 3,000-character limit allows,
 * because the 50-block limit, not the text, is what runs out first on a long checklist.
 */
final class TextPacker {

  private final List<LayoutBlock> out;
  private final StringBuilder text = new StringBuilder();

  TextPacker(List<LayoutBlock> out) {
    this.out = out;
  }

  /** Adds a line, starting a new block when this one would overflow. */
  TextPacker line(String mrkdwn) {
    String line = Mrkdwn.clipEscaped(mrkdwn, Mrkdwn.SECTION_TEXT_LIMIT);
    if (!text.isEmpty() && text.length() + 1 + line.length() > Mrkdwn.SECTION_TEXT_LIMIT) {
      flush();
    }
    if (!text.isEmpty()) {
      text.append('\n');
    }
    text.append(line);
    return this;
  }

  /** A blank line between groups, unless it would open a block. */
  TextPacker gap() {
    if (!text.isEmpty() && text.length() + 1 < Mrkdwn.SECTION_TEXT_LIMIT) {
      text.append('\n');
    }
    return this;
  }

  /** Ends the current block, so whatever comes next (a button, a divider) follows it. */
  void flush() {
    // Only the ends of lines are trimmed: a block may begin with an indented line (a step under its check).
    String body = text.toString().replaceFirst("^\\n+", "").stripTrailing();
    if (!body.isBlank()) {
      out.add(section(s -> s.text(markdownText(body))));
    }
    text.setLength(0);
  }
}
