package dev.preflight.handlers.fake;

import dev.preflight.handlers.slack.SlackSignature;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Builds requests to {@code POST /slack/events} exactly as Slack sends them: the same bodies (form
 * fields for commands, {@code payload=<JSON>} for interactivity, JSON for the Events API), signed
 * over the raw bytes with the {@code v0} scheme and a current {@code X-Slack-Request-Timestamp}.
 * Payloads start from real samples ({@link SlackSamples}) with the test's ids substituted.
 */
public final class SlackRequests {

  public static final String PATH = "/slack/events";
  public static final String SIGNING_SECRET = "preflight-test-signing-secret";
  public static final String TEAM_ID = "T0PREFLIGHT";
  public static final String TEAM_DOMAIN = "preflight-test";
  public static final String APP_ID = "A0PREFLIGHT";

  private static final String FORM = "application/x-www-form-urlencoded";
  private static final String JSON = "application/json";
  private static final long SEND_TIMEOUT_MILLIS = 10_000;

  private final SlackSignature signer;
  private final Clock clock;
  private final AtomicLong triggers = new AtomicLong();

  public SlackRequests(String signingSecret, Clock clock) {
    this.signer = new SlackSignature(signingSecret, clock);
    this.clock = clock;
  }

  public SlackRequests(String signingSecret) {
    this(signingSecret, Clock.systemUTC());
  }

  public SlackRequests() {
    this(SIGNING_SECRET);
  }

  /**
   * A request ready to send: headers (content type, timestamp, signature, and retry headers if
   * added) and the exact body bytes the signature covers.
   */
  public record Signed(Map<String, String> headers, byte[] body) {

    public Signed {
      headers = Map.copyOf(headers);
    }

    public String bodyText() {
      return new String(body, StandardCharsets.UTF_8);
    }

    /** Headers outside the signature (Slack signs only timestamp and body) can be added freely. */
    public Signed withHeader(String name, String value) {
      Map<String, String> more = new LinkedHashMap<>(headers);
      more.put(name, value);
      return new Signed(more, body);
    }

    /** As Slack redelivers an event it thinks went unanswered. */
    public Signed withRetry(int retryNum, String reason) {
      return withHeader("X-Slack-Retry-Num", String.valueOf(retryNum)).withHeader("X-Slack-Retry-Reason", reason);
    }

    public Future<HttpResponse<Buffer>> send(WebClient client, String host, int port) {
      return send(client, host, port, PATH);
    }

    public Future<HttpResponse<Buffer>> send(WebClient client, String host, int port, String path) {
      HttpRequest<Buffer> request = client.post(port, host, path).timeout(SEND_TIMEOUT_MILLIS);
      headers.forEach(request::putHeader);
      return request.sendBuffer(Buffer.buffer(body));
    }
  }

  /**
   * {@code /command text} typed in {@code channelId} by {@code userId}.
   *
   * @param responseUrl where the app may post up to five replies, e.g. {@link FakeSlack#responseUrl}
   */
  public Signed slashCommand(String command, String text, String userId, String channelId, String responseUrl) {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("token", "legacy-verification-token");
    form.put("team_id", TEAM_ID);
    form.put("team_domain", TEAM_DOMAIN);
    form.put("channel_id", channelId);
    form.put("channel_name", "deploys");
    form.put("user_id", userId);
    form.put("user_name", userId.toLowerCase(Locale.ROOT));
    form.put("command", command);
    form.put("text", text);
    form.put("api_app_id", APP_ID);
    form.put("is_enterprise_install", "false");
    form.put("response_url", responseUrl);
    form.put("trigger_id", nextTriggerId());
    return form(form);
  }

  /**
   * A click on a button ({@code actionId}, {@code value}) in the message {@code messageTs} of
   * {@code channelId}, from {@code block_actions.json}.
   */
  public Signed blockAction(
      String actionId, String value, String userId, String channelId, String messageTs, String responseUrl) {
    JsonObject payload = new JsonObject(SlackSamples.BLOCK_ACTIONS);
    payload.getJsonObject("user").put("id", userId).put("username", userId.toLowerCase(Locale.ROOT))
        .put("name", userId.toLowerCase(Locale.ROOT)).put("team_id", TEAM_ID);
    payload.put("api_app_id", APP_ID);
    payload.getJsonObject("team").put("id", TEAM_ID).put("domain", TEAM_DOMAIN);
    payload.getJsonObject("container").put("channel_id", channelId).put("message_ts", messageTs);
    payload.getJsonObject("channel").put("id", channelId);
    payload.put("trigger_id", nextTriggerId());
    payload.put("response_url", responseUrl);
    JsonObject message = payload.getJsonObject("message").put("ts", messageTs).put("team", TEAM_ID)
        .put("user", FakeSlack.BOT_USER_ID).put("bot_id", FakeSlack.BOT_ID);
    JsonObject button = message.getJsonArray("blocks").getJsonObject(0).getJsonArray("elements").getJsonObject(0);
    button.put("action_id", actionId).put("value", value);
    JsonObject action = payload.getJsonArray("actions").getJsonObject(0);
    action.put("action_id", actionId).put("value", value)
        .put("action_ts", clock.instant().getEpochSecond() + ".000100");
    return interactive(payload);
  }

  /**
   * A click on a button ({@code actionId}, {@code value}) of {@code userId}'s App Home tab, from
   * {@code block_actions.json} as Slack sends it for a view: the view is the container, and there
   * is no channel, no message and no response_url.
   */
  public Signed homeBlockAction(String actionId, String value, String userId) {
    JsonObject payload = new JsonObject(SlackSamples.BLOCK_ACTIONS);
    payload.getJsonObject("user").put("id", userId).put("username", userId.toLowerCase(Locale.ROOT))
        .put("name", userId.toLowerCase(Locale.ROOT)).put("team_id", TEAM_ID);
    payload.put("api_app_id", APP_ID);
    payload.getJsonObject("team").put("id", TEAM_ID).put("domain", TEAM_DOMAIN);
    payload.remove("channel");
    payload.remove("message");
    payload.remove("response_url");
    payload.put("container", new JsonObject().put("type", "view").put("view_id", "V0HOME" + userId));
    payload.put("view", new JsonObject().put("id", "V0HOME" + userId).put("type", "home").put("team_id", TEAM_ID)
        .put("app_id", APP_ID).put("blocks", new io.vertx.core.json.JsonArray()));
    payload.put("trigger_id", nextTriggerId());
    JsonObject action = payload.getJsonArray("actions").getJsonObject(0);
    action.put("action_id", actionId).put("value", value)
        .put("action_ts", clock.instant().getEpochSecond() + ".000100");
    return interactive(payload);
  }

  /**
   * An option picked from the overflow menu {@code actionId} in the message {@code messageTs}:
   * Slack sends the option as {@code selected_option} and no {@code value}.
   */
  public Signed overflowAction(String actionId, JsonObject option, String userId, String channelId, String messageTs,
      String responseUrl) {
    JsonObject payload = payloadOf(blockAction(actionId, "", userId, channelId, messageTs, responseUrl));
    overflow(payload, option);
    return interactive(payload);
  }

  /**
   * A click inside the open modal {@code view} (as Slack showed it, with its id): the payload has
   * no channel and no message, its container is the view and it carries the whole view. A button
   * when {@code option} is null, else an overflow option.
   */
  public Signed actionInView(String actionId, String value, JsonObject option, String userId, JsonObject view) {
    JsonObject payload = payloadOf(blockAction(actionId, value, userId, "C0UNUSED0", "1700000000.000100", null));
    payload.remove("channel");
    payload.remove("message");
    payload.remove("response_url");
    payload.put("container", new JsonObject().put("type", "view").put("view_id", view.getString("id")));
    payload.put("view", view.copy());
    if (option != null) {
      overflow(payload, option);
    }
    return interactive(payload);
  }

  private static void overflow(JsonObject payload, JsonObject option) {
    JsonObject action = payload.getJsonArray("actions").getJsonObject(0);
    action.remove("value");
    action.remove("text");
    action.put("type", "overflow").put("selected_option", option.copy());
  }

  private static JsonObject payloadOf(Signed signed) {
    String body = signed.bodyText();
    String encoded = body.substring(body.indexOf("payload=") + "payload=".length());
    return new JsonObject(java.net.URLDecoder.decode(encoded, StandardCharsets.UTF_8));
  }

  /**
   * The modal {@code callbackId} submitted by {@code userId}, from {@code view_submission.json}.
   *
   * @param stateValues {@code view.state.values}: block id → action id → {type, value…}
   */
  public Signed viewSubmission(String callbackId, String userId, JsonObject stateValues, String privateMetadata) {
    JsonObject payload = new JsonObject(SlackSamples.VIEW_SUBMISSION);
    payload.getJsonObject("team").put("id", TEAM_ID).put("domain", TEAM_DOMAIN);
    payload.getJsonObject("user").put("id", userId).put("username", userId.toLowerCase(Locale.ROOT))
        .put("name", userId.toLowerCase(Locale.ROOT)).put("team_id", TEAM_ID);
    payload.put("api_app_id", APP_ID);
    payload.put("trigger_id", nextTriggerId());
    payload.getJsonObject("view")
        .put("team_id", TEAM_ID)
        .put("app_installed_team_id", TEAM_ID)
        .put("app_id", APP_ID)
        .put("bot_id", FakeSlack.BOT_ID)
        .put("callback_id", callbackId)
        .put("private_metadata", privateMetadata == null ? "" : privateMetadata)
        .put("state", new JsonObject().put("values", stateValues));
    return interactive(payload);
  }

  /** {@code userId} reacted with {@code :reaction:} to the message {@code ts} in {@code channel}. */
  public Signed reactionAdded(String eventId, String userId, String reaction, String channel, String ts) {
    return reaction("reaction_added", eventId, userId, reaction, channel, ts);
  }

  public Signed reactionRemoved(String eventId, String userId, String reaction, String channel, String ts) {
    return reaction("reaction_removed", eventId, userId, reaction, channel, ts);
  }

  /** Any Events API event, wrapped in the {@code event_callback} envelope Slack uses. */
  public Signed eventCallback(String eventId, JsonObject event) {
    JsonObject envelope = new JsonObject(SlackSamples.EVENT_CALLBACK_REACTION_ADDED)
        .put("team_id", TEAM_ID)
        .put("api_app_id", APP_ID)
        .put("event", event)
        .put("event_id", eventId)
        .put("event_time", clock.instant().getEpochSecond());
    envelope.getJsonArray("authorizations").getJsonObject(0)
        .put("team_id", TEAM_ID).put("user_id", FakeSlack.BOT_USER_ID).put("is_bot", true);
    return json(envelope);
  }

  public Signed urlVerification(String challenge) {
    return json(new JsonObject(SlackSamples.URL_VERIFICATION).put("challenge", challenge));
  }

  /** Signs any body as Slack would, for cases the builders above do not cover. */
  public Signed sign(String contentType, byte[] body) {
    String timestamp = String.valueOf(clock.instant().getEpochSecond());
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", contentType);
    headers.put(SlackSignature.TIMESTAMP_HEADER, timestamp);
    headers.put(SlackSignature.SIGNATURE_HEADER, signer.sign(timestamp, body));
    return new Signed(headers, body);
  }

  private Signed reaction(String type, String eventId, String userId, String reaction, String channel, String ts) {
    JsonObject event = new JsonObject(SlackSamples.EVENT_CALLBACK_REACTION_ADDED).getJsonObject("event")
        .put("type", type)
        .put("user", userId)
        .put("reaction", reaction)
        .put("item_user", FakeSlack.BOT_USER_ID)
        .put("event_ts", clock.instant().getEpochSecond() + ".000200");
    event.getJsonObject("item").put("channel", channel).put("ts", ts);
    return eventCallback(eventId, event);
  }

  private Signed form(Map<String, String> fields) {
    StringBuilder body = new StringBuilder();
    fields.forEach((name, value) -> {
      if (body.length() > 0) {
        body.append('&');
      }
      body.append(encode(name)).append('=').append(encode(value == null ? "" : value));
    });
    return sign(FORM, body.toString().getBytes(StandardCharsets.UTF_8));
  }

  private Signed interactive(JsonObject payload) {
    return form(Map.of("payload", payload.encode()));
  }

  private Signed json(JsonObject body) {
    return sign(JSON, body.encode().getBytes(StandardCharsets.UTF_8));
  }

  private String nextTriggerId() {
    return "%d.%s.%032x".formatted(clock.instant().getEpochSecond(), TEAM_ID, triggers.incrementAndGet());
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }

  /** For tests that build {@code state.values}: one plain-text input's value. */
  public static JsonObject textInput(String blockId, String actionId, String value) {
    return new JsonObject().put(blockId,
        new JsonObject().put(actionId, new JsonObject().put("type", "plain_text_input").put("value", value)));
  }
}
