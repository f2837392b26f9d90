package dev.preflight.handlers.slack;

import static dev.preflight.handlers.slack.PayloadFields.MAX_NAME;
import static dev.preflight.handlers.slack.PayloadFields.array;
import static dev.preflight.handlers.slack.PayloadFields.id;
import static dev.preflight.handlers.slack.PayloadFields.noNul;
import static dev.preflight.handlers.slack.PayloadFields.object;
import static dev.preflight.handlers.slack.PayloadFields.quote;
import static dev.preflight.handlers.slack.PayloadFields.text;
import static dev.preflight.handlers.slack.PayloadFields.ts;

import dev.preflight.handlers.slack.PayloadFields.Malformed;
import dev.preflight.handlers.slack.SlackInput.Accepted;
import dev.preflight.handlers.slack.SlackInput.Kind;
import io.vertx.core.json.JsonObject;
import java.util.regex.Pattern;

/** The shape of an Events API body: the URL check, or one event in its {@code event_callback} envelope. */
final class EventShape {

  private static final Pattern TYPE_NAME = Pattern.compile("[a-z0-9_]{1,64}");

  private EventShape() {}

  /** The envelope as accepted, with its event id for de-duplication; throws {@link Malformed} otherwise. */
  static Accepted check(JsonObject envelope) {
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
  }

  private static void event(JsonObject event) {
    String type = text(event, "type", true, MAX_NAME);
    if (!TYPE_NAME.matcher(type).matches() || !SlackInput.EVENT_TYPES.contains(type)) {
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
        InteractiveShape.view(view);
      }
    }
  }
}
