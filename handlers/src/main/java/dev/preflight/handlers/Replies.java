package dev.preflight.handlers;

import dev.preflight.checklists.run.RunRuleException;
import dev.preflight.deploy.run.ChangeHeldException;
import dev.preflight.deploy.run.DatabaseUnavailableException;
import dev.preflight.deploy.run.PendingWrites;
import dev.preflight.deploy.run.RunRepository;
import dev.preflight.handlers.render.Mrkdwn;
import dev.preflight.handlers.render.RefusalText;
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
    return explain(channelId, userId, failure, "change");
  }

  /**
   * As {@link #explain(String, String, Throwable)}, and during a database outage says what became
   * of the person's {@code what} ("tick", "sign-off"): kept for later, or not saved. A kept change
   * that is later refused or dropped is explained then.
   */
  public Future<Void> explain(String channelId, String userId, Throwable failure, String what) {
    if (failure instanceof ChangeHeldException held) {
      held.applied().onFailure(later -> explainLater(channelId, userId, later, what));
      return tell(channelId, userId, "The database is unreachable right now; your " + what
          + " is saved and will be applied when it returns.");
    }
    if (failure instanceof DatabaseUnavailableException || PendingWrites.unreachable(failure)) {
      LOG.warn("Could not save a {} for {}: {}", what, userId, failure.getMessage());
      return tell(channelId, userId, "The database is unreachable right now, so your " + what
          + " could not be saved. Please try again in a minute.");
    }
    return explainNow(channelId, userId, failure);
  }

  private Future<Void> explainLater(String channelId, String userId, Throwable failure, String what) {
    if (failure instanceof RunRuleException) {
      return tell(channelId, userId, "Your " + what + " from while the database was unreachable could not be "
          + "applied: " + said(failure));
    }
    if (failure instanceof DatabaseUnavailableException) {
      return tell(channelId, userId, "Your " + what + " from while the database was unreachable was not saved: "
          + failure.getMessage() + " Please do it again.");
    }
    return explainNow(channelId, userId, failure);
  }

  /** What a refused person is told: a rule's refusal in words, or the exception's own sentence. */
  private static String said(Throwable failure) {
    return failure instanceof RunRuleException refused ? RefusalText.mrkdwn(refused.refusal()) : failure.getMessage();
  }

  private Future<Void> explainNow(String channelId, String userId, Throwable failure) {
    if (failure instanceof RunRuleException || failure instanceof RunRepository.NoSuchRunException) {
      return tell(channelId, userId, said(failure));
    }
    LOG.error("A Slack action failed for {}", userId, failure);
    return tell(channelId, userId, "Something went wrong on my side, and nothing was changed. It has been logged.");
  }
}
