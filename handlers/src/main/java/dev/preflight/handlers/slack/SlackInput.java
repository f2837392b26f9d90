package dev.preflight.handlers.slack;

import dev.preflight.handlers.SlackIds;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The shape a verified request must have before it is de-duplicated or handed to Bolt. A valid
 * signature says who sent the bytes, not that they make sense: a payload with a field of the
 * wrong type, a missing user, a bad {@code %} escape or an id holding a NUL byte would otherwise
 * fail deep inside Bolt or a listener, as a 500 and an error report, after a row or two was
 * written. Here it is refused first, with a short reason and nothing stored.
 *
 * <p>Every field that Bolt's request parsing or one of our listeners reads is checked for its
 * JSON type, and every Slack id for its characters and length ({@link SlackIds}). Strings
 * anywhere in a payload may not hold a NUL character (PostgreSQL cannot store one). Only the
 * payload types and events the bot has listeners for are let through: a listener for a new one
 * needs its entry here too.
 *
 * <p>Nothing here depends on HTTP: {@link #http} reads a body as it arrived on
 * {@code /slack/events}; a transport that receives payloads already separated by kind (Socket
 * Mode's envelopes) calls {@link #command}, {@link #interactive} or {@link #events} directly.
 */
public final class SlackInput {

  /** The Events API events the bot has listeners for. */
  public static final Set<String> EVENT_TYPES = Set.of("reaction_added", "reaction_removed", "app_home_opened");
  /** The interactive payload types the bot has listeners for. */
  public static final Set<String> INTERACTIVE_TYPES = Set.of("block_actions", "view_submission");

  /** What a refusal's reason may quote of the input. */
  private static final int QUOTE_LIMIT = 40;
  /** Slack's own limits: action and block ids, button values, view metadata. */
  private static final int MAX_ACTION_ID = 255;
  private static final int MAX_VALUE = 2000;
  private static final int MAX_METADATA = 3000;
  /** Anything else Slack names (trigger ids, response URLs, reaction names, tabs) fits in this. */
  private static final int MAX_NAME = 2048;
  private static final Pattern COMMAND = Pattern.compile("/[A-Za-z0-9._-]{1,32}");
  private static final Pattern TYPE_NAME = Pattern.compile("[a-z0-9_]{1,64}");

  private SlackInput() {}

  /** What kind of request passed, in the words of the ack metric. */
  public enum Kind {
    COMMAND("command"), ACTION("action"), VIEW("view"), EVENT("event"), URL_VERIFICATION("event"),
    SSL_CHECK("other");

    private final String metric;

    Kind(String metric) {
      this.metric = metric;
    }

    public String metric() {
      return metric;
    }
  }

  /** The outcome of a check. */
  public sealed interface Verdict {}

  /**
   * A payload that may be dispatched.
   *
   * @param eventId the Events API delivery id, for de-duplication; null for everything else
   * @param form the fields of a form body as decoded here (a slash command's, or the one
   *     {@code payload} of a click or a submit), so Bolt's request is built without decoding
   *     the body again; null for JSON bodies and Socket Mode payloads
   */
  public record Accepted(Kind kind, String eventId, Map<String, String> form) implements Verdict {

    public Accepted(Kind kind, String eventId) {
      this(kind, eventId, null);
    }
  }

  /** @param reason one short line in plain text, safe to send back and to log */
  public record Refused(String reason) implements Verdict {}

  /** A payload that does not have the shape Slack gives it. */
  private static final class Malformed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Malformed(String reason) {
      super(reason, null, false, false);
    }
  }

  /**
   * A body as it arrived over HTTP: JSON for the Events API, a form for slash commands, and a
   * form with one {@code payload} field for interactivity.
   */
  public static Verdict http(String contentType, byte[] body) {
    if (body == null || body.length == 0) {
      return new Refused("empty body");
    }
    String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
    String text = new String(body, StandardCharsets.UTF_8);
    try {
      if (type.startsWith("application/json")) {
        return events(json(text, "body"));
      }
      if (type.startsWith("application/x-www-form-urlencoded")) {
        Map<String, String> fields = decodeForm(text);
        Verdict verdict = form(fields);
        return verdict instanceof Accepted accepted
            ? new Accepted(accepted.kind(), accepted.eventId(), Collections.unmodifiableMap(fields))
            : verdict;
      }
      return new Refused("unsupported content type; Slack sends JSON or a form");
    } catch (Malformed e) {
      return new Refused(e.getMessage());
    }
  }

  /**
   * A Socket Mode envelope's payload, by the envelope's {@code type}: {@code events_api},
   * {@code interactive} or {@code slash_commands}. Any other envelope type carries no payload
   * for the listeners and is refused.
   */
  public static Verdict socketMode(String envelopeType, JsonObject payload) {
    if (payload == null) {
      return new Refused("missing payload");
    }
    return switch (envelopeType == null ? "" : envelopeType) {
      case "events_api" -> events(payload);
      case "interactive" -> interactive(payload);
      case "slash_commands" -> command(payload.getMap());
      default -> new Refused("unsupported envelope type " + quote(envelopeType == null ? "" : envelopeType));
    };
  }

  private static Verdict form(Map<String, String> fields) {
    if (fields.containsKey("payload")) {
      if (fields.size() != 1) {
        throw new Malformed("an interactive payload comes alone in its form");
      }
      return interactive(json(fields.get("payload"), "payload"));
    }
    if (fields.containsKey("command")) {
      return command(fields);
    }
    if ("1".equals(fields.get("ssl_check"))) {
      return new Accepted(Kind.SSL_CHECK, null);
    }
    throw new Malformed("neither a slash command nor an interactive payload");
  }

  /** A slash command's fields: from a form over HTTP, or a Socket Mode envelope's payload. */
  public static Verdict command(Map<String, ?> fields) {
    try {
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
      return new Accepted(Kind.COMMAND, null);
    } catch (Malformed e) {
      return new Refused(e.getMessage());
    }
  }

  /** An interactive payload: a click ({@code block_actions}) or a modal's submit. */
  public static Verdict interactive(JsonObject payload) {
    try {
      noNul(payload, "payload");
      String type = text(payload, "type", true, MAX_NAME);
      if (!INTERACTIVE_TYPES.contains(type)) {
        throw new Malformed("unsupported payload type " + quote(type));
      }
      id(object(payload, "user", true), "user.id", true);
      id(object(payload, "team", true), "team.id", true);
      id(payload, "api_app_id", false);
      text(payload, "trigger_id", false, MAX_NAME);
      text(payload, "response_url", false, MAX_NAME);
      object(payload, "enterprise", false);
      if (type.equals("block_actions")) {
        return blockActions(payload);
      }
      JsonObject view = object(payload, "view", true);
      view(view);
      text(view, "callback_id", true, MAX_ACTION_ID);
      return new Accepted(Kind.VIEW, null);
    } catch (Malformed e) {
      return new Refused(e.getMessage());
    }
  }

  private static Verdict blockActions(JsonObject payload) {
    JsonArray actions = array(payload, "actions");
    if (actions.isEmpty()) {
      throw new Malformed("actions is empty");
    }
    for (int i = 0; i < actions.size(); i++) {
      if (!(actions.getValue(i) instanceof JsonObject action)) {
        throw new Malformed("actions holds something that is not an action");
      }
      text(action, "action_id", true, MAX_ACTION_ID);
      text(action, "block_id", false, MAX_ACTION_ID);
      text(action, "value", false, MAX_VALUE);
      text(action, "type", false, MAX_NAME);
      text(action, "action_ts", false, MAX_NAME);
    }
    JsonObject channel = object(payload, "channel", false);
    if (channel != null) {
      id(channel, "channel.id", true);
    }
    // A click's message timestamp is only ever used to reply in a thread, after Click has checked it.
    JsonObject container = object(payload, "container", false);
    if (container != null) {
      id(container, "channel_id", false);
      text(container, "message_ts", false, SlackIds.MAX_ID_LENGTH);
    }
    JsonObject message = object(payload, "message", false);
    if (message != null) {
      text(message, "ts", false, SlackIds.MAX_ID_LENGTH);
    }
    JsonObject view = object(payload, "view", false);
    if (view != null) {
      view(view);
    }
    object(payload, "state", false);
    return new Accepted(Kind.ACTION, null);
  }

  private static void view(JsonObject view) {
    text(view, "type", true, MAX_NAME);
    text(view, "id", false, MAX_NAME);
    text(view, "callback_id", false, MAX_ACTION_ID);
    text(view, "private_metadata", false, MAX_METADATA);
    JsonObject state = object(view, "state", false);
    if (state != null) {
      object(state, "values", false);
    }
  }

  /** An Events API body: the URL check, or one event in its {@code event_callback} envelope. */
  public static Verdict events(JsonObject envelope) {
    try {
      noNul(envelope, "body");
      String type = text(envelope, "type", true, MAX_NAME);
      if (type.equals("url_verification")) {
        text(envelope, "challenge", true, MAX_NAME);
        return new Accepted(Kind.URL_VERIFICATION, null);
      }
      if (!type.equals("event_callback")) {
        throw new Malformed("unsupported payload type " + quote(type));
      }
      String eventId = id(envelope, "event_id", true);
      id(envelope, "team_id", true);
      id(envelope, "api_app_id", false);
      id(envelope, "enterprise_id", false);
      if (envelope.getValue("authorizations") != null) {
        for (Object authorization : array(envelope, "authorizations")) {
          if (!(authorization instanceof JsonObject one)) {
            throw new Malformed("authorizations holds something that is not an authorization");
          }
          id(one, "team_id", false);
          id(one, "user_id", false);
          id(one, "enterprise_id", false);
        }
      }
      event(object(envelope, "event", true));
      return new Accepted(Kind.EVENT, eventId);
    } catch (Malformed e) {
      return new Refused(e.getMessage());
    }
  }

  private static void event(JsonObject event) {
    String type = text(event, "type", true, MAX_NAME);
    if (!TYPE_NAME.matcher(type).matches() || !EVENT_TYPES.contains(type)) {
      throw new Malformed("unsupported event type " + quote(type));
    }
    text(event, "subtype", false, MAX_NAME);
    text(event, "bot_id", false, MAX_NAME);
    text(event, "event_ts", false, MAX_NAME);
    id(event, "user", true);
    if (type.startsWith("reaction_")) {
      text(event, "reaction", true, MAX_NAME);
      id(event, "item_user", false);
      JsonObject item = object(event, "item", true);
      String itemType = text(item, "type", true, MAX_NAME);
      if (itemType.equals("message")) {
        id(item, "item.channel", true);
        ts(item, "ts", true);
      }
    } else {
      id(event, "channel", false);
      text(event, "tab", false, MAX_NAME);
      JsonObject view = object(event, "view", false);
      if (view != null) {
        view(view);
      }
    }
  }

  // ---- reading fields ---------------------------------------------------------------------------

  private static JsonObject json(String text, String what) {
    try {
      return new JsonObject(text);
    } catch (DecodeException | ClassCastException e) {
      throw new Malformed(what + " is not a JSON object");
    }
  }

  /**
   * Decodes a form strictly: every pair is {@code name=value}, every {@code %} starts a valid
   * escape, and no field comes twice.
   */
  private static Map<String, String> decodeForm(String body) {
    Map<String, String> fields = new LinkedHashMap<>();
    for (String pair : body.split("&", -1)) {
      int equals = pair.indexOf('=');
      if (equals <= 0 || pair.indexOf('=', equals + 1) >= 0) {
        throw new Malformed("form body is not name=value pairs");
      }
      String name;
      String value;
      try {
        name = URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8);
        value = URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw new Malformed("form body has a bad %-escape");
      }
      if (fields.put(name, value) != null) {
        throw new Malformed("form field " + quote(name) + " comes twice");
      }
    }
    return fields;
  }

  /** The name of a field as the reason names it: the part after the last dot. */
  private static String key(String field) {
    return field.substring(field.lastIndexOf('.') + 1);
  }

  private static String text(JsonObject json, String field, boolean required, int maxLength) {
    Object value = json.getValue(key(field));
    if (value == null) {
      if (required) {
        throw new Malformed("missing " + field);
      }
      return null;
    }
    if (!(value instanceof String text)) {
      throw new Malformed(field + " is not text");
    }
    if (text.length() > maxLength) {
      throw new Malformed(field + " is longer than " + maxLength + " characters");
    }
    return text;
  }

  private static String id(JsonObject json, String field, boolean required) {
    String value = text(json, field, required, Integer.MAX_VALUE);
    if (value != null && !SlackIds.isId(value)) {
      throw new Malformed(field + " is not a Slack id");
    }
    return value;
  }

  private static void ts(JsonObject json, String field, boolean required) {
    String value = text(json, field, required, Integer.MAX_VALUE);
    if (value != null && !SlackIds.isTs(value)) {
      throw new Malformed(field + " is not a message timestamp");
    }
  }

  private static JsonObject object(JsonObject json, String field, boolean required) {
    Object value = json.getValue(field);
    if (value == null) {
      if (required) {
        throw new Malformed("missing " + field);
      }
      return null;
    }
    if (!(value instanceof JsonObject object)) {
      throw new Malformed(field + " is not an object");
    }
    return object;
  }

  private static JsonArray array(JsonObject json, String field) {
    Object value = json.getValue(field);
    if (value == null) {
      throw new Malformed("missing " + field);
    }
    if (!(value instanceof JsonArray array)) {
      throw new Malformed(field + " is not a list");
    }
    return array;
  }

  /** Walks the whole value: a NUL in any key or string refuses the payload. */
  private static void noNul(Object value, String where) {
    if (value instanceof String text) {
      if (text.indexOf('\0') >= 0) {
        throw new Malformed(where + " holds a NUL character");
      }
    } else if (value instanceof JsonObject object) {
      for (Map.Entry<String, Object> entry : object) {
        noNul(entry.getKey(), where);
        noNul(entry.getValue(), where);
      }
    } else if (value instanceof JsonArray array) {
      for (Object element : array) {
        noNul(element, where);
      }
    }
  }

  /** A piece of the input inside a reason: printable ASCII only, and short. */
  private static String quote(String raw) {
    StringBuilder shown = new StringBuilder("`");
    for (int i = 0; i < raw.length() && i < QUOTE_LIMIT; i++) {
      char c = raw.charAt(i);
      shown.append(c >= 0x20 && c < 0x7f && c != '`' ? c : '?');
    }
    return shown.append(raw.length() > QUOTE_LIMIT ? "…`" : "`").toString();
  }
}
