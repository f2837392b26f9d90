package dev.preflight.handlers.slack;

import static dev.preflight.handlers.slack.PayloadFields.decodeForm;
import static dev.preflight.handlers.slack.PayloadFields.json;
import static dev.preflight.handlers.slack.PayloadFields.quote;

import dev.preflight.handlers.SlackIds;
import dev.preflight.handlers.slack.PayloadFields.Malformed;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

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
 *
 * <p>This class sorts a request by kind and gives the verdict; the shape of each kind is in
 * {@link CommandShape}, {@link InteractiveShape} and {@link EventShape}, and the strict field
 * readers they share in {@link PayloadFields}.
 */
public final class SlackInput {

  /** The Events API events the bot has listeners for. */
  public static final Set<String> EVENT_TYPES = Set.of("reaction_added", "reaction_removed", "app_home_opened");
  /** The interactive payload types the bot has listeners for. */
  public static final Set<String> INTERACTIVE_TYPES = Set.of("block_actions", "view_submission");

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
      CommandShape.check(fields);
      return new Accepted(Kind.COMMAND, null);
    } catch (Malformed e) {
      return new Refused(e.getMessage());
    }
  }

  /** An interactive payload: a click ({@code block_actions}) or a modal's submit. */
  public static Verdict interactive(JsonObject payload) {
    try {
      return new Accepted(InteractiveShape.check(payload), null);
    } catch (Malformed e) {
      return new Refused(e.getMessage());
    }
  }

  /** An Events API body: the URL check, or one event in its {@code event_callback} envelope. */
  public static Verdict events(JsonObject envelope) {
    try {
      return EventShape.check(envelope);
    } catch (Malformed e) {
      return new Refused(e.getMessage());
    }
  }
}
