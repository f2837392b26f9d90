package dev.preflight.handlers.slack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.slack.api.bolt.App;
import com.slack.api.bolt.AppConfig;
import com.slack.api.model.event.ReactionAddedEvent;
import dev.preflight.handlers.fake.FakeSlack;
import dev.preflight.handlers.fake.SlackRequests;
import dev.preflight.handlers.fake.SlackSamples;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A real Bolt {@link App} behind {@link SlackEndpoint} on a real HTTP server, driven by signed requests. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class SlackEndpointTest {

  private static final String BOT_TOKEN = "xoxb-endpoint-test";
  private static final String USER = "U0ALICE";
  private static final String CHANNEL = "C0DEPLOYS";

  private final SlackRequests slack = new SlackRequests();
  private final List<String> commands = new CopyOnWriteArrayList<>();
  private final List<String> clicks = new CopyOnWriteArrayList<>();
  private final List<String> reactions = new CopyOnWriteArrayList<>();
  private final Set<String> eventIds = ConcurrentHashMap.newKeySet();
  private volatile boolean eventLogDown;
  private final java.util.concurrent.atomic.AtomicBoolean failNextFlaky = new java.util.concurrent.atomic.AtomicBoolean(true);

  private FakeSlack fake;
  private WebClient client;
  private int port;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext test) {
    client = WebClient.create(vertx);
    FakeSlack.start(vertx)
        .compose(started -> {
          fake = started;
          SlackEndpoint endpoint = SlackEndpoint.serving(vertx, app(), new SlackSignature(SlackRequests.SIGNING_SECRET),
              new SlackEventLog() {
                @Override
                public Future<Boolean> firstSeen(String eventId) {
                  return SlackEndpointTest.this.firstSeen(eventId);
                }

                @Override
                public Future<Void> forget(String eventId) {
                  eventIds.remove(eventId);
                  return Future.succeededFuture();
                }
              });
          return serve(vertx, endpoint);
        })
        .onSuccess(server -> port = server.actualPort())
        .onComplete(test.succeedingThenComplete());
  }

  private App app() {
    App app = new App(SlackEndpoint.boltConfig(BOT_TOKEN, SlackApi.slack(fake.url())));
    app.command("/checklist", (request, ctx) -> {
      commands.add(request.getPayload().getText());
      return ctx.ack("Checklist " + request.getPayload().getText() + " started");
    });
    app.blockAction("tick_item", (request, ctx) -> {
      String value = request.getPayload().getActions().get(0).getValue();
      clicks.add(value);
      ctx.respond(r -> r.responseType("ephemeral").text("Ticked " + value));
      return ctx.ack();
    });
    app.event(ReactionAddedEvent.class, (payload, ctx) -> {
      if ("flaky".equals(payload.getEvent().getReaction()) && failNextFlaky.getAndSet(false)) {
        throw new IllegalStateException("the listener failed this time");
      }
      reactions.add(payload.getEvent().getReaction() + "@" + payload.getEvent().getItem().getTs());
      return ctx.ack();
    });
    return app;
  }

  private Future<Boolean> firstSeen(String eventId) {
    return eventLogDown
        ? Future.failedFuture(new IllegalStateException("database unavailable"))
        : Future.succeededFuture(eventIds.add(eventId));
  }

  private static Future<HttpServer> serve(Vertx vertx, SlackEndpoint endpoint) {
    return vertx.createHttpServer()
        .requestHandler(request -> request.body().compose(body -> endpoint.handle(request, body)))
        .listen(0, "127.0.0.1");
  }

  @Test
  void anEventWhoseHandlingFailedIsHandledWhenSlackRedeliversIt(VertxTestContext test) {
    slack.reactionAdded("Ev0FLAKY01", USER, "flaky", CHANNEL, "1700000000.000100")
        .send(client, "127.0.0.1", port)
        .compose(first -> {
          test.verify(() -> {
            assertTrue(first.statusCode() >= 500, "the failure is reported so Slack redelivers: " + first.statusCode());
            assertTrue(reactions.isEmpty());
          });
          return slack.reactionAdded("Ev0FLAKY01", USER, "flaky", CHANNEL, "1700000000.000100")
              .withRetry(1, "http_error")
              .send(client, "127.0.0.1", port);
        })
        .onComplete(test.succeeding(retry -> test.verify(() -> {
          assertEquals(200, retry.statusCode());
          assertEquals(List.of("flaky@1700000000.000100"), reactions);
          test.completeNow();
        })));
  }

  @Test
  void signedSlashCommandReachesTheListenerAndItsAckComesBack(VertxTestContext test) {
    slack.slashCommand("/checklist", "db-ready", USER, CHANNEL, fake.responseUrl("cmd-1"))
        .send(client, "127.0.0.1", port)
        .onComplete(test.succeeding(response -> test.verify(() -> {
          assertEquals(200, response.statusCode());
          assertEquals("Checklist db-ready started", response.bodyAsJsonObject().getString("text"));
          assertEquals(List.of("db-ready"), commands);
          test.completeNow();
        })));
  }

  @Test
  void badSignatureIsRefusedAndNothingRuns(VertxTestContext test) {
    SlackRequests forger = new SlackRequests("not-the-signing-secret");
    forger.slashCommand("/checklist", "db-ready", USER, CHANNEL, fake.responseUrl("cmd-1"))
        .send(client, "127.0.0.1", port)
        .compose(command -> forger.reactionAdded("Ev0FORGED", USER, "white_check_mark", CHANNEL, "1700000000.000100")
            .send(client, "127.0.0.1", port)
            .map(event -> List.of(command, event)))
        .onComplete(test.succeeding(responses -> test.verify(() -> {
          for (var response : responses) {
            assertEquals(401, response.statusCode());
            assertEquals("invalid signature", response.bodyAsString());
          }
          assertEquals(List.of(), commands);
          assertEquals(List.of(), reactions);
          assertEquals(Set.of(), eventIds, "a forged event must not even be recorded");
          test.completeNow();
        })));
  }

  @Test
  void urlVerificationIsAnsweredWithTheChallenge(VertxTestContext test) {
    slack.urlVerification("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P")
        .send(client, "127.0.0.1", port)
        .onComplete(test.succeeding(response -> test.verify(() -> {
          assertEquals(200, response.statusCode());
          assertEquals("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
              response.bodyAsJsonObject().getString("challenge"));
          test.completeNow();
        })));
  }

  @Test
  void redeliveredEventRunsTheListenerOnce(VertxTestContext test) {
    String ts = "1700000000.000100";
    slack.reactionAdded("Ev0SIGNOFF1", USER, "white_check_mark", CHANNEL, ts)
        .send(client, "127.0.0.1", port)
        .compose(first -> slack.reactionAdded("Ev0SIGNOFF1", USER, "white_check_mark", CHANNEL, ts)
            .withRetry(1, "http_timeout")
            .send(client, "127.0.0.1", port)
            .map(retry -> List.of(first, retry)))
        .onComplete(test.succeeding(responses -> test.verify(() -> {
          assertEquals(200, responses.get(0).statusCode());
          assertEquals(200, responses.get(1).statusCode(), "Slack must see the retry acknowledged");
          assertEquals(List.of("white_check_mark@" + ts), reactions);
          test.completeNow();
        })));
  }

  @Test
  void eventIsNotRunWhenTheEventLogIsDownSoSlackRedeliversIt(VertxTestContext test) {
    eventLogDown = true;
    slack.reactionAdded("Ev0SIGNOFF2", USER, "white_check_mark", CHANNEL, "1700000000.000100")
        .send(client, "127.0.0.1", port)
        .onComplete(test.succeeding(response -> test.verify(() -> {
          assertEquals(503, response.statusCode());
          assertEquals(List.of(), reactions);
          test.completeNow();
        })));
  }

  @Test
  void blockActionsPayloadFromTheSamplesReachesTheActionListener(VertxTestContext test) {
    Future<HttpResponse<Buffer>> sent =
        slack.blockAction("tick_item", "item-3", USER, CHANNEL, "1700000000.000100", fake.responseUrl("act-1"))
            .send(client, "127.0.0.1", port);
    Future<JsonObject> responded = fake.awaitResponse("act-1", posted -> true);
    Future.all(sent, responded).onComplete(test.succeeding(both -> test.verify(() -> {
      assertEquals(200, sent.result().statusCode());
      assertEquals(List.of("item-3"), clicks);
      assertEquals("Ticked item-3", responded.result().getString("text"), "what the listener posted to response_url");
      test.completeNow();
    })));
  }

  @Test
  void signedButMalformedIsRefused400WithItsReasonAndNeitherRecordedNorRun(VertxTestContext test) {
    JsonObject event = new JsonObject(slack.reactionAdded("Ev0A", USER, "white_check_mark", CHANNEL,
        "1700000000.000100").bodyText()).put("event_id", "Ev0\u0000NUL");
    byte[] command = "command=%2Fchecklist&text=db-ready&user_id=U0ALICE&channel_id=C0DEPLOYS&team_id=T0A&x=100%"
        .getBytes(StandardCharsets.UTF_8);
    slack.sign("application/json", event.encode().getBytes(StandardCharsets.UTF_8))
        .send(client, "127.0.0.1", port)
        .compose(first -> slack.sign("application/x-www-form-urlencoded", command).send(client, "127.0.0.1", port)
            .map(second -> List.of(first, second)))
        .onComplete(test.succeeding(responses -> test.verify(() -> {
          assertEquals(400, responses.get(0).statusCode());
          assertEquals("malformed Slack request: body holds a NUL character", responses.get(0).bodyAsString());
          assertEquals(400, responses.get(1).statusCode());
          assertEquals("malformed Slack request: form body has a bad %-escape", responses.get(1).bodyAsString());
          assertEquals(Set.of(), eventIds, "a refused event is not recorded");
          assertEquals(List.of(), reactions);
          assertEquals(List.of(), commands);
          test.completeNow();
        })));
  }

  @Test
  void aPayloadThatPassesTheChecksButNotBoltsModelIs400AndForgotten(VertxTestContext test) {
    // item.file is text in Slack's model; SlackInput does not read it, Gson does when Bolt builds the event.
    JsonObject event = new JsonObject(slack.reactionAdded("Ev0SCHEMA1", USER, "white_check_mark", CHANNEL,
        "1700000000.000100").bodyText());
    event.getJsonObject("event").getJsonObject("item").put("file", new JsonObject().put("id", "F0"));
    JsonObject click = new JsonObject(SlackSamples.BLOCK_ACTIONS);
    click.getJsonObject("message").put("blocks", "not a list of blocks");
    slack.sign("application/json", event.encode().getBytes(StandardCharsets.UTF_8))
        .send(client, "127.0.0.1", port)
        .compose(first -> slack.sign("application/x-www-form-urlencoded", ("payload="
                + java.net.URLEncoder.encode(click.encode(), StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8))
            .send(client, "127.0.0.1", port)
            .map(second -> List.of(first, second)))
        .onComplete(test.succeeding(responses -> test.verify(() -> {
          for (var response : responses) {
            assertEquals(400, response.statusCode(), response.bodyAsString());
            assertEquals("malformed Slack request: the payload does not match Slack's schema", response.bodyAsString());
          }
          assertEquals(Set.of(), eventIds, "the refused event was forgotten again");
          assertEquals(List.of(), reactions);
          assertEquals(List.of(), clicks);
          test.completeNow();
        })));
  }

  @Test
  void bodyOverTheLimitIsRefusedWith413EvenWhenSigned(VertxTestContext test) {
    byte[] huge = ("text=" + "x".repeat(SlackEndpoint.MAX_BODY_BYTES)).getBytes(StandardCharsets.UTF_8);
    slack.sign("application/x-www-form-urlencoded", huge)
        .send(client, "127.0.0.1", port)
        .onComplete(test.succeeding(response -> test.verify(() -> {
          assertEquals(413, response.statusCode());
          assertEquals(List.of(), commands);
          test.completeNow();
        })));
  }

  @Test
  void unconfiguredSlackAnswers503WithTheReason(Vertx vertx, VertxTestContext test) {
    serve(vertx, SlackEndpoint.refusing("Slack is not configured: set SLACK_SIGNING_SECRET"))
        .compose(server -> slack.urlVerification("challenge").send(client, "127.0.0.1", server.actualPort()))
        .onComplete(test.succeeding(response -> test.verify(() -> {
          assertEquals(503, response.statusCode());
          assertTrue(response.bodyAsString().contains("SLACK_SIGNING_SECRET"));
          test.completeNow();
        })));
  }

  @Test
  void appThatStillVerifiesRequestsItselfIsRefused(Vertx vertx) {
    App verifying = new App(AppConfig.builder().singleTeamBotToken(BOT_TOKEN).signingSecret("secret").build());
    SlackSignature signature = new SlackSignature(SlackRequests.SIGNING_SECRET);
    assertThrows(IllegalArgumentException.class,
        () -> SlackEndpoint.serving(vertx, verifying, signature, this::firstSeen));
  }
}
