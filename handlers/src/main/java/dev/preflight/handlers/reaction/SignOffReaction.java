package dev.preflight.handlers.reaction;

import com.slack.api.bolt.App;
import com.slack.api.model.event.ReactionAddedEvent;
import com.slack.api.model.event.ReactionRemovedEvent;
import dev.preflight.checklists.run.SignOffDecision;
import dev.preflight.deploy.run.ChecklistRuns;
import dev.preflight.deploy.run.Origin;
import dev.preflight.handlers.Replies;
import dev.preflight.handlers.Roles;
import dev.preflight.handlers.SlackIds;
import dev.preflight.handlers.render.RefusalText;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;

/**
 * The sign-off reaction on a run's message: added, it signs off for the person's first role
 * still needed; removed, it withdraws that sign-off. Reactions elsewhere, or other emoji,
 * are ignored. A refusal is explained privately and records nothing.
 *
 * <p>A reaction can come before the bot has stored where it posted the run's message (Slack
 * shows the message as soon as it is posted). While a run of the channel is still being posted,
 * an unknown message is looked up again a few times, for up to {@link #MATCH_FOR}, so the
 * reaction counts once its message is known instead of being dropped.
 */
public final class SignOffReaction {

  private final String reaction;
  private final ChecklistRuns runs;
  private final Roles roles;
  private final Replies replies;
  private final Context loop;
  private final Function<String, Future<Boolean>> postingIn;

  /** How long a reaction waits for the message it was made on to become known. */
  public static final Duration MATCH_FOR = Duration.ofMinutes(2);
  private static final long FIRST_RETRY_MILLIS = 500;

  /**
   * @param postingIn whether a run of the channel is being posted and does not know its message
   *     yet (RunPublications#postingIn)
   */
  public SignOffReaction(String reaction, ChecklistRuns runs, Roles roles, Replies replies, Context loop,
      Function<String, Future<Boolean>> postingIn) {
    this.reaction = reaction;
    this.runs = runs;
    this.roles = roles;
    this.replies = replies;
    this.loop = loop;
    this.postingIn = postingIn;
  }

  public void register(App app) {
    app.event(ReactionAddedEvent.class, (payload, ctx) -> {
      ReactionAddedEvent event = payload.getEvent();
      if (event != null && event.getItem() != null && counts(event.getReaction(), event.getItem().getType(),
          event.getItem().getChannel(), event.getItem().getTs(), event.getUser())) {
        String channel = event.getItem().getChannel();
        loop.runOnContext(v -> added(channel, event.getItem().getTs(), event.getUser()));
      }
      return ctx.ack();
    });
    app.event(ReactionRemovedEvent.class, (payload, ctx) -> {
      ReactionRemovedEvent event = payload.getEvent();
      if (event != null && event.getItem() != null && counts(event.getReaction(), event.getItem().getType(),
          event.getItem().getChannel(), event.getItem().getTs(), event.getUser())) {
        String channel = event.getItem().getChannel();
        loop.runOnContext(v -> removed(channel, event.getItem().getTs(), event.getUser()));
      }
      return ctx.ack();
    });
  }

  /**
   * Whether a reaction is a sign-off to look up: the configured emoji, by a person, on a message
   * named by a well-formed channel and timestamp.
   */
  private boolean counts(String name, String itemType, String channel, String ts, String user) {
    // Skin-tone variants (white_check_mark::skin-tone-2) are the same sign-off.
    String base = name == null ? "" : name.split("::")[0];
    return reaction.equals(base) && "message".equals(itemType)
        && SlackIds.isId(channel) && SlackIds.isTs(ts) && SlackIds.isId(user);
  }

  /** The run of the message, waiting for it while a run of the channel is being posted. */
  private Future<Optional<String>> runOf(String channel, String ts, long waitedMillis, long nextMillis) {
    return runs.runOfMessage(channel, ts).compose(found -> found.isPresent() || waitedMillis >= MATCH_FOR.toMillis()
        ? Future.succeededFuture(found)
        : postingIn.apply(channel).compose(posting -> posting
            ? later(nextMillis).compose(v -> runOf(channel, ts, waitedMillis + nextMillis, nextMillis * 2))
            : Future.succeededFuture(found)));
  }

  private Future<Void> later(long millis) {
    Promise<Void> elapsed = Promise.promise();
    loop.owner().setTimer(millis, id -> elapsed.complete());
    return elapsed.future();
  }

  /**
   * A reaction has no {@code response_url}. Its message is the run's, which the bot posted, so the
   * bot is a member of that channel (it holds no {@code chat:write.public}) and the answer is an
   * ephemeral there, beside the message, falling back to a direct message. While the run is not
   * known (the lookup failed) the channel may be any, so the answer is a direct message.
   */
  private void added(String channel, String ts, String user) {
    boolean[] found = new boolean[1];
    runOf(channel, ts, 0, FIRST_RETRY_MILLIS)
        .compose(run -> {
          found[0] = run.isPresent();
          return run.isEmpty() ? Future.succeededFuture() : roles.of(user)
              .compose(held -> runs.signOff(run.get(), user, held, new Origin(user, "reaction_added")))
              .compose(outcome -> outcome.decision() instanceof SignOffDecision.Rejected rejected
                  ? replies.tell(Replies.To.inBotChannel(channel, user), RefusalText.mrkdwn(rejected.reason())
                      + " Your reaction was not counted as a sign-off.")
                  : Future.succeededFuture());
        })
        .onFailure(e -> replies.explain(to(found[0], channel, user), e, "sign-off"));
  }

  private void removed(String channel, String ts, String user) {
    boolean[] found = new boolean[1];
    runOf(channel, ts, 0, FIRST_RETRY_MILLIS)
        .compose(run -> {
          found[0] = run.isPresent();
          return run.isEmpty() ? Future.succeededFuture()
              : runs.withdrawSignOff(run.get(), user, new Origin(user, "reaction_removed"));
        })
        .onFailure(e -> replies.explain(to(found[0], channel, user), e, "withdrawn sign-off"));
  }

  private static Replies.To to(boolean onARunsMessage, String channel, String user) {
    return onARunsMessage ? Replies.To.inBotChannel(channel, user) : Replies.To.direct(user);
  }
}
