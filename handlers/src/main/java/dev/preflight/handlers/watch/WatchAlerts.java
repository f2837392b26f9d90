package dev.preflight.handlers.watch;

import static com.slack.api.model.block.Blocks.actions;
import static com.slack.api.model.block.Blocks.context;
import static com.slack.api.model.block.Blocks.section;
import static com.slack.api.model.block.composition.BlockCompositions.confirmationDialog;
import static com.slack.api.model.block.composition.BlockCompositions.markdownText;
import static com.slack.api.model.block.composition.BlockCompositions.plainText;
import static com.slack.api.model.block.element.BlockElements.button;

import com.slack.api.bolt.App;
import com.slack.api.model.block.LayoutBlock;
import com.slack.api.model.block.element.ButtonElement;
import dev.preflight.checklists.time.Spans;
import dev.preflight.checklists.config.PreflightConfig;
import dev.preflight.checklists.config.Service;
import dev.preflight.checklists.deploy.Deployment;
import dev.preflight.checklists.deploy.VerifyResult;
import dev.preflight.deploy.run.DeployRuns;
import dev.preflight.deploy.run.Origin;
import dev.preflight.deploy.run.TrackedRun;
import dev.preflight.deploy.watch.WatchFailure;
import dev.preflight.deploy.watch.WatchEvents;
import dev.preflight.deploy.watch.WatchRecovery;
import dev.preflight.deploy.watch.WatchState;
import dev.preflight.deploy.watch.Watches;
import dev.preflight.handlers.Click;
import dev.preflight.handlers.Replies;
import dev.preflight.handlers.Roles;
import dev.preflight.handlers.action.RollbackAction;
import dev.preflight.handlers.command.DeployReplies;
import dev.preflight.handlers.render.Mrkdwn;
import dev.preflight.handlers.render.RunButtons;
import dev.preflight.handlers.slack.SlackApi;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Raises a hand when a watched deploy stops passing: an alert in the environment's alert
 * channel saying what failed, with a link to the run's message and a red Rollback button, and a
 * note in the run's thread so whoever looks at the deploy sees it too. One alert per failing
 * streak: the rounds that keep failing after it add nothing, and the first round that passes
 * again answers in the alert's thread (and the run's) that it recovered.
 *
 * <p>The button carries the run id and rolls back that run through the one {@link RollbackAction},
 * under the same rules as the run message's own Rollback (deployer roles, a stale button refused
 * when a newer deploy launched since), so an old alert can never roll back a deploy it was not
 * about.
 */
public final class WatchAlerts {

  /** The alert's Rollback button; kept here rather than in ActionIds, as only this class answers it. */
  public static final String WATCH_ROLLBACK = "watch_rollback";
  public static final String WATCH_ACTIONS_BLOCK = "watch_actions";

  static final String NOT_MINE = Replies.NOT_MINE;

  private static final Logger LOG = LoggerFactory.getLogger(WatchAlerts.class);
  private static final int FAILURES_SHOWN = 10;
  private static final int SUMMARY_LIMIT = 300;

  private final PreflightConfig config;
  private final SlackApi slack;
  private final Roles roles;
  private final Replies replies;
  private final Rollback rollback;
  private final WatchEvents feed;
  private static final int POST_ATTEMPTS = 5;
  private static final java.time.Duration RETRY_AFTER = java.time.Duration.ofSeconds(30);

  private final Context loop;

  /** Rolls back one run; {@link DeployRuns#rollback} in production. */
  @FunctionalInterface
  interface Rollback {
    Future<TrackedRun> apply(String runId, Set<String> actorRoles, Origin origin);
  }

  WatchAlerts(PreflightConfig config, SlackApi slack, Roles roles, Rollback rollback, WatchEvents feed, Context loop) {
    this.config = config;
    this.slack = slack;
    this.roles = roles;
    this.replies = new Replies(slack);
    this.rollback = rollback;
    this.feed = feed;
    this.loop = loop;
  }

  public static WatchAlerts create(PreflightConfig config, SlackApi slack, Roles roles, DeployRuns deploys,
      Watches watches, Context loop) {
    return new WatchAlerts(config, slack, roles, deploys::rollback, watches, loop);
  }

  /** Answers the alert's Rollback button. */
  public void register(App app) {
    new RollbackAction((target, held, origin) -> rollback.apply(target.runId(), held, origin), roles,
        new DeployReplies(replies, slack), loop).register(app, new RollbackAction.Surface(WATCH_ROLLBACK,
            RollbackAction::runValue, this::started));
  }

  /** Starts posting the watches' failures and recoveries. */
  public void start() {
    feed.onFailure(failure -> patiently("alert", failure.run().id(), () -> post(failure), 1));
    feed.onRecovery(recovery -> patiently("recovery", recovery.run().id(), () -> resolve(recovery), 1));
  }

  /**
   * The watch tells each streak's start and end once, so a post Slack refused (an outage, a rate
   * limit outlasting the client's retries) is tried again a few times rather than lost.
   */
  private void patiently(String what, String runId, Supplier<Future<?>> post, int attempt) {
    post.get().onFailure(e -> {
      if (attempt >= POST_ATTEMPTS) {
        LOG.error("Could not post the watch {} of run {} after {} attempts", what, runId, attempt, e);
        return;
      }
      LOG.warn("Could not post the watch {} of run {} ({}); trying again", what, runId, e.getMessage());
      loop.owner().setTimer(RETRY_AFTER.toMillis() * attempt, id -> patiently(what, runId, post, attempt + 1));
    });
  }

  /** Posts the alert, keeps its place for the recovery, then notes it in the run's thread; answers its {@code ts}. */
  Future<String> post(WatchFailure failure) {
    TrackedRun run = failure.run();
    Deployment d = run.deployment();
    String channel = alertChannel(d).orElse(run.channelId());
    Future<String> link = run.posted()
        ? slack.permalink(run.channelId(), run.messageTs()).otherwise((String) null)
        : Future.succeededFuture(null);
    return link.compose(permalink -> slack.postMessage(channel, headline(d), blocks(failure, permalink)))
        .onSuccess(ts -> {
          feed.alertPosted(run.id(), channel, ts)
              .onFailure(e -> LOG.warn("Could not keep the place of run {}'s watch alert; its recovery will be posted "
                  + "on its own: {}", run.id(), e.getMessage()));
          note(failure, channel);
        });
  }

  /**
   * Says the streak is over: in the alert's thread when the alert's place is known, on its own
   * in the alert channel otherwise; and in the run's thread.
   */
  Future<String> resolve(WatchRecovery recovery) {
    TrackedRun run = recovery.run();
    Deployment d = run.deployment();
    WatchState watch = recovery.watch();
    String rounds = recovery.failedInARow() + (recovery.failedInARow() == 1 ? " failing round" : " failing rounds");
    String text = "✅ Recovered: the watch of " + Mrkdwn.escape(d.service()) + " " + Mrkdwn.escape(d.version())
        + " in " + Mrkdwn.escape(d.environment()) + " passes again since " + Mrkdwn.date(watch.lastAt()) + ", after "
        + rounds + ".";
    Future<String> posted = watch.alertTs() != null && watch.alertChannel() != null
        ? slack.postReply(watch.alertChannel(), watch.alertTs(), text)
        : slack.postMessage(alertChannel(d).orElse(run.channelId()), recoveredHeadline(d),
            List.of(section(s -> s.text(markdownText(Mrkdwn.clipEscaped(text, Mrkdwn.SECTION_TEXT_LIMIT))))));
    return posted.onSuccess(ts -> {
      if (run.posted()) {
        slack.postReply(run.channelId(), run.messageTs(), "✅ Post-deploy watch passes again since "
                + Mrkdwn.date(watch.lastAt()) + ", after " + rounds + ".")
            .onFailure(e -> LOG.warn("Could not mark run {} with its watch recovery: {}", run.id(), e.getMessage()));
      }
    });
  }

  private Optional<String> alertChannel(Deployment d) {
    return Optional.ofNullable(config.services().get(d.service()))
        .flatMap(svc -> svc.environment(d.environment()))
        .map(Service.Environment::alertChannelOrDefault)
        .flatMap(config::channelId);
  }

  /** The run's message is marked through its thread: its own content stays the deploy's story. */
  private void note(WatchFailure failure, String alertChannel) {
    TrackedRun run = failure.run();
    if (!run.posted()) {
      return;
    }
    String text = "⚠️ Post-deploy watch failed at " + Mrkdwn.date(failure.at()) + ":\n" + failures(failure)
        + "\nAlert posted in <#" + alertChannel + ">.";
    slack.postReply(run.channelId(), run.messageTs(), text)
        .onFailure(e -> LOG.warn("Could not mark run {} with its watch failure: {}", run.id(), e.getMessage()));
  }

  static String headline(Deployment d) {
    return "Watch of " + d.service() + " " + d.version() + " in " + d.environment() + " failed";
  }

  static String recoveredHeadline(Deployment d) {
    return "Watch of " + d.service() + " " + d.version() + " in " + d.environment() + " recovered";
  }

  private static List<LayoutBlock> blocks(WatchFailure failure, String permalink) {
    Deployment d = failure.run().deployment();
    List<LayoutBlock> blocks = new ArrayList<>();
    String title = ":rotating_light: *Watch of " + Mrkdwn.escape(d.service()) + " " + Mrkdwn.escape(d.version())
        + " in " + Mrkdwn.escape(d.environment()) + " failed*";
    blocks.add(section(s -> s.text(markdownText(Mrkdwn.clipEscaped(title + "\n" + failures(failure),
        Mrkdwn.SECTION_TEXT_LIMIT)))));
    String where = "Seen " + Mrkdwn.date(failure.at())
        + (permalink == null ? "" : " · <" + permalink + "|the deploy's message>")
        + (d.launchedBy() == null ? "" : " · shipped by " + Mrkdwn.user(d.launchedBy()))
        + (d.launchedAt() == null ? "" : " · " + Mrkdwn.escape(d.version()) + " shipped "
            + Spans.between(d.launchedAt(), failure.at(), "") + " before this failed");
    blocks.add(context(c -> c.elements(List.of(markdownText(where)))));
    blocks.add(actions(a -> a.blockId(WATCH_ACTIONS_BLOCK).elements(List.of(rollbackButton(failure.run().id(), d)))));
    return blocks;
  }

  private static String failures(WatchFailure failure) {
    List<VerifyResult> failed = failure.failed();
    String shown = failed.stream().limit(FAILURES_SHOWN)
        .map(r -> "• " + Mrkdwn.inline(r.title(), 100) + ": " + Mrkdwn.inline(r.evidence().summary(), SUMMARY_LIMIT))
        .collect(Collectors.joining("\n"));
    return failed.size() > FAILURES_SHOWN ? shown + "\n… and " + (failed.size() - FAILURES_SHOWN) + " more" : shown;
  }

  /** The run's Rollback, plain on the alert: the red is kept for its confirm dialog. */
  private static com.slack.api.model.block.element.BlockElement rollbackButton(String runId, Deployment d) {
    String target = d.previous() == null || d.previous().version() == null
        ? "the release before " + d.version() : d.previous().version();
    com.slack.api.model.block.element.BlockElement button = RunButtons.rollback(WATCH_ROLLBACK, runId, d, target);
    if (button instanceof ButtonElement plain) {
      plain.setStyle(null);
    }
    return button;
  }

  /** Notes under the alert that the rollback started; the deploy's message follows the rest. */
  private void started(Click click, TrackedRun run) {
    slack.postReply(click.channel(), click.messageTs(), "Rollback of " + run.deployment().version()
        + " started by " + Mrkdwn.user(click.user()) + "; the deploy's message follows it.")
        .onFailure(e -> LOG.warn("Could not note the rollback under the alert: {}", e.getMessage()));
  }
}
