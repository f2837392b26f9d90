package dev.preflight.handlers.command;

import com.slack.api.bolt.context.builtin.SlashCommandContext;
import com.slack.api.bolt.handler.builtin.SlashCommandHandler;
import com.slack.api.bolt.request.builtin.SlashCommandRequest;
import com.slack.api.bolt.response.Response;
import com.slack.api.app_backend.slash_commands.payload.SlashCommandPayload;
import dev.preflight.checklists.checklist.Checklist;
import dev.preflight.checklists.config.PreflightConfig;
import dev.preflight.checklists.config.Suggestions;
import dev.preflight.deploy.run.ChecklistRuns;
import dev.preflight.deploy.run.Origin;
import dev.preflight.handlers.Replies;
import dev.preflight.handlers.render.Mrkdwn;
import io.vertx.core.Context;
import java.util.Comparator;
import java.util.stream.Collectors;

/**
 * {@code /checklist <id>} starts a run of a checklist on its own; {@code list} and {@code help}
 * answer privately. The command is acknowledged at once; the run's message follows.
 */
public final class ChecklistCommand implements SlashCommandHandler {

  public static final String COMMAND = "/checklist";

  private final PreflightConfig config;
  private final ChecklistRuns runs;
  private final Replies replies;
  private final Context loop;

  public ChecklistCommand(PreflightConfig config, ChecklistRuns runs, Replies replies, Context loop) {
    this.config = config;
    this.runs = runs;
    this.replies = replies;
    this.loop = loop;
  }

  @Override
  public Response apply(SlashCommandRequest request, SlashCommandContext ctx) {
    SlashCommandPayload payload = request.getPayload();
    if (!Sender.known(payload)) {
      return ctx.ack(Sender.UNKNOWN);
    }
    String text = payload.getText() == null ? "" : payload.getText().trim();
    String[] words = text.isEmpty() ? new String[0] : text.split("\\s+");
    if (words.length == 0 || words[0].equals("help")) {
      return ctx.ack(help());
    }
    if (words[0].equals("list")) {
      return ctx.ack(list());
    }
    if (words.length > 1) {
      return ctx.ack("`" + COMMAND + "` takes one checklist id, not " + words.length + " words. "
          + "Try `" + COMMAND + " " + Mrkdwn.echo(words[0]) + "`, or `" + COMMAND + " list` to see the ids.");
    }
    String id = words[0];
    Checklist checklist = config.checklist(id).orElse(null);
    if (checklist == null) {
      return ctx.ack("There is no checklist `" + Mrkdwn.echo(id) + "`. " + suggestion(id)
          + "`" + COMMAND + " list` shows every checklist.");
    }
    String channel = config.channelId(checklist.channel()).orElse(payload.getChannelId());
    String user = payload.getUserId();
    loop.runOnContext(v -> runs.start(id, channel, new Origin(user, "slash:" + COMMAND))
        .onFailure(e -> replies.explain(new Replies.To(payload.getChannelId(), user, payload.getResponseUrl()), e)));
    return ctx.ack("Starting *" + checklist.title() + "* in <#" + channel + ">…");
  }

  private String list() {
    if (config.checklists().isEmpty()) {
      return "No checklists are configured yet. See docs/config.md for how to add one.";
    }
    return "*Checklists*\n" + config.checklists().values().stream()
        .sorted(Comparator.comparing(Checklist::id))
        .map(c -> "• `" + c.id() + "` — " + c.title() + " (" + c.itemCount() + " items)")
        .collect(Collectors.joining("\n"));
  }

  static String help() {
    return String.join("\n",
        "*" + COMMAND + "* runs a checklist in this conversation:",
        "• `" + COMMAND + " <checklist-id>` posts the checklist; automated items run at once,",
        "  manual items are ticked with the buttons, approvers sign off by reacting.",
        "• `" + COMMAND + " list` lists the checklists.",
        "• `" + COMMAND + " help` shows this.");
  }

  private String suggestion(String id) {
    if (id.length() > Mrkdwn.ECHO_LIMIT) {
      return "";
    }
    return Suggestions.closest(id, config.checklists().keySet())
        .map(known -> "Did you mean `" + known + "`? ")
        .orElse("");
  }
}
