package dev.preflight.handlers.alert;

import com.slack.api.bolt.App;
import dev.preflight.deploy.run.DeployRuns;
import dev.preflight.deploy.alert.AlertRollback;
import dev.preflight.handlers.action.RollbackAction;
import dev.preflight.deploy.run.TrackedRun;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Instant;
import dev.preflight.handlers.Roles;
import dev.preflight.handlers.SlackIds;
import dev.preflight.handlers.Replies;
import dev.preflight.handlers.command.DeployReplies;
import dev.preflight.handlers.slack.SlackApi;
import io.vertx.core.Context;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Rollback button on an alert, one surface of {@link RollbackAction}. It names a service and
 * environment (and the run it was posted beside, when there was one), because an
 * alert is about what runs there now: a click rolls back the newest deploy exactly as
 * {@code /rollback} does, under the same rules (a deployer role, something to go back to, nothing
 * else in flight). Refusals are told to the person privately; a rollback that starts replaces the
 * button on the alert's message with who started it, back to which version, and a link to the
 * run, so a second responder sees it is in hand instead of a button to click.
 */
public final class AlertActions {

  /** The action id of an alert's Rollback button; its value is {@code service/environment}, each URL-encoded. */
  public static final String ROLLBACK = "alert_rollback";
  /** The block holding it. */
  public static final String ACTIONS_BLOCK = "alert_actions";

  static final String NOT_MINE = Replies.NOT_MINE;

  private static final Logger LOG = LoggerFactory.getLogger(AlertActions.class);

  private final DeployRuns deploys;
  private final Roles roles;
  private final DeployReplies replies;
  private final SlackApi slack;
  private final Context loop;
  private final AlertPoster alerts;
  private final Clock clock;

  public AlertActions(DeployRuns deploys, Roles roles, DeployReplies replies, SlackApi slack, Context loop,
      AlertPoster alerts) {
    this(deploys, roles, replies, slack, loop, alerts, Clock.systemUTC());
  }

  AlertActions(DeployRuns deploys, Roles roles, DeployReplies replies, SlackApi slack, Context loop,
      AlertPoster alerts, Clock clock) {
    this.alerts = alerts;
    this.clock = clock;
    this.deploys = deploys;
    this.roles = roles;
    this.replies = replies;
    this.slack = slack;
    this.loop = loop;
  }

  public void register(App app) {
    new RollbackAction(RollbackAction.through(deploys), roles, replies, loop).register(app,
        new RollbackAction.Surface(ROLLBACK, AlertActions::rollbackTarget,
            (click, run) -> showStarted(run, click.user(), click.channel(), click.messageTs())));
  }

  /** The button's value for a service and environment. */
  public static String value(String service, String environment) {
    return encode(service) + "/" + encode(environment);
  }

  /**
   * The button's value when the alert was posted beside a release of a known run: the click then
   * rolls back that run only, so a fix shipped since is never undone by an old alert.
   */
  public static String value(String service, String environment, String runId) {
    return runId == null ? value(service, environment) : value(service, environment) + "/" + encode(runId);
  }

  /** The service, the environment and the run (or null) a button's value names, if it is one of ours. */
  static Optional<String[]> target(String value) {
    if (value == null) {
      return Optional.empty();
    }
    String[] parts = value.split("/", -1);
    if (parts.length < 2 || parts.length > 3 || java.util.Arrays.stream(parts).anyMatch(String::isEmpty)) {
      return Optional.empty();
    }
    try {
      return Optional.of(new String[] {URLDecoder.decode(parts[0], StandardCharsets.UTF_8),
          URLDecoder.decode(parts[1], StandardCharsets.UTF_8),
          parts.length == 3 ? URLDecoder.decode(parts[2], StandardCharsets.UTF_8) : null});
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /**
   * What an alert's button asks for: the service and environment it names, or the run it was
   * posted beside when there was one.
   */
  static RollbackAction.Target rollbackTarget(String value) {
    Optional<String[]> target = target(value);
    if (target.isEmpty() || !SlackIds.isConfigName(target.get()[0]) || !SlackIds.isConfigName(target.get()[1])) {
      return RollbackAction.Target.unreadable(NOT_MINE);
    }
    String runId = target.get()[2];
    if (runId == null) {
      return RollbackAction.Target.latest(target.get()[0], target.get()[1]);
    }
    return SlackIds.isRunId(runId) ? RollbackAction.Target.run(runId)
        : RollbackAction.Target.unreadable(Replies.noSuchRun(runId));
  }

  /** Records the rollback with the alert and draws its message again without the button. */
  private void showStarted(TrackedRun run, String user, String channel, String messageTs) {
    Instant started = clock.instant();
    String toVersion = run.deployment() == null || run.deployment().previous() == null ? null
        : run.deployment().previous().version();
    Future<String> link = run.posted()
        ? slack.permalink(run.channelId(), run.messageTs()).otherwise((String) null)
        : Future.succeededFuture(null);
    link.compose(permalink -> alerts.rollbackStarted(channel, messageTs,
            new AlertRollback(run.id(), user, toVersion, permalink, started, AlertRollback.Outcome.RUNNING, null, null)))
        .onFailure(e -> LOG.warn("Could not show run {}'s rollback on its alert: {}", run.id(), e.getMessage()));
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }
}
