package dev.preflight.handlers.render;

import static com.slack.api.model.block.Blocks.context;
import static com.slack.api.model.block.Blocks.divider;
import static com.slack.api.model.block.Blocks.header;
import static com.slack.api.model.block.Blocks.section;
import static com.slack.api.model.block.composition.BlockCompositions.markdownText;
import static com.slack.api.model.block.composition.BlockCompositions.plainText;

import com.slack.api.model.block.LayoutBlock;
import dev.preflight.checklists.deploy.EnvLock;
import dev.preflight.checklists.run.ChecklistRun;
import dev.preflight.checklists.run.GateStatus;
import dev.preflight.checklists.run.RunStatus;
import dev.preflight.deploy.run.TrackedRun;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The one message a run has, rebuilt from the run each time it changes. A checklist run shows
 * its header, progress, the items with the buttons that apply now, sign-offs, and whether it is
 * complete; a deploy run is drawn by {@link DeployMessage} around the same checklist. Always
 * within Slack's limits; a long checklist is summarised rather than refused. The run's id is
 * not shown: the report keeps it, and a reader has no use for it.
 */
public final class RunMessage {

  /** Slack refuses a message with more blocks than this. */
  public static final int MAX_BLOCKS = 50;
  public static final String DEFAULT_REACTION = ChecklistPart.DEFAULT_REACTION;
  public static final String COMPLETE_LINE =
      "Complete — every blocker passed or waived and every sign-off is in";

  private static final int FALLBACK_TITLE_LIMIT = 150;

  private RunMessage() {}

  /**
   * The message of any run as stored.
   *
   * @param lock the lock on a deploy run's environment, if any; ignored for a checklist run
   * @param now the moment the message is drawn, for how long a deploy has been running
   */
  public static MessageContent render(TrackedRun tracked, Optional<EnvLock> lock, String reactionName,
      Instant now) {
    MessageContent content = tracked.deployment() == null
        ? render(tracked.run(), reactionName, now)
        : DeployMessage.render(tracked.run(), tracked.deployment(), lock, reactionName, now);
    return tracked.checklistGone() ? GoneChecklist.mark(content, tracked) : content;
  }

  public static MessageContent render(ChecklistRun run) {
    return render(run, DEFAULT_REACTION);
  }

  /**
   * Without the moment it is drawn, no running item is judged overdue, so none offers Re-run.
   *
   * @param reactionName the emoji name approvers react with, with or without colons
   */
  public static MessageContent render(ChecklistRun run, String reactionName) {
    return render(run, reactionName, null);
  }

  /** @param now the moment the message is drawn: a running item past its time limit offers Re-run */
  public static MessageContent render(ChecklistRun run, String reactionName, Instant now) {
    GateStatus gates = run.gates();
    List<LayoutBlock> top = top(run, gates);
    List<LayoutBlock> bottom = bottom(run, gates, reactionName);
    List<LayoutBlock> blocks = new ArrayList<>(top);
    blocks.addAll(ChecklistPart.items(run, MAX_BLOCKS - top.size() - bottom.size(), now));
    blocks.addAll(bottom);
    return new MessageContent(fallback(run, gates), blocks);
  }

  private static List<LayoutBlock> top(ChecklistRun run, GateStatus gates) {
    List<LayoutBlock> blocks = new ArrayList<>();
    String title = Mrkdwn.plain(ChecklistPart.title(run), Mrkdwn.HEADER_TEXT_LIMIT);
    blocks.add(header(h -> h.text(plainText(title))));
    blocks.add(context(List.of(markdownText("Started by " + Mrkdwn.user(run.startedBy())))));
    blocks.add(ChecklistPart.progress(gates));
    if (!run.status().open()) {
      blocks.add(section(s -> s.text(markdownText(statusLine(run.status())))));
    }
    blocks.add(divider());
    return blocks;
  }

  private static List<LayoutBlock> bottom(ChecklistRun run, GateStatus gates, String reactionName) {
    List<LayoutBlock> blocks = new ArrayList<>();
    blocks.add(divider());
    ChecklistPart.signOffs(run, gates, reactionName, blocks);
    if (ChecklistPart.complete(run, gates)) {
      blocks.add(section(s -> s.text(markdownText("🎉 *" + COMPLETE_LINE + ".*"))));
    }
    return blocks;
  }

  private static String statusLine(RunStatus status) {
    return switch (status) {
      case CANCELLED -> "🚫 *Cancelled* — this run was stopped; nothing on it can change now.";
      case DEPLOYING -> "🚀 *Deploying* — the checklist is closed.";
      case VERIFYING -> "🔎 *Verifying* — the checklist is closed.";
      case ABORTING -> "🛑 *Aborting* — the checklist is closed.";
      case SUCCEEDED -> "✅ *Succeeded* — the checklist is closed.";
      case FAILED -> "❌ *Failed* — the checklist is closed.";
      case ROLLING_BACK -> "↩️ *Rolling back* — the checklist is closed.";
      case ROLLED_BACK -> "↩️ *Rolled back* — the checklist is closed.";
      case ROLLBACK_FAILED -> "🔥 *Rollback failed* — the checklist is closed.";
      case PREPARING, READY -> "";
    };
  }

  private static String fallback(ChecklistRun run, GateStatus gates) {
    String state = run.status().open()
        ? (ChecklistPart.complete(run, gates) ? " · complete" : "")
        : " · " + StatusWords.of(run.status());
    return Mrkdwn.inline(ChecklistPart.title(run), FALLBACK_TITLE_LIMIT) + ": "
        + ChecklistPart.progressLine(gates) + state;
  }
}
