package dev.preflight.handlers.slack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.preflight.handlers.fake.SlackRequests;
import dev.preflight.handlers.fake.SlackSamples;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** What a signed request must look like to be dispatched, and the reasons given when it does not. */
class SlackInputTest {

  private static final String FORM = "application/x-www-form-urlencoded";
  private static final String JSON = "application/json";
  // Copies of Slack's own payload samples, as Slack sends them.
  private static final Path SAMPLES = Path.of("src/test/resources/slack-samples");

  private final SlackRequests requests = new SlackRequests();

  private static SlackInput.Verdict check(SlackRequests.Signed signed) {
    return SlackInput.http(signed.headers().get("Content-Type"), signed.body());
  }

  /** Kind and delivery id; an HTTP form's fields ride along for Bolt and are checked where Bolt reads them. */
  private static void assertAccepted(SlackInput.Kind kind, String eventId, SlackInput.Verdict verdict) {
    SlackInput.Accepted accepted = assertInstanceOf(SlackInput.Accepted.class, verdict);
    assertEquals(kind, accepted.kind());
    assertEquals(eventId, accepted.eventId());
  }

  private static String refusal(SlackInput.Verdict verdict) {
    return assertInstanceOf(SlackInput.Refused.class, verdict, "expected a refusal").reason();
  }

  @Test
  void whatTheBotSendsItselfInTestsIsAccepted() {
    assertAccepted(SlackInput.Kind.COMMAND, null,
        check(requests.slashCommand("/deploy", "backend v1 to production", "U0A", "C0DEPLOYS", "https://x/y")));
    assertAccepted(SlackInput.Kind.ACTION, null,
        check(requests.blockAction("run_launch", "x", "U0A", "C0DEPLOYS", "1700000000.000100", "https://x/y")));
    assertAccepted(SlackInput.Kind.VIEW, null,
        check(requests.viewSubmission("waive_modal", "U0A", new JsonObject(), "meta")));
    assertAccepted(SlackInput.Kind.EVENT, "Ev0A1",
        check(requests.reactionAdded("Ev0A1", "U0A", "white_check_mark", "C0DEPLOYS", "1700000000.000100")));
    assertAccepted(SlackInput.Kind.URL_VERIFICATION, null,
        check(requests.urlVerification("challenge-text")));
  }

  @Test
  void slacksOwnSamplesAreAccepted() throws IOException {
    assertInstanceOf(SlackInput.Accepted.class,
        SlackInput.http(FORM, Files.readAllBytes(SAMPLES.resolve("block_actions.txt"))));
    assertInstanceOf(SlackInput.Accepted.class,
        SlackInput.http(FORM, Files.readAllBytes(SAMPLES.resolve("view_submission.txt"))));
    // The sample's command is one the bot does not have; its shape is still a command's.
    assertInstanceOf(SlackInput.Accepted.class,
        SlackInput.http(FORM, Files.readAllBytes(SAMPLES.resolve("slash_command.txt"))));
    assertInstanceOf(SlackInput.Accepted.class,
        SlackInput.events(new JsonObject(SlackSamples.EVENT_CALLBACK_REACTION_ADDED)));
    // The sample is the inner event; Slack delivers it in the event_callback envelope.
    assertInstanceOf(SlackInput.Accepted.class, check(requests.eventCallback("Ev0HOME1",
        new JsonObject(Files.readString(SAMPLES.resolve("app_home_opened_event.json"))))));
    // Socket Mode hands a command over as JSON, with a boolean among its fields.
    JsonObject socketCommand = new JsonObject(Files.readString(SAMPLES.resolve("slash_command_socket_mode_payload.json")))
        .put("is_enterprise_install", false);
    assertInstanceOf(SlackInput.Accepted.class, SlackInput.command(socketCommand.getMap()));
  }

  @Test
  void socketModeEnvelopesAreCheckedByTheirType() throws IOException {
    JsonObject events = new JsonObject(Files.readString(SAMPLES.resolve("socket_mode_envelope_events_api_app_mention.json")));
    // The sample's event is an app_mention, which the bot has no listener for.
    assertEquals("unsupported event type `app_mention`",
        refusal(SlackInput.socketMode(events.getString("type"), events.getJsonObject("payload"))));
    JsonObject click = new JsonObject(Files.readString(
        SAMPLES.resolve("socket_mode_envelope_interactive_block_actions.json")));
    assertAccepted(SlackInput.Kind.ACTION, null,
        SlackInput.socketMode(click.getString("type"), click.getJsonObject("payload")));
    JsonObject command = new JsonObject(Files.readString(SAMPLES.resolve("socket_mode_envelope_slash_commands.json")));
    assertAccepted(SlackInput.Kind.COMMAND, null,
        SlackInput.socketMode(command.getString("type"), command.getJsonObject("payload")));
    JsonObject withoutUser = click.getJsonObject("payload").copy();
    withoutUser.remove("user");
    assertEquals("missing user", refusal(SlackInput.socketMode("interactive", withoutUser)));
    assertEquals("unsupported envelope type `hello`", refusal(SlackInput.socketMode("hello", new JsonObject())));
  }

  static Stream<Arguments> malformedEvents() {
    return Stream.of(
        event("the event is missing", envelope -> envelope.remove("event"), "missing event"),
        event("the event is text", envelope -> envelope.put("event", "reaction_added"), "event is not an object"),
        event("no user", envelope -> envelope.getJsonObject("event").remove("user"), "missing user"),
        event("user is an object", envelope -> envelope.getJsonObject("event").put("user", new JsonObject()),
            "user is not text"),
        event("no team", envelope -> envelope.remove("team_id"), "missing team_id"),
        event("no event id", envelope -> envelope.remove("event_id"), "missing event_id"),
        event("event id with NUL", envelope -> envelope.put("event_id", "Ev1\u0000"), "NUL"),
        event("event id of 10,000 characters", envelope -> envelope.put("event_id", "E".repeat(10_000)),
            "event_id is not a Slack id"),
        event("event id is a number", envelope -> envelope.put("event_id", 42), "event_id is not text"),
        event("unknown envelope type", envelope -> envelope.put("type", "app_rate_limited"),
            "unsupported payload type `app_rate_limited`"),
        event("unknown event type", envelope -> envelope.getJsonObject("event").put("type", "message"),
            "unsupported event type `message`"),
        event("no item", envelope -> envelope.getJsonObject("event").remove("item"), "missing item"),
        event("item channel with a space", envelope -> envelope.getJsonObject("event").getJsonObject("item")
            .put("channel", "C0 1"), "item.channel is not a Slack id"),
        event("ts is not a timestamp", envelope -> envelope.getJsonObject("event").getJsonObject("item")
            .put("ts", "yesterday"), "ts is not a message timestamp"),
        event("authorizations of text", envelope -> envelope.put("authorizations", new JsonArray().add("x")),
            "authorizations holds"),
        event("a NUL deep inside", envelope -> envelope.getJsonObject("event").put("extra",
            new JsonObject().put("a", new JsonArray().add("b\u0000"))), "NUL"));
  }

  private static Arguments event(String name, Consumer<JsonObject> damage, String reason) {
    return Arguments.of(name, damage, reason);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformedEvents")
  void malformedEventIsRefusedWithItsReason(String name, Consumer<JsonObject> damage, String reason) {
    JsonObject envelope = new JsonObject(requests.reactionAdded("Ev0A1", "U0A", "white_check_mark", "C0DEPLOYS",
        "1700000000.000100").bodyText());
    damage.accept(envelope);
    String given = refusal(SlackInput.http(JSON, envelope.encode().getBytes(StandardCharsets.UTF_8)));
    assertTrue(given.contains(reason), given);
  }

  static Stream<Arguments> malformedInteractions() {
    return Stream.of(
        event("no user", p -> p.remove("user"), "missing user"),
        event("user is text", p -> p.put("user", "U0A"), "user is not an object"),
        event("user id of 10,000 characters", p -> p.getJsonObject("user").put("id", "U".repeat(10_000)),
            "user.id is not a Slack id"),
        event("no team", p -> p.remove("team"), "missing team"),
        event("no actions", p -> p.remove("actions"), "missing actions"),
        event("actions is an object", p -> p.put("actions", new JsonObject()), "actions is not a list"),
        event("no action at all", p -> p.put("actions", new JsonArray()), "actions is empty"),
        event("an action of text", p -> p.put("actions", new JsonArray().add("run_launch")), "not an action"),
        event("action id is a number", p -> p.getJsonArray("actions").getJsonObject(0).put("action_id", 7),
            "action_id is not text"),
        event("value over Slack's limit", p -> p.getJsonArray("actions").getJsonObject(0).put("value",
            "v".repeat(2001)), "value is longer than 2000"),
        event("channel without an id", p -> p.put("channel", new JsonObject()), "missing channel.id"),
        event("unknown type", p -> p.put("type", "dialog_submission"), "unsupported payload type"),
        event("no type", p -> p.remove("type"), "missing type"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformedInteractions")
  void malformedClickIsRefusedWithItsReason(String name, Consumer<JsonObject> damage, String reason) {
    String body = requests.blockAction("run_launch", "x", "U0A", "C0DEPLOYS", "1700000000.000100", "https://x/y")
        .bodyText();
    JsonObject payload = new JsonObject(java.net.URLDecoder.decode(body.substring("payload=".length()),
        StandardCharsets.UTF_8));
    damage.accept(payload);
    String given = refusal(SlackInput.http(FORM, form(Map.of("payload", payload.encode()))));
    assertTrue(given.contains(reason), given);
  }

  @Test
  void viewSubmissionWithoutAViewOrWithMetadataOfTheWrongTypeIsRefused() {
    JsonObject payload = new JsonObject(SlackSamples.VIEW_SUBMISSION);
    payload.remove("view");
    assertEquals("missing view", refusal(SlackInput.interactive(payload)));
    payload = new JsonObject(SlackSamples.VIEW_SUBMISSION);
    payload.getJsonObject("view").put("private_metadata", new JsonArray());
    assertEquals("private_metadata is not text", refusal(SlackInput.interactive(payload)));
    payload = new JsonObject(SlackSamples.VIEW_SUBMISSION);
    payload.getJsonObject("view").put("private_metadata", "m".repeat(3001));
    assertTrue(refusal(SlackInput.interactive(payload)).contains("longer than 3000"));
  }

  @Test
  void slashCommandMissingWhoOrWhereIsRefused() {
    Map<String, String> fields = Map.of("command", "/deploy", "team_id", "T0A", "channel_id", "C0A", "text", "");
    assertEquals("missing user_id", refusal(SlackInput.http(FORM, form(fields))));
    assertEquals("missing channel_id", refusal(SlackInput.command(Map.of("command", "/deploy", "team_id", "T0A",
        "user_id", "U0A"))));
    assertEquals("missing team_id", refusal(SlackInput.command(Map.of("command", "/deploy", "channel_id", "C0A",
        "user_id", "U0A"))));
    assertEquals("command is not a slash command name", refusal(SlackInput.command(Map.of("command", "deploy",
        "team_id", "T0A", "channel_id", "C0A", "user_id", "U0A"))));
    assertEquals("field `text` is not text", refusal(SlackInput.command(Map.of("command", "/deploy",
        "team_id", "T0A", "channel_id", "C0A", "user_id", "U0A", "text", 5))));
  }

  @ParameterizedTest
  @ValueSource(strings = {"/deploy", "/a", "/run-book_2.0", "/abcdefghijklmnopqrstuvwxyz012345"})
  void slashCommandNamesAreASlashAndUpToThirtyTwoPlainCharacters(String command) {
    assertTrue(SlackInput.command(Map.of("command", command, "team_id", "T0A", "channel_id", "C0A", "user_id", "U0A"))
        instanceof SlackInput.Accepted, command);
  }

  @ParameterizedTest
  @ValueSource(strings = {"/", "//", "deploy", "/de ploy", "/déploy", "/abcdefghijklmnopqrstuvwxyz0123456",
      " /deploy"})
  void anythingElseIsNotACommandName(String command) {
    assertEquals("command is not a slash command name", refusal(SlackInput.command(Map.of("command", command,
        "team_id", "T0A", "channel_id", "C0A", "user_id", "U0A"))));
  }

  @ParameterizedTest
  @ValueSource(strings = {"command=%2Fdeploy&text=100%&user_id=U0A", "command=%zz", "payload=%7B%22type%22%3A%2",
      "text=%E0%A4%A"})
  void badPercentEscapeIsRefused(String body) {
    assertEquals("form body has a bad %-escape", refusal(SlackInput.http(FORM, body.getBytes(StandardCharsets.UTF_8))));
  }

  @Test
  void formsThatAreNotSlackFormsAreRefused() {
    assertEquals("form body is not name=value pairs",
        refusal(SlackInput.http(FORM, "command".getBytes(StandardCharsets.UTF_8))));
    assertEquals("form field `command` comes twice",
        refusal(SlackInput.http(FORM, "command=%2Fa&command=%2Fb".getBytes(StandardCharsets.UTF_8))));
    assertEquals("neither a slash command nor an interactive payload",
        refusal(SlackInput.http(FORM, "hello=world".getBytes(StandardCharsets.UTF_8))));
    assertEquals("an interactive payload comes alone in its form",
        refusal(SlackInput.http(FORM, "payload=%7B%7D&x=1".getBytes(StandardCharsets.UTF_8))));
    assertEquals("user_id holds a NUL character",
        refusal(SlackInput.http(FORM, form(Map.of("command", "/deploy", "user_id", "U0A\u0000", "channel_id", "C0A",
            "team_id", "T0A")))));
  }

  @Test
  void emptyTruncatedOrForeignBodiesAreRefused() {
    assertEquals("empty body", refusal(SlackInput.http(JSON, new byte[0])));
    String whole = requests.reactionAdded("Ev0A1", "U0A", "white_check_mark", "C0DEPLOYS", "1700000000.000100")
        .bodyText();
    assertEquals("body is not a JSON object",
        refusal(SlackInput.http(JSON, whole.substring(0, whole.length() / 2).getBytes(StandardCharsets.UTF_8))));
    assertEquals("body is not a JSON object", refusal(SlackInput.http(JSON, "[1,2]".getBytes(StandardCharsets.UTF_8))));
    assertEquals("payload is not a JSON object", refusal(SlackInput.http(FORM, "payload=%7B%22type".getBytes(
        StandardCharsets.UTF_8))));
    assertEquals("unsupported content type; Slack sends JSON or a form",
        refusal(SlackInput.http("text/plain", "hello".getBytes(StandardCharsets.UTF_8))));
  }

  @Test
  void reasonsQuoteLittleOfTheInputAndNothingUnprintable() {
    JsonObject envelope = new JsonObject(requests.reactionAdded("Ev0A1", "U0A", "white_check_mark", "C0DEPLOYS",
        "1700000000.000100").bodyText());
    envelope.put("type", "\u001b[31m" + "x".repeat(900_000));
    String reason = refusal(SlackInput.events(envelope));
    assertTrue(reason.length() < 100, reason);
    assertTrue(reason.chars().allMatch(c -> c >= 0x20 && c != 0x7f), reason);
  }

  private static byte[] form(Map<String, String> fields) {
    StringBuilder body = new StringBuilder();
    fields.forEach((name, value) -> body.append(body.length() == 0 ? "" : "&")
        .append(URLEncoder.encode(name, StandardCharsets.UTF_8)).append('=')
        .append(URLEncoder.encode(value, StandardCharsets.UTF_8)));
    return body.toString().getBytes(StandardCharsets.UTF_8);
  }
}
