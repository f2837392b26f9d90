package dev.preflight.handlers.command;

import dev.preflight.deploy.run.ActiveRunException;
import dev.preflight.deploy.run.TrackedRun;
import dev.preflight.handlers.Replies;
import dev.preflight.handlers.render.RefusalText;
import dev.preflight.handlers.slack.SlackApi;
import io.vertx.core.Future;

/**
 * Private answers to deploy requests refused after the acknowledgement. A request that collides
 * with a run already under way is answered with a way to get to that run, since that is where
 * the person needs to go next.
 */
public final class DeployReplies {

  private final Replies replies;
  private final SlackApi slack;

  public DeployReplies(Replies replies, SlackApi slack) {
    this.replies = replies;
    this.slack = slack;
  }

  public Future<Void> tell(String channelId, String userId, String text) {
    return replies.tell(channelId, userId, text);
  }

  public Future<Void> tell(Replies.To to, String text) {
    return replies.tell(to, text);
  }

  public Future<Void> explain(String channelId, String userId, Throwable failure) {
    return explain(new Replies.To(channelId, userId, null), failure);
  }

  public Future<Void> explain(Replies.To to, Throwable failure) {
    if (failure instanceof ActiveRunException active) {
      return activeRun(active).compose(text -> replies.tell(to, text));
    }
    return replies.explain(to, failure);
  }

  /**
   * The refusal, followed by a link to the active run's message, or its channel while it has no
   * link; never the run's id, which means nothing to a reader.
   */
  Future<String> activeRun(ActiveRunException refusal) {
    TrackedRun active = refusal.active();
    String said = RefusalText.mrkdwn(refusal.refusal());
    if (active == null) {
      return Future.succeededFuture(said);
    }
    if (!active.posted()) {
      return Future.succeededFuture(said + " Its message in <#" + active.channelId() + "> is on its way.");
    }
    return slack.permalink(active.channelId(), active.messageTs())
        .map(link -> said + " <" + link + "|Open the active run>.")
        // Without a link the channel still tells them where to look.
        .otherwise(e -> said + " It is in <#" + active.channelId() + ">.");
  }
}
