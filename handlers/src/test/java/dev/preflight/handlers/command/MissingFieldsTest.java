package dev.preflight.handlers.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.slack.api.bolt.App;
import com.slack.api.bolt.request.RequestHeaders;
import com.slack.api.bolt.request.builtin.EventRequest;
import com.slack.api.bolt.request.builtin.SlashCommandRequest;
import com.slack.api.bolt.response.Response;
import dev.preflight.checklists.config.PreflightConfig;
import dev.preflight.handlers.Replies;
import dev.preflight.handlers.Roles;
import dev.preflight.handlers.fake.FakeSlack;
import dev.preflight.handlers.fake.SlackRequests;
import dev.preflight.handlers.reaction.SignOffReaction;
import dev.preflight.handlers.slack.SlackApi;
import dev.preflight.handlers.slack.SlackEndpoint;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Listeners meeting requests without a field Slack always sends. Over HTTP such requests are
 * refused before dispatch ({@code SlackInput}); here they are handed to Bolt directly, as another
 * transport might, to show that the listeners themselves answer sanely and touch nothing: their
 * run services are absent, so any lookup would fail on the event loop and be caught below.
 */
class MissingFieldsTest {

  private static final String USER = DeployConfigs.DEPLOYER;
  private static final String CHANNEL = "C0TYPEDIN01";

  private final PreflightConfig config = DeployConfigs.config();
  private final List<Throwable> loopFailures = new CopyOnWriteArrayList<>();
  private Vertx vertx;
  private Context loop;
  private FakeSlack fake;
  private App app;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    vertx.exceptionHandler(loopFailures::add);
    loop = vertx.getOrCreateContext();
    fake = await(FakeSlack.start(vertx));
    SlackApi slack = new SlackApi(vertx, SlackApi.slack(fake.url()), "xoxb-missing-fields");
    app = new App(SlackEndpoint.boltConfig("xoxb-missing-fields", SlackApi.slack(fake.url())));
    Replies replies = new Replies(slack);
    DeployReplies deployReplies = new DeployReplies(replies, slack);
    Roles roles = new Roles(config, slack, Clock.systemUTC());
    DeployOpener opener = new DeployOpener(config, null, roles, deployReplies, loop);
    app.command(ChecklistCommand.COMMAND, new ChecklistCommand(config, null, replies, loop));
    app.command(DeployCommand.COMMAND, new DeployCommand(config, opener, slack, replies, loop));
    app.command(RollbackCommand.COMMAND, new RollbackCommand(config, null, roles, deployReplies, loop));
    app.command(LockCommand.LOCK, new LockCommand(config, null, roles, replies, loop));
    app.command(DeploysCommand.COMMAND, new DeploysCommand(null, replies, Clock.systemUTC(), loop));
    new SignOffReaction(config.signOffReaction(), null, roles, replies, loop,
        channel -> Future.succeededFuture(false)).register(app);
  }

  @AfterEach
  void stop() throws Exception {
    await(vertx.close());
  }

  @ParameterizedTest
  @ValueSource(strings = {"/checklist release", "/deploy backend v1 to production", "/rollback backend production",
      "/lock backend production migrating", "/deploys"})
  void aCommandWithoutItsSenderIsAnsweredAndDoesNothing(String typed) throws Exception {
    String command = typed.split(" ", 2)[0];
    String text = typed.contains(" ") ? typed.split(" ", 2)[1] : "";
    for (String missing : List.of("user_id", "channel_id")) {
      Map<String, String> form = new java.util.LinkedHashMap<>(Map.of("command", command, "text", text,
          "team_id", SlackRequests.TEAM_ID, "user_id", USER, "channel_id", CHANNEL));
      form.remove(missing);
      StringBuilder body = new StringBuilder();
      form.forEach((k, v) -> body.append(body.length() == 0 ? "" : "&").append(k).append('=')
          .append(java.net.URLEncoder.encode(v, java.nio.charset.StandardCharsets.UTF_8)));
      Response response = app.run(new SlashCommandRequest(body.toString(), new RequestHeaders(Map.of())));
      assertEquals(200, response.getStatusCode());
      assertEquals(Sender.UNKNOWN, new JsonObject(response.getBody()).getString("text"), missing);
    }
    afterQueuedWork();
    assertEquals(List.of(), loopFailures);
    assertEquals(List.of(), fake.calls("chat.postEphemeral"));
    assertEquals(List.of(), fake.calls("views.open"));
  }

  @Test
  void aReactionWithoutItsItemUserChannelOrTimestampIsAcknowledgedAndIgnored() throws Exception {
    List<Consumer<JsonObject>> damages = List.of(
        event -> event.remove("item"),
        event -> event.remove("user"),
        event -> event.getJsonObject("item").remove("channel"),
        event -> event.getJsonObject("item").put("channel", "C0 not an id"),
        event -> event.getJsonObject("item").remove("ts"),
        event -> event.getJsonObject("item").put("ts", "yesterday"),
        event -> event.remove("reaction"));
    SlackRequests requests = new SlackRequests();
    for (Consumer<JsonObject> damage : damages) {
      JsonObject envelope = new JsonObject(requests.reactionAdded("Ev0MISSING", USER, "white_check_mark", CHANNEL,
          "1700000000.000100").bodyText());
      damage.accept(envelope.getJsonObject("event"));
      Response response = app.run(new EventRequest(envelope.encode(), new RequestHeaders(Map.of())));
      assertEquals(200, response.getStatusCode(), envelope.encode());
    }
    afterQueuedWork();
    assertEquals(List.of(), loopFailures, "no listener looked anything up");
    assertEquals(List.of(), fake.calls("chat.postEphemeral"));
  }

  @Test
  void theSameReactionWithEveryFieldWouldBeLookedUp() throws Exception {
    // The control for the test above: with nothing missing, the listener does go to its (absent) runs.
    JsonObject envelope = new JsonObject(new SlackRequests().reactionAdded("Ev0WHOLE", USER, "white_check_mark",
        CHANNEL, "1700000000.000100").bodyText());
    app.run(new EventRequest(envelope.encode(), new RequestHeaders(Map.of())));
    afterQueuedWork();
    assertEquals(1, loopFailures.size(), loopFailures.toString());
    assertTrue(loopFailures.get(0) instanceof NullPointerException, loopFailures.toString());
  }

  /** Listeners hand their work to the event loop before they acknowledge; this waits for it to run. */
  private void afterQueuedWork() throws Exception {
    Promise<Void> marker = Promise.promise();
    loop.runOnContext(v -> marker.complete());
    await(marker.future());
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }
}
