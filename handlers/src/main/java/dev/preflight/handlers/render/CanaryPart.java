package dev.preflight.handlers.render;

import static com.slack.api.model.block.Blocks.actions;
import static com.slack.api.model.block.Blocks.section;
import static com.slack.api.model.block.composition.BlockCompositions.markdownText;
import static com.slack.api.model.block.composition.BlockCompositions.plainText;
import static com.slack.api.model.block.element.BlockElements.button;

import com.slack.api.model.block.LayoutBlock;
import com.slack.api.model.block.element.BlockElement;
import dev.preflight.checklists.deploy.Deployment;
import dev.preflight.checklists.run.RunStatus;
import dev.preflight.checklists.time.Spans;
import dev.preflight.deploy.runner.CanaryStageState;
import dev.preflight.handlers.ActionIds;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The canary stage a deploying run holds, on its message: which stage of how many, the share of
 * traffic on the new version, how much of the hold is left (or that it is paused, or waits for a
 * Promote), the last analysis values; and the buttons Promote, Pause or Resume, Rollback.
 */
final class CanaryPart {

  private static final int SUMMARY_LIMIT = 200;
  private static final int TITLE_LIMIT = 100;
  /** Analysis checks named one per line; more are counted. */
  private static final int ANALYSIS_SHOWN = 8;

  private CanaryPart() {}

  /** The stage line and the analysis values, while the run deploys and holds a stage. */
  static Optional<LayoutBlock> stage(RunStatus status, Deployment d, Instant now) {
    Optional<CanaryStageState> held = status == RunStatus.DEPLOYING ? CanaryStageState.of(d) : Optional.empty();
    return held.map(stage -> {
      String text = Mrkdwn.clipEscaped(String.join("\n", lines(stage, now)), Mrkdwn.SECTION_TEXT_LIMIT);
      return section(s -> s.text(markdownText(text)));
    });
  }

  static List<String> lines(CanaryStageState stage, Instant now) {
    List<String> lines = new ArrayList<>();
    lines.add("🐤 *Canary stage " + stage.number() + " of " + stage.stages() + "* · " + stage.weight()
        + "% of traffic · " + hold(stage, now));
    if (!stage.analysis().isEmpty()) {
      String at = stage.analysedAt() == null ? ""
          : " (" + Spans.format(Duration.ofSeconds(Duration.between(stage.analysedAt(), now).getSeconds())) + " ago)";
      lines.add("*Analysis*" + at + ":");
      stage.analysis().stream().limit(ANALYSIS_SHOWN).forEach(check -> lines.add(icon(check)
          + Mrkdwn.inline(check.title(), TITLE_LIMIT) + ": " + Mrkdwn.inline(check.summary(), SUMMARY_LIMIT)));
      if (stage.analysis().size() > ANALYSIS_SHOWN) {
        lines.add("…and " + (stage.analysis().size() - ANALYSIS_SHOWN) + " more");
      }
    }
    return lines;
  }

  private static String icon(CanaryStageState.Analysis check) {
    if (check.passed()) {
      return "✅ ";
    }
    return check.inconclusive() ? "❔ " : "❌ ";
  }

  private static String hold(CanaryStageState stage, Instant now) {
    Duration left = stage.remaining(now);
    if (stage.awaitingPromote()) {
      return "the hold is over: waiting for Promote";
    }
    if (left == null) {
      return "no hold";
    }
    // Whole seconds: the message is edited now and then, and tenths would only flicker.
    String span = Spans.format(Duration.ofSeconds(left.getSeconds())) + " of the hold left";
    if (!stage.paused()) {
      return span;
    }
    if (stage.inconclusive().isEmpty()) {
      return "⏸️ paused with " + span;
    }
    List<String> titles = stage.inconclusive().stream().map(title -> Mrkdwn.inline(title, TITLE_LIMIT)).toList();
    return "⏸️ paused with " + span + ": analysis inconclusive: no data for " + String.join(", ", titles)
        + "; Resume or Rollback";
  }

  /** Promote, Pause or Resume, Rollback, while the run holds a stage. */
  static Optional<LayoutBlock> buttons(String runId, RunStatus status, Deployment d) {
    Optional<CanaryStageState> held = status == RunStatus.DEPLOYING ? CanaryStageState.of(d) : Optional.empty();
    return held.map(stage -> {
      List<BlockElement> buttons = new ArrayList<>();
      buttons.add(button(b -> b.actionId(ActionIds.CANARY_PROMOTE).text(plainText("Promote")).value(runId)
          .style("primary").confirm(RunButtons.confirm("Promote stage " + stage.number() + "?",
              "Ends the hold of stage " + stage.number() + " of " + stage.stages() + " now"
                  + (stage.number() == stage.stages() ? ": " + d.version() + " takes all traffic in "
                  : " and moves " + d.version() + " on to the next stage in ") + d.environment() + ".",
              "Promote", "Keep holding"))));
      buttons.add(stage.paused()
          ? button(b -> b.actionId(ActionIds.CANARY_RESUME).text(plainText("Resume")).value(runId))
          : button(b -> b.actionId(ActionIds.CANARY_PAUSE).text(plainText("Pause")).value(runId)));
      buttons.add(button(b -> b.actionId(ActionIds.CANARY_ROLLBACK).text(plainText("Rollback")).value(runId)
          .style("danger").confirm(RunButtons.confirm("Roll back the canary?",
              "Sends all traffic in " + d.environment() + " back to the stable version now and stops the deploy of "
                  + d.version() + "; " + d.environment() + "'s abort rules decide whether the target rolls back too.",
              "Roll back", "Cancel"))));
      return actions(a -> a.blockId(ActionIds.CANARY_ACTIONS_BLOCK).elements(buttons));
    });
  }
}
