package dev.preflight.handlers.render;

import static com.slack.api.model.block.Blocks.context;
import static com.slack.api.model.block.Blocks.divider;
import static com.slack.api.model.block.Blocks.header;
import static com.slack.api.model.block.Blocks.section;
import static com.slack.api.model.block.composition.BlockCompositions.confirmationDialog;
import static com.slack.api.model.block.composition.BlockCompositions.markdownText;
import static com.slack.api.model.block.composition.BlockCompositions.plainText;
import static com.slack.api.model.block.element.BlockElements.button;
import static com.slack.api.model.view.Views.viewClose;
import static com.slack.api.model.view.Views.viewTitle;

import com.slack.api.model.block.LayoutBlock;
import com.slack.api.model.block.element.BlockElement;
import com.slack.api.model.view.View;
import dev.preflight.checklists.deploy.Deployment;
import dev.preflight.checklists.deploy.EnvLock;
import dev.preflight.checklists.deploy.Release;
import dev.preflight.checklists.run.ChecklistRun;
import dev.preflight.checklists.time.Spans;
import dev.preflight.deploy.run.Overview;
import dev.preflight.deploy.run.TrackedRun;
import dev.preflight.deploy.stats.DeployStats;
import dev.preflight.deploy.stats.EnvironmentFigures;
import dev.preflight.deploy.stats.PendingSignOff;
import dev.preflight.handlers.ActionIds;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * A person's App Home tab: first what waits for them, then what is under way and what is locked,
 * then the latest releases and how each service and environment has fared lately. Each run and
 * each lock is an item of its own, short, with the action it calls for beside it: "Open the run"
 * (a link to the run's message) and "Unlock" (for those who may). The tab is republished when
 * something in it changes for its reader, so it carries the time it was built, not a plea to
 * reopen it.
 */
public final class HomeView {

  /** The most blocks Slack accepts in a Home tab. */
  public static final int MAX_BLOCKS = 100;

  public static final String TITLE = "Preflight";
  public static final String WAITING_TITLE = "Waiting for your sign-off";
  public static final String ACTIVE_TITLE = "Under way";
  public static final String LOCKS_TITLE = "Locks";
  public static final String RELEASES_TITLE = "Latest releases";
  public static final String FIGURES_TITLE = "Last " + DeployStats.WINDOW.toDays() + " days";
  public static final String NOTHING_WAITING = "Nothing waits for your sign-off.";
  public static final String NO_FIGURES = "No deploys in the last " + DeployStats.WINDOW.toDays() + " days.";
  public static final String OPEN_RUN = "Open the run";
  public static final String UNLOCK = "Unlock";

  // Items each take a block; what does not fit is counted. 12 blocks are fixed (header, date,
  // three titles, four dividers, three "more" lines), the packed lists get 10 each: 97 at most.
  private static final int WAITING_ITEMS = 25;
  private static final int ACTIVE_ITEMS = 20;
  private static final int LOCK_ITEMS = 20;
  private static final int PACKED_BLOCKS = 10;
  private static final int NAME_LIMIT = 150;
  private static final int REASON_LIMIT = 300;
  // Slack's limits for a confirmation dialog.
  private static final int CONFIRM_TITLE_LIMIT = 100;
  private static final int CONFIRM_TEXT_LIMIT = 300;

  private HomeView() {}

  /**
   * What one person's tab is built from.
   *
   * @param links each posted run's message permalink, by run id; a run without one is not linked
   * @param mayUnlock whether the reader may unlock this lock (a deployer of its environment)
   */
  public record Facts(Overview overview, List<PendingSignOff> waiting, List<EnvironmentFigures> figures,
      Map<String, String> links, Predicate<EnvLock> mayUnlock) {}

  public static View render(Facts facts, Instant now) {
    List<LayoutBlock> blocks = new ArrayList<>();
    blocks.add(header(h -> h.text(plainText(TITLE))));
    blocks.add(context(List.of(markdownText("Updated " + Mrkdwn.date(now)))));
    blocks.addAll(items(WAITING_TITLE, facts.waiting().stream()
        .map(pending -> waitingItem(pending, facts.links())).toList(), NOTHING_WAITING, WAITING_ITEMS));
    blocks.add(divider());
    blocks.addAll(items(ACTIVE_TITLE, facts.overview().active().stream()
        .map(run -> activeItem(run, facts.links(), now)).toList(), OverviewMessage.NO_ACTIVE_RUNS, ACTIVE_ITEMS));
    blocks.add(divider());
    blocks.addAll(items(LOCKS_TITLE, facts.overview().locks().stream()
        .sorted(Comparator.comparing(EnvLock::service).thenComparing(EnvLock::environment))
        .map(lock -> lockItem(lock, facts.mayUnlock().test(lock), now)).toList(), OverviewMessage.NO_LOCKS,
        LOCK_ITEMS));
    blocks.add(divider());
    blocks.addAll(OverviewMessage.group(RELEASES_TITLE, facts.overview().latestReleases().stream()
        .sorted(Comparator.comparing(Release::service).thenComparing(Release::environment))
        .map(OverviewMessage::releaseLine).toList(), OverviewMessage.NO_RELEASES, PACKED_BLOCKS));
    blocks.add(divider());
    blocks.addAll(OverviewMessage.group(FIGURES_TITLE, facts.figures().stream()
        .sorted(Comparator.comparing(EnvironmentFigures::service).thenComparing(EnvironmentFigures::environment))
        .map(HomeView::figuresEntry).toList(), NO_FIGURES, PACKED_BLOCKS));
    return View.builder().type("home").blocks(blocks).build();
  }

  /**
   * The answer to a click on the Home tab, as a small modal: a Home tab has no channel to answer
   * in, and a modal opens right where the person clicked.
   */
  public static View answer(String mrkdwn) {
    String text = Mrkdwn.clipEscaped(mrkdwn, Mrkdwn.SECTION_TEXT_LIMIT);
    return View.builder().type("modal")
        .title(viewTitle(t -> t.type("plain_text").text(TITLE))).close(viewClose(c -> c.type("plain_text").text("OK")))
        .blocks(List.of(section(s -> s.text(markdownText(text))))).build();
  }

  /** What an Unlock button carries: the service and environment, as JSON so no name can break it. */
  public static String unlockValue(String service, String environment) {
    return new JsonObject().put("service", service).put("environment", environment).encode();
  }

  /** The service and environment an Unlock button names, or empty when its value is not one of ours. */
  public static Optional<Map.Entry<String, String>> readUnlockValue(String value) {
    if (value == null || value.isBlank() || value.length() > ActionIds.MAX_VALUE_LENGTH) {
      return Optional.empty();
    }
    try {
      JsonObject json = new JsonObject(value);
      String service = json.getValue("service") instanceof String s ? s : null;
      String environment = json.getValue("environment") instanceof String e ? e : null;
      return service == null || environment == null || service.isBlank() || environment.isBlank()
          ? Optional.empty() : Optional.of(Map.entry(service, environment));
    } catch (DecodeException | ClassCastException e) {
      return Optional.empty();
    }
  }

  static LayoutBlock waitingItem(PendingSignOff pending, Map<String, String> links) {
    TrackedRun tracked = pending.run();
    ChecklistRun run = tracked.run();
    String first = what(tracked, "✍️");
    String second = "Sign off as *" + Mrkdwn.inline(pending.role(), NAME_LIMIT) + "* · started by "
        + Mrkdwn.user(run.startedBy()) + (run.startedAt() == null ? "" : " " + Mrkdwn.date(run.startedAt()));
    return item(first + "\n" + second + where(tracked, links), openRun(tracked, links));
  }

  static LayoutBlock activeItem(TrackedRun tracked, Map<String, String> links, Instant now) {
    ChecklistRun run = tracked.run();
    Deployment d = tracked.deployment();
    boolean launched = d != null && d.launchedAt() != null;
    Instant since = launched ? d.launchedAt() : run.startedAt();
    String second = state(run) + " · " + (launched ? "launched" : "started") + " by "
        + Mrkdwn.user(launched ? d.launchedBy() : run.startedBy())
        + (since == null ? "" : " " + Spans.format(Duration.between(since, now)) + " ago");
    return item(what(tracked, OverviewMessage.emoji(run.status())) + "\n" + second + where(tracked, links),
        openRun(tracked, links));
  }

  static LayoutBlock lockItem(EnvLock lock, boolean mayUnlock, Instant now) {
    String cause = LockText.cause(lock, REASON_LIMIT);
    String first = "🔒 " + place(lock.service(), lock.environment());
    String second = "Locked by " + Mrkdwn.user(lock.by())
        + (lock.at() == null ? "" : " " + Spans.format(Duration.between(lock.at(), now)) + " ago")
        + (cause.isBlank() ? "" : ": " + cause);
    return item(first + "\n" + second, mayUnlock ? Optional.of(unlockButton(lock)) : Optional.empty());
  }

  static String figuresEntry(EnvironmentFigures f) {
    String rate = f.changeFailureRate().isEmpty() ? "no finished deploys"
        : Math.round(f.changeFailureRate().getAsDouble() * 100) + "% failed (" + f.failed() + " of " + f.finished()
            + ")";
    String unrestored = f.unrestored() == 0 ? ""
        : " · ⚠️ " + f.unrestored() + (f.unrestored() == 1 ? " failure" : " failures") + " not restored yet";
    return place(f.service(), f.environment()) + ": " + f.deploys() + (f.deploys() == 1 ? " deploy" : " deploys")
        + " · " + rate
        + "\n      lead time " + f.leadTime().map(Spans::format).orElse("—")
        + " · time to restore " + f.timeToRestore().map(Spans::format).orElse("—")
        + unrestored;
  }

  private static String what(TrackedRun tracked, String emoji) {
    Deployment d = tracked.deployment();
    return d == null
        ? "📋 *" + Mrkdwn.inline(ChecklistPart.title(tracked.run()), NAME_LIMIT) + "*"
        : emoji + " *" + Mrkdwn.inline(d.service(), NAME_LIMIT) + "* `" + Mrkdwn.inline(d.version(), NAME_LIMIT)
            + "` → *" + Mrkdwn.inline(d.environment(), NAME_LIMIT) + "*";
  }

  private static String state(ChecklistRun run) {
    String name = run.status().name().toLowerCase().replace('_', ' ');
    return Character.toUpperCase(name.charAt(0)) + name.substring(1);
  }

  /** Without a link to the message, at least the channel it is in. */
  private static String where(TrackedRun tracked, Map<String, String> links) {
    return links.containsKey(tracked.id()) || tracked.channelId() == null ? ""
        : " · in <#" + Mrkdwn.escape(tracked.channelId()) + ">";
  }

  private static String place(String service, String environment) {
    return "*" + Mrkdwn.inline(service, NAME_LIMIT) + "* in *" + Mrkdwn.inline(environment, NAME_LIMIT) + "*";
  }

  private static Optional<BlockElement> openRun(TrackedRun tracked, Map<String, String> links) {
    String link = links.get(tracked.id());
    return link == null ? Optional.empty()
        : Optional.of(button(b -> b.actionId(ActionIds.HOME_OPEN_RUN).text(plainText(OPEN_RUN)).url(link)
            .value(tracked.id())));
  }

  private static BlockElement unlockButton(EnvLock lock) {
    String where = Mrkdwn.plain(lock.service(), NAME_LIMIT) + " in " + Mrkdwn.plain(lock.environment(), NAME_LIMIT);
    return button(b -> b.actionId(ActionIds.HOME_UNLOCK).text(plainText(UNLOCK))
        .value(unlockValue(lock.service(), lock.environment()))
        .confirm(confirmationDialog(c -> c
            .title(plainText(Mrkdwn.plain("Unlock " + where + "?", CONFIRM_TITLE_LIMIT)))
            .text(plainText(Mrkdwn.plain("Deploys can launch in " + where + " again. Make sure the reason for the "
                + "lock is settled first.", CONFIRM_TEXT_LIMIT)))
            .confirm(plainText(UNLOCK))
            .deny(plainText("Keep it locked")))));
  }

  private static LayoutBlock item(String mrkdwn, Optional<BlockElement> action) {
    String text = Mrkdwn.clipEscaped(mrkdwn, Mrkdwn.SECTION_TEXT_LIMIT);
    return section(s -> {
      s.text(markdownText(text));
      action.ifPresent(s::accessory);
      return s;
    });
  }

  /** A titled list of items, one block each, at most {@code cap}; what does not fit is counted. */
  private static List<LayoutBlock> items(String title, List<LayoutBlock> items, String empty, int cap) {
    List<LayoutBlock> out = new ArrayList<>();
    if (items.isEmpty()) {
      out.add(section(s -> s.text(markdownText("*" + title + "*\n_" + empty + "_"))));
      return out;
    }
    out.add(section(s -> s.text(markdownText("*" + title + "*"))));
    out.addAll(items.subList(0, Math.min(cap, items.size())));
    if (items.size() > cap) {
      out.add(context(List.of(markdownText("_…and " + (items.size() - cap) + " more not shown here._"))));
    }
    return out;
  }
}
