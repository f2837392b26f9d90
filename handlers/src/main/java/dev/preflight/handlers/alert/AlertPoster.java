package dev.preflight.handlers.alert;

import dev.preflight.checklists.alert.AlertRoute;
import dev.preflight.checklists.config.PreflightConfig;
import dev.preflight.checklists.config.Service;
import dev.preflight.checklists.deploy.Release;
import dev.preflight.deploy.alert.Alert;
import dev.preflight.deploy.alert.AlertRecord;
import dev.preflight.deploy.alert.AlertRouter;
import dev.preflight.deploy.alert.AlertDeliveries;
import dev.preflight.deploy.api.ReleaseHistory;
import dev.preflight.handlers.render.MessageContent;
import dev.preflight.handlers.slack.SlackApi;
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
  private final Map<String, Future<?>> queues = new ConcurrentHashMap<>();

  public AlertPoster(PreflightConfig config, AlertDeliveries store, ReleaseHistory releases, SlackApi slack) {
    this.config = config;
    this.router = new AlertRouter(config.alertRoutes());
    this.store = store;
    this.releases = releases;
    this.slack = slack;
  }

  /** Delivers each alert of one webhook call; fails when Slack or the database could not be reached. */
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
      return Future.succeededFuture(unrouted(alert, "the route names " + route.get().service() + "/"
          + route.get().environment() + ", which is not in the config"));
    }
    String channelName = route.get().channel() != null ? route.get().channel() : env.alertChannelOrDefault();
    Optional<String> channel = config.channelId(channelName);
    if (channel.isEmpty()) {
      return Future.succeededFuture(unrouted(alert, "no channel is configured for alerts of " + service.name() + "/"
          + env.name()));
    }
    return store.record(alert, service.name(), env.name(), channel.get())
        .compose(recorded -> switch (recorded.action()) {
          case POST -> serially(alert, () -> post(alert, recorded, env));
          case UPDATE -> serially(alert, () -> update(alert, env).map(Delivery.Outcome.UPDATED));
          case PENDING -> Future.succeededFuture(Delivery.Outcome.PENDING);
          case NONE -> Future.succeededFuture(Delivery.Outcome.IGNORED);
        })
        .map(outcome -> new Delivery(alert.groupKey(), outcome, channel.get(), null));
  }

  private Future<Delivery.Outcome> post(Alert alert, AlertDeliveries.Recorded recorded, Service.Environment env) {
    AlertRecord first = recorded.alert();
    return render(first, alert, env)
        .compose(content -> slack.postMessage(first.channel(), content.text(), content.blocks()))
        .recover(e -> store.unclaim(first.source(), first.groupKey(), recorded.claim())
            .transform(v -> Future.failedFuture(e)))
        .compose(ts -> store.posted(first.source(), first.groupKey(), recorded.claim(), ts))
        .compose(now -> now.isPresent() && changedSince(first, now.get())
            ? edit(now.get(), alert, env)
            : Future.succeededFuture())
        .map(Delivery.Outcome.POSTED);
  }

  private static boolean changedSince(AlertRecord shown, AlertRecord now) {
    return now.count() != shown.count() || now.status() != shown.status();
  }

  private Future<Void> update(Alert alert, Service.Environment env) {
    return store.find(alert.source(), alert.groupKey())
        .compose(now -> now.filter(AlertRecord::posted).map(row -> edit(row, alert, env))
            .orElseGet(Future::succeededFuture));
  }

  private Future<Void> edit(AlertRecord row, Alert alert, Service.Environment env) {
    return render(row, alert, env).compose(content -> slack.update(row.channel(), row.messageTs(), content.text(),
        content.blocks()));
  }

  private Future<MessageContent> render(AlertRecord row, Alert alert, Service.Environment env) {
    return releases.releases(row.service(), row.environment(), 1)
        .map(releases -> releases.stream().findFirst())
        // An alert still goes out when the release history cannot be read.
        .otherwise(e -> {
          LOG.warn("Could not read the last release of {}/{}: {}", row.service(), row.environment(), e.getMessage());
          return Optional.<Release>empty();
        })
        .map(last -> AlertMessage.render(row, alert, last, env.deployable()));
  }

  /** Runs Slack work for one alert after the work already queued for it, on this replica. */
  private <T> Future<T> serially(Alert alert, Supplier<Future<T>> work) {
    String key = alert.source() + "\u0000" + alert.groupKey();
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
