package dev.preflight.handlers.home;

import com.slack.api.model.view.View;
import dev.preflight.checklists.config.PreflightConfig;
import dev.preflight.checklists.config.Service;
import dev.preflight.checklists.deploy.DeployRules;
import dev.preflight.checklists.deploy.EnvLock;
import dev.preflight.deploy.run.Overview;
import dev.preflight.deploy.run.TrackedRun;
import dev.preflight.deploy.stats.EnvironmentFigures;
import dev.preflight.deploy.stats.PendingSignOff;
import dev.preflight.handlers.Roles;
import dev.preflight.handlers.render.HomeView;
import dev.preflight.handlers.slack.SlackApi;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * Builds one person's Home tab from the current facts and publishes it with {@code views.publish}.
 * Runs are linked by their message's permalink, asked of Slack once per message and remembered.
 */
public final class HomeTab {

  /** More permalinks than a busy workspace has open runs; past it the cache starts over. */
  private static final int LINKS_KEPT = 2000;
  /** No more links are looked up for one tab than it can show. */
  private static final int LINKS_PER_TAB = 50;

  private final PreflightConfig config;
  private final HomeFacts facts;
  private final Roles roles;
  private final SlackApi slack;
  private final Clock clock;
  private final Map<String, String> permalinks = new ConcurrentHashMap<>();

  public HomeTab(PreflightConfig config, HomeFacts facts, Roles roles, SlackApi slack, Clock clock) {
    this.config = config;
    this.facts = facts;
    this.roles = roles;
    this.slack = slack;
    this.clock = clock;
  }

  /** Builds {@code userId}'s tab from the facts as they are now and publishes it. */
  public Future<Void> publish(String userId) {
    return roles.of(userId).compose(held -> {
      Future<Overview> overview = facts.overview();
      Future<List<EnvironmentFigures>> figures = facts.figures();
      Future<List<PendingSignOff>> waiting = facts.pendingSignOffs(held, userId);
      return Future.all(overview, waiting, figures)
          .compose(all -> links(waiting.result(), overview.result()).map(links -> HomeView.render(
              new HomeView.Facts(overview.result(), waiting.result(), figures.result(), links, mayUnlock(held)),
              clock.instant())))
          .compose(view -> publishHome(userId, view));
    });
  }

  /** A lock may be taken off by the deployers of its environment, as {@code /unlock} allows. */
  private Predicate<EnvLock> mayUnlock(Set<String> held) {
    return lock -> {
      Service service = config.services().get(lock.service());
      return service != null && service.environment(lock.environment())
          .map(env -> DeployRules.deployerRefusal(env, lock.service(), held).isEmpty())
          .orElse(false);
    };
  }

  private Future<Map<String, String>> links(List<PendingSignOff> waiting, Overview overview) {
    Map<String, TrackedRun> posted = new LinkedHashMap<>();
    waiting.forEach(pending -> posted.putIfAbsent(pending.run().id(), pending.run()));
    overview.active().forEach(run -> posted.putIfAbsent(run.id(), run));
    posted.values().removeIf(run -> !run.posted() || run.channelId() == null);
    List<TrackedRun> runs = new ArrayList<>(posted.values()).subList(0, Math.min(posted.size(), LINKS_PER_TAB));
    Map<String, String> links = new HashMap<>();
    List<Future<?>> lookups = new ArrayList<>();
    for (TrackedRun run : runs) {
      lookups.add(permalink(run.channelId(), run.messageTs()).onSuccess(link -> {
        if (link != null) {
          synchronized (links) {
            links.put(run.id(), link);
          }
        }
      }));
    }
    // A message Slack cannot link to is shown without the link; its channel is named instead.
    return Future.join(lookups).otherwiseEmpty().map(v -> Map.copyOf(links));
  }

  private Future<String> permalink(String channel, String ts) {
    String key = channel + "/" + ts;
    String known = permalinks.get(key);
    if (known != null) {
      return Future.succeededFuture(known);
    }
    return slack.permalink(channel, ts).onSuccess(link -> {
      if (permalinks.size() >= LINKS_KEPT) {
        permalinks.clear();
      }
      if (link != null) {
        permalinks.put(key, link);
      }
    });
  }

  private Future<Void> publishHome(String userId, View view) {
    return slack.call("views.publish", m -> m.viewsPublish(r -> r.userId(userId).view(view))).mapEmpty();
  }
}
