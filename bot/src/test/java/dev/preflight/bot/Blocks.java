package dev.preflight.bot;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Optional;

/** Reads what a person would see and click in a posted message's blocks. */
final class Blocks {

  private Blocks() {}

  /**
   * The value of the button {@code actionId} for {@code itemId}, if the message shows one; an
   * overflow menu option for that action counts, and answers the item's button value.
   */
  static Optional<String> buttonValue(JsonObject message, String actionId, String itemId) {
    return find(message.getValue("blocks"), actionId, itemId);
  }

  /** The button {@code actionId} anywhere in the message (run buttons carry the run id). */
  static Optional<JsonObject> button(JsonObject message, String actionId) {
    java.util.List<JsonObject> found = new java.util.ArrayList<>();
    elements(message.getValue("blocks"), found);
    return found.stream().filter(e -> actionId.equals(e.getString("action_id"))).findFirst();
  }

  /** The action ids of every button and control the message shows, in order. */
  static java.util.List<String> actionIds(JsonObject message) {
    java.util.List<JsonObject> found = new java.util.ArrayList<>();
    elements(message.getValue("blocks"), found);
    return found.stream().map(e -> e.getString("action_id")).toList();
  }

  private static void elements(Object node, java.util.List<JsonObject> into) {
    if (node instanceof JsonObject object) {
      if (object.getString("action_id") != null) {
        into.add(object);
      }
      object.fieldNames().forEach(key -> elements(object.getValue(key), into));
    } else if (node instanceof JsonArray array) {
      array.forEach(element -> elements(element, into));
    }
  }

  private static Optional<String> find(Object node, String actionId, String itemId) {
    if (node instanceof JsonObject object) {
      if (actionId.equals(object.getString("action_id")) && object.getString("value", "").endsWith("/" + itemId)) {
        return Optional.of(object.getString("value"));
      }
      // An option of an item's overflow menu: "<action> <run>/<item>" stands for that button.
      String option = object.getString("value", "");
      if (object.getValue("text") instanceof JsonObject && option.startsWith(actionId + " ")
          && option.endsWith("/" + itemId)) {
        return Optional.of(option.substring(actionId.length() + 1));
      }
      for (String key : object.fieldNames()) {
        Optional<String> found = find(object.getValue(key), actionId, itemId);
        if (found.isPresent()) {
          return found;
        }
      }
    } else if (node instanceof JsonArray array) {
      for (Object element : array) {
        Optional<String> found = find(element, actionId, itemId);
        if (found.isPresent()) {
          return found;
        }
      }
    }
    return Optional.empty();
  }

  /** All the text of a message's blocks, for "does the message say X" assertions. */
  static String text(JsonObject message) {
    StringBuilder text = new StringBuilder();
    collect(message.getValue("blocks"), text);
    return text.toString();
  }

  private static void collect(Object node, StringBuilder text) {
    if (node instanceof JsonObject object) {
      if ("mrkdwn".equals(object.getString("type")) || "plain_text".equals(object.getString("type"))) {
        text.append(object.getString("text", "")).append('\n');
      }
      object.fieldNames().forEach(key -> collect(object.getValue(key), text));
    } else if (node instanceof JsonArray array) {
      array.forEach(element -> collect(element, text));
    }
  }
}
