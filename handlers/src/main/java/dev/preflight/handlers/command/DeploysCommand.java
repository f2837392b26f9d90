package dev.preflight.handlers.command;

import com.slack.api.app_backend.slash_commands.payload.SlashCommandPayload;
import com.slack.api.bolt.context.builtin.SlashCommandContext;
import com.slack.api.bolt.handler.builtin.SlashCommandHandler;
import com.slack.api.bolt.request.builtin.SlashCommandRequest;
import com.slack.api.bolt.response.Response;
import dev.preflight.deploy.run.DeployRuns;
import dev.preflight.handlers.Replies;
import dev.preflight.handlers.render.MessageContent;
import dev.preflight.handlers.render.OverviewMessage;
import dev.preflight.handlers.slack.SlackApi;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.time.Clock;

/**
 * {@code /deploys} (also {@code /status}): what is deploying, what is locked, and which release
 * runs where, shown only to the person who asked, so checking often adds nothing to the channel.
 */
public final class DeploysCommand implements SlashCommandHandler {

  public static final String COMMAND = "/deploys";
  public static final String STATUS = "/status";

  private final DeployRuns deploys;
  private final SlackApi slack;
  private final Replies replies;
  private final Clock clock;
  private final Context loop;

  public DeploysCommand(DeployRuns deploys, SlackApi slack, Replies replies, Clock clock, Context loop) {
    this.deploys = deploys;
    this.slack = slack;
    this.replies = replies;
    this.clock = clock;
    this.loop = loop;
  }

  @Override
  public Response apply(SlashCommandRequest request, SlashCommandContext ctx) {
    SlashCommandPayload payload = request.getPayload();
    String text = payload.getText() == null ? "" : payload.getText().strip();
    if (!text.isEmpty()) {
      return ctx.ack(help(payload.getCommand()));
    }
    String channel = payload.getChannelId();
    String user = payload.getUserId();
    loop.runOnContext(v -> deploys.overview()
        .map(overview -> OverviewMessage.render(overview, clock.instant()))
        .compose(content -> show(channel, user, content))
        .onFailure(e -> replies.explain(channel, user, e)));
    return ctx.ack();
  }

  private Future<Void> show(String channel, String user, MessageContent content) {
    return slack.call("chat.postEphemeral", m -> m.chatPostEphemeral(r -> r.channel(channel).user(user)
            .text(content.text()).blocks(content.blocks())))
        .mapEmpty();
  }

  static String help(String command) {
    String typed = command == null || command.isBlank() ? COMMAND : command;
    return String.join("\n",
        "*" + typed + "* shows, only to you, the deploys under way, the locked environments and the release "
            + "running in each environment.",
        "It takes no arguments; `/deploy help` lists the deploy commands.");
  }
}
