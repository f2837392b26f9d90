package dev.preflight.handlers;

import com.slack.api.bolt.App;
import com.slack.api.Slack;
import dev.preflight.checklists.config.PreflightConfig;
import dev.preflight.deploy.run.ChecklistRuns;
import dev.preflight.deploy.alert.AlertDeliveries;
import dev.preflight.deploy.api.ReleaseHistory;
import dev.preflight.deploy.run.DeployRuns;
import dev.preflight.deploy.stats.DeployStats;
import dev.preflight.deploy.watch.Watches;
import dev.preflight.handlers.action.DeploySubmission;
import dev.preflight.handlers.alert.AlertActions;
import dev.preflight.handlers.alert.AlertPoster;
import dev.preflight.handlers.action.ItemActions;
import dev.preflight.handlers.action.RunActions;
import dev.preflight.handlers.action.WaiveSubmission;
import dev.preflight.handlers.command.ChecklistCommand;
import dev.preflight.handlers.command.DeployCommand;
import dev.preflight.handlers.command.DeployOpener;
import dev.preflight.handlers.command.DeployReplies;
import dev.preflight.handlers.command.DeploysCommand;
import dev.preflight.handlers.command.LockCommand;
import dev.preflight.handlers.command.RollbackCommand;
import dev.preflight.deploy.home.HomeVisitors;
import dev.preflight.handlers.home.HomeActions;
import dev.preflight.handlers.home.HomeFacts;
import dev.preflight.handlers.home.HomeOpened;
import dev.preflight.handlers.home.HomeRefresher;
import dev.preflight.handlers.home.HomeTab;
import dev.preflight.deploy.run.RunPublications;
import dev.preflight.handlers.publish.Reconciler;
import dev.preflight.handlers.publish.RunPublisher;
import dev.preflight.handlers.reaction.SignOffReaction;
import dev.preflight.handlers.slack.BotTokenCheck;
import dev.preflight.handlers.slack.Coalescer;
import dev.preflight.handlers.slack.LoopCommand;
import dev.preflight.handlers.slack.SlackApi;
import dev.preflight.handlers.slack.SlackEndpoint;
import dev.preflight.handlers.watch.WatchAlerts;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The one place where Slack listeners are registered, and the publisher that keeps run
 * messages current is started.
 */
public final class SlackSurface {

  /** How long stopping waits for the last edits of run messages before it gives up on them. */
  public static final Duration FLUSH_TIMEOUT = Duration.ofSeconds(10);

  private final App app;
  private final Map<String, LoopCommand> loopCommands;
  private final AlertPoster alerts;
  private final RunPublisher publisher;
  private final Reconciler reconciler;
  private final BotTokenCheck botToken;
  private final Roles roles;

  private SlackSurface(App app, Map<String, LoopCommand> loopCommands, AlertPoster alerts, RunPublisher publisher,
      Reconciler reconciler, BotTokenCheck botToken, Roles roles) {
    this.app = app;
    this.loopCommands = loopCommands;
    this.alerts = alerts;
    this.publisher = publisher;
    this.reconciler = reconciler;
    this.botToken = botToken;
    this.roles = roles;
  }

  /** The services the Slack surface works through. */
  public record Services(ChecklistRuns runs, DeployRuns deploys, DeployStats stats, Watches watches,
      AlertDeliveries alerts, ReleaseHistory releases, RunPublications publications, HomeVisitors visitors) {}

  /**
   * @param client the Slack client both Bolt and {@code slack} use, pointed at SLACK_API_URL
   */
  public static SlackSurface build(PreflightConfig config, Services services, SlackApi slack, Slack client,
      String botToken, Context loop) {
    ChecklistRuns runs = services.runs();
    DeployRuns deploys = services.deploys();
    // Requests are verified by SlackSignature before Bolt sees them, so Bolt's own check is off.
    App app = new App(SlackEndpoint.boltConfig(botToken, client));
    Clock clock = Clock.systemUTC();
    Replies replies = new Replies(slack);
    DeployReplies deployReplies = new DeployReplies(replies, slack);
    Roles roles = new Roles(config, slack, clock).refreshEvery(loop.owner(), Roles.REFRESH_EVERY);

    ChecklistCommand checklist = new ChecklistCommand(config, runs, replies, loop);
    app.command(ChecklistCommand.COMMAND, checklist);
    new ItemActions(runs, roles, slack, replies, loop).register(app);
    app.viewSubmission(ActionIds.WAIVE_MODAL, new WaiveSubmission(runs, roles, replies, loop));
    new SignOffReaction(config.signOffReaction(), runs, roles, replies, loop,
        services.publications()::postingIn).register(app);

    DeployOpener opener = new DeployOpener(config, deploys, roles, deployReplies, loop);
    app.command(DeployCommand.COMMAND, new DeployCommand(config, opener, slack, replies, loop));
    app.viewSubmission(ActionIds.DEPLOY_MODAL, new DeploySubmission(config, opener));
    app.command(RollbackCommand.COMMAND, new RollbackCommand(config, deploys, roles, deployReplies, loop));
    LockCommand lock = new LockCommand(config, deploys, roles, replies, loop);
    app.command(LockCommand.LOCK, lock);
    app.command(LockCommand.UNLOCK, lock);
    DeploysCommand overview = new DeploysCommand(config, services.stats()::history, deploys, replies, clock,
        loop);
    app.command(DeploysCommand.COMMAND, overview);
    app.command(DeploysCommand.STATUS, overview);
    // Over HTTP these are answered on the event loop, in their ack; Bolt serves them over Socket Mode.
    Map<String, LoopCommand> loopCommands = Map.of(ChecklistCommand.COMMAND, checklist,
        DeploysCommand.COMMAND, overview, DeploysCommand.STATUS, overview);
    new RunActions(deploys, roles, deployReplies, loop).register(app);
    home(config, services, roles, slack, clock, loop, app);

    AlertPoster alerts = new AlertPoster(config, services.alerts(), services.releases(), slack);
    new AlertActions(deploys, roles, deployReplies, slack, loop, alerts).register(app);
    // An alert a rollback was started from shows how that rollback ended.
    alerts.follow(runs);
    WatchAlerts watchAlerts = WatchAlerts.create(config, slack, roles, deploys, services.watches(), loop);
    watchAlerts.register(app);
    watchAlerts.start();

    RunPublisher publisher = new RunPublisher(runs, deploys, services.watches(), services.publications(), slack,
        new Coalescer(loop), config.signOffReaction()).start();
    // The run's message shows its watch's latest round, passing or failing, not only the alert channel.
    services.watches().onRound(round -> runs.find(round.runId()).onSuccess(publisher::changed));
    // Alerts a rollback was started from converge on its stored outcome, as run messages do.
    Reconciler reconciler = new Reconciler(loop.owner(), publisher, Reconciler.DEFAULT_EVERY)
        .with(alerts::reconcile).start();
    BotTokenCheck tokenCheck = new BotTokenCheck(slack).start(loop.owner(), BotTokenCheck.EVERY);
    return new SlackSurface(app, loopCommands, alerts, publisher, reconciler, tokenCheck, roles);
  }

  /** The Home tab: published on opening, then kept current for its visitors as runs and locks change. */
  private static HomeRefresher home(PreflightConfig config, Services services, Roles roles, SlackApi slack,
      Clock clock, Context loop, App app) {
    HomeFacts facts = HomeFacts.of(services.deploys(), services.stats(), services.visitors());
    HomeRefresher home = new HomeRefresher(config, facts, roles, new HomeTab(config, facts, roles, slack, clock), loop,
        HomeRefresher.DEFAULT_GAP);
    services.runs().onChange(home::runChanged);
    services.deploys().onLockChange(home::lockChanged);
    new HomeOpened(facts, home, clock, loop).register(app);
    new HomeActions(services.deploys(), roles, slack, home, loop).register(app);
    return home;
  }

  /**
   * Stops republishing and publishes the edits still pending, within {@link #FLUSH_TIMEOUT};
   * called while stopping, before the database pool closes. A message left behind is brought up
   * to date by whichever replica reconciles next.
   */
  public Future<Void> flush() {
    reconciler.close();
    botToken.stop();
    roles.stop();
    return publisher.stop().timeout(FLUSH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Whether Slack accepted the bot token at its last {@code auth.test}; readiness reads it. */
  public BotTokenCheck botToken() {
    return botToken;
  }

  public App app() {
    return app;
  }

  /**
   * The slash commands {@code /slack/events} answers on its event loop, by name, for
   * {@link SlackEndpoint#serving(io.vertx.core.Vertx, App, Map, dev.preflight.handlers.slack.SlackSignature,
   * dev.preflight.handlers.slack.SlackEventLog, io.micrometer.core.instrument.MeterRegistry)}.
   */
  public Map<String, LoopCommand> loopCommands() {
    return loopCommands;
  }

  /** Who holds which role, kept current from Slack; for listeners registered outside this class. */
  public Roles roles() {
    return roles;
  }

  /** Posts alerts from monitoring into their channels; the alert webhooks hand them over. */
  public AlertPoster alerts() {
    return alerts;
  }
}
