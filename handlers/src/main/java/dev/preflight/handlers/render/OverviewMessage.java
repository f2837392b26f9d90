package dev.preflight.handlers.render;

import static com.slack.api.model.block.Blocks.divider;
import static com.slack.api.model.block.Blocks.header;
import static com.slack.api.model.block.composition.BlockCompositions.markdownText;
import static com.slack.api.model.block.composition.BlockCompositions.plainText;

import com.slack.api.model.block.LayoutBlock;
import dev.preflight.checklists.deploy.Deployment;
import dev.preflight.checklists.deploy.EnvLock;
import dev.preflight.checklists.deploy.Release;
import dev.preflight.checklists.run.ChecklistRun;
import dev.preflight.checklists.run.RunStatus;
import dev.preflight.checklists.time.Spans;
import dev.preflight.deploy.run.Overview;
import dev.preflight.deploy.run.TrackedRun;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * What {@code /deploys} answers: what is under way, what is locked, and what runs where. Meant
 * to be read at a glance before deciding to deploy, so each entry is one line, and an empty
 * section says so rather than disappearing. Runs are named by what they deploy, never by id.
 */
public final class OverviewMessage {

  public static final String TITLE = "Deploys";
  public static final String NO_ACTIVE_RUNS = "Nothing is under way.";
  public static final String NO_LOCKS = "No environment is locked.";
  public static final String NO_RELEASES = "No releases on record yet.";

  /** Each of the three sections gets an equal share of what Slack allows in one message. */
  private static final int SECTION_BLOCKS = (RunMessage.MAX_BLOCKS - 4) / 3;
  private static final int NAME_LIMIT = 150;
  private static final int REASON_LIMIT = 300;

  private OverviewMessage() {}

  public static MessageContent render(Overview overview, Instant now) {
    List<LayoutBlock> blocks = new ArrayList<>();
    blocks.add(header(h -> h.text(plainText(TITLE))));
    blocks.addAll(group("Under way", overview.active().stream().map(run -> activeLine(run, now)).toList(),
        NO_ACTIVE_RUNS));
    blocks.add(divider());
    blocks.addAll(group("Locks", overview.locks().stream()
        .sorted(Comparator.comparing(EnvLock::service).thenComparing(EnvLock::environment))
        .map(lock -> lockLine(lock, now)).toList(), NO_LOCKS));
    blocks.add(divider());
    blocks.addAll(group("Latest releases", overview.latestReleases().stream()
        .sorted(Comparator.comparing(Release::service).thenComparing(Release::environment))
        .map(OverviewMessage::releaseLine).toList(), NO_RELEASES));
    return new MessageContent(fallback(overview), blocks);
  }

  static String activeLine(TrackedRun tracked, Instant now) {
    ChecklistRun run = tracked.run();
    Deployment d = tracked.deployment();
    String what = d == null
        ? "📋 *" + Mrkdwn.inline(ChecklistPart.title(run), NAME_LIMIT) + "*"
        : emoji(run.status()) + " *" + Mrkdwn.inline(d.service(), NAME_LIMIT) + "* `"
            + Mrkdwn.inline(d.version(), NAME_LIMIT) + "` → *" + Mrkdwn.inline(d.environment(), NAME_LIMIT) + "*";
    Instant since = d != null && d.launchedAt() != null ? d.launchedAt() : run.startedAt();
    String verb = d != null && d.launchedAt() != null ? "launched" : "started";
    String by = d != null && d.launchedAt() != null ? d.launchedBy() : run.startedBy();
    return what + " · " + StatusWords.of(run.status())
        + " · " + verb + " by " + Mrkdwn.user(by)
        + (since == null ? "" : " " + Spans.format(Duration.between(since, now)) + " ago");
  }

  static String lockLine(EnvLock lock, Instant now) {
    String cause = LockText.cause(lock, REASON_LIMIT);
    String reason = cause.isBlank() ? "" : ": " + cause;
    return "🔒 *" + Mrkdwn.inline(lock.service(), NAME_LIMIT) + "* in *" + Mrkdwn.inline(lock.environment(), NAME_LIMIT)
        + "* — by " + Mrkdwn.user(lock.by()) + reason
        + (lock.at() == null ? "" : " · " + Spans.format(Duration.between(lock.at(), now)) + " ago");
  }

  static String releaseLine(Release release) {
    String how = Release.ROLLBACK.equals(release.kind()) ? "↩️ rollback" : "🚀 deploy";
    return "*" + Mrkdwn.inline(release.service(), NAME_LIMIT) + "* in *" + Mrkdwn.inline(release.environment(), NAME_LIMIT)
        + "*: `" + Mrkdwn.inline(release.version(), NAME_LIMIT) + "` · " + how
        + (release.by() == null ? "" : " by " + Mrkdwn.user(release.by()))
        + (release.at() == null ? "" : " · " + Mrkdwn.date(release.at()));
  }

  static String emoji(RunStatus status) {
    return switch (status) {
      case PREPARING -> "📝";
      case READY -> "🟢";
      case DEPLOYING -> "🚀";
      case VERIFYING -> "🔎";
      case ABORTING -> "🛑";
      case ROLLING_BACK -> "↩️";
      case SUCCEEDED -> "✅";
      case FAILED -> "❌";
      case ROLLED_BACK -> "↩️";
      case ROLLBACK_FAILED -> "🔥";
      case CANCELLED -> "🚫";
    };
  }

  private static List<LayoutBlock> group(String title, List<String> lines, String empty) {
    return group(title, lines, empty, SECTION_BLOCKS);
  }

  /** A titled list within {@code budget} blocks; what does not fit is counted on a last line. */
  static List<LayoutBlock> group(String title, List<String> lines, String empty, int budget) {
    if (lines.isEmpty()) {
      return pack(title, List.of("_" + empty + "_"), 0);
    }
    int shown = lines.size();
    List<LayoutBlock> blocks = pack(title, lines, 0);
    while (blocks.size() > budget && shown > 0) {
      // Shrink in proportion to the overflow, then by one, so long lists settle in a few tries.
      shown = Math.min(shown - 1, shown * budget / blocks.size());
      blocks = pack(title, lines.subList(0, Math.max(shown, 0)), lines.size() - Math.max(shown, 0));
    }
    return blocks;
  }

  private static List<LayoutBlock> pack(String title, List<String> lines, int hidden) {
    List<LayoutBlock> out = new ArrayList<>();
    TextPacker text = new TextPacker(out);
    text.line("*" + title + "*");
    lines.forEach(text::line);
    if (hidden > 0) {
      text.line("_…and " + hidden + " more not shown here._");
    }
    text.flush();
    return out;
  }

  private static String fallback(Overview overview) {
    return TITLE + ": " + count(overview.active().size(), "run under way", "runs under way")
        + " · " + count(overview.locks().size(), "lock", "locks")
        + " · " + count(overview.latestReleases().size(), "release", "releases");
  }

  private static String count(int n, String one, String many) {
    return n + " " + (n == 1 ? one : many);
  }
}
