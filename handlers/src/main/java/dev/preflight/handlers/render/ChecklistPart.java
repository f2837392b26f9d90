package dev.preflight.handlers.render;

import static com.slack.api.model.block.Blocks.section;
import static com.slack.api.model.block.composition.BlockCompositions.markdownText;
import static com.slack.api.model.block.composition.BlockCompositions.plainText;
import static com.slack.api.model.block.element.BlockElements.button;

import com.slack.api.model.block.LayoutBlock;
import com.slack.api.model.block.element.ButtonElement;
import dev.preflight.checklists.run.ChecklistRun;
import dev.preflight.checklists.run.GateStatus;
import dev.preflight.checklists.run.RunStatus;
import dev.preflight.checklists.run.SignOff;
import dev.preflight.handlers.ActionIds;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The checklist as every run message shows it, whether the run is a checklist on its own or
 * the gate of a deploy: who started it, the progress bar, the items and the sign-offs. Kept in
 * one place so the two messages can never drift apart in how a tick or a sign-off looks.
 */
final class ChecklistPart {

  static final String DEFAULT_REACTION = "white_check_mark";

  private static final int BAR_CELLS = 10;

  private ChecklistPart() {}

  static LayoutBlock progress(GateStatus gates) {
    String progress = "*" + progressLine(gates) + "*\n" + bar(gates);
    return section(s -> s.text(markdownText(progress)));
  }

  /** @param now when the message is drawn, to offer Re-run on an overdue running item; null when unknown */
  static List<LayoutBlock> items(ChecklistRun run, int budget, Instant now) {
    return ItemsLayout.of(run, now).fit(budget);
  }

  /** The items only if every one of them fits as it is, without counting some instead of listing them. */
  static Optional<List<LayoutBlock>> wholeItems(ChecklistRun run, int budget, Instant now) {
    return ItemsLayout.of(run, now).whole(budget);
  }

  /** The button that opens the modal listing every item of the run. */
  static ButtonElement showAll(String runId, int items) {
    return button(b -> b.actionId(ActionIds.ITEMS_SHOW_ALL).value(runId)
        .text(plainText("Show all " + items + " items")));
  }

  /** Appends the sign-offs given and still missing; nothing when the checklist asks for none. */
  static void signOffs(ChecklistRun run, GateStatus gates, String reactionName, List<LayoutBlock> out) {
    if (run.checklist().signOff().requirements().isEmpty() && run.signOffs().isEmpty()) {
      return;
    }
    TextPacker text = new TextPacker(out);
    text.line("*Sign-offs*");
    for (SignOff signOff : run.signOffs()) {
      // Undated, as items are: the audit and the report keep when each sign-off came.
      text.line("✅ " + Mrkdwn.user(signOff.user()) + " for *" + Mrkdwn.inline(signOff.role(), 100) + "*");
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

  static String title(ChecklistRun run) {
    String title = run.checklist().title();
    if (title != null && !title.isBlank()) {
      return title;
    }
    String id = run.checklist().id();
    return id != null && !id.isBlank() ? id : "Checklist";
  }

  /** Accepts "white_check_mark" or ":white_check_mark:", as people write it in config. */
  static String reaction(String name) {
    String bare = name == null ? "" : name.strip().replaceAll("^:+|:+$", "");
    return bare.isEmpty() ? DEFAULT_REACTION : Mrkdwn.escape(bare);
  }
}
