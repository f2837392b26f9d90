package dev.preflight.bot;

import static dev.preflight.bot.ChecklistInSlackTest.LEAD;
import static dev.preflight.bot.ChecklistInSlackTest.OPS;
import static dev.preflight.bot.ChecklistInSlackTest.SRE;
import static dev.preflight.bot.ChecklistInSlackTest.STARTER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.preflight.checklists.config.ConfigLoader;
import dev.preflight.checklists.secret.Variables;
import dev.preflight.handlers.ActionIds;
import dev.preflight.handlers.fake.FakeSlack;
import dev.preflight.handlers.fake.SlackRequests;
import io.vertx.core.Future;
import io.vertx.core.Promise;
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
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PostgreSQL stopped under the running bot while check results land, a person ticks an item and
 * another signs off by reacting: every one of them is in the database and on the run's message
 * once PostgreSQL is back, each person was told privately that their change was kept, and
 * {@code /readyz} said "not ready" meanwhile. The outage lasts 60 s; {@code
 * -Dpreflight.outageSeconds=120} runs it longer, by hand, to measure the longest outage survived.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 240, timeUnit = TimeUnit.SECONDS)
class DatabaseOutageTest {

  static final Path CONFIG = Path.of("src/test/resources/e2e-outage/preflight.yaml");
  static final long OUTAGE_MS = TimeUnit.SECONDS.toMillis(Long.getLong("preflight.outageSeconds", 60));
  private static final Logger LOG = LoggerFactory.getLogger(DatabaseOutageTest.class);
  static final List<String> CHECKS = List.of("API answers", "Queue answers", "Search answers");

  private final SlackRequests slack = new SlackRequests();
  private Path dataDir;
  private int port;
  private EmbeddedPostgres postgres;
  private PgConnectOptions connect;
  private FakeSlack fake;
  private HealthTarget target;
  private PreflightVerticle bot;
  private WebClient client;
  private Pool db;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext test) throws Exception {
    dataDir = Files.createTempDirectory("preflight-outage-");
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    postgres = startPostgres();
    try (Connection connection = postgres.getPostgresDatabase().getConnection();
         Statement statement = connection.createStatement()) {
      statement.execute("create database preflight_outage");
    }
    Flyway.configure()
        .dataSource("jdbc:postgresql://localhost:" + port + "/preflight_outage", "postgres", "postgres")
        .locations("classpath:db/migration")
        .load()
        .migrate();
    connect = new PgConnectOptions().setHost("localhost").setPort(port).setDatabase("preflight_outage")
        .setUser("postgres").setPassword("postgres");
    db = PgBuilder.pool().connectingTo(connect).using(vertx).build();
    client = WebClient.create(vertx);
    FakeSlack.start(vertx)
        .compose(started -> {
          fake = started;
          return HealthTarget.start(vertx);
        })
        .compose(started -> {
          target = started.hold();
          BotSettings settings = BotSettings.fromEnvironment(Map.of(
              "PORT", "0",
              "PREFLIGHT_CONFIG", CONFIG.toString(),
              "SLACK_BOT_TOKEN", "xoxb-e2e-test-token",
              "SLACK_SIGNING_SECRET", SlackRequests.SIGNING_SECRET,
              "SLACK_API_URL", fake.url()));
          bot = new PreflightVerticle(settings, ConfigLoader.load(CONFIG), connect,
              Variables.of(Map.of("E2E_BASE_URL", target.baseUrl())));
          return vertx.deployVerticle(bot);
        })
        .onComplete(test.succeedingThenComplete());
  }

  /** The same server on the same port and data directory each time, as a restarted database host. */
  private EmbeddedPostgres startPostgres() throws IOException {
    return EmbeddedPostgres.builder()
        .setPort(port)
        .setDataDirectory(dataDir)
        .setCleanDataDirectory(false)
        .start();
  }

  @AfterEach
  void stop() throws IOException {
    db.close();
    if (postgres != null) {
      postgres.close();
    }
  }

  @Test
  void resultsATickAndASignOffMadeWhileThePostgresIsDownAreAllStoredAndShownOnceItIsBack(Vertx vertx,
      VertxTestContext test) {
    String[] ts = new String[1];
    long[] stoppedAt = new long[1];
    long[] backAt = new long[1];
    send(slack.slashCommand("/checklist", "e2e-outage", STARTER, "C0TYPED01", fake.responseUrl("start")))
        .compose(ack -> {
          test.verify(() -> assertEquals(200, ack.statusCode()));
          return fake.awaitCall("chat.postMessage");
        })
        // The three checks are under way, held by the target, and the run knows its message.
        .compose(posted -> target.awaitRequests(3).compose(v -> poll(vertx,
            () -> db.query("select message_ts from runs").execute().map(rows -> {
              ts[0] = rows.size() == 1 ? rows.iterator().next().getString("message_ts") : null;
              return ts[0] != null;
            }))))
        .compose(known -> blocking(vertx, () -> {
          postgres.close();
          postgres = null;
        }))
        .compose(stopped -> {
          stoppedAt[0] = System.nanoTime();
          target.release();
          return readiness(vertx, body -> body.getString("database").equals("down"));
        })
        .compose(notReady -> {
          test.verify(() -> assertEquals(503, notReady.statusCode(), notReady.bodyAsString()));
          String tick = Blocks.buttonValue(fake.message(OPS, ts[0]).orElseThrow(), ActionIds.TICK, "backup")
              .orElseThrow();
          return send(slack.blockAction(ActionIds.TICK, tick, LEAD, OPS, ts[0], fake.responseUrl("tick")));
        })
        .compose(clicked -> {
          test.verify(() -> assertEquals(200, clicked.statusCode(), "a click is answered, never a 5xx"));
          return fake.awaitResponse("tick", answer -> true);
        })
        .compose(told -> {
          test.verify(() -> assertTrue(told.getString("text").contains("your tick is saved and will be applied"),
              told.encode()));
          return send(slack.reactionAdded("Ev0OUTAGE01", SRE, "white_check_mark", OPS, ts[0]));
        })
        .compose(reacted -> {
          test.verify(() -> assertEquals(200, reacted.statusCode(),
              "a 5xx would make Slack deliver the reaction again"));
          return fake.awaitCall("chat.postEphemeral", call -> SRE.equals(call.getString("user")));
        })
        .compose(told -> {
          test.verify(() -> assertTrue(told.getString("text").contains("your sign-off is saved"), told.encode()));
          long left = OUTAGE_MS - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stoppedAt[0]);
          return vertx.timer(Math.max(1, left), TimeUnit.MILLISECONDS);
        })
        .compose(outageOver -> readiness(vertx, body -> true))
        .compose(stillDown -> {
          test.verify(() -> {
            assertEquals(503, stillDown.statusCode(), "not ready for as long as the database is away");
            assertTrue(stillDown.bodyAsString().contains("kept in memory"), stillDown.bodyAsString());
          });
          return blocking(vertx, () -> postgres = startPostgres());
        })
        .onSuccess(restarted -> backAt[0] = System.nanoTime())
        .compose(restarted -> fake.awaitCall("chat.update", call -> {
          String text = Blocks.text(call);
          return CHECKS.stream().allMatch(check -> text.contains("✅ " + check))
              && text.contains("Ticked by <@" + LEAD + ">") && text.contains("<@" + SRE + "> for *sre*");
        }))
        .compose(shown -> {
          LOG.info("PostgreSQL was away for {} s; the message showed every kept change {} ms after it was back",
              TimeUnit.NANOSECONDS.toSeconds(backAt[0] - stoppedAt[0]),
              TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - backAt[0]));
          return readiness(vertx, body -> body.getString("status").equals("ready"));
        })
        .compose(ready -> {
          test.verify(() -> {
            assertEquals(200, ready.statusCode(), ready.bodyAsString());
            String text = Blocks.text(fake.message(OPS, ts[0]).orElseThrow());
            CHECKS.forEach(check -> assertTrue(text.contains("✅ " + check), "the message ends showing " + check));
            assertTrue(text.contains("Ticked by <@" + LEAD + ">"), text);
            assertTrue(text.contains("<@" + SRE + "> for *sre*"), text);
          });
          return stored();
        })
        .onComplete(test.succeeding(stored -> test.verify(() -> {
          assertEquals(Map.of("api", "PASSED", "queue", "PASSED", "search", "PASSED", "backup", "PASSED"),
              stored.items);
          assertEquals(List.of("sre:" + SRE), stored.signOffs);
          assertEquals(3, stored.audited("check.passed"), stored.audit.toString());
          assertEquals(1, stored.audited("item.ticked " + LEAD), stored.audit.toString());
          assertEquals(1, stored.audited("signoff.added " + SRE), stored.audit.toString());
          assertEquals(List.of("Ev0OUTAGE01"), stored.events, "the reaction's event id was written too");
          test.completeNow();
        })));
  }

  private Future<HttpResponse<Buffer>> send(SlackRequests.Signed request) {
    return request.send(client, "127.0.0.1", bot.port());
  }

  /** GET /readyz until its body matches; its answer must come quickly, whatever the database does. */
  private Future<HttpResponse<Buffer>> readiness(Vertx vertx, Predicate<JsonObject> match) {
    Promise<HttpResponse<Buffer>> found = Promise.promise();
    vertx.setPeriodic(200, id -> client.get(bot.port(), "127.0.0.1", "/readyz").timeout(3_000).send()
        .onSuccess(response -> {
          if (match.test(response.bodyAsJsonObject()) && found.tryComplete(response)) {
            vertx.cancelTimer(id);
          }
        }));
    return found.future();
  }

  private static Future<Boolean> poll(Vertx vertx, java.util.function.Supplier<Future<Boolean>> probe) {
    Promise<Boolean> done = Promise.promise();
    vertx.setPeriodic(100, id -> probe.get().onSuccess(yes -> {
      if (yes && done.tryComplete(true)) {
        vertx.cancelTimer(id);
      }
    }));
    return done.future();
  }

  private static Future<Void> blocking(Vertx vertx, ThrowingRunnable work) {
    return vertx.executeBlocking(() -> {
      work.run();
      return null;
    });
  }

  @FunctionalInterface
  private interface ThrowingRunnable {
    void run() throws Exception;
  }

  private Future<StoredRun> stored() {
    return StoredRun.read(db);
  }
}
