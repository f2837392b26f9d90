package dev.preflight.handlers.command;

import com.slack.api.app_backend.slash_commands.payload.SlashCommandPayload;
import dev.preflight.handlers.SlackIds;
import dev.preflight.handlers.slack.CommandInput;

/**
 * Whether a slash command says who typed it and where. Every command's answers and records hang
 * on those two ids, so a command without them is answered in its acknowledgement and goes no
 * further.
 */
final class Sender {

  static final String UNKNOWN = "I could not tell who sent this command, or from which conversation, so I did nothing.";

  private Sender() {}

  static boolean known(SlashCommandPayload payload) {
    return payload != null && SlackIds.isId(payload.getUserId()) && SlackIds.isId(payload.getChannelId());
  }

  static boolean known(CommandInput command) {
    return SlackIds.isId(command.userId()) && SlackIds.isId(command.channelId());
  }
}
