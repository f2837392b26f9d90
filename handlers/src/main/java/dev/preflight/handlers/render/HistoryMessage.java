package dev.preflight.handlers.render;

import static com.slack.api.model.block.Blocks.context;
import static com.slack.api.model.block.Blocks.header;
import static com.slack.api.model.block.composition.BlockCompositions.markdownText;
import static com.slack.api.model.block.composition.BlockCompositions.plainText;

import com.slack.api.model.block.LayoutBlock;
import dev.preflight.checklists.time.Spans;
import dev.preflight.deploy.stats.HistoryEntry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code /deploys history} answers: an environment's recent releases and rollbacks, one
 * line each, newest first, with who, when and how long, so "what changed, and when?" is answered
 * without digging through the channel.
 */
public final class HistoryMessage {

  /** How many entries are asked for; each is one line, so they fit in a few blocks. */
  public static final int LIMIT = 20;

  private static final int NAME_LIMIT = 150;

  private HistoryMessage() {}

  public static MessageContent render(String service, String environment, List<HistoryEntry> entries, Instant now) {
    String title = Mrkdwn.plain("History of " + service + " in " + environment, Mrkdwn.HEADER_TEXT_LIMIT);
    List<LayoutBlock> blocks = new ArrayList<>();
    blocks.add(header(h -> h.text(plainText(title))));
    blocks.add(context(List.of(markdownText("The last " + LIMIT + " releases and rollbacks, newest first · as of "
        + Mrkdwn.date(now)))));
    TextPacker text = new TextPacker(blocks);
    if (entries.isEmpty()) {
      text.line("_Nothing has been released to *" + Mrkdwn.inline(service, NAME_LIMIT) + "* in *"
          + Mrkdwn.inline(environment, NAME_LIMIT) + "* yet._");
    }
    entries.forEach(entry -> text.line(line(entry)));
    text.flush();
    String fallback = Mrkdwn.escape(title) + ": " + entries.size() + (entries.size() == 1 ? " entry" : " entries");
    return new MessageContent(fallback, blocks);
  }

  static String line(HistoryEntry entry) {
    var release = entry.release();
    String version = "`" + Mrkdwn.inline(release.version() == null ? "unknown version" : release.version(), NAME_LIMIT)
        + "`";
    String from = entry.replacedVersion() == null ? ""
        : " from `" + Mrkdwn.inline(entry.replacedVersion(), NAME_LIMIT) + "`";
    String what = !entry.rollback() ? "🚀 deployed " + version
        : entry.failed() ? "🔥 rollback to " + version + from + " failed, started"
        : "↩️ rolled back to " + version + from;
    return what
        + " by " + Mrkdwn.user(release.by())
        + (release.at() == null ? "" : " · " + Mrkdwn.date(release.at()))
        + entry.duration().map(took -> " · took " + Spans.format(took)).orElse("");
  }
}
