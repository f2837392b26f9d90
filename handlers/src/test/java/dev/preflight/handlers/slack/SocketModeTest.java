package dev.preflight.handlers.slack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.slack.api.bolt.App;
import dev.preflight.handlers.fake.FakeSlack;
import dev.preflight.handlers.fake.FakeSocketMode;
import dev.preflight.handlers.fake.SlackRequests;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The Socket Mode connection on its own, with a small Bolt app: what Slack sees on the socket. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class SocketModeTest {

  static final String APP_TOKEN = "xapp-1-A0PREFLIGHT-1-socket-test";
  // Quick to reconnect; patient with a slow but live link, since the test machine may be busy.
  static final SocketMode.Timing QUICK = new SocketMode.Timing(Duration.ofSeconds(5), Duration.ofSeconds(30),
      Duration.ofSeconds(10), Duration.ofMillis(100), Duration.ofSeconds(1));
  // Only for the test of a link gone silent, which must be noticed quickly.
  static final SocketMode.Timing IMPATIENT = new SocketMode.Timing(Duration.ofMillis(500), Duration.ofSeconds(3),
      Duration.ofSeconds(10), Duration.ofMillis(100), Duration.ofSeconds(1));

  private final SlackRequests slack = new SlackRequests();
  private final Set<String> taken = ConcurrentHashMap.newKeySet();
  private final AtomicInteger booms = new AtomicInteger();
  private final Promise<Void> secondBoom = Promise.promise();
  private final Promise<String> forgotten = Promise.promise();
  private FakeSlack fake;
  private FakeSocketMode sockets;
  private App app;
  private SocketMode mode;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext test) {
    FakeSlack.start(vertx)
        .compose(started -> {
          fake = started;
          app = new App(SlackEndpoint.boltConfig("xoxb-socket-test", SlackApi.slack(fake.url())));
          app.command("/ping", (req, ctx) -> ctx.ack("pong"));
          app.command("/boom", (req, ctx) -> {
            if (booms.incrementAndGet() == 2) {
              secondBoom.complete();
            }
            throw new IllegalStateException("listener failed");
          });
          app.viewSubmission("form", (req, ctx) -> ctx.ackWithErrors(Map.of("reason", "Say why")));
          return FakeSocketMode.start(vertx, fake, APP_TOKEN);
        })
        .onComplete(test.succeeding(started -> {
          sockets = started;
          test.completeNow();
        }));
  }

  @AfterEach
  void stop(VertxTestContext test) {
    (mode == null ? Future.<Void>succeededFuture() : mode.close()).onComplete(test.succeedingThenComplete());
  }

  @Test
  void answersRideOnTheAckAndAFailedListenerLeavesTheEnvelopeForSlackToRedeliver(VertxTestContext test,
      Vertx vertx) {
    mode = start(vertx, APP_TOKEN);
    JsonObject ping = command("/ping");
    JsonObject boom = command("/boom");
    JsonObject form = FakeSocketMode.envelope(slack.viewSubmission("form", "U0SOMEONE", new JsonObject(), ""));
    sockets.awaitConnection(1)
        .compose(link -> sockets.send(link, ping)
            .compose(v -> sockets.send(link, form))
            .compose(v -> sockets.send(link, boom))
            .compose(v -> sockets.awaitAck(ping.getString("envelope_id")))
            .compose(v -> sockets.awaitAck(form.getString("envelope_id")))
            // The failure is not acked; its redelivery runs again because the first was forgotten.
            .compose(v -> forgotten.future())
            .compose(id -> sockets.send(link, FakeSocketMode.redelivered(boom, 1, "timeout"))))
        .compose(sent -> secondBoom.future())
        .onComplete(test.succeeding(done -> test.verify(() -> {
          assertEquals("pong", sockets.acks(ping.getString("envelope_id")).get(0)
              .getJsonObject("payload").getString("text"));
          JsonObject errors = sockets.acks(form.getString("envelope_id")).get(0).getJsonObject("payload");
          assertEquals("errors", errors.getString("response_action"));
          assertEquals("Say why", errors.getJsonObject("errors").getString("reason"));
          assertTrue(sockets.acks(boom.getString("envelope_id")).isEmpty(), "a failed listener is not acked");
          assertEquals(boom.getString("envelope_id"), forgotten.future().result());
          assertEquals(SocketMode.Status.CONNECTED, mode.state().status());
          test.completeNow();
        })));
  }

  @Test
  void aMalformedEnvelopeIsAckedAndDroppedWithoutBeingRecordedOrRun(VertxTestContext test, Vertx vertx) {
    mode = start(vertx, APP_TOKEN);
    JsonObject boom = command("/boom");
    // Who sent it is missing: a listener would trip over it, and Slack would only send it again as it is.
    boom.getJsonObject("payload").remove("user_id");
    JsonObject ping = command("/ping");
    sockets.awaitConnection(1)
        .compose(link -> sockets.send(link, boom).compose(v -> sockets.send(link, ping)))
        .compose(sent -> sockets.awaitAck(boom.getString("envelope_id")))
        .compose(ack -> sockets.awaitAck(ping.getString("envelope_id")))
        .onComplete(test.succeeding(ack -> test.verify(() -> {
          assertEquals(List.of(new JsonObject().put("envelope_id", boom.getString("envelope_id"))),
              sockets.acks(boom.getString("envelope_id")), "acked with no answer");
          assertEquals(0, booms.get(), "no listener ran");
          assertFalse(taken.contains(boom.getString("envelope_id")), "not recorded as taken in");
          assertEquals("pong", ack.getJsonObject("payload").getString("text"), "the link goes on serving");
          test.completeNow();
        })));
  }

  @Test
  void withTheEventLogDownACommandIsStillAnsweredAndAnEventLeftForSlackToRedeliver(VertxTestContext test,
      Vertx vertx) {
    SlackEventLog down = id -> Future.failedFuture(new IllegalStateException("database down"));
    mode = SocketMode.start(vertx, app, SlackApi.slack(fake.url()), APP_TOKEN, down, new SimpleMeterRegistry(),
        QUICK);
    JsonObject event = FakeSocketMode.envelope(slack.reactionAdded("Ev0DOWN", "U0SOMEONE", "eyes", "C0X", "1.2"));
    JsonObject ping = command("/ping");
    sockets.awaitConnection(1)
        .compose(link -> sockets.send(link, event).compose(v -> sockets.send(link, ping)))
        .compose(sent -> sockets.awaitAck(ping.getString("envelope_id")))
        .onComplete(test.succeeding(ack -> test.verify(() -> {
          assertEquals("pong", ack.getJsonObject("payload").getString("text"), "answered as over HTTP");
          assertTrue(sockets.acks(event.getString("envelope_id")).isEmpty(),
              "an event that could not be recorded is left unacked: " + sockets.acks(event.getString("envelope_id")));
          test.completeNow();
        })));
  }

  @Test
  void aLinkThatStopsAnsweringPingsIsReplaced(VertxTestContext test, Vertx vertx) {
    sockets.silenceNext(1);
    mode = start(vertx, APP_TOKEN, IMPATIENT);
    JsonObject ping = command("/ping");
    sockets.await(fake -> fake.silentConnections() == 1)
        // The silent link said hello and then nothing: the bot gives up on it and opens another.
        .compose(silent -> sockets.awaitConnection(1))
        .compose(link -> sockets.send(link, ping).compose(v -> sockets.awaitAck(ping.getString("envelope_id"))))
        .onComplete(test.succeeding(ack -> test.verify(() -> {
          assertEquals(2, fake.calls("apps.connections.open").size());
          assertEquals(SocketMode.Status.CONNECTED, mode.state().status());
          test.completeNow();
        })));
  }

  @Test
  void linkDisabledStopsConnectingAndSaysWhy(VertxTestContext test, Vertx vertx) {
    mode = start(vertx, APP_TOKEN);
    sockets.awaitConnection(1)
        .compose(link -> sockets.disconnect(link, "link_disabled").map(link))
        .compose(link -> sockets.await(fake -> !fake.isOpen(link)))
        .onComplete(test.succeeding(closed -> test.verify(() -> {
          assertEquals(SocketMode.Status.DISABLED, mode.state().status());
          assertTrue(mode.state().reason().contains("link_disabled"), mode.state().reason());
          assertEquals(1, fake.calls("apps.connections.open").size());
          test.completeNow();
        })));
  }

  @Test
  void aTokenSlackRefusesIsReportedAndRetriedWithBackoff(VertxTestContext test, Vertx vertx) {
    mode = start(vertx, "xapp-1-A0PREFLIGHT-1-revoked");
    AtomicInteger seen = new AtomicInteger();
    fake.awaitCall("apps.connections.open", call -> seen.incrementAndGet() == 2)
        .onComplete(test.succeeding(second -> test.verify(() -> {
          assertEquals(SocketMode.Status.CONNECTING, mode.state().status());
          assertTrue(mode.state().reason().contains("invalid_auth"), mode.state().reason());
          assertTrue(sockets.connections().isEmpty());
          test.completeNow();
        })));
  }

  @Test
  void aBotTokenIsNoAppToken(Vertx vertx) {
    IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
        () -> start(vertx, "xoxb-a-bot-token"));
    assertTrue(refused.getMessage().contains("xapp-"), refused.getMessage());
  }

  private SocketMode start(Vertx vertx, String token) {
    return start(vertx, token, QUICK);
  }

  private SocketMode start(Vertx vertx, String token, SocketMode.Timing timing) {
    SlackEventLog log = new SlackEventLog() {
      @Override
      public Future<Boolean> firstSeen(String id) {
        return Future.succeededFuture(taken.add(id));
      }

      @Override
      public Future<Void> forget(String id) {
        taken.remove(id);
        forgotten.tryComplete(id);
        return Future.succeededFuture();
      }
    };
    return SocketMode.start(vertx, app, SlackApi.slack(fake.url()), token, log, new SimpleMeterRegistry(), timing);
  }

  private JsonObject command(String name) {
    return FakeSocketMode.envelope(slack.slashCommand(name, "", "U0SOMEONE", "C0SOMEWHERE", fake.responseUrl(name)));
  }
}
