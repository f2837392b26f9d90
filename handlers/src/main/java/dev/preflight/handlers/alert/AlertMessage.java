package dev.preflight.handlers.alert;

import static com.slack.api.model.block.Blocks.actions;
import static com.slack.api.model.block.Blocks.context;
import static com.slack.api.model.block.Blocks.section;
import static com.slack.api.model.block.composition.BlockCompositions.confirmationDialog;
import static com.slack.api.model.block.composition.BlockCompositions.markdownText;
import static com.slack.api.model.block.composition.BlockCompositions.plainText;
import static com.slack.api.model.block.element.BlockElements.button;

import com.slack.api.model.block.ContextBlockElement;
import com.slack.api.model.block.LayoutBlock;
import com.slack.api.model.block.composition.ConfirmationDialogObject;
import com.slack.api.model.block.element.BlockElement;
import dev.preflight.checklists.deploy.Release;
import dev.preflight.deploy.alert.Alert;
import dev.preflight.deploy.alert.AlertRecord;
import dev.preflight.handlers.render.MessageContent;
import dev.preflight.handlers.render.Mrkdwn;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An alert as its channel sees it: how bad, what, where to look, what was shipped there last
 * and by whom, and a Rollback button for when the last release is the likely cause. Repeats
 * edit the same message (the count and last-seen time move); a resolved alert keeps its text
 * and history, says Resolved, and loses the button.
 */
public final class AlertMessage {

  private static final int SUMMARY_LIMIT = 300;
  private static final int DESCRIPTION_LIMIT = 2000;
  private static final int LINK_TITLE_LIMIT = 60;
  private static final int MAX_LINKS = 8;

  private AlertMessage() {}

  /**
   * @param lastRelease the environment's newest release, if Preflight has one on record
   * @param rollbackOffered whether the environment can be rolled back from Slack at all (it has a target)
   */
  public static MessageContent render(AlertRecord stored, Alert alert, Optional<Release> lastRelease,
      boolean rollbackOffered) {
    boolean resolved = stored.status() == Alert.Status.RESOLVED;
    String where = Mrkdwn.escape(stored.service()) + " in " + Mrkdwn.escape(stored.environment());
    String summary = Mrkdwn.inline(stored.summary(), SUMMARY_LIMIT);
    String headline = resolved
        ? ":white_check_mark: *Resolved:* ~" + summary + "~"
        : emoji(stored.severity()) + " *" + summary + "*";
    List<LayoutBlock> blocks = new ArrayList<>();
    blocks.add(section(s -> s.text(markdownText(headline + "\n" + severityWord(stored.severity(), resolved)
        + " · *" + where + "* · " + Mrkdwn.escape(alert.source())))));
    if (!alert.description().isBlank()) {
      blocks.add(section(s -> s.text(markdownText(Mrkdwn.clipEscaped(Mrkdwn.escape(alert.description().strip()),
          DESCRIPTION_LIMIT)))));
    }
    links(alert).ifPresent(blocks::add);
    blocks.add(section(s -> s.text(markdownText(release(lastRelease)))));
    blocks.add(context(c -> c.elements(List.<ContextBlockElement>of(markdownText(history(stored))))));
    if (!resolved && rollbackOffered && lastRelease.isPresent()) {
      blocks.add(actions(a -> a.blockId(AlertActions.ACTIONS_BLOCK).elements(List.of(rollbackButton(stored,
          lastRelease.get())))));
    }
    String text = (resolved ? "Resolved: " : severityWord(stored.severity(), false) + ": ") + summary + " (" + where + ")";
    return new MessageContent(text, blocks);
  }

  static String emoji(Alert.Severity severity) {
    return switch (severity) {
      case CRITICAL -> ":rotating_light:";
      case WARNING -> ":warning:";
      case INFO -> ":information_source:";
    };
  }

  private static String severityWord(Alert.Severity severity, boolean resolved) {
    String word = switch (severity) {
      case CRITICAL -> "Critical";
      case WARNING -> "Warning";
      case INFO -> "Info";
    };
    return resolved ? "Was " + word.toLowerCase() : word;
  }

  private static Optional<LayoutBlock> links(Alert alert) {
    List<String> shown = alert.links().stream()
        .filter(link -> link.url().startsWith("http://") || link.url().startsWith("https://"))
        .limit(MAX_LINKS)
        .map(link -> "<" + link.url().replace("|", "%7C").replace(">", "%3E") + "|"
            + Mrkdwn.inline(link.title(), LINK_TITLE_LIMIT).replace("|", "¦") + ">")
        .toList();
    if (shown.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(context(c -> c.elements(List.<ContextBlockElement>of(markdownText(String.join(" · ", shown))))));
  }

  static String release(Optional<Release> lastRelease) {
    if (lastRelease.isEmpty()) {
      return "*Last release:* none on record from Preflight";
    }
    Release r = lastRelease.get();
    String version = r.version() == null ? "an earlier revision" : "`" + Mrkdwn.inline(r.version(), 100) + "`";
    String how = Release.ROLLBACK.equals(r.kind()) ? "rolled back to " + version : version;
    return "*Last release:* " + how + " by " + Mrkdwn.user(r.by()) + ", " + Mrkdwn.date(r.at());
  }

  static String history(AlertRecord stored) {
    String times = stored.count() == 1 ? "Fired once" : "Fired " + stored.count() + " times";
    String text = times + " · first " + Mrkdwn.date(stored.firstSeen()) + " · last " + Mrkdwn.date(stored.lastSeen());
    return stored.resolvedAt() == null ? text : text + " · resolved " + Mrkdwn.date(stored.resolvedAt());
  }

  private static BlockElement rollbackButton(AlertRecord stored, Release last) {
    String what = last.version() == null ? "its newest deploy" : last.version();
    ConfirmationDialogObject confirm = confirmationDialog(c -> c
        .title(plainText(Mrkdwn.plain("Roll back " + stored.service() + "?", 100)))
        .text(plainText(Mrkdwn.plain("Rolls " + stored.service() + " in " + stored.environment() + " back from "
            + what + " to the release before it, then checks its health again. " + stored.environment()
            + " stays locked until someone unlocks it.", 300)))
        .confirm(plainText("Roll back"))
        .deny(plainText("Cancel"))
        .style("danger"));
    return button(b -> b.actionId(AlertActions.ROLLBACK).text(plainText("Rollback"))
        .value(AlertActions.value(stored.service(), stored.environment(), last.runId())).style("danger")
        .confirm(confirm));
  }
}
