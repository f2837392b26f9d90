package dev.preflight.handlers.render;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.HashSet;
import java.util.Set;

/** The limits Slack enforces on a message, checked on the JSON it would receive. */
final class SlackLimits {

  private SlackLimits() {}

  static void assertWithinSlackLimits(Rendered message) {
    assertNotNull(message.content.text(), "a message needs fallback text for notifications");
    assertFalse(message.content.text().isBlank(), "a message needs fallback text for notifications");
    assertTrue(message.blocks.size() <= RunMessage.MAX_BLOCKS, "blocks: " + message.blocks.size());
    for (JsonObject block : message.blocks) {
      JsonObject text = block.getJsonObject("text");
      if (text != null) {
        int limit = "header".equals(block.getString("type")) ? 150 : 3000;
        assertTrue(text.getString("text").length() <= limit, "text of " + text.getString("text").length());
      }
    }
    Set<String> ids = new HashSet<>();
    for (JsonObject block : message.blocks) {
      String id = block.getString("block_id");
      assertTrue(id == null || (ids.add(id) && id.length() <= 255), "block_id " + id);
    }
    for (JsonObject button : message.buttons()) {
      assertTrue(button.getJsonObject("text").getString("text").length() <= 75);
      assertTrue(button.getString("value").length() <= 2000);
      JsonObject confirm = button.getJsonObject("confirm");
      if (confirm != null) {
        assertTrue(confirm.getJsonObject("title").getString("text").length() <= 100);
        assertTrue(confirm.getJsonObject("text").getString("text").length() <= 300);
        assertTrue(confirm.getJsonObject("confirm").getString("text").length() <= 30);
        assertTrue(confirm.getJsonObject("deny").getString("text").length() <= 30);
      }
    }
  }
}
