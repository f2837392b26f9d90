package dev.preflight.handlers.slack;

import static dev.preflight.handlers.slack.PayloadFields.MAX_NAME;
import static dev.preflight.handlers.slack.PayloadFields.noNul;
import static dev.preflight.handlers.slack.PayloadFields.quote;

import dev.preflight.handlers.SlackIds;
import dev.preflight.handlers.slack.PayloadFields.Malformed;
import java.util.Map;

/** The shape of a slash command's fields, from a form over HTTP or a Socket Mode envelope. */
final class CommandShape {

  private static final int MAX_COMMAND_NAME = 32;

  private CommandShape() {}

  /** Returns quietly when the fields are a slash command the listeners can read; throws otherwise. */
  static void check(Map<String, ?> fields) {
    fields.forEach((name, value) -> {
      // Socket Mode sends is_enterprise_install as a JSON boolean; a form sends it as text.
      if (value instanceof String text) {
        noNul(text, name);
      } else if (!(value instanceof Boolean) && value != null) {
        throw new Malformed("field " + quote(name) + " is not text");
      }
    });
    if (!(fields.get("command") instanceof String command) || !isCommandName(command)) {
      throw new Malformed("command is not a slash command name");
    }
    for (String id : new String[] {"user_id", "channel_id", "team_id"}) {
      if (!(fields.get(id) instanceof String value) || !SlackIds.isId(value)) {
        throw new Malformed(fields.get(id) == null ? "missing " + id : id + " is not a Slack id");
      }
    }
    for (String optional : new String[] {"api_app_id", "enterprise_id"}) {
      if (fields.get(optional) instanceof String value && !value.isEmpty() && !SlackIds.isId(value)) {
        throw new Malformed(optional + " is not a Slack id");
      }
    }
    for (String bounded : new String[] {"trigger_id", "response_url", "user_name", "channel_name",
        "team_domain", "token"}) {
      if (fields.get(bounded) instanceof String value && value.length() > MAX_NAME) {
        throw new Malformed(bounded + " is too long");
      }
    }
  }

  /** A slash and 1 to 32 of {@code A-Z a-z 0-9 . _ -}; read by hand, since every command is checked. */
  private static boolean isCommandName(String command) {
    if (command.length() < 2 || command.length() > MAX_COMMAND_NAME + 1 || command.charAt(0) != '/') {
      return false;
    }
    for (int i = 1; i < command.length(); i++) {
      char c = command.charAt(i);
      boolean allowed = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
          || c == '.' || c == '_' || c == '-';
      if (!allowed) {
        return false;
      }
    }
    return true;
  }
}
