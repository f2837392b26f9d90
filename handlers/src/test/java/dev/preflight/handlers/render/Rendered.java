package dev.preflight.handlers.render;

import com.slack.api.util.json.GsonFactory;
import dev.preflight.handlers.ActionIds;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** A rendered message as the JSON Slack would receive, with the views a reader cares about. */
final class Rendered {

  final MessageContent content;
  final List<JsonObject> blocks;

  private Rendered(MessageContent content, List<JsonObject> blocks) {
    this.content = content;
    this.blocks = blocks;
  }

  static Rendered of(MessageContent content) {
    String json = GsonFactory.createSnakeCase().toJson(content.blocks());
    List<JsonObject> blocks = new ArrayList<>();
    new JsonArray(json).forEach(block -> blocks.add((JsonObject) block));
    return new Rendered(content, blocks);
  }

  /** Every text a person reads, block by block (header, context, sections). */
  List<String> texts() {
    List<String> texts = new ArrayList<>();
    for (JsonObject block : blocks) {
      JsonObject text = block.getJsonObject("text");
      if (text != null) {
        texts.add(text.getString("text"));
      }
      JsonArray elements = block.getJsonArray("elements");
      if ("context".equals(block.getString("type")) && elements != null) {
        elements.forEach(e -> texts.add(((JsonObject) e).getString("text")));
      }
    }
    return texts;
  }

  String allText() {
    return String.join("\n", texts());
  }

  /**
   * Every button, each with the block_id of the block it sits in. An option of an item's
   * overflow menu counts as the button it stands for (its action and the item's value), with
   * {@code "in_menu": true}.
   */
  List<JsonObject> buttons() {
    List<JsonObject> buttons = new ArrayList<>();
    for (JsonObject block : blocks) {
      JsonObject accessory = block.getJsonObject("accessory");
      if (accessory != null && "button".equals(accessory.getString("type"))) {
        buttons.add(accessory.copy().put("block_id", block.getString("block_id")));
      }
      if (accessory != null && "overflow".equals(accessory.getString("type"))) {
        accessory.getJsonArray("options").forEach(o -> {
          JsonObject option = (JsonObject) o;
          ActionIds.MenuChoice choice = ActionIds.parseItemMenuValue(option.getString("value"));
          buttons.add(new JsonObject().put("type", "button").put("in_menu", true)
              .put("action_id", choice.actionId())
              .put("value", ActionIds.itemValue(choice.item().runId(), choice.item().itemId()))
              .put("text", option.getJsonObject("text"))
              .put("block_id", block.getString("block_id")));
        });
      }
      if ("actions".equals(block.getString("type"))) {
        block.getJsonArray("elements").forEach(e ->
            buttons.add(((JsonObject) e).copy().put("block_id", block.getString("block_id"))));
      }
    }
    return buttons;
  }

  /** The ids of the items that have a block of their own (block_id {@code item:<id>}), in order. */
  java.util.Set<String> itemsWithTheirOwnBlock() {
    java.util.Set<String> items = new java.util.LinkedHashSet<>();
    for (JsonObject block : blocks) {
      String id = block.getString("block_id");
      if (id != null && id.startsWith(ActionIds.ITEM_BLOCK_PREFIX)) {
        items.add(id.substring(ActionIds.ITEM_BLOCK_PREFIX.length()));
      }
    }
    return items;
  }

  /** The action_ids of the buttons carrying this value, in order. */
  List<String> actionsFor(String value) {
    return buttons().stream()
        .filter(b -> value.equals(b.getString("value")))
        .map(b -> b.getString("action_id"))
        .collect(Collectors.toList());
  }

  /** The run-level buttons (Launch, Cancel, Abort, Rollback), in order. */
  List<JsonObject> runButtons() {
    return buttons().stream().filter(b -> ActionIds.RUN_ACTIONS_BLOCK.equals(b.getString("block_id"))).toList();
  }

  List<String> runActions() {
    return runButtons().stream().map(b -> b.getString("action_id")).toList();
  }

  JsonObject runButton(String actionId) {
    return runButtons().stream().filter(b -> actionId.equals(b.getString("action_id"))).findFirst().orElse(null);
  }

  List<JsonObject> ofType(String type) {
    return blocks.stream().filter(b -> type.equals(b.getString("type"))).toList();
  }

  /** The section whose block_id is given, or null. */
  JsonObject block(String blockId) {
    return blocks.stream().filter(b -> blockId.equals(b.getString("block_id"))).findFirst().orElse(null);
  }

  String textOf(String blockId) {
    JsonObject block = block(blockId);
    return block == null ? null : block.getJsonObject("text").getString("text");
  }
}
