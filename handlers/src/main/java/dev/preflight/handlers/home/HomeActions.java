package dev.preflight.handlers.home;

import com.slack.api.bolt.App;
import dev.preflight.checklists.run.RunRuleException;
import dev.preflight.deploy.run.DeployRuns;
import dev.preflight.deploy.run.Origin;
import dev.preflight.handlers.ActionIds;
import dev.preflight.handlers.Click;
import dev.preflight.handlers.Replies;
import dev.preflight.handlers.Roles;
import dev.preflight.handlers.render.HomeView;
import dev.preflight.handlers.render.Mrkdwn;
import dev.preflight.handlers.render.RefusalText;
import dev.preflight.handlers.slack.SlackApi;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The buttons of the Home tab. "Open the run" is a link Slack follows itself; its click is only
 * acknowledged. "Unlock" (behind its confirm dialog) unlocks through {@link DeployRuns#unlock},
 * which refuses anyone who is not a deployer of the environment; the tab is then republished. A
 * click on the Home tab has no channel to answer in, so a refusal opens as a small modal.
 */
public final class HomeActions {

  private static final Logger LOG = LoggerFactory.getLogger(HomeActions.class);

  private final DeployRuns deploys;
  private final Roles roles;
  private final SlackApi slack;
  private final HomeRefresher refresher;
  private final Context loop;

  public HomeActions(DeployRuns deploys, Roles roles, SlackApi slack, HomeRefresher refresher, Context loop) {
    this.deploys = deploys;
    this.roles = roles;
    this.slack = slack;
    this.refresher = refresher;
    this.loop = loop;
  }

  public void register(App app) {
    app.blockAction(ActionIds.HOME_OPEN_RUN, (req, ctx) -> ctx.ack());
    app.blockAction(ActionIds.HOME_UNLOCK, (req, ctx) -> {
      String trigger = req.getPayload().getTriggerId();
      Click.of(req.getPayload()).ifPresent(click -> loop.runOnContext(v -> unlock(click, trigger)));
      return ctx.ack();
    });
  }

  private void unlock(Click click, String trigger) {
    Optional<Map.Entry<String, String>> named = HomeView.readUnlockValue(click.value());
    if (named.isEmpty()) {
      tell(click.user(), trigger, Replies.NOT_MINE);
      return;
    }
    String service = named.get().getKey();
    String environment = named.get().getValue();
    roles.of(click.user())
        .compose(held -> deploys.unlock(service, environment, held, new Origin(click.user(),
            "button:" + ActionIds.HOME_UNLOCK)))
        .onSuccess(was -> {
          refresher.refresh(click.user());
          if (was.isEmpty()) {
            tell(click.user(), trigger, notLocked(service, environment));
          }
        })
        .onFailure(e -> {
          if (e instanceof RunRuleException refused) {
            tell(click.user(), trigger, RefusalText.locking(refused.refusal(), true));
          } else {
            LOG.error("Unlocking {} in {} from the Home tab failed for {}", service, environment, click.user(), e);
            tell(click.user(), trigger, "Something went wrong on my side, and nothing was unlocked. It has been logged.");
          }
        });
  }

  static String notLocked(String service, String environment) {
    return "*" + Mrkdwn.inline(service, 150) + "* in *" + Mrkdwn.inline(environment, 150)
        + "* was not locked any more; nothing changed.";
  }

  /**
   * Answers in a modal over the Home tab while the click's trigger is fresh (Slack gives three
   * seconds), else in a direct message.
   */
  private void tell(String user, String trigger, String text) {
    Future<String> modal = trigger == null ? Future.failedFuture("no trigger")
        : slack.openView(trigger, HomeView.answer(text));
    modal
        .recover(expired -> slack.postMessage(user, text, null))
        .onFailure(e -> LOG.warn("Could not answer {} about their Home tab click: {}", user, e.getMessage()));
  }
}
