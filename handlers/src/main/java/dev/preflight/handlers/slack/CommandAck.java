package dev.preflight.handlers.slack;

import com.google.gson.Gson;
import com.slack.api.app_backend.slash_commands.response.SlashCommandResponse;
import com.slack.api.bolt.context.builtin.SlashCommandContext;
import com.slack.api.bolt.response.Response;
import com.slack.api.model.block.LayoutBlock;
import com.slack.api.util.json.GsonFactory;
import io.vertx.core.json.Json;
import java.util.List;

/**
 * The body of a slash command's acknowledgement: nothing, or an answer only the person who typed
 * the command sees ({@code response_type: ephemeral}), as text with blocks or text alone. Slack
 * shows it at once, without the bot calling anything.
 *
 * <p>The JSON is written once per answer and kept, so an answer that does not change (the list
 * of checklists) costs no encoding per request.
 */
public final class CommandAck {

  /** The ack that only says the command was received; its answer, if any, comes later. */
  public static final CommandAck EMPTY = new CommandAck(null, List.of());

  // Gson is thread-safe once built; building one learns Slack's whole block model.
  private static final Gson GSON = GsonFactory.createSnakeCase();

  private final String text;
  private final List<LayoutBlock> blocks;
  private volatile String json;

  /**
   * @param text the answer's text (the notification's text when there are blocks); null for a bare ack
   * @param blocks the answer's blocks; empty for text alone
   */
  public CommandAck(String text, List<LayoutBlock> blocks) {
    this.text = text;
    this.blocks = List.copyOf(blocks);
  }

  public static CommandAck text(String text) {
    return new CommandAck(text, List.of());
  }

  public String text() {
    return text;
  }

  public List<LayoutBlock> blocks() {
    return blocks;
  }

  public boolean isEmpty() {
    return text == null && blocks.isEmpty();
  }

  /** The JSON Slack reads from the ack's body; only for a non-empty ack. */
  String json() {
    String written = json;
    if (written == null) {
      StringBuilder body = new StringBuilder("{\"response_type\":\"ephemeral\"");
      if (text != null) {
        body.append(",\"text\":").append(Json.encode(text));
      }
      if (!blocks.isEmpty()) {
        body.append(",\"blocks\":").append(GSON.toJson(blocks));
      }
      written = body.append('}').toString();
      json = written;
    }
    return written;
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
