package dev.preflight.handlers;

import com.slack.api.model.block.LayoutBlock;
import dev.preflight.checklists.run.RunRuleException;
import dev.preflight.deploy.api.NoSuchRunException;
import dev.preflight.deploy.run.ChangeHeldException;
import dev.preflight.deploy.run.DatabaseUnavailableException;
import dev.preflight.deploy.run.PendingWrites;
import dev.preflight.handlers.render.Mrkdwn;
import dev.preflight.handlers.render.RefusalText;
import dev.preflight.handlers.slack.SlackApi;
import dev.preflight.handlers.slack.SummarisedLog;
import io.vertx.core.Future;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Private answers to one person, for refusals and failures that happen after the ack. An answer
 * goes through the command's or click's {@code response_url} when there is one (it reaches the
 * person in direct messages and in channels the bot has not joined). Without one it is an
 * ephemeral message only where the bot is known to be a member (the channel of a message it
 * posted: it has no {@code chat:write.public}, so it posts only where it was invited), and a
 * direct message from the bot otherwise. When the first way fails (the URL expired after 30
 * minutes or five uses, the bot was removed from the channel) the answer comes as a direct
 * message instead, so the person always reads it.
 */
public final class Replies {

  private static final Logger LOG = LoggerFactory.getLogger(Replies.class);
  /**
   * A flood of clicks while the database is out or saturated leaves thousands of unsaved changes a
   * second: their lines are summarised per failure.
   */
  private static final SummarisedLog UNSAVED = new SummarisedLog(LOG, System::nanoTime,
      "changes not saved for the same reason");

  /** The answer to a click on a button that names nothing this bot knows any more. */
  public static final String NOT_MINE = "That button is not one of mine any more; nothing was changed.";

  /**
   * The answer to a run id that cannot name a run (not a UUID): given without asking the
   * database, with the id quoted short and clean.
   */
  public static String noSuchRun(String runId) {
    return "There is no run `" + Mrkdwn.echo(runId) + "`; nothing was changed.";
  }

  /** The answer to a run id that is well formed but names no run: the id itself means nothing to a reader. */
  public static final String RUN_GONE = "I cannot find that run any more; nothing was changed.";

  /**
   * Who is answered and how to reach them.
   *
   * @param channel where they asked (the person's own id when Slack named no channel)
   * @param responseUrl the request's {@code response_url}, or null when it had none (a reaction,
   *     a click in a modal or on the Home tab)
   * @param botInChannel whether an ephemeral message may be tried in {@code channel} when there is
   *     no {@code response_url}: true only where the bot is known to be a member
   */
  public record To(String channel, String user, String responseUrl, boolean botInChannel) {

    /** A command's asker: its {@code response_url}, else an ephemeral in the channel it was typed in. */
    public To(String channel, String user, String responseUrl) {
      this(channel, user, responseUrl, true);
    }

    /**
     * The person who clicked, through the click's {@code response_url}; a click without one (in a
     * modal, on the Home tab) is answered by direct message, never by an ephemeral first.
     */
    public static To of(Click click) {
      return new To(click.channel(), click.user(), click.responseUrl(), false);
    }

    /** Someone in a channel the bot posted in (a run's message is there), who gave no {@code response_url}. */
    public static To inBotChannel(String channel, String user) {
      return new To(channel, user, null, true);
    }

    /** Someone to answer by direct message only. */
    public static To direct(String user) {
      return new To(user, user, null, false);
    }
  }

  private final SlackApi slack;

  public Replies(SlackApi slack) {
    this.slack = slack;
  }

  public Future<Void> tell(String channelId, String userId, String text) {
    return tell(new To(channelId, userId, null), text);
  }

  /** Tells {@code to.user()} privately; completes once the answer landed somewhere, or was logged as lost. */
  public Future<Void> tell(To to, String text) {
    return tell(to, text, List.of());
  }

  /**
   * As {@link #tell(To, String)}, showing {@code blocks} (a message such as {@code /deploys}' overview);
   * {@code text} is what notifications show.
   */
  public Future<Void> tell(To to, String text, List<LayoutBlock> blocks) {
    Future<Void> inPlace;
    if (to.responseUrl() != null && !to.responseUrl().isBlank()) {
      inPlace = slack.responseUrls().ephemeral(to.responseUrl(), text, blocks);
    } else if (to.botInChannel() && to.channel() != null && !to.channel().equals(to.user())) {
      inPlace = slack.postEphemeral(to.channel(), to.user(), text, blocks);
    } else {
      return direct(to, text, blocks);
    }
    return inPlace
        .recover(e -> {
          LOG.info("Could not answer {} in {} ({}); sending a direct message", to.user(), to.channel(),
              e.getMessage());
          return slack.directMessage(to.user(), text, blocks).mapEmpty();
        })
        .onFailure(e -> LOG.warn("Could not answer {} privately in {}: {}", to.user(), to.channel(), e.getMessage()))
        .<Void>mapEmpty()
        .otherwiseEmpty();
  }

  private Future<Void> direct(To to, String text, List<LayoutBlock> blocks) {
    return slack.directMessage(to.user(), text, blocks)
        .onFailure(e -> LOG.warn("Could not answer {} privately in {}: {}", to.user(), to.channel(), e.getMessage()))
        .<Void>mapEmpty()
        .otherwiseEmpty();
  }

  /** Rule refusals are told as they are; anything else is logged and told in general terms. */
  public Future<Void> explain(String channelId, String userId, Throwable failure) {
    return explain(new To(channelId, userId, null), failure, "change");
  }

  public Future<Void> explain(To to, Throwable failure) {
    return explain(to, failure, "change");
  }

  /**
   * As {@link #explain(String, String, Throwable)}, and during a database outage says what became
   * of the person's {@code what} ("tick", "sign-off"): kept for later, or not saved. A kept change
   * that is later refused or dropped is explained then.
   */
  public Future<Void> explain(String channelId, String userId, Throwable failure, String what) {
    return explain(new To(channelId, userId, null), failure, what);
  }

  /** As {@link #explain(String, String, Throwable, String)}, through the request's {@code response_url} if any. */
  public Future<Void> explain(To to, Throwable failure, String what) {
    String userId = to.user();
    if (failure instanceof ChangeHeldException held) {
      held.applied().onFailure(later -> explainLater(to, later, what));
      return tell(to, "The database is unreachable right now; your " + what
          + " is saved and will be applied when it returns.");
    }
    if (failure instanceof DatabaseUnavailableException || PendingWrites.unreachable(failure)) {
      String why = String.valueOf(failure.getMessage());
      UNSAVED.warn(why, "Could not save a {} for {}: {}", what, userId, why);
      return tell(to, (PendingWrites.timedOut(failure)
          ? "The database did not answer in time (it is busy or unreachable), so your "
          : "The database is unreachable right now, so your ") + what
          + " could not be saved. Please try again in a minute.");
    }
    return explainNow(to, failure);
  }

  private Future<Void> explainLater(To to, Throwable failure, String what) {
    if (failure instanceof RunRuleException) {
      return tell(to, "Your " + what + " from while the database was unreachable could not be "
          + "applied: " + said(failure));
    }
    if (failure instanceof DatabaseUnavailableException) {
      return tell(to, "Your " + what + " from while the database was unreachable was not saved: "
          + failure.getMessage() + " Please do it again.");
    }
    return explainNow(to, failure);
  }

  /** What a refused person is told: a rule's refusal in words, or the exception's own sentence. */
  private static String said(Throwable failure) {
    if (failure instanceof NoSuchRunException) {
      return RUN_GONE;
    }
    return failure instanceof RunRuleException refused ? RefusalText.mrkdwn(refused.refusal()) : failure.getMessage();
  }

  private Future<Void> explainNow(To to, Throwable failure) {
    if (failure instanceof RunRuleException || failure instanceof NoSuchRunException) {
      return tell(to, said(failure));
    }
    LOG.error("A Slack action failed for {}", to.user(), failure);
    return tell(to, "Something went wrong on my side, and nothing was changed. It has been logged.");
  }
}
