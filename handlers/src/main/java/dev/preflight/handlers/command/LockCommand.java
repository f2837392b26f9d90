package dev.preflight.handlers.command;

import com.slack.api.app_backend.slash_commands.payload.SlashCommandPayload;
import com.slack.api.bolt.context.builtin.SlashCommandContext;
import com.slack.api.bolt.handler.builtin.SlashCommandHandler;
import com.slack.api.bolt.request.builtin.SlashCommandRequest;
import com.slack.api.bolt.response.Response;
import dev.preflight.checklists.config.PreflightConfig;
import dev.preflight.checklists.deploy.EnvLock;
import dev.preflight.deploy.run.DeployRuns;
import dev.preflight.deploy.run.Origin;
import dev.preflight.checklists.run.RunRuleException;
import dev.preflight.handlers.Replies;
import dev.preflight.handlers.render.RefusalText;
import dev.preflight.handlers.Roles;
import dev.preflight.handlers.render.LockText;
import dev.preflight.handlers.render.Mrkdwn;
import io.vertx.core.Context;
import java.util.Arrays;
import java.util.Optional;

/**
 * {@code /lock <service> <environment> <reason…>} closes an environment to launches, and
 * {@code /unlock <service> <environment>} opens it again. A lock without a reason helps nobody
 * who finds it later, so the reason is required. One handler serves both commands.
 */
public final class LockCommand implements SlashCommandHandler {

  public static final String LOCK = "/lock";
  public static final String UNLOCK = "/unlock";
  /** Long enough to say why, short enough to show in every run message of the environment. */
  public static final int REASON_MAX_LENGTH = 300;

  private final PreflightConfig config;
  private final DeployRuns deploys;
  private final Roles roles;
  private final Replies replies;
  private final Context loop;

  public LockCommand(PreflightConfig config, DeployRuns deploys, Roles roles, Replies replies, Context loop) {
    this.config = config;
    this.deploys = deploys;
    this.roles = roles;
    this.replies = replies;
    this.loop = loop;
  }

  /** What a typed lock or unlock asks for, or why it cannot be done. */
  sealed interface Request {}

  record Answer(String text) implements Request {}

  /** @param reason null for an unlock */
  record Change(String service, String environment, String reason) implements Request {}

  @Override
  public Response apply(SlashCommandRequest request, SlashCommandContext ctx) {
    SlashCommandPayload payload = request.getPayload();
    if (!Sender.known(payload)) {
      return ctx.ack(Sender.UNKNOWN);
    }
    boolean lock = !UNLOCK.equals(payload.getCommand());
    Request read = lock ? readLock(config, payload.getText()) : readUnlock(config, payload.getText());
    if (read instanceof Answer answer) {
      return ctx.ack(answer.text());
    }
    Change change = (Change) read;
    String user = payload.getUserId();
    Replies.To asker = new Replies.To(payload.getChannelId(), user, payload.getResponseUrl());
    Origin origin = new Origin(user, "slash:" + (lock ? LOCK : UNLOCK));
    loop.runOnContext(v -> roles.of(user)
        .compose(held -> lock
            ? deploys.lock(change.service(), change.environment(), change.reason(), held, origin)
                .map(LockCommand::locked)
            : deploys.unlock(change.service(), change.environment(), held, origin)
                .map(was -> unlocked(change.service(), change.environment(), was)))
        .compose(text -> replies.tell(asker, text))
        .onFailure(e -> {
          if (e instanceof RunRuleException refused) {
            replies.tell(asker, RefusalText.locking(refused.refusal(), !lock));
          } else {
            replies.explain(asker, e);
          }
        }));
    return ctx.ack();
  }

  static Request readLock(PreflightConfig config, String text) {
    String[] words = DeployWords.of(text);
    if (words.length == 0 || (words.length == 1 && words[0].equals("help"))) {
      return new Answer(help());
    }
    if (words.length < 2) {
      return new Answer("Which environment? `" + LOCK + " <service> <environment> <reason>`.\n\n" + help());
    }
    DeployCheck checked = DeployCheck.environment(config, words[0], words[1]);
    if (checked instanceof DeployCheck.Refused refused) {
      return new Answer(refused.reason());
    }
    String reason = String.join(" ", Arrays.copyOfRange(words, 2, words.length));
    if (reason.isBlank()) {
      return new Answer("Say why, so whoever finds it locked knows: e.g. `" + LOCK + " " + words[0] + " "
          + words[1] + " DB migration in progress`.");
    }
    if (reason.length() > REASON_MAX_LENGTH) {
      return new Answer("Keep the reason under " + REASON_MAX_LENGTH + " characters; it is shown on every run of "
          + "the environment.");
    }
    return new Change(words[0], words[1], reason);
  }

  static Request readUnlock(PreflightConfig config, String text) {
    String[] words = DeployWords.of(text);
    if (words.length != 2) {
      return new Answer(help());
    }
    DeployCheck checked = DeployCheck.environment(config, words[0], words[1]);
    if (checked instanceof DeployCheck.Refused refused) {
      return new Answer(refused.reason());
    }
    return new Change(words[0], words[1], null);
  }

  static String locked(EnvLock lock) {
    return ":lock: " + place(lock.service(), lock.environment()) + " is locked by " + Mrkdwn.user(lock.by())
        + " since " + Mrkdwn.date(lock.at()) + ": " + LockText.cause(lock, REASON_MAX_LENGTH)
        + "\nNothing launches there until `" + UNLOCK + " " + Mrkdwn.escape(lock.service()) + " "
        + Mrkdwn.escape(lock.environment()) + "`.";
  }

  /** The answer to an unlock, typed or clicked on a run's message. */
  public static String unlocked(String service, String environment, Optional<EnvLock> was) {
    if (was.isEmpty()) {
      return place(service, environment) + " was not locked; nothing changed.";
    }
    EnvLock lock = was.get();
    return ":unlock: " + place(service, environment) + " is open again. It had been locked by "
        + Mrkdwn.user(lock.by()) + " since " + Mrkdwn.date(lock.at()) + ": "
        + LockText.cause(lock, REASON_MAX_LENGTH);
  }

  private static String place(String service, String environment) {
    return "*" + Mrkdwn.escape(service) + "* in *" + Mrkdwn.escape(environment) + "*";
  }

  static String help() {
    return String.join("\n",
        "*" + LOCK + "* closes an environment to launches; *" + UNLOCK + "* opens it again:",
        "• `" + LOCK + " <service> <environment> <reason>`, e.g. `" + LOCK + " backend production DB migration`.",
        "• `" + UNLOCK + " <service> <environment>`.",
        "Who locked it, why and since when is shown on the environment's run messages. A rollback locks too.");
  }
}
