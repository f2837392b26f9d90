package dev.preflight.handlers.publish;

import static com.slack.api.model.block.Blocks.section;
import static com.slack.api.model.block.composition.BlockCompositions.markdownText;

import com.slack.api.model.block.ActionsBlock;
import com.slack.api.model.block.LayoutBlock;
import dev.preflight.checklists.run.RunStatus;
import dev.preflight.checklists.time.Spans;
import dev.preflight.deploy.run.TrackedRun;
import dev.preflight.deploy.watch.WatchState;
import dev.preflight.handlers.render.MessageContent;
import dev.preflight.handlers.render.Mrkdwn;
import dev.preflight.handlers.render.RunMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The line a succeeded run's message gets while its deploy is watched: how the latest round went
 * and the rounds so far, and while rounds fail, that they do (the details and the alert are in
 * the thread). The publisher renders it again after every round. It goes just above
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

  /**
   * What the message says about its watch: how its latest round went and when, and how many
   * rounds ran and failed; null once a later deploy or a rollback took over.
   */
  static String line(WatchState watch) {
    if (watch.stopped() && !watch.ended()) {
      return null;
    }
    if (watch.failures() > 0) {
      return "⚠️ *Post-deploy watch " + (watch.stopped() ? "ended failing" : "failing") + "* · latest round "
          + Mrkdwn.date(watch.lastAt()) + " failed · " + watch.failures() + " failing in a row · " + counts(watch)
          + " · details in the thread";
    }
    if (watch.stopped()) {
      return "👀 Watch ended · " + counts(watch);
    }
    String every = "👀 Watched every " + Spans.format(watch.every()) + " until " + Mrkdwn.date(watch.until());
    if (watch.lastAt() == null) {
      return every + " · first round " + Mrkdwn.date(watch.nextAt());
    }
    return every + " · latest round " + Mrkdwn.date(watch.lastAt()) + " passed · " + counts(watch);
  }

  /** "12 rounds, all passed", "12 rounds, 3 failed". */
  static String counts(WatchState watch) {
    int rounds = watch.passes();
    int failed = watch.failedRounds();
    String ran = rounds + (rounds == 1 ? " round" : " rounds");
    if (failed == 0) {
      return ran + (rounds == 1 ? ", passed" : ", all passed");
    }
    if (failed == rounds) {
      return ran + (rounds == 1 ? ", failed" : ", all failed");
    }
    return ran + ", " + failed + " failed";
  }
}
