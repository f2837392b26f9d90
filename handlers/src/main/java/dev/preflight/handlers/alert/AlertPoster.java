package dev.preflight.handlers.alert;

import dev.preflight.checklists.alert.AlertRoute;
import dev.preflight.checklists.config.PreflightConfig;
import dev.preflight.checklists.config.Service;
import dev.preflight.checklists.deploy.Release;
import dev.preflight.deploy.alert.Alert;
import dev.preflight.deploy.alert.AlertRecord;
import dev.preflight.deploy.alert.AlertRollback;
import dev.preflight.checklists.deploy.Deployment;
import dev.preflight.checklists.run.RunStatus;
import dev.preflight.deploy.run.ChecklistRuns;
import dev.preflight.deploy.run.TrackedRun;
import java.time.Clock;
import java.time.Instant;
import dev.preflight.deploy.alert.AlertRouter;
import dev.preflight.deploy.alert.AlertDeliveries;
import dev.preflight.deploy.api.ReleaseHistory;
import dev.preflight.handlers.render.MessageContent;
import dev.preflight.handlers.slack.SlackApi;
import dev.preflight.handlers.slack.SlackCallException;
import io.vertx.core.Future;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes parsed alerts to Slack: routes each to a service, environment and channel, records the
 * delivery (which says whether to post, edit, or leave it to a post in flight), and shows it
 * next to the environment's last release.
 *
 * <p>Slack work for one alert runs one step after another on this replica, and every edit is
 * rendered from the row as it stands just before it, so the last edit shows the latest count
 * even when repeats arrive together. Across replicas, the first poster re-reads the row once its
 * message exists and edits it if repeats came in meanwhile.
 */
public final class AlertPoster {

  private static final Logger LOG = LoggerFactory.getLogger(AlertPoster.class);

  private final PreflightConfig config;
  private final AlertRouter router;
  private final AlertDeliveries store;
  private final ReleaseHistory releases;
  private final SlackApi slack;
  private final Clock clock;
  private ChecklistRuns runs;
  private final Map<String, Future<?>> queues = new ConcurrentHashMap<>();

  public AlertPoster(PreflightConfig config, AlertDeliveries store, ReleaseHistory releases, SlackApi slack) {
    this(config, store, releases, slack, Clock.systemUTC());
  }

  public AlertPoster(PreflightConfig config, AlertDeliveries store, ReleaseHistory releases, SlackApi slack,
      Clock clock) {
    this.clock = clock;
    this.config = config;
    this.router = new AlertRouter(config.alertRoutes());
    this.store = store;
    this.releases = releases;
    this.slack = slack;
  }

  /**
   * Follows the runs' changes, so an alert a rollback was started from shows how it ended.
   * Without it, alerts show a rollback's start only.
   */
  public AlertPoster follow(ChecklistRuns runs) {
    this.runs = runs;
    runs.onChange(this::runChanged);
    return this;
  }

  /**
   * Records a rollback started from the alert message at {@code channel}/{@code messageTs} and
   * shows it there in place of the button. A rollback quick enough to have ended before this was
   * recorded is shown ended at once.
   */
  public Future<Void> rollbackStarted(String channel, String messageTs, AlertRollback rollback) {
    return store.rollbackStarted(channel, messageTs, rollback)
        .compose(alert -> alert.map(this::redraw).orElseGet(Future::succeededFuture))
        .onSuccess(v -> {
          if (runs != null) {
            runs.find(rollback.runId()).onSuccess(this::runChanged);
          }
        });
  }

  /**
   * Delivers each alert of one webhook call; fails when Slack or the database could not be
   * reached. An alert whose channel Slack refuses is {@link Delivery.Outcome#REFUSED}, not a failure.
   */
  public Future<List<Delivery>> deliver(List<Alert> alerts) {
    List<Future<Delivery>> each = alerts.stream().map(this::deliver).toList();
    return Future.all(each).map(all -> each.stream().map(Future::result).toList());
  }

  public Future<Delivery> deliver(Alert alert) {
    Optional<AlertRoute> route = router.route(alert);
    if (route.isEmpty()) {
      return Future.succeededFuture(unrouted(alert, "no route matches this alert"));
    }
    Service service = config.services().get(route.get().service());
    Service.Environment env = service == null ? null : service.environments().get(route.get().environment());
    if (env == null) {
      // A generic alert routes itself by the service and environment it names.
      String who = config.alertRoutes().contains(route.get()) ? "the route names " : "the alert names ";
      return Future.succeededFuture(unrouted(alert, who + route.get().service() + "/"
          + route.get().environment() + ", which is not in the config"));
    }
    String channelName = route.get().channel() != null ? route.get().channel() : config.alertChannel(env).orElse(null);
    Optional<String> channel = config.channelId(channelName);
    if (channel.isEmpty()) {
      return Future.succeededFuture(unrouted(alert, "no channel is configured for alerts of " + service.name() + "/"
          + env.name()));
    }
    return store.record(alert, service.name(), env.name(), channel.get())
        .compose(recorded -> switch (recorded.action()) {
          case POST -> serially(alert, () -> post(recorded, env));
          case UPDATE -> serially(alert, () -> update(alert, env).map(Delivery.Outcome.UPDATED));
          case PENDING -> Future.succeededFuture(Delivery.Outcome.PENDING);
          case NONE -> Future.succeededFuture(Delivery.Outcome.IGNORED);
        })
        .map(outcome -> new Delivery(alert.groupKey(), outcome, channel.get(), null))
        .recover(e -> refused(alert, service.name() + "/" + env.name(), channelName, channel.get(), e));
  }

  /**
   * A channel Slack will not take the alert in, whatever the sender does, is the sender's answer
   * with the reason; any other failure stays a failure, which the sender retries.
   */
  private static Future<Delivery> refused(Alert alert, String where, String channelName, String channel,
      Throwable e) {
    if (!(e instanceof SlackCallException call) || !call.channelRefused()) {
      return Future.failedFuture(e);
    }
    LOG.warn("Slack refused channel {} ({}) for alert {} from {} about {}: {}", channelName, channel,
        alert.groupKey(), alert.source(), where, call.error());
    String fix = switch (call.error()) {
      case "not_in_channel" -> "invite the bot to it";
      case "is_archived", "channel_is_archived" -> "unarchive it or point the alerts at another channel";
      default -> "fix its id under channels, or the route's channel";
    };
    return Future.succeededFuture(new Delivery(alert.groupKey(), Delivery.Outcome.REFUSED, channel,
        "Slack refused channel " + channelName + " (" + channel + "): " + call.error() + "; " + fix));
  }

  private Future<Delivery.Outcome> post(AlertDeliveries.Recorded recorded, Service.Environment env) {
    AlertRecord first = recorded.alert();
    return render(first, env)
        .compose(content -> slack.postMessage(first.channel(), content.text(), content.blocks()))
        .recover(e -> store.unclaim(first.source(), first.groupKey(), recorded.claim())
            .transform(v -> Future.failedFuture(e)))
        .compose(ts -> store.posted(first.source(), first.groupKey(), recorded.claim(), ts))
        .compose(now -> now.isPresent() && changedSince(first, now.get())
            ? edit(now.get(), env)
            : Future.succeededFuture())
        .map(Delivery.Outcome.POSTED);
  }

  private static boolean changedSince(AlertRecord shown, AlertRecord now) {
    return now.count() != shown.count() || now.status() != shown.status();
  }

  private Future<Void> update(Alert alert, Service.Environment env) {
    return store.find(alert.source(), alert.groupKey())
        .compose(now -> now.filter(AlertRecord::posted).map(row -> edit(row, env))
            .orElseGet(Future::succeededFuture));
  }

  /** Edits the message to show {@code row}, and records which rollback outcome it now shows, if any. */
  private Future<Void> edit(AlertRecord row, Service.Environment env) {
    return render(row, env)
        .compose(content -> slack.update(row.channel(), row.messageTs(), content.text(), content.blocks()))
        .compose(v -> row.rollback() == null ? Future.succeededFuture()
            : store.rollbackShown(row.source(), row.groupKey(), row.rollback().outcome()));
  }

  /**
   * Draws an alert's message again from its row as stored (after a rollback was started from it
   * or ended), in line with the edits repeats make.
   */
  public Future<Void> redraw(AlertRecord row) {
    Optional<Service.Environment> env = Optional.ofNullable(config.services().get(row.service()))
        .flatMap(service -> service.environment(row.environment()));
    if (!row.posted() || env.isEmpty()) {
      return Future.succeededFuture();
    }
    return serially(row.source(), row.groupKey(), () -> store.find(row.source(), row.groupKey())
        .compose(now -> now.filter(AlertRecord::posted).map(latest -> edit(latest, env.get()))
            .orElseGet(Future::succeededFuture)));
  }

  /**
   * Shows how a run's rollback ended on the alerts it was started from; any other change of a
   * run is none of the alerts' business.
   */
  public void runChanged(TrackedRun tracked) {
    rollbackEnded(tracked).onFailure(e -> LOG.warn("Could not show the end of run {}'s rollback on its alerts: {}",
        tracked.id(), e.getMessage()));
  }

  /**
   * Brings alert messages that fell behind their rows to what is stored: a rollback whose end
   * the run-change listener never recorded (the replica died before it), or a start or end that
   * was stored but whose edit was lost. Answers how many alerts it looked at.
   */
  public Future<Integer> reconcile(int limit) {
    return store.rollbacksBehind(limit)
        .compose(behind -> Future.join(behind.stream().map(this::converge).toList()).map(behind.size())
            .recover(e -> Future.succeededFuture(behind.size())));
  }

  private Future<Void> converge(AlertRecord alert) {
    Future<Boolean> ended = runs == null || alert.rollback().outcome() != AlertRollback.Outcome.RUNNING
        ? Future.succeededFuture(false)
        : runs.find(alert.rollback().runId())
            .compose(run -> ended(run) ? rollbackEnded(run).map(true) : Future.succeededFuture(false));
    // A rollback that ended is drawn by rollbackEnded; anything else is drawn as stored.
    return ended.compose(drawn -> drawn ? Future.<Void>succeededFuture() : redraw(alert))
        .onFailure(e -> LOG.warn("Could not bring the alert {} from {} up to its rollback: {}", alert.groupKey(),
            alert.source(), e.getMessage()));
  }

  /** Stores how the run's rollback ended on its alerts and draws them again; nothing while it has not ended. */
  private Future<Void> rollbackEnded(TrackedRun tracked) {
    if (!ended(tracked)) {
      return Future.succeededFuture();
    }
    RunStatus status = tracked.run().status();
    Deployment d = tracked.deployment();
    Instant ended = d == null || d.finishedAt() == null ? clock.instant() : d.finishedAt();
    AlertRollback.Outcome outcome = status == RunStatus.ROLLED_BACK ? AlertRollback.Outcome.ROLLED_BACK
        : AlertRollback.Outcome.FAILED;
    String why = outcome == AlertRollback.Outcome.FAILED && d != null ? d.failure() : null;
    return restored(tracked)
        .compose(version -> store.rollbackEnded(tracked.id(), outcome, version, why, ended))
        .compose(alerts -> Future.all(alerts.stream().map(this::redraw).toList()))
        .mapEmpty();
  }

  private static boolean ended(TrackedRun tracked) {
    return tracked.run().status() == RunStatus.ROLLED_BACK || tracked.run().status() == RunStatus.ROLLBACK_FAILED;
  }

  /** The version the run's rollback restored, as its rollback release records it, when it made one. */
  private Future<String> restored(TrackedRun tracked) {
    Deployment d = tracked.deployment();
    if (tracked.run().status() != RunStatus.ROLLED_BACK || d == null) {
      return Future.succeededFuture(null);
    }
    return releases.releases(d.service(), d.environment(), 1)
        .map(newest -> newest.stream()
            .filter(r -> Release.ROLLBACK.equals(r.kind()) && tracked.id().equals(r.runId()))
            .map(Release::version)
            .findFirst().orElse(null))
        .otherwise((String) null);
  }

  private Future<MessageContent> render(AlertRecord row, Service.Environment env) {
    return releases.releases(row.service(), row.environment(), 2)
        // An alert still goes out when the release history cannot be read.
        .otherwise(e -> {
          LOG.warn("Could not read the last release of {}/{}: {}", row.service(), row.environment(), e.getMessage());
          return List.<Release>of();
        })
        .map(last -> AlertMessage.render(row, last, env.deployable()));
  }

  /** Runs Slack work for one alert after the work already queued for it, on this replica. */
  private <T> Future<T> serially(Alert alert, Supplier<Future<T>> work) {
    return serially(alert.source(), alert.groupKey(), work);
  }

  private <T> Future<T> serially(String source, String groupKey, Supplier<Future<T>> work) {
    String key = source + "\u0000" + groupKey;
    AtomicReference<Future<T>> mine = new AtomicReference<>();
    queues.compute(key, (k, tail) -> {
      Future<?> before = tail == null ? Future.succeededFuture() : tail;
      mine.set(before.transform(ignored -> work.get()));
      return mine.get();
    });
    mine.get().onComplete(done -> queues.remove(key, mine.get()));
    return mine.get();
  }

  private static Delivery unrouted(Alert alert, String why) {
    LOG.info("Alert {} from {} went nowhere: {}", alert.groupKey(), alert.source(), why);
    return new Delivery(alert.groupKey(), Delivery.Outcome.UNROUTED, null, why);
  }
}
