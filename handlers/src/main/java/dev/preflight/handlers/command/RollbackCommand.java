package dev.preflight.handlers.command;

import com.slack.api.app_backend.slash_commands.payload.SlashCommandPayload;
import com.slack.api.bolt.context.builtin.SlashCommandContext;
import com.slack.api.bolt.handler.builtin.SlashCommandHandler;
import com.slack.api.bolt.request.builtin.SlashCommandRequest;
import com.slack.api.bolt.response.Response;
import dev.preflight.checklists.config.PreflightConfig;
import dev.preflight.deploy.run.DeployRuns;
import dev.preflight.deploy.run.Origin;
import dev.preflight.handlers.Replies;
import dev.preflight.handlers.Roles;
import dev.preflight.checklists.deploy.DeployRules;
import dev.preflight.handlers.render.Mrkdwn;
import dev.preflight.handlers.render.RefusalText;
import io.vertx.core.Context;

/**
 * {@code /rollback <service> <environment>} puts back the last good release, for when the run
 * message with its Rollback button is out of reach. Whether there is anything to roll back, and
 * whether a rollback is already under way, is {@link DeployRuns}'s to say.
 */
public final class RollbackCommand implements SlashCommandHandler {

  public static final String COMMAND = "/rollback";

  private final PreflightConfig config;
  private final DeployRuns deploys;
  private final Roles roles;
  private final DeployReplies replies;
  private final Context loop;

  public RollbackCommand(PreflightConfig config, DeployRuns deploys, Roles roles, DeployReplies replies,
      Context loop) {
    this.config = config;
    this.deploys = deploys;
    this.roles = roles;
    this.replies = replies;
    this.loop = loop;
  }

  @Override
  public Response apply(SlashCommandRequest request, SlashCommandContext ctx) {
    SlashCommandPayload payload = request.getPayload();
    if (!Sender.known(payload)) {
      return ctx.ack(Sender.UNKNOWN);
    }
    String[] words = DeployWords.of(payload.getText());
    if (words.length != 2) {
      return ctx.ack(help());
    }
    DeployCheck checked = DeployCheck.environment(config, words[0], words[1]);
    if (checked instanceof DeployCheck.Refused refused) {
      return ctx.ack(refused.reason());
    }
    DeployCheck.Passed passed = (DeployCheck.Passed) checked;
    String user = payload.getUserId();
    java.util.Optional<java.util.Set<String>> known = roles.known(user);
    java.util.Optional<String> refused = known
        .flatMap(held -> DeployRules.rollbackRefusal(passed.environment(), passed.service().name(), held))
        .map(RefusalText::mrkdwn);
    if (refused.isPresent()) {
      return ctx.ack(refused.get());
    }
    Replies.To asker = new Replies.To(payload.getChannelId(), user, payload.getResponseUrl());
    loop.runOnContext(v -> roles.of(user)
        .compose(held -> deploys.rollbackLatest(passed.service().name(), passed.environment().name(), held,
            new Origin(user, "slash:" + COMMAND)))
        .onFailure(e -> replies.explain(asker, e)));
    String what = "*" + Mrkdwn.escape(passed.service().name()) + "* in *" + Mrkdwn.escape(passed.environment().name())
        + "*";
    return ctx.ack(known.isPresent() ? "Rolling back " + what + " to its last good release…"
        : "Checking your role for a rollback of " + what + "… If you may roll back there, it starts and its "
            + "message shows it; if not, I will tell you here.");
  }

  static String help() {
    return String.join("\n",
        "*" + COMMAND + "* puts back the last good release of a service in an environment:",
        "• `" + COMMAND + " <service> <environment>`, e.g. `" + COMMAND + " backend production`.",
        "  It needs the deployer role there, and it locks the environment until someone types `/unlock`.",
        "• The *Rollback* button on a deploy's message does the same for that deploy, once you confirm.");
  }
}
