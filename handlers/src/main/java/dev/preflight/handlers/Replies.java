package dev.preflight.handlers;

import dev.preflight.checklists.run.RunRuleException;
import dev.preflight.deploy.run.RunRepository;
import dev.preflight.handlers.render.Mrkdwn;
import dev.preflight.handlers.slack.SlackApi;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Private answers to one person, for refusals and failures that happen after the ack. */
public final class Replies {

  private static final Logger LOG = LoggerFactory.getLogger(Replies.class);

  /** The answer to a click on a button that names nothing this bot knows any more. */
  public static final String NOT_MINE = "That button is not one of mine any more; nothing was changed.";

  /**
   * The answer to a run id that cannot name a run (not a UUID): given without asking the
   * database, with the id quoted short and clean.
   */
  public static String noSuchRun(String runId) {
    return "There is no run `" + Mrkdwn.echo(runId) + "`; nothing was changed.";
  }

  private final SlackApi slack;

  public Replies(SlackApi slack) {
    this.slack = slack;
  }

  public Future<Void> tell(String channelId, String userId, String text) {
    return slack.postEphemeral(channelId, userId, text)
        .onFailure(e -> LOG.warn("Could not answer {} privately in {}: {}", userId, channelId, e.getMessage()))
        .<Void>mapEmpty()
        .otherwiseEmpty();
  }

  /** Rule refusals are told as they are; anything else is logged and told in general terms. */
  public Future<Void> explain(String channelId, String userId, Throwable failure) {
    if (failure instanceof RunRuleException || failure instanceof RunRepository.NoSuchRunException) {
      return tell(channelId, userId, failure.getMessage());
    }
    LOG.error("A Slack action failed for {}", userId, failure);
    return tell(channelId, userId, "Something went wrong on my side, and nothing was changed. It has been logged.");
  }
}
