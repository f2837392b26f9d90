package dev.preflight.handlers.home;

import com.slack.api.bolt.App;
import com.slack.api.model.event.AppHomeOpenedEvent;
import dev.preflight.handlers.SlackIds;
import io.vertx.core.Context;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opening the bot's Home tab publishes a fresh one for that person, and from then on
 * {@link HomeRefresher} keeps it current: the opening is remembered, so changes that concern them
 * republish it. Opening the Messages tab changes nothing.
 */
public final class HomeOpened {

  private static final Logger LOG = LoggerFactory.getLogger(HomeOpened.class);
  private static final String HOME_TAB = "home";

  private final HomeFacts facts;
  private final HomeRefresher refresher;
  private final Clock clock;
  private final Context loop;

  public HomeOpened(HomeFacts facts, HomeRefresher refresher, Clock clock, Context loop) {
    this.facts = facts;
    this.refresher = refresher;
    this.clock = clock;
    this.loop = loop;
  }

  public void register(App app) {
    app.event(AppHomeOpenedEvent.class, (payload, ctx) -> {
      AppHomeOpenedEvent event = payload.getEvent();
      String user = event == null ? null : event.getUser();
      if (event != null && HOME_TAB.equals(event.getTab()) && SlackIds.isId(user)) {
        loop.runOnContext(v -> {
          facts.opened(user, clock.instant())
              .onFailure(e -> LOG.warn("Could not remember that {} opened the Home tab: {}", user, e.getMessage()));
          refresher.refresh(user);
        });
      }
      return ctx.ack();
    });
  }
}
