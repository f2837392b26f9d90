package dev.preflight.handlers.command;

import com.slack.api.app_backend.slash_commands.payload.SlashCommandPayload;
import com.slack.api.bolt.context.builtin.SlashCommandContext;
import com.slack.api.bolt.handler.builtin.SlashCommandHandler;
import com.slack.api.bolt.request.builtin.SlashCommandRequest;
import com.slack.api.bolt.response.Response;
import dev.preflight.checklists.config.PreflightConfig;
import dev.preflight.deploy.run.DeployRuns;
import dev.preflight.deploy.stats.HistoryEntry;
import dev.preflight.handlers.Replies;
import dev.preflight.handlers.render.HistoryMessage;
import dev.preflight.handlers.render.MessageContent;
import dev.preflight.handlers.render.OverviewMessage;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.List;

/**
 * {@code /deploys} (also {@code /status}): what is deploying, what is locked, and which release
 * runs where, shown only to the person who asked, so checking often adds nothing to the channel.
 * {@code /deploys history <service> <environment>} lists that environment's recent releases and
 * rollbacks the same way.
 */
public final class DeploysCommand implements SlashCommandHandler {

  public static final String COMMAND = "/deploys";
  public static final String STATUS = "/status";
  public static final String HISTORY = "history";

  /** An environment's releases and rollbacks, newest first ({@code DeployStats::history}). */
  @FunctionalInterface
  public interface History {
    Future<List<HistoryEntry>> of(String service, String environment, int limit);
  }

  private final PreflightConfig config;
  private final History history;
  private final DeployRuns deploys;
  private final Replies replies;
  private final Clock clock;
  private final Context loop;

  /** Without a config and history, {@code history} is answered as not available. */
  public DeploysCommand(DeployRuns deploys, Replies replies, Clock clock, Context loop) {
    this(null, null, deploys, replies, clock, loop);
  }

  public DeploysCommand(PreflightConfig config, History history, DeployRuns deploys, Replies replies, Clock clock,
      Context loop) {
    this.config = config;
    this.history = history;
    this.deploys = deploys;
    this.replies = replies;
    this.clock = clock;
    this.loop = loop;
  }

  @Override
  public Response apply(SlashCommandRequest request, SlashCommandContext ctx) {
    SlashCommandPayload payload = request.getPayload();
    if (!Sender.known(payload)) {
      return ctx.ack(Sender.UNKNOWN);
    }
    String[] words = DeployWords.of(payload.getText());
    String channel = payload.getChannelId();
    String user = payload.getUserId();
    Replies.To asker = new Replies.To(channel, user, payload.getResponseUrl());
    if (words.length > 0 && HISTORY.equalsIgnoreCase(words[0])) {
      return history(words, asker, ctx);
    }
    if (words.length != 0) {
      return ctx.ack(help(payload.getCommand()));
    }
    loop.runOnContext(v -> deploys.overview()
        .map(overview -> OverviewMessage.render(overview, clock.instant()))
        .compose(content -> show(asker, content))
        .onFailure(e -> replies.explain(asker, e)));
    return ctx.ack();
  }

  private Response history(String[] words, Replies.To asker, SlashCommandContext ctx) {
    if (config == null || history == null) {
      return ctx.ack("The deploy history is not available on this bot.");
    }
    if (words.length != 3) {
      return ctx.ack(historyHelp());
    }
    DeployCheck checked = DeployCheck.environment(config, words[1], words[2]);
    if (checked instanceof DeployCheck.Refused refused) {
      return ctx.ack(refused.reason());
    }
    DeployCheck.Passed passed = (DeployCheck.Passed) checked;
    String service = passed.service().name();
    String environment = passed.environment().name();
    loop.runOnContext(v -> history.of(service, environment, HistoryMessage.LIMIT)
        .map(entries -> HistoryMessage.render(service, environment, entries, clock.instant()))
        .compose(content -> show(asker, content))
        .onFailure(e -> replies.explain(asker, e)));
    return ctx.ack();
  }

  /** Through the command's response_url, which works in direct messages and where the bot is not a member. */
  private Future<Void> show(Replies.To asker, MessageContent content) {
    return replies.tell(asker, content.text(), content.blocks());
  }

  static String help(String command) {
    String typed = command == null || command.isBlank() ? COMMAND : command;
    return String.join("\n",
        "*" + typed + "* shows, only to you, the deploys under way, the locked environments and the release "
            + "running in each environment.",
        "`" + typed + " " + HISTORY + " <service> <environment>` lists the last releases and rollbacks there.",
        "`/deploy help` lists the deploy commands.");
  }

  static String historyHelp() {
    return String.join("\n",
        "*" + COMMAND + " " + HISTORY + "* lists, only to you, the last releases and rollbacks of a service in an "
            + "environment, with who, when and how long:",
        "• `" + COMMAND + " " + HISTORY + " <service> <environment>`, e.g. `" + COMMAND + " " + HISTORY
            + " backend production`.");
  }
}
