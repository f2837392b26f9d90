package dev.preflight.handlers.render;

import static com.slack.api.model.block.Blocks.context;
import static com.slack.api.model.block.Blocks.divider;
import static com.slack.api.model.block.Blocks.header;
import static com.slack.api.model.block.Blocks.section;
import static com.slack.api.model.block.composition.BlockCompositions.markdownText;
import static com.slack.api.model.block.composition.BlockCompositions.plainText;

import com.slack.api.model.block.ContextBlockElement;
import com.slack.api.model.block.LayoutBlock;
import dev.preflight.checklists.run.ChecklistRun;
import dev.preflight.checklists.run.GateStatus;
import dev.preflight.checklists.run.RunStatus;
import dev.preflight.checklists.run.SignOff;
import java.util.ArrayList;
import java.util.List;

/**
 * The one message a checklist run has, rebuilt from the run each time it changes: header,
 * progress, the items with the buttons that apply now, sign-offs, and whether it is complete.
 * Always within Slack's limits; a long checklist is summarised rather than refused.
 */
public final class RunMessage {

  /** Slack refuses a message with more blocks than this. */
  public static final int MAX_BLOCKS = 50;
  public static final String DEFAULT_REACTION = "white_check_mark";
  public static final String COMPLETE_LINE =
      "Complete — every blocker passed or waived and every sign-off is in";

  private static final int BAR_CELLS = 10;
  private static final int FALLBACK_TITLE_LIMIT = 150;

  private RunMessage() {}

  public static MessageContent render(ChecklistRun run) {
    return render(run, DEFAULT_REACTION);
  }

  /** @param reactionName the emoji name approvers react with, with or without colons */
  public static MessageContent render(ChecklistRun run, String reactionName) {
    GateStatus gates = run.gates();
    List<LayoutBlock> top = top(run, gates);
    List<LayoutBlock> bottom = bottom(run, gates, reactionName);
    List<LayoutBlock> blocks = new ArrayList<>(top);
    blocks.addAll(ItemsLayout.of(run).fit(MAX_BLOCKS - top.size() - bottom.size()));
    blocks.addAll(bottom);
    return new MessageContent(fallback(run, gates), blocks);
  }

  /** Shown as the run's "complete" verdict; a cancelled run is never complete. */
  static boolean complete(ChecklistRun run, GateStatus gates) {
    return gates.passed() && run.status() != RunStatus.CANCELLED;
  }

  static String progressLine(GateStatus gates) {
    int blockers = gates.openBlockers().size();
    String open = switch (blockers) {
      case 0 -> "no blockers open";
      case 1 -> "1 blocker open";
      default -> blockers + " blockers open";
    };
    return gates.done() + "/" + gates.total() + " done · " + open;
  }

  static String bar(GateStatus gates) {
    int filled = gates.total() == 0 ? BAR_CELLS : gates.done() * BAR_CELLS / gates.total();
    if (gates.done() > 0 && filled == 0) {
      filled = 1; // the first tick on a long checklist should visibly move the bar
    }
    return "▰".repeat(filled) + "▱".repeat(BAR_CELLS - filled);
  }

  private static List<LayoutBlock> top(ChecklistRun run, GateStatus gates) {
    List<LayoutBlock> blocks = new ArrayList<>();
    String title = Mrkdwn.plain(titleOf(run), Mrkdwn.HEADER_TEXT_LIMIT);
    blocks.add(header(h -> h.text(plainText(title))));
    List<ContextBlockElement> started = List.of(markdownText(
        "Started by " + Mrkdwn.user(run.startedBy())
            + (run.startedAt() == null ? "" : " · " + Mrkdwn.date(run.startedAt()))
            + " · Run `" + Mrkdwn.inline(run.id(), 200) + "`"));
    blocks.add(context(started));
    String progress = "*" + progressLine(gates) + "*\n" + bar(gates);
    blocks.add(section(s -> s.text(markdownText(progress))));
    if (!run.status().open()) {
      blocks.add(section(s -> s.text(markdownText(statusLine(run.status())))));
    }
    blocks.add(divider());
    return blocks;
  }

  private static List<LayoutBlock> bottom(ChecklistRun run, GateStatus gates, String reactionName) {
    List<LayoutBlock> blocks = new ArrayList<>();
    blocks.add(divider());
    if (!run.checklist().signOff().requirements().isEmpty() || !run.signOffs().isEmpty()) {
      TextPacker text = new TextPacker(blocks);
      text.line("*Sign-offs*");
      for (SignOff signOff : run.signOffs()) {
        text.line("✅ " + Mrkdwn.user(signOff.user()) + " for *" + Mrkdwn.inline(signOff.role(), 100) + "*"
            + (signOff.at() == null ? "" : " · " + Mrkdwn.date(signOff.at())));
      }
      for (GateStatus.MissingSignOff missing : gates.missingSignOffs()) {
        int more = missing.need() - missing.have();
        text.line("⏳ Needs " + more + " more sign-off" + (more == 1 ? "" : "s")
            + " from *" + Mrkdwn.inline(missing.role(), 100) + "*");
      }
      if (run.status().open() && !gates.missingSignOffs().isEmpty()) {
        text.line("React with :" + reaction(reactionName) + ": to sign off.");
      }
      text.flush();
    }
    if (complete(run, gates)) {
      blocks.add(section(s -> s.text(markdownText("🎉 *" + COMPLETE_LINE + ".*"))));
    }
    return blocks;
  }

  private static String statusLine(RunStatus status) {
    return switch (status) {
      case CANCELLED -> "🚫 *Cancelled* — this run was stopped; nothing on it can change now.";
      case DEPLOYING -> "🚀 *Deploying* — the checklist is closed.";
      case VERIFYING -> "🔎 *Verifying* — the checklist is closed.";
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
        ? (complete(run, gates) ? " · complete" : "")
        : " · " + run.status().name().toLowerCase().replace('_', ' ');
    return Mrkdwn.inline(titleOf(run), FALLBACK_TITLE_LIMIT) + ": " + progressLine(gates) + state;
  }

  private static String titleOf(ChecklistRun run) {
    String title = run.checklist().title();
    if (title != null && !title.isBlank()) {
      return title;
    }
    String id = run.checklist().id();
    return id != null && !id.isBlank() ? id : "Checklist";
  }

  /** Accepts "white_check_mark" or ":white_check_mark:", as people write it in config. */
  private static String reaction(String name) {
    String bare = name == null ? "" : name.strip().replaceAll("^:+|:+$", "");
    return bare.isEmpty() ? DEFAULT_REACTION : Mrkdwn.escape(bare);
  }
}
