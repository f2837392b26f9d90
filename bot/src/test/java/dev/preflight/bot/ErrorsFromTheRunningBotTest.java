package dev.preflight.bot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.preflight.bot.observe.FakeSentry;
import dev.preflight.deploy.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bot as a process, with the logging it ships and its settings from the environment: an
 * error it logs while working on a run reaches Sentry (SENTRY_DSN, SENTRY_ENVIRONMENT) tagged
 * with the run, and neither the event nor the JSON log line carries a secret.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, timeUnit = TimeUnit.SECONDS)
class ErrorsFromTheRunningBotTest {

  /** The alerts token, which the bot masks; here it also names the run's service, so the error repeats it. */
  private static final String SECRET = "alerts-token-5555-do-not-leak";

  private BotProcess bot;

  @AfterEach
  void stop() {
    if (bot != null) {
      bot.destroy();
    }
  }

  @Test
  void aDeployThatCannotBeCarriedOnIsReportedToSentryTaggedWithItsRunAndMasked(Vertx vertx, VertxTestContext test,
      @TempDir Path dir) {
    TestDatabase database = TestDatabase.create();
    Pool db = PgBuilder.pool().connectingTo(database.connectOptions()).using(vertx).build();
    String runId = UUID.randomUUID().toString();
    FakeSentry[] sentry = new FakeSentry[1];

    FakeSentry.start(vertx)
        .compose(started -> {
          sentry[0] = started;
          // A deploy in flight of a service gone from the config: the bot takes it over and fails.
          return db.preparedQuery("insert into runs (id, kind, checklist_id, started_by, started_at, status, service, "
                  + "environment) values ($1, 'deploy', 'gone', 'U0ALICE', now(), 'DEPLOYING', $2, 'production')")
              .execute(Tuple.of(UUID.fromString(runId), SECRET));
        })
        .compose(rows -> db.preparedQuery("insert into deployments (run_id, service, environment, version) "
            + "values ($1, $2, 'production', '1.2.3')").execute(Tuple.of(UUID.fromString(runId), SECRET)))
        .compose(rows -> start(vertx, dir, database, sentry[0]))
        .compose(port -> sentry[0].envelope(body -> body.contains("giving it up")))
        .onComplete(test.succeeding(body -> test.verify(() -> {
          JsonObject event = FakeSentry.eventOf(body);
          assertEquals("error", event.getString("level"), body);
          assertEquals("e2e-sentry", event.getString("environment"), "from SENTRY_ENVIRONMENT: " + body);
          assertEquals(runId, event.getJsonObject("tags").getString("run_id"), body);
          assertTrue(body.contains("the config no longer deploys ••• to production"), "the error, masked: " + body);
          assertFalse(body.contains(SECRET), body);

          String log = bot.log();
          JsonObject line = log.lines().filter(l -> l.startsWith("{") && l.contains("giving it up"))
              .map(JsonObject::new).findFirst().orElseThrow(() -> new AssertionError(log));
          assertEquals("ERROR", line.getString("level"));
          assertEquals(runId, line.getString("run_id"), line.encode());
          assertTrue(line.getString("exception").contains("the config no longer deploys ••• to production"),
              line.encode());
          assertFalse(log.contains(SECRET), log);
          db.close();
          test.completeNow();
        })));
  }

  private Future<Integer> start(Vertx vertx, Path dir, TestDatabase database, FakeSentry sentry) {
    Map<String, String> env = Map.of(
        "PREFLIGHT_CONFIG", ChecklistInSlackTest.CONFIG.toAbsolutePath().toString(),
        "DATABASE_URL", database.url(),
        "ALERTS_TOKEN", SECRET,
        "SENTRY_DSN", sentry.dsn(),
        "SENTRY_ENVIRONMENT", "e2e-sentry",
        "PREFLIGHT_LEASE", "2s");
    try {
      // The bot must log as it ships, so it runs without the test classes and test-jars, whose
      // logback-test.xml would take over from the bot's own logging (LogConfiguration).
      String classPath = java.util.Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
          .filter(entry -> !entry.endsWith("test-classes") && !entry.endsWith("-tests.jar"))
          .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
      bot = BotProcess.start(List.of(BotProcess.java(), "-cp", classPath, "dev.preflight.bot.Main", "serve"),
          env, Path.of("."), dir.resolve("bot.log"));
    } catch (IOException e) {
      return Future.failedFuture(e);
    }
    return bot.awaitListening(vertx);
  }
}
