package dev.preflight.handlers.slack;

import com.slack.api.bolt.request.RequestHeaders;
import com.slack.api.bolt.response.Response;
import com.slack.api.bolt.util.SlackRequestParser;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One delivery that arrived over Socket Mode, with the body Slack would have posted for it over
 * HTTP: the slash command's form fields, {@code payload=<JSON>} for interactivity, the Events API
 * JSON as is. Bolt then parses it exactly as it parses a request to {@code /slack/events}.
 *
 * @param envelopeId what the ack must name
 * @param deliveryId what de-duplication keys on: the Events API's {@code event_id}, which stays the
 *     same across envelopes and replicas, else the {@code envelope_id} that a redelivery repeats
 * @param kind the ack metric's words: command, action, view or event
 * @param retryAttempt Slack's {@code retry_attempt}, 0 on a first delivery
 */
record SocketEnvelope(String envelopeId, String type, String deliveryId, String kind, String contentType,
    String body, int retryAttempt, String retryReason) {

  static final String SLASH_COMMANDS = "slash_commands";
  static final String INTERACTIVE = "interactive";
  static final String EVENTS_API = "events_api";

  private static final String FORM = "application/x-www-form-urlencoded";
  private static final String JSON = "application/json";

  /** True for the envelope types that carry work: commands, interactivity and events. */
  static boolean carriesWork(String type) {
    return SLASH_COMMANDS.equals(type) || INTERACTIVE.equals(type) || EVENTS_API.equals(type);
  }

  /**
   * Reads an envelope of one of the {@link #carriesWork} types.
   *
   * @throws IllegalArgumentException when it has no {@code envelope_id} or no {@code payload} object
   */
  static SocketEnvelope of(JsonObject envelope) {
    String id = envelope.getValue("envelope_id") instanceof String text && !text.isBlank() ? text : null;
    JsonObject payload = envelope.getValue("payload") instanceof JsonObject object ? object : null;
    if (id == null || payload == null) {
      throw new IllegalArgumentException("a Socket Mode envelope needs an envelope_id and a payload object");
    }
    String type = envelope.getString("type");
    int retry = envelope.getValue("retry_attempt") instanceof Number n ? n.intValue() : 0;
    String reason = envelope.getValue("retry_reason") instanceof String text ? text : null;
    return switch (String.valueOf(type)) {
      case SLASH_COMMANDS -> new SocketEnvelope(id, type, id, "command", FORM, form(payload), retry, reason);
      case INTERACTIVE -> new SocketEnvelope(id, type, id,
          String.valueOf(payload.getValue("type")).startsWith("view_") ? "view" : "action", FORM,
          "payload=" + encode(payload.encode()), retry, reason);
      case EVENTS_API -> new SocketEnvelope(id, type,
          payload.getValue("event_id") instanceof String eventId && !eventId.isBlank() ? eventId : id,
          "event", JSON, payload.encode(), retry, reason);
      default -> throw new IllegalArgumentException("a Socket Mode envelope of type " + type + " carries no work");
    };
  }

  /** An Events API delivery: Slack redelivers it until acked, unlike commands and clicks. */
  boolean isEvent() {
    return EVENTS_API.equals(type);
  }

  /** The request Bolt's parser takes, as if this envelope had been posted to {@code /slack/events}. */
  SlackRequestParser.HttpRequest request() {
    Map<String, List<String>> headers = new HashMap<>();
    headers.put("Content-Type", List.of(contentType));
    if (retryAttempt > 0) {
      headers.put("X-Slack-Retry-Num", List.of(String.valueOf(retryAttempt)));
      if (retryReason != null) {
        headers.put("X-Slack-Retry-Reason", List.of(retryReason));
      }
    }
    return SlackRequestParser.HttpRequest.builder()
        .requestUri("/slack/events")
        .queryString(new HashMap<>())
        .headers(new RequestHeaders(headers))
        .requestBody(body)
        .build();
  }

  /**
   * The ack Slack expects on the socket: the envelope id, and what Bolt answered (a command's
   * reply, a modal's errors or update) as its {@code payload}.
   */
  JsonObject ack(Response answer) {
    JsonObject ack = new JsonObject().put("envelope_id", envelopeId);
    String body = answer == null ? null : answer.getBody();
    if (body == null || body.isBlank()) {
      return ack;
    }
    try {
      return ack.put("payload", new JsonObject(body));
    } catch (DecodeException e) {
      // A plain-text answer is a command's reply; over HTTP Slack shows it the same way.
      return ack.put("payload", new JsonObject().put("text", body));
    }
  }

  /** An ack that carries nothing: for a delivery already handled, or one with no work in it. */
  static JsonObject emptyAck(String envelopeId) {
    return new JsonObject().put("envelope_id", envelopeId);
  }

  private static String form(JsonObject fields) {
    StringBuilder form = new StringBuilder();
    for (Map.Entry<String, Object> field : fields) {
      if (field.getValue() == null) {
        continue;
      }
      if (form.length() > 0) {
        form.append('&');
      }
      form.append(encode(field.getKey())).append('=').append(encode(String.valueOf(field.getValue())));
    }
    return form.toString();
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }
}
