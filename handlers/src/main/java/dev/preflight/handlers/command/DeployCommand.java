package dev.preflight.handlers.command;

import com.slack.api.app_backend.slash_commands.payload.SlashCommandPayload;
import com.slack.api.bolt.context.builtin.SlashCommandContext;
import com.slack.api.bolt.handler.builtin.SlashCommandHandler;
import com.slack.api.bolt.request.builtin.SlashCommandRequest;
import com.slack.api.bolt.response.Response;
import dev.preflight.checklists.config.PreflightConfig;
import dev.preflight.deploy.run.DeployRuns;
import dev.preflight.handlers.Replies;
import dev.preflight.handlers.render.DeployModal;
import dev.preflight.handlers.slack.SlackApi;
import io.vertx.core.Context;

/**
 * {@code /deploy <service> <version> [to] <environment>} opens a deploy run; typed alone it opens
 * a modal to pick from. Everything the config alone can refuse is refused in the acknowledgement,
 * before anything is stored; roles, locks and runs already under way are {@link DeployRuns}'s to
 * judge, and its refusals come back privately.
 */
public final class DeployCommand implements SlashCommandHandler {

  public static final String COMMAND = "/deploy";
  static final String USAGE = "`" + COMMAND + " <service> <version> [to] <environment>`, e.g. `"
      + COMMAND + " backend v1.4.2 to production`";

  private final PreflightConfig config;
  private final DeployOpener opener;
  private final SlackApi slack;
  private final Replies replies;
  private final Context loop;

  public DeployCommand(PreflightConfig config, DeployOpener opener, SlackApi slack, Replies replies, Context loop) {
    this.config = config;
    this.opener = opener;
    this.slack = slack;
    this.replies = replies;
    this.loop = loop;
  }

  @Override
  public Response apply(SlashCommandRequest request, SlashCommandContext ctx) {
    SlashCommandPayload payload = request.getPayload();
    if (!Sender.known(payload)) {
      return ctx.ack(Sender.UNKNOWN);
    }
    String text = payload.getText() == null ? "" : payload.getText().strip();
    String channel = payload.getChannelId();
    String user = payload.getUserId();
    if (text.isEmpty()) {
      return openModal(payload.getTriggerId(), new Replies.To(channel, user, payload.getResponseUrl()), ctx);
    }
    if (text.equals("help")) {
      return ctx.ack(help());
    }
    DeployCheck checked = read(config, text);
    if (checked instanceof DeployCheck.Refused refused) {
      return ctx.ack(refused.reason());
    }
    DeployCheck.Passed passed = (DeployCheck.Passed) checked;
    java.util.Optional<String> refused = opener.refusedAtAck(passed, user);
    if (refused.isPresent()) {
      return ctx.ack(refused.get());
    }
    String ack = opener.ack(passed, user);
    opener.open(passed, new Replies.To(channel, user, payload.getResponseUrl()), "slash:" + COMMAND);
    return ctx.ack(ack);
  }

  /**
   * Reads the command's words and checks them against the config. Slack sends the text with
   * {@code & < >} escaped; names are unescaped to be looked up, while the version is checked as
   * sent, so whatever is echoed back stays escaped (and a version holding any of them is refused
   * either way).
   */
  static DeployCheck read(PreflightConfig config, String text) {
    String[] words = DeployWords.split(text);
    if (words.length == 3 && words[1].equalsIgnoreCase("to")) {
      return new DeployCheck.Refused(DeployCheck.Field.USAGE, "Which version? " + USAGE + ".");
    }
    boolean withTo = words.length == 4 && words[2].equalsIgnoreCase("to");
    if (words.length != 3 && !withTo) {
      return new DeployCheck.Refused(DeployCheck.Field.USAGE, arityProblem(words) + " " + USAGE + ".");
    }
    String service = DeployWords.unescape(words[0]);
    String version = words[1];
    String environment = DeployWords.unescape(words[words.length - 1]);
    return DeployCheck.deploy(config, service, version, environment);
  }

  private Response openModal(String triggerId, Replies.To asker, SlashCommandContext ctx) {
    if (DeployModal.choices(config).isEmpty()) {
      return ctx.ack("No environment has a deploy target yet, so there is nothing to deploy to. "
          + "docs/config.md shows how to give one a `target:`.");
    }
    // The form's role check at submit reads the roles found now, while the person fills it in.
    opener.lookUpRoles(asker.user());
    loop.runOnContext(v -> slack.openView(triggerId, DeployModal.build(config, asker.channel(), asker.responseUrl()))
        .onFailure(e -> replies.tell(asker, "I could not open the deploy form (" + e.getMessage()
            + "). Type " + USAGE + " instead.")));
    return ctx.ack();
  }

  private static String arityProblem(String[] words) {
    if (words.length < 3) {
      return "A deploy needs a service, a version and an environment.";
    }
    return "That is " + words.length + " words after `" + COMMAND + "`; it takes three (a version has no spaces):";
  }

  static String help() {
    return String.join("\n",
        "*" + COMMAND + "* opens a deploy run in the environment's channel:",
        "• " + USAGE + " posts the environment's checklist and sign-offs;",
        "  *Launch* works once every blocker has passed and every sign-off is in.",
        "• `" + COMMAND + "` on its own opens a form to pick the service and environment.",
        "• `/rollback <service> <environment>` rolls back to the last good release.",
        "• `/lock <service> <environment> <reason>` and `/unlock <service> <environment>` close and open"
            + " an environment.",
        "• `/deploys` shows what is deploying, what is locked and what runs where.",
        "• `" + COMMAND + " help` shows this.");
  }
}
