package dev.preflight.handlers.command;

import com.slack.api.bolt.context.builtin.SlashCommandContext;
import com.slack.api.bolt.handler.builtin.SlashCommandHandler;
import com.slack.api.bolt.request.builtin.SlashCommandRequest;
import com.slack.api.bolt.response.Response;
import dev.preflight.checklists.checklist.Checklist;
import dev.preflight.checklists.config.PreflightConfig;
import dev.preflight.checklists.config.Suggestions;
import dev.preflight.deploy.run.ChecklistRuns;
import dev.preflight.deploy.run.Origin;
import dev.preflight.handlers.Replies;
import dev.preflight.handlers.render.Mrkdwn;
import dev.preflight.handlers.slack.CommandAck;
import dev.preflight.handlers.slack.CommandInput;
import dev.preflight.handlers.slack.LoopCommand;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.Collectors;

/**
 * {@code /checklist <id>} starts a run of a checklist on its own; {@code list} and {@code help}
 * answer privately. Every answer is given in the command's ack, on the event loop that received
 * it ({@link LoopCommand}); a run's message follows.
 */
public final class ChecklistCommand implements SlashCommandHandler, LoopCommand {

  public static final String COMMAND = "/checklist";

  private final PreflightConfig config;
  private final ChecklistRuns runs;
  private final Replies replies;
  private final Context loop;
  /** The answers to {@code list} and {@code help}: the config does not change while the bot runs. */
  private final CommandAck list;
  private final CommandAck help = CommandAck.text(help());

  public ChecklistCommand(PreflightConfig config, ChecklistRuns runs, Replies replies, Context loop) {
    this.config = config;
    this.runs = runs;
    this.replies = replies;
    this.loop = loop;
    this.list = CommandAck.text(list(config));
  }

  @Override
  public Response apply(SlashCommandRequest request, SlashCommandContext ctx) {
    return answerNow(CommandInput.of(request.getPayload())).ack(ctx);
  }

  /** Every answer is known at once (a run, if one starts, is posted afterwards): given on the event loop. */
  @Override
  public Future<CommandAck> answer(CommandInput command) {
    return Future.succeededFuture(answerNow(command));
  }

  private CommandAck answerNow(CommandInput command) {
    if (!Sender.known(command)) {
      return CommandAck.text(Sender.UNKNOWN);
    }
    String[] words = DeployWords.split(command.text());
    if (words.length == 0 || words[0].equals("help")) {
      return help;
    }
    if (words[0].equals("list")) {
      return list;
    }
    if (words.length > 1) {
      return CommandAck.text(oneIdOnly(words));
    }
    String id = words[0];
    Checklist checklist = config.checklist(id).orElse(null);
    if (checklist == null) {
      return CommandAck.text("There is no checklist `" + Mrkdwn.echo(id) + "`. " + suggestion(id)
          + "`" + COMMAND + " list` shows every checklist.");
    }
    String channel = config.channelId(checklist.channel()).orElse(command.channelId());
    String user = command.userId();
    loop.runOnContext(v -> runs.start(id, channel, new Origin(user, "slash:" + COMMAND))
        .onFailure(e -> replies.explain(new Replies.To(command.channelId(), user, command.responseUrl()), e)));
    return CommandAck.text("Starting *" + checklist.title() + "* in <#" + channel + ">…");
  }

  /**
   * Several words where one id goes, as in {@code /checklist start klk}: the hint names a word
   * that is a checklist id, so following it starts that checklist. When no word is one, the hint
   * is the list, never a command that fails again.
   */
  private String oneIdOnly(String[] words) {
    String said = "`" + COMMAND + "` takes one checklist id, not " + words.length + " words. ";
    return Arrays.stream(words).filter(word -> config.checklist(word).isPresent()).findFirst()
        .map(id -> said + "Try `" + COMMAND + " " + Mrkdwn.echo(id) + "`, or `" + COMMAND + " list` to see the ids.")
        .orElse(said + "`" + COMMAND + " list` shows the ids.");
  }

  private static String list(PreflightConfig config) {
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
