package dev.preflight.handlers.slack;

import static dev.preflight.handlers.slack.PayloadFields.MAX_ACTION_ID;
import static dev.preflight.handlers.slack.PayloadFields.MAX_METADATA;
import static dev.preflight.handlers.slack.PayloadFields.MAX_NAME;
import static dev.preflight.handlers.slack.PayloadFields.MAX_VALUE;
import static dev.preflight.handlers.slack.PayloadFields.array;
import static dev.preflight.handlers.slack.PayloadFields.id;
import static dev.preflight.handlers.slack.PayloadFields.noNul;
import static dev.preflight.handlers.slack.PayloadFields.object;
import static dev.preflight.handlers.slack.PayloadFields.quote;
import static dev.preflight.handlers.slack.PayloadFields.text;

import dev.preflight.handlers.SlackIds;
import dev.preflight.handlers.slack.PayloadFields.Malformed;
import dev.preflight.handlers.slack.SlackInput.Kind;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** The shape of an interactive payload: a click ({@code block_actions}) or a modal's submit. */
final class InteractiveShape {

  private InteractiveShape() {}

  /** The kind of a payload the listeners can read; throws {@link Malformed} otherwise. */
  static Kind check(JsonObject payload) {
    noNul(payload, "payload");
    String type = text(payload, "type", true, MAX_NAME);
    if (!SlackInput.INTERACTIVE_TYPES.contains(type)) {
      throw new Malformed("unsupported payload type " + quote(type));
    }
    id(object(payload, "user", true), "user.id", true);
    id(object(payload, "team", true), "team.id", true);
    id(payload, "api_app_id", false);
    text(payload, "trigger_id", false, MAX_NAME);
    text(payload, "response_url", false, MAX_NAME);
    object(payload, "enterprise", false);
    if (type.equals("block_actions")) {
      blockActions(payload);
      return Kind.ACTION;
    }
    JsonObject view = object(payload, "view", true);
    view(view);
    text(view, "callback_id", true, MAX_ACTION_ID);
    return Kind.VIEW;
  }

  private static void blockActions(JsonObject payload) {
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
  }

  /** A view as a click, a submit or an App Home event carries it. */
  static void view(JsonObject view) {
    text(view, "type", true, MAX_NAME);
    text(view, "id", false, MAX_NAME);
    text(view, "callback_id", false, MAX_ACTION_ID);
    text(view, "private_metadata", false, MAX_METADATA);
    JsonObject state = object(view, "state", false);
    if (state != null) {
      object(state, "values", false);
    }
  }
}
