package dev.preflight.handlers.slack;

import com.google.gson.Gson;
import com.slack.api.app_backend.slash_commands.response.SlashCommandResponse;
import com.slack.api.bolt.context.builtin.SlashCommandContext;
import com.slack.api.bolt.response.Response;
import com.slack.api.model.block.LayoutBlock;
import com.slack.api.util.json.GsonFactory;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The body of a slash command's acknowledgement: nothing, or an answer only the person who typed
 * the command sees ({@code response_type: ephemeral}), as text with blocks or text alone. Slack
 * shows it at once, without the bot calling anything.
 *
 * @param text the answer's text (the notification's text when there are blocks); null for a bare ack
 * @param blocks the answer's blocks; empty for text alone
 */
public record CommandAck(String text, List<LayoutBlock> blocks) {

  /** The ack that only says the command was received; its answer, if any, comes later. */
  public static final CommandAck EMPTY = new CommandAck(null, List.of());

  // Gson is thread-safe once built; building one learns Slack's whole block model.
  private static final Gson GSON = GsonFactory.createSnakeCase();

  public CommandAck {
    blocks = List.copyOf(blocks);
  }

  public static CommandAck text(String text) {
    return new CommandAck(text, List.of());
  }

  public boolean isEmpty() {
    return text == null && blocks.isEmpty();
  }

  /** The JSON Slack reads from the ack's body; only for a non-empty ack. */
  String json() {
    JsonObject body = new JsonObject().put("response_type", "ephemeral");
    if (text != null) {
      body.put("text", text);
    }
    if (!blocks.isEmpty()) {
      body.put("blocks", new JsonArray(GSON.toJson(blocks)));
    }
    return body.encode();
  }

  /** The same answer as Bolt's response, for a command Bolt dispatched. */
  public Response ack(SlashCommandContext ctx) {
    if (isEmpty()) {
      return ctx.ack();
    }
    return ctx.ack(SlashCommandResponse.builder().responseType("ephemeral").text(text)
        .blocks(blocks.isEmpty() ? null : blocks).build());
  }
}
