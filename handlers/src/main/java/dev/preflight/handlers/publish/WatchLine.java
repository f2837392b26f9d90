package dev.preflight.handlers.publish;

import static com.slack.api.model.block.Blocks.section;
import static com.slack.api.model.block.composition.BlockCompositions.markdownText;

import com.slack.api.model.block.ActionsBlock;
import com.slack.api.model.block.LayoutBlock;
import dev.preflight.checklists.run.RunStatus;
import dev.preflight.deploy.run.TrackedRun;
import dev.preflight.deploy.watch.WatchState;
import dev.preflight.handlers.render.MessageContent;
import dev.preflight.handlers.render.Mrkdwn;
import dev.preflight.handlers.render.RunMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The line a succeeded run's message gets while its deploy is watched: that it is, and when a
 * pass fails, that it failed (the details and the alert are in the thread). It goes just above
 * the buttons, so Rollback stays next to it.
 */
final class WatchLine {

  private WatchLine() {}

  static MessageContent mark(MessageContent content, Optional<WatchState> watch, TrackedRun tracked) {
    if (watch.isEmpty() || tracked.run().status() != RunStatus.SUCCEEDED
        || content.blocks().size() >= RunMessage.MAX_BLOCKS) {
      return content;
    }
    String line = line(watch.get());
    if (line == null) {
      return content;
    }
    List<LayoutBlock> blocks = new ArrayList<>(content.blocks());
    int at = !blocks.isEmpty() && blocks.get(blocks.size() - 1) instanceof ActionsBlock ? blocks.size() - 1
        : blocks.size();
    blocks.add(at, section(s -> s.text(markdownText(line))));
    return new MessageContent(content.text(), blocks);
  }

  /** What the message says about its watch; null once a later deploy or a rollback took over. */
  static String line(WatchState watch) {
    String passes = watch.passes() + (watch.passes() == 1 ? " pass" : " passes");
    if (watch.failures() > 0) {
      return "⚠️ *Post-deploy watch failing* since " + Mrkdwn.date(watch.lastAt()) + " · " + watch.failures()
          + " failing in a row · " + passes + " so far · details in the thread";
    }
    if (!watch.stopped()) {
      return "👀 Watched every " + dev.preflight.checklists.config.Durations.format(watch.every()) + " until " + Mrkdwn.date(watch.until())
          + " · " + passes + " so far, all passing";
    }
    if (watch.stopReason() != null && watch.stopReason().startsWith(WatchState.ENDED)) {
      return "👀 Watch ended · " + passes + ", all passing";
    }
    return null;
  }
}
