package dev.preflight.deploy.alert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.preflight.deploy.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The link between an alert and the rollback started from its message, in PostgreSQL: found by
 * the message, ended once by the run, kept with the alert's text, and gone when it fires anew.
 */
class AlertRollbackStoreTest {

  private static final String CHANNEL = "C0ALERTS01";
  private static final String TS = "1700000000.000100";
  private static final String RUN = "0b6c3f2e-8d41-4a7e-b5f9-6e2a1c9d7f30";
  private static final Instant STARTED = Instant.parse("2026-12-06T14:00:00Z");

  private Vertx vertx;
  private Pool pool;
  private AlertStore store;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    pool = PgBuilder.pool().connectingTo(TestDatabase.create().connectOptions()).using(vertx).build();
    store = new AlertStore(pool);
  }

  @AfterEach
  void tearDown() {
    await(pool.close());
    await(vertx.close());
  }

  @Test
  void aRollbackStartedFromTheMessageIsKeptWithTheAlertAndEndsOnce() {
    Alert alert = alert(Alert.Status.FIRING);
    AlertDeliveries.Recorded first = await(store.record(alert, "api", "prod", CHANNEL));
    await(store.posted(alert.source(), alert.groupKey(), first.claim(), TS));

    AlertRollback started = new AlertRollback(RUN, "U0RESPONDER", "v1.0.0", "https://slack.example/p1", STARTED,
        AlertRollback.Outcome.RUNNING, null, null);
    assertTrue(await(store.rollbackStarted(CHANNEL, "1700000000.999999", started)).isEmpty(),
        "another message is no alert");
    AlertRecord shown = await(store.rollbackStarted(CHANNEL, TS, started)).orElseThrow();
    assertEquals(started, shown.rollback());
    assertEquals("Probe failed for 5m", shown.description(), "the text is kept to draw the message again");
    assertEquals(List.of(new Alert.Link("Runbook", "https://runbooks.example.org/probe")), shown.links());

    List<AlertRecord> ended = await(store.rollbackEnded(RUN, AlertRollback.Outcome.FAILED, null,
        "UpdateService was refused", STARTED.plusSeconds(90)));
    assertEquals(1, ended.size());
    AlertRollback failed = ended.get(0).rollback();
    assertEquals(AlertRollback.Outcome.FAILED, failed.outcome());
    assertEquals("UpdateService was refused", failed.detail());
    assertEquals("v1.0.0", failed.toVersion(), "the version known at the start stays");
    assertEquals(STARTED.plusSeconds(90), failed.endedAt());
    assertTrue(await(store.rollbackEnded(RUN, AlertRollback.Outcome.ROLLED_BACK, "v0.9.0", null, Instant.now()))
        .isEmpty(), "a rollback ends once");

    // A repeat keeps the rollback on the message; firing again after it was resolved is a new
    // incident, with its button back.
    assertEquals(failed, await(store.record(alert, "api", "prod", CHANNEL)).alert().rollback());
    await(store.record(alert(Alert.Status.RESOLVED), "api", "prod", CHANNEL));
    assertNull(await(store.record(alert, "api", "prod", CHANNEL)).alert().rollback());
  }

  @Test
  void anAlertIsBehindUntilItsMessageShowsTheStoredOutcomeAndWhileItsRunEndedUnrecorded() {
    Alert alert = alert(Alert.Status.FIRING);
    AlertDeliveries.Recorded first = await(store.record(alert, "api", "prod", CHANNEL));
    await(store.posted(alert.source(), alert.groupKey(), first.claim(), TS));
    assertEquals(List.of(), await(store.rollbacksBehind(10)), "no rollback, nothing to show");
    await(pool.query("insert into runs (id, kind, checklist_id, started_by, started_at, status, service, environment) "
        + "values ('" + RUN + "', 'deploy', 'gate', 'U0RESPONDER', now(), 'ROLLING_BACK', 'api', 'prod')").execute());

    await(store.rollbackStarted(CHANNEL, TS, new AlertRollback(RUN, "U0RESPONDER", "v1.0.0", null, STARTED,
        AlertRollback.Outcome.RUNNING, null, null)));
    assertEquals(List.of(alert.groupKey()), keys(await(store.rollbacksBehind(10))),
        "stored, but its message was not drawn with it yet");
    await(store.rollbackShown(alert.source(), alert.groupKey(), AlertRollback.Outcome.RUNNING));
    assertEquals(List.of(), await(store.rollbacksBehind(10)), "the message shows the rollback under way");

    await(pool.query("update runs set status = 'ROLLED_BACK' where id = '" + RUN + "'").execute());
    assertEquals(List.of(alert.groupKey()), keys(await(store.rollbacksBehind(10))),
        "the run's rollback ended and nobody recorded it on the alert");
    await(store.rollbackEnded(RUN, AlertRollback.Outcome.ROLLED_BACK, null, null, STARTED.plusSeconds(60)));
    assertEquals(List.of(alert.groupKey()), keys(await(store.rollbacksBehind(10))), "recorded, not drawn yet");
    await(store.rollbackShown(alert.source(), alert.groupKey(), AlertRollback.Outcome.ROLLED_BACK));
    assertEquals(List.of(), await(store.rollbacksBehind(10)));

    // Firing anew after it was resolved clears the rollback, and what its message showed of it.
    await(store.record(alert(Alert.Status.RESOLVED), "api", "prod", CHANNEL));
    AlertDeliveries.Recorded again = await(store.record(alert, "api", "prod", CHANNEL));
    await(store.posted(alert.source(), alert.groupKey(), again.claim(), "1700000001.000100"));
    assertEquals(List.of(), await(store.rollbacksBehind(10)));
  }

  private static List<String> keys(List<AlertRecord> alerts) {
    return alerts.stream().map(AlertRecord::groupKey).toList();
  }

  private static Alert alert(Alert.Status status) {
    return new Alert("alertmanager", "fp-1", status, Alert.Severity.CRITICAL, "Probe failure", "Probe failed for 5m",
        List.of(new Alert.Link("Runbook", "https://runbooks.example.org/probe")), java.util.Map.of("service", "api"),
        null, null);
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
