package dev.preflight.handlers.slack;

import com.slack.api.app_backend.slash_commands.payload.SlashCommandPayload;
import java.util.Map;

/**
 * What a slash command's answer depends on: the fields of Slack's command payload that the
 * bot's commands read, whichever way the command arrived (a form {@link SlackInput} decoded on
 * the event loop, or Bolt's payload on a worker), so both ways give the same answer.
 *
 * @param text what was typed after the command, as Slack sent it; empty when nothing was
 * @param responseUrl where later answers go; null when Slack gave none
 */
public record CommandInput(String command, String text, String userId, String channelId, String responseUrl) {

  public CommandInput {
    text = text == null ? "" : text;
  }

  /** From a command's form fields, as {@link SlackInput#http} decoded and checked them. */
  static CommandInput of(Map<String, String> form) {
    return new CommandInput(form.get("command"), form.get("text"), form.get("user_id"), form.get("channel_id"),
        emptyIsNull(form.get("response_url")));
  }

  /** From Bolt's payload, for a command that came through Bolt (Socket Mode, or a listener run on a worker). */
  public static CommandInput of(SlashCommandPayload payload) {
    if (payload == null) {
      return new CommandInput(null, "", null, null, null);
    }
    return new CommandInput(payload.getCommand(), payload.getText(), payload.getUserId(), payload.getChannelId(),
        emptyIsNull(payload.getResponseUrl()));
  }

  private static String emptyIsNull(String value) {
    return value == null || value.isEmpty() ? null : value;
  }
}
