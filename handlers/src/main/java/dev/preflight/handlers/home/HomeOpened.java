package dev.preflight.handlers.home;

import com.slack.api.bolt.App;
import com.slack.api.model.event.AppHomeOpenedEvent;
import com.slack.api.model.view.View;
import dev.preflight.deploy.run.Overview;
import dev.preflight.deploy.stats.EnvironmentFigures;
import dev.preflight.deploy.stats.PendingSignOff;
import dev.preflight.handlers.Roles;
import dev.preflight.handlers.SlackIds;
import dev.preflight.handlers.render.HomeView;
import dev.preflight.handlers.slack.SlackApi;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opening the bot's Home tab publishes a fresh one for that person. Slack sends the event each
 * time the tab is shown, so there is no schedule to keep: the tab is as current as its last
 * opening. Opening the Messages tab changes nothing.
 */
public final class HomeOpened {

  private static final Logger LOG = LoggerFactory.getLogger(HomeOpened.class);
  private static final String HOME_TAB = "home";

  private final HomeFacts facts;
  private final Roles roles;
  private final SlackApi slack;
  private final Clock clock;
  private final Context loop;

  public HomeOpened(HomeFacts facts, Roles roles, SlackApi slack, Clock clock, Context loop) {
    this.facts = facts;
    this.roles = roles;
    this.slack = slack;
    this.clock = clock;
    this.loop = loop;
  }

  public void register(App app) {
    app.event(AppHomeOpenedEvent.class, (payload, ctx) -> {
      AppHomeOpenedEvent event = payload.getEvent();
      String user = event == null ? null : event.getUser();
      if (event != null && HOME_TAB.equals(event.getTab()) && SlackIds.isId(user)) {
        loop.runOnContext(v -> publish(user)
            .onFailure(e -> LOG.warn("Could not publish the Home tab of {}: {}", user, e.getMessage())));
      }
      return ctx.ack();
    });
  }

  /** Builds the person's Home tab from the current facts and publishes it. */
  public Future<Void> publish(String userId) {
    Future<Overview> overview = facts.overview();
    Future<List<EnvironmentFigures>> figures = facts.figures();
    Future<List<PendingSignOff>> waiting = roles.of(userId).compose(held -> facts.pendingSignOffs(held, userId));
    return Future.all(overview, waiting, figures)
        .map(all -> HomeView.render(overview.result(), waiting.result(), figures.result(), clock.instant()))
        .compose(view -> publishHome(userId, view));
  }

  private Future<Void> publishHome(String userId, View view) {
    return slack.call("views.publish", m -> m.viewsPublish(r -> r.userId(userId).view(view))).mapEmpty();
  }
}
