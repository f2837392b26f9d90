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
import dev.preflight.deploy.alert.AlertRollback;
import dev.preflight.checklists.time.Spans;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import dev.preflight.handlers.render.MessageContent;
import dev.preflight.handlers.render.Mrkdwn;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An alert as its channel sees it: how bad, what, where to look, what was shipped there last
 * and how long before the alert started firing, and, for a critical alert whose current release
 * is a deploy Preflight made before the alert started (so there is a release before it to
 * return to, and it may be the cause), a Rollback button
 * (plain; the red is kept for its confirm).
 * Once someone starts a rollback from it the button gives way to who started it, back to which
 * version, a link to the run, and then how it ended. Repeats edit the same message (the count
 * and last-seen time move); a resolved alert keeps its text and history, says Resolved, and
 * loses the button.
 */
public final class AlertMessage {

  private static final int SUMMARY_LIMIT = 300;
  private static final int DESCRIPTION_LIMIT = 2000;
  private static final int LINK_TITLE_LIMIT = 60;
  private static final int MAX_LINKS = 8;
  private static final int DETAIL_LIMIT = 300;

  private AlertMessage() {}

  /**
   * @param releases the environment's newest releases on record, newest first: the current one
   *     and the one before it (what a rollback returns to)
   * @param rollbackOffered whether the environment can be rolled back from Slack at all (it has a target)
   */
  public static MessageContent render(AlertRecord stored, List<Release> releases, boolean rollbackOffered) {
    boolean resolved = stored.status() == Alert.Status.RESOLVED;
    Optional<Release> current = releases.stream().findFirst();
    String where = Mrkdwn.escape(stored.service()) + " in " + Mrkdwn.escape(stored.environment());
    String summary = Mrkdwn.inline(stored.summary(), SUMMARY_LIMIT);
    String headline = resolved
        ? ":white_check_mark: *Resolved:* ~" + summary + "~"
        : emoji(stored.severity()) + " *" + summary + "*";
    List<LayoutBlock> blocks = new ArrayList<>();
    blocks.add(section(s -> s.text(markdownText(headline + "\n" + severityWord(stored.severity(), resolved)
        + " · *" + where + "* · " + sourceName(stored.source())))));
    if (!stored.description().isBlank()) {
      blocks.add(section(s -> s.text(markdownText(Mrkdwn.clipEscaped(Mrkdwn.escape(stored.description().strip()),
          DESCRIPTION_LIMIT)))));
    }
    links(stored.links()).ifPresent(blocks::add);
    blocks.add(section(s -> s.text(markdownText(release(current, stored.firstSeen())))));
    blocks.add(context(c -> c.elements(List.<ContextBlockElement>of(markdownText(history(stored))))));
    if (stored.rollback() != null) {
      blocks.add(section(s -> s.blockId(AlertActions.ACTIONS_BLOCK)
          .text(markdownText(rollback(stored.rollback())))));
    } else if (!resolved && rollbackOffered && stored.severity() == Alert.Severity.CRITICAL
        && current.filter(AlertMessage::rollsBack).filter(r -> suspect(r, stored.firstSeen())).isPresent()) {
      Optional<Release> before = releases.stream().skip(1).findFirst();
      blocks.add(actions(a -> a.blockId(AlertActions.ACTIONS_BLOCK).elements(List.of(rollbackButton(stored,
          current.get(), before)))));
    }
    String text = (resolved ? "Resolved: " : severityWord(stored.severity(), false) + ": ") + summary + " (" + where + ")";
    return new MessageContent(text, blocks);
  }

  /** The name people know the sender by; the generic shape is any script's webhook. */
  static String sourceName(String source) {
    return switch (source) {
      case "alertmanager" -> "Alertmanager";
      case "cloudwatch" -> "CloudWatch";
      case "sentry" -> "Sentry";
      case "generic" -> "Webhook";
      default -> Mrkdwn.escape(source);
    };
  }

  /**
   * Whether a rollback from the alert would act: the current release is a deploy a Preflight run
   * made, which its rollback undoes. A release Preflight did not make has no run to roll back,
   * and a rollback release has nothing further back to go from here.
   */
  static boolean rollsBack(Release current) {
    return current.runId() != null && Release.DEPLOY.equals(current.kind());
  }

  /**
   * Whether the release could have caused the alert: it went out before the alert started
   * firing. One shipped after the start is not what a rollback should undo.
   */
  static boolean suspect(Release release, Instant began) {
    return release.at() == null || began == null || !release.at().isAfter(began);
  }

  static String rollback(AlertRollback rollback) {
    String to = rollback.toVersion() == null ? "" : " to `" + Mrkdwn.inline(rollback.toVersion(), 100) + "`";
    String run = rollback.runLink() == null ? "" : " · <" + rollback.runLink().replace("|", "%7C").replace(">", "%3E")
        + "|the run>";
    return switch (rollback.outcome()) {
      case RUNNING -> ":rewind: *Rollback" + to + " started* by " + Mrkdwn.user(rollback.by()) + run;
      case ROLLED_BACK -> ":leftwards_arrow_with_hook: *Rolled back" + to + "* in "
          + Spans.between(rollback.startedAt(), rollback.endedAt(), "an unknown time") + " · started by "
          + Mrkdwn.user(rollback.by()) + run;
      case FAILED -> ":x: *Rollback failed:* " + (rollback.detail() == null ? "no reason given"
          : Mrkdwn.inline(rollback.detail(), DETAIL_LIMIT)) + " · started by " + Mrkdwn.user(rollback.by()) + run;
    };
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

  private static Optional<LayoutBlock> links(List<Alert.Link> links) {
    List<String> shown = links.stream()
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

  /** The current release, and how long before (or after) the alert started firing it went out. */
  static String release(Optional<Release> lastRelease, Instant began) {
    if (lastRelease.isEmpty()) {
      return "*Last release:* none on record from Preflight";
    }
    Release r = lastRelease.get();
    String version = r.version() == null ? "an earlier revision" : "`" + Mrkdwn.inline(r.version(), 100) + "`";
    String how = Release.ROLLBACK.equals(r.kind()) ? "rolled back to " + version : version;
    String line = "*Last release:* " + how + " by " + Mrkdwn.user(r.by()) + ", " + Mrkdwn.date(r.at());
    if (began == null || r.at() == null) {
      return line;
    }
    Duration gap = Duration.between(r.at(), began);
    String verb = Release.ROLLBACK.equals(r.kind()) ? "restored " : "shipped ";
    return line + "\n" + (r.version() == null ? "It" : version) + " " + verb + (gap.isNegative()
        ? roughly(gap.negated()) + " after this started firing"
        : roughly(gap) + " before this fired");
  }

  /** A span to the minute once it is a minute or more: "12m", not "12m 31s". */
  private static String roughly(Duration span) {
    return Spans.format(span.compareTo(Duration.ofMinutes(1)) >= 0 ? span.truncatedTo(ChronoUnit.MINUTES) : span);
  }

  static String history(AlertRecord stored) {
    String times = stored.count() == 1 ? "Fired once" : "Fired " + stored.count() + " times";
    String text = times + " · first " + Mrkdwn.date(stored.firstSeen()) + " · last " + Mrkdwn.date(stored.lastSeen());
    return stored.resolvedAt() == null ? text : text + " · resolved " + Mrkdwn.date(stored.resolvedAt());
  }

  private static BlockElement rollbackButton(AlertRecord stored, Release current, Optional<Release> before) {
    String from = current.version() == null ? "its newest deploy" : current.version();
    String to = before.map(Release::version).orElse("the release before it");
    ConfirmationDialogObject confirm = confirmationDialog(c -> c
        .title(plainText(Mrkdwn.plain("Roll back " + stored.service() + "?", 100)))
        .text(plainText(Mrkdwn.plain("Rolls " + stored.service() + " in " + stored.environment() + " back from "
            + from + " to " + to + ", then checks its health again. " + stored.environment()
            + " stays locked until someone unlocks it.", 300)))
        .confirm(plainText("Roll back"))
        .deny(plainText("Cancel"))
        .style("danger"));
    return button(b -> b.actionId(AlertActions.ROLLBACK).text(plainText("Rollback"))
        .value(AlertActions.value(stored.service(), stored.environment(), current.runId()))
        .confirm(confirm));
  }
}
