package dev.preflight.handlers.render;

import static com.slack.api.model.block.Blocks.context;
import static com.slack.api.model.block.Blocks.divider;
import static com.slack.api.model.block.Blocks.header;
import static com.slack.api.model.block.composition.BlockCompositions.markdownText;
import static com.slack.api.model.block.composition.BlockCompositions.plainText;

import com.slack.api.model.block.LayoutBlock;
import com.slack.api.model.view.View;
import dev.preflight.checklists.deploy.Deployment;
import dev.preflight.checklists.deploy.EnvLock;
import dev.preflight.checklists.deploy.Release;
import dev.preflight.checklists.run.ChecklistRun;
import dev.preflight.checklists.time.Spans;
import dev.preflight.deploy.run.Overview;
import dev.preflight.deploy.stats.DeployStats;
import dev.preflight.deploy.stats.EnvironmentFigures;
import dev.preflight.deploy.stats.PendingSignOff;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A person's App Home tab: first what waits for them, then what {@code /deploys} shows, then how
 * each service and environment has fared lately. It is rebuilt whenever the tab is opened, so it
 * is a snapshot, dated at the top.
 */
public final class HomeView {

  /** The most blocks Slack accepts in a Home tab. */
  public static final int MAX_BLOCKS = 100;

  public static final String TITLE = "Preflight";
  public static final String WAITING_TITLE = "Waiting for your sign-off";
  public static final String FIGURES_TITLE = "Last " + DeployStats.WINDOW.toDays() + " days";
  public static final String NOTHING_WAITING = "Nothing waits for your sign-off.";
  public static final String NO_FIGURES = "No deploys in the last " + DeployStats.WINDOW.toDays() + " days.";

  private static final int FIXED_BLOCKS = 2 + 4;
  private static final int GROUPS = 5;
  private static final int GROUP_BLOCKS = (MAX_BLOCKS - FIXED_BLOCKS) / GROUPS;
  private static final int NAME_LIMIT = 150;

  private HomeView() {}

  public static View render(Overview overview, List<PendingSignOff> waiting, List<EnvironmentFigures> figures,
      Instant now) {
    List<LayoutBlock> blocks = new ArrayList<>();
    blocks.add(header(h -> h.text(plainText(TITLE))));
    blocks.add(context(List.of(markdownText("As of " + Mrkdwn.date(now)
        + " · reopen this tab to refresh it"))));
    blocks.addAll(group(WAITING_TITLE, waiting.stream().map(HomeView::waitingLine).toList(), NOTHING_WAITING));
    blocks.add(divider());
    blocks.addAll(group("Under way", overview.active().stream()
        .map(run -> OverviewMessage.activeLine(run, now)).toList(), OverviewMessage.NO_ACTIVE_RUNS));
    blocks.add(divider());
    blocks.addAll(group("Locks", overview.locks().stream()
        .sorted(Comparator.comparing(EnvLock::service).thenComparing(EnvLock::environment))
        .map(lock -> OverviewMessage.lockLine(lock, now)).toList(), OverviewMessage.NO_LOCKS));
    blocks.add(divider());
    blocks.addAll(group("Latest releases", overview.latestReleases().stream()
        .sorted(Comparator.comparing(Release::service).thenComparing(Release::environment))
        .map(OverviewMessage::releaseLine).toList(), OverviewMessage.NO_RELEASES));
    blocks.add(divider());
    blocks.addAll(group(FIGURES_TITLE, figures.stream()
        .sorted(Comparator.comparing(EnvironmentFigures::service).thenComparing(EnvironmentFigures::environment))
        .map(HomeView::figuresLine).toList(), NO_FIGURES));
    return View.builder().type("home").blocks(blocks).build();
  }

  static String waitingLine(PendingSignOff pending) {
    ChecklistRun run = pending.run().run();
    Deployment d = pending.run().deployment();
    String what = d == null
        ? "📋 *" + Mrkdwn.inline(ChecklistPart.title(run), NAME_LIMIT) + "*"
        : "✍️ *" + Mrkdwn.inline(d.service(), NAME_LIMIT) + "* `" + Mrkdwn.inline(d.version(), NAME_LIMIT)
            + "` → *" + Mrkdwn.inline(d.environment(), NAME_LIMIT) + "*";
    String where = pending.run().channelId() == null ? "" : " · in <#" + Mrkdwn.escape(pending.run().channelId()) + ">";
    return what + " · needs your sign-off as *" + Mrkdwn.inline(pending.role(), NAME_LIMIT) + "*"
        + " · started by " + Mrkdwn.user(run.startedBy())
        + (run.startedAt() == null ? "" : " " + Mrkdwn.date(run.startedAt())) + where;
  }

  static String figuresLine(EnvironmentFigures f) {
    String rate = f.changeFailureRate().isEmpty() ? "change failure rate —"
        : "change failure rate " + Math.round(f.changeFailureRate().getAsDouble() * 100) + "% (" + f.failed()
            + " of " + f.finished() + ")";
    String unrestored = f.unrestored() == 0 ? ""
        : " · ⚠️ " + f.unrestored() + (f.unrestored() == 1 ? " failure" : " failures") + " not restored yet";
    return "*" + Mrkdwn.inline(f.service(), NAME_LIMIT) + "* in *" + Mrkdwn.inline(f.environment(), NAME_LIMIT) + "*: "
        + f.deploys() + (f.deploys() == 1 ? " deploy" : " deploys")
        + " · " + rate
        + " · median lead time " + f.leadTime().map(Spans::format).orElse("—")
        + " · median time to restore " + f.timeToRestore().map(Spans::format).orElse("—")
        + unrestored;
  }

  private static List<LayoutBlock> group(String title, List<String> lines, String empty) {
    return OverviewMessage.group(title, lines, empty, GROUP_BLOCKS);
  }
}
