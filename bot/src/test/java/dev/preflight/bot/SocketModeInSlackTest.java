package dev.preflight.bot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.preflight.checklists.config.ConfigLoader;
import dev.preflight.checklists.secret.Variables;
import dev.preflight.deploy.TestDatabase;
import dev.preflight.handlers.ActionIds;
import dev.preflight.handlers.fake.FakeSlack;
import dev.preflight.handlers.fake.FakeSocketMode;
import dev.preflight.handlers.fake.SlackRequests;
import dev.preflight.handlers.slack.SocketMode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The whole bot over Socket Mode, with no signing secret and no public URL: envelopes pushed
 * through a local WebSocket that a fake {@code apps.connections.open} handed out; the acks on the
 * socket, the blocks posted to the fake Web API and the rows stored come out.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 90, timeUnit = TimeUnit.SECONDS)
class SocketModeInSlackTest {

  static final String APP_TOKEN = "xapp-1-A0PREFLIGHT-1-replica-a";
  static final String OTHER_REPLICA_TOKEN = "xapp-1-A0PREFLIGHT-1-replica-b";
  static final String OPS = ChecklistInSlackTest.OPS;
  static final String STARTER = ChecklistInSlackTest.STARTER;
  static final String SRE = ChecklistInSlackTest.SRE;
  static final String LEAD = ChecklistInSlackTest.LEAD;
  // Slack's pings and patience, but a dropped link comes back within the test.
  static final SocketMode.Timing QUICK = new SocketMode.Timing(Duration.ofSeconds(10), Duration.ofSeconds(30),
      Duration.ofSeconds(10), Duration.ofMillis(200), Duration.ofSeconds(2));

  private final SlackRequests slack = new SlackRequests();
  private FakeSlack fake;
  private FakeSocketMode sockets;
  private HealthTarget target;
  private PgConnectOptions database;
  private PreflightVerticle bot;
  private WebClient client;
  private Pool db;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext test) {
    database = TestDatabase.create().connectOptions();
    db = PgBuilder.pool().connectingTo(database).using(vertx).build();
    client = WebClient.create(vertx);
    FakeSlack.start(vertx)
        .compose(started -> {
          fake = started;
          return FakeSocketMode.start(vertx, fake, APP_TOKEN, OTHER_REPLICA_TOKEN);
        })
        .compose(started -> {
          sockets = started;
          return HealthTarget.start(vertx);
        })
        .compose(started -> {
          target = started;
          return replica(vertx, APP_TOKEN);
        })
        .onComplete(test.succeeding(started -> {
          bot = started;
          test.completeNow();
        }));
  }

  @AfterEach
  void stop() {
    db.close();
  }

  @Test
  void aSlashCommandAndAButtonRoundTripOverTheSocket(VertxTestContext test) {
    Run run = new Run();
    JsonObject command = FakeSocketMode.envelope(
        slack.slashCommand("/checklist", "e2e-predeploy", STARTER, "C0TYPED01", fake.responseUrl("cmd")));
    sockets.awaitConnection(1)
        .compose(link -> {
          run.link = link;
          return sockets.send(link, command);
        })
        .compose(sent -> sockets.awaitAck(command.getString("envelope_id")))
        .compose(ack -> {
          test.verify(() -> assertTrue(ack.getJsonObject("payload").getString("text").contains("Starting"),
              "the command's answer rides on the ack: " + ack.encode()));
          return ready(bot);
        })
        .compose(ready -> {
          test.verify(() -> {
            assertEquals(200, ready.statusCode(), ready.bodyAsString());
            JsonObject socket = ready.bodyAsJsonObject().getJsonObject("socket_mode");
            assertEquals("connected", socket.getString("state"));
          });
          return fake.awaitCall("chat.postMessage");
        })
        .compose(message -> {
          test.verify(() -> {
            assertEquals(OPS, message.getString("channel"));
            assertTrue(Blocks.text(message).contains("Backend pre-deploy"));
          });
          return awaitMessage(text -> text.contains("✅ Health endpoint answers"));
        })
        .compose(message -> {
          JsonObject tick = tick(message, LEAD);
          run.envelope = tick;
          return sockets.send(run.link, tick).compose(sent -> sockets.awaitAck(tick.getString("envelope_id")));
        })
        .compose(ack -> {
          test.verify(() -> assertNull(ack.getValue("payload"), "a button is acked empty: " + ack.encode()));
          return awaitMessage(text -> text.contains("Ticked by <@" + LEAD + ">"));
        })
        // Without a signing secret the HTTP door stays shut and says why.
        .compose(message -> slack.slashCommand("/checklist", "e2e-predeploy", STARTER, "C0TYPED01",
            fake.responseUrl("http")).send(client, "127.0.0.1", bot.port()))
        .compose(http -> {
          test.verify(() -> {
            assertEquals(503, http.statusCode());
            assertTrue(http.bodyAsString().contains("Socket Mode"), http.bodyAsString());
            assertEquals(1, sockets.connections().size(), "one connection for the whole run");
            assertEquals(1, fake.calls("apps.connections.open").size());
            assertEquals(APP_TOKEN, sockets.connections().get(0).token(), "opened with the app-level token");
          });
          return audit();
        })
        .onComplete(test.succeeding(audit -> test.verify(() -> {
          assertEquals(1, count(audit, "item.ticked " + LEAD + " button:item_tick"), audit.toString());
          assertEquals(1, count(audit, "run.started"), audit.toString());
          test.completeNow();
        })));
  }

  @Test
  void theHomeTabIsPublishedWhenOpenedOverTheSocket(VertxTestContext test) {
    JsonObject opened = FakeSocketMode.envelope(slack.eventCallback("Ev0SOCKETHOME", new JsonObject()
        .put("type", "app_home_opened").put("user", SRE).put("channel", "D0SRE0001").put("tab", "home")
        .put("event_ts", "1700000000.000100")));
    sockets.awaitConnection(1)
        .compose(link -> sockets.send(link, opened))
        .compose(sent -> sockets.awaitAck(opened.getString("envelope_id")))
        .compose(ack -> fake.awaitCall("views.publish"))
        .onComplete(test.succeeding(published -> test.verify(() -> {
          assertEquals(SRE, published.getString("user_id"));
          assertEquals("home", published.getJsonObject("view").getString("type"));
          test.completeNow();
        })));
  }

  @ParameterizedTest
  @ValueSource(strings = {"refresh_requested", "warning"})
  void aDisconnectMidRunLosesNoActionAndDoublesNone(String reason, VertxTestContext test) {
    Run run = new Run();
    startRun()
        .compose(started -> {
          run.link = started.link;
          run.ts = started.ts;
          run.envelope = tick(started.message, LEAD);
          // The next link waits un-greeted, so the click below surely lands between the two.
          sockets.hold();
          return sockets.disconnect(run.link, reason);
        })
        .compose(asked -> sockets.await(fake -> fake.heldCount() == 1))
        .compose(opening -> sockets.send(run.link, run.envelope))
        .compose(sent -> sockets.awaitAck(run.envelope.getString("envelope_id")))
        .compose(ack -> {
          test.verify(() -> {
            assertTrue(sockets.isOpen(run.link), "the old link serves until the new one says hello");
            assertEquals(1, sockets.received(run.link).stream()
                .filter(m -> run.envelope.getString("envelope_id").equals(m.getString("envelope_id"))).count());
          });
          sockets.release();
          return sockets.awaitConnection(2);
        })
        .compose(second -> {
          run.next = second;
          return sockets.await(fake -> !fake.isOpen(run.link));
        })
        // Slack may hand an envelope it saw no ack for to the new link: recognised, acked, not redone.
        .compose(oldClosed -> sockets.send(run.next, FakeSocketMode.redelivered(run.envelope, 1, "timeout")))
        .compose(sent -> sockets.await(fake -> fake.acks(run.envelope.getString("envelope_id")).size() == 2))
        .compose(acked -> {
          JsonObject reaction = FakeSocketMode.envelope(
              slack.reactionAdded("Ev0SOCKET01", SRE, "white_check_mark", OPS, run.ts));
          return sockets.send(run.next, reaction).compose(sent -> sockets.awaitAck(reaction.getString("envelope_id")));
        })
        .compose(ack -> awaitMessage(text -> text.contains("<@" + SRE + "> for *sre*")
            && text.contains("Ticked by <@" + LEAD + ">")))
        .compose(message -> audit())
        .onComplete(test.succeeding(audit -> test.verify(() -> {
          assertEquals(1, count(audit, "item.ticked"), audit.toString());
          assertEquals(1, count(audit, "signoff.added " + SRE), audit.toString());
          assertTrue(fake.ephemerals(LEAD).isEmpty(), "a doubled click would be told 'already': "
              + fake.ephemerals(LEAD));
          assertEquals(2, sockets.connections().size());
          assertEquals(List.of(run.next), sockets.open(APP_TOKEN), "one connection once the move is done");
          test.completeNow();
        })));
  }

  @Test
  void aDroppedSocketIsReplacedAndReadinessSaysSoMeanwhile(VertxTestContext test) {
    Run run = new Run();
    startRun()
        .compose(started -> {
          run.link = started.link;
          run.message = started.message;
          sockets.hold();
          return sockets.drop(run.link);
        })
        // The bot has noticed and is already opening the next link, held un-greeted by the fake.
        .compose(dropped -> sockets.await(fake -> fake.heldCount() == 1))
        .compose(reconnecting -> ready(bot))
        .compose(ready -> {
          test.verify(() -> {
            assertEquals(503, ready.statusCode(), ready.bodyAsString());
            JsonObject body = ready.bodyAsJsonObject();
            assertEquals("connecting", body.getJsonObject("socket_mode").getString("state"), body.encode());
            assertTrue(body.getJsonArray("problems").encode().contains("Socket Mode is not connected"),
                body.encode());
          });
          sockets.release();
          return sockets.awaitConnection(2);
        })
        .compose(second -> {
          run.next = second;
          run.envelope = tick(run.message, LEAD);
          return sockets.send(second, run.envelope);
        })
        .compose(sent -> sockets.awaitAck(run.envelope.getString("envelope_id")))
        .compose(ack -> awaitMessage(text -> text.contains("Ticked by <@" + LEAD + ">")))
        .compose(message -> ready(bot))
        .onComplete(test.succeeding(ready -> test.verify(() -> {
          assertEquals(200, ready.statusCode(), ready.bodyAsString());
          assertEquals("connected", ready.bodyAsJsonObject().getJsonObject("socket_mode").getString("state"));
          assertEquals(List.of(run.next), sockets.open(APP_TOKEN));
          test.completeNow();
        })));
  }

  @Test
  void anEnvelopeDeliveredTwiceIsHandledOnce(VertxTestContext test) {
    Run run = new Run();
    startRun()
        .compose(started -> {
          run.link = started.link;
          run.ts = started.ts;
          run.envelope = tick(started.message, LEAD);
          JsonObject reaction = FakeSocketMode.envelope(
              slack.reactionAdded("Ev0SOCKET02", SRE, "white_check_mark", OPS, run.ts));
          run.reaction = reaction;
          // Each arrives twice in a row, the second as Slack marks a redelivery.
          return sockets.send(run.link, reaction)
              .compose(v -> sockets.send(run.link, FakeSocketMode.redelivered(reaction, 1, "timeout")))
              .compose(v -> sockets.send(run.link, run.envelope))
              .compose(v -> sockets.send(run.link, FakeSocketMode.redelivered(run.envelope, 1, "timeout")));
        })
        .compose(sent -> sockets.await(fake -> fake.acks(run.reaction.getString("envelope_id")).size() == 2
            && fake.acks(run.envelope.getString("envelope_id")).size() == 2))
        .compose(acked -> awaitMessage(text -> text.contains("<@" + SRE + "> for *sre*")
            && text.contains("Ticked by <@" + LEAD + ">")))
        // A later, different event goes through: the de-duplication held back only the copies.
        .compose(message -> {
          Set<JsonObject> before = Collections.newSetFromMap(new IdentityHashMap<>());
          before.addAll(fake.calls("chat.update"));
          JsonObject removal = FakeSocketMode.envelope(
              slack.reactionRemoved("Ev0SOCKET03", SRE, "white_check_mark", OPS, run.ts));
          return sockets.send(run.link, removal)
              .compose(sent -> sockets.awaitAck(removal.getString("envelope_id")))
              .compose(ack -> fake.awaitCall("chat.update", call -> !before.contains(call)
                  && Blocks.text(call).contains("Needs 1 more sign-off from *sre*")));
        })
        .compose(message -> audit())
        .onComplete(test.succeeding(audit -> test.verify(() -> {
          assertEquals(1, count(audit, "item.ticked"), audit.toString());
          assertEquals(1, count(audit, "signoff.added"), audit.toString());
          assertEquals(1, count(audit, "signoff.withdrawn"), audit.toString());
          assertTrue(fake.calls("chat.postEphemeral").isEmpty() && fake.responses("tick").isEmpty(),
              "a copy handled again would be told 'already': " + fake.calls("chat.postEphemeral")
                  + fake.responses("tick"));
          test.completeNow();
        })));
  }

  @Test
  void twoReplicasHoldOneConnectionEachAndAnEventSentToBothIsHandledOnce(VertxTestContext test, Vertx vertx) {
    Run run = new Run();
    replica(vertx, OTHER_REPLICA_TOKEN)
        .compose(second -> {
          run.otherBot = second;
          return sockets.await(fake -> fake.open(APP_TOKEN).size() == 1 && fake.open(OTHER_REPLICA_TOKEN).size() == 1);
        })
        .compose(both -> startRun())
        .compose(started -> {
          run.ts = started.ts;
          run.message = started.message;
          // Slack spreads deliveries over an app's connections; here the same event reaches both.
          SlackRequests.Signed reaction = slack.reactionAdded("Ev0SOCKET04", SRE, "white_check_mark", OPS, run.ts);
          JsonObject toA = FakeSocketMode.envelope(reaction);
          JsonObject toB = FakeSocketMode.envelope(reaction);
          run.envelope = toA;
          run.reaction = toB;
          return Future.all(sockets.send(sockets.open(APP_TOKEN).get(0), toA),
              sockets.send(sockets.open(OTHER_REPLICA_TOKEN).get(0), toB));
        })
        .compose(sent -> sockets.await(fake -> fake.acks(run.envelope.getString("envelope_id")).size() == 1
            && fake.acks(run.reaction.getString("envelope_id")).size() == 1))
        .compose(acked -> awaitMessage(text -> text.contains("<@" + SRE + "> for *sre*")))
        // The other replica serves as well: a click through its link changes the same run.
        .compose(message -> {
          JsonObject tick = tick(run.message, LEAD);
          return sockets.send(sockets.open(OTHER_REPLICA_TOKEN).get(0), tick)
              .compose(sent -> sockets.awaitAck(tick.getString("envelope_id")));
        })
        .compose(ack -> awaitMessage(text -> text.contains("Ticked by <@" + LEAD + ">")))
        .compose(message -> db.query("select event_id from slack_events where event_id like 'Ev%'").execute())
        .compose(events -> {
          test.verify(() -> assertEquals(1, events.rowCount(), "the event was taken in once"));
          return audit();
        })
        .compose(audit -> {
          test.verify(() -> {
            assertEquals(1, count(audit, "signoff.added " + SRE), audit.toString());
            assertTrue(fake.ephemerals(SRE).isEmpty(), "a second sign-off would be told 'already': "
                + fake.ephemerals(SRE));
            assertEquals(1, sockets.open(APP_TOKEN).size());
            assertEquals(1, sockets.open(OTHER_REPLICA_TOKEN).size());
            assertEquals(2, sockets.connections().size(), "each replica opened exactly one connection");
          });
          return ready(run.otherBot);
        })
        .onComplete(test.succeeding(ready -> test.verify(() -> {
          assertEquals(200, ready.statusCode(), ready.bodyAsString());
          test.completeNow();
        })));
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private Future<PreflightVerticle> replica(Vertx vertx, String appToken) {
    BotSettings settings = BotSettings.fromEnvironment(Map.of(
        "PORT", "0",
        "PREFLIGHT_CONFIG", ChecklistInSlackTest.CONFIG.toString(),
        "SLACK_BOT_TOKEN", "xoxb-e2e-test-token",
        "SLACK_APP_TOKEN", appToken,
        "SLACK_API_URL", fake.url()));
    PreflightVerticle replica = new PreflightVerticle(settings, ConfigLoader.load(ChecklistInSlackTest.CONFIG),
        database, Variables.of(Map.of("E2E_BASE_URL", target.baseUrl()))).socketTiming(QUICK);
    return vertx.deployVerticle(replica).map(id -> replica);
  }

  /** A run started by a slash command over the first link, once its health item has passed. */
  private Future<Run> startRun() {
    Run run = new Run();
    JsonObject command = FakeSocketMode.envelope(
        slack.slashCommand("/checklist", "e2e-predeploy", STARTER, "C0TYPED01", fake.responseUrl("start")));
    return sockets.awaitConnection(1)
        .compose(link -> {
          run.link = link;
          return sockets.send(link, command);
        })
        .compose(sent -> sockets.awaitAck(command.getString("envelope_id")))
        .compose(ack -> awaitMessage(text -> text.contains("✅ Health endpoint answers")))
        .map(message -> {
          run.message = message;
          run.ts = message.getString("ts");
          return run;
        });
  }

  /** The envelope of {@code user} clicking the manual item's Tick button in {@code message}. */
  private JsonObject tick(JsonObject message, String user) {
    String value = Blocks.buttonValue(message, ActionIds.TICK, "backup").orElseThrow();
    return FakeSocketMode.envelope(
        slack.blockAction(ActionIds.TICK, value, user, OPS, message.getString("ts"), fake.responseUrl("tick")));
  }

  private Future<HttpResponse<Buffer>> ready(PreflightVerticle replica) {
    return client.get(replica.port(), "127.0.0.1", "/readyz").send();
  }

  private Future<JsonObject> awaitMessage(Predicate<String> match) {
    return fake.awaitCall("chat.update", call -> match.test(Blocks.text(call)));
  }

  private Future<List<String>> audit() {
    return db.query("select action, actor, source from audit_log order by id").execute().map(rows -> {
      List<String> lines = new ArrayList<>();
      rows.forEach(row -> lines.add(row.getString("action") + " " + row.getString("actor") + " "
          + row.getString("source")));
      return lines;
    });
  }

  private static long count(List<String> audit, String prefix) {
    return audit.stream().filter(line -> line.startsWith(prefix)).count();
  }

  private static final class Run {
    FakeSocketMode.Connection link;
    FakeSocketMode.Connection next;
    JsonObject message;
    JsonObject envelope;
    JsonObject reaction;
    String ts;
    PreflightVerticle otherBot;
  }
}
