package dev.preflight.handlers.slack;

import static dev.preflight.handlers.slack.PayloadFields.MAX_NAME;
import static dev.preflight.handlers.slack.PayloadFields.noNul;
import static dev.preflight.handlers.slack.PayloadFields.quote;

import dev.preflight.handlers.SlackIds;
import dev.preflight.handlers.slack.PayloadFields.Malformed;
import java.util.Map;
import java.util.regex.Pattern;

/** The shape of a slash command's fields, from a form over HTTP or a Socket Mode envelope. */
final class CommandShape {

  private static final Pattern COMMAND = Pattern.compile("/[A-Za-z0-9._-]{1,32}");

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
    if (!(fields.get("command") instanceof String command) || !COMMAND.matcher(command).matches()) {
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
}
