package dev.preflight.deploy.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import dev.preflight.deploy.TestDatabase;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.net.ConnectException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The buffer on its own, against a stand-in "database" that can be switched off: writes of one
 * key land in the order they came, a write is made once it lands (never twice on success), the
 * bound refuses rather than grows, and a refusal by the database is not retried.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class PendingWritesTest {

  /** A database that records what was written, in order, and can be made unreachable. */
  private static final class Store {
    final List<String> written = Collections.synchronizedList(new ArrayList<>());
    volatile boolean down;
    int attempts;

    Supplier<Future<String>> write(String value) {
      return () -> {
        synchronized (this) {
          attempts++;
        }
        if (down) {
          return Future.failedFuture(new ConnectException("Connection refused: localhost/127.0.0.1:5432"));
        }
        written.add(value);
        return Future.succeededFuture(value);
      };
    }
  }

  @Test
  void writesMadeWhileTheDatabaseAnswersCompleteAtOnce(Vertx vertx, VertxTestContext test) {
    Store store = new Store();
    PendingWrites pending = new PendingWrites(vertx);
    pending.submit("run-1", store.write("a"))
        .onComplete(test.succeeding(value -> test.verify(() -> {
          assertEquals("a", value);
          assertEquals(List.of("a"), store.written);
          assertFalse(pending.databaseDown());
          assertEquals(0, pending.waiting());
          test.completeNow();
        })));
  }

  @Test
  void writesKeptThroughAnOutageLandInTheirOrderPerKeyOnceItEnds(Vertx vertx, VertxTestContext test) {
    Store store = new Store();
    store.down = true;
    PendingWrites pending = new PendingWrites(vertx);
    List<Future<?>> applied = new ArrayList<>();
    List<Future<String>> answers = new ArrayList<>();
    for (String value : List.of("r1:tick", "r2:result", "r1:untick", "r1:tick-again", "r2:sign-off")) {
      answers.add(pending.submit(value.substring(0, 2), store.write(value)));
    }
    Future.join(new ArrayList<>(answers)).onComplete(all -> {
      test.verify(() -> {
        for (Future<String> answer : answers) {
          assertInstanceOf(ChangeHeldException.class, answer.cause(), "each caller hears its change is kept");
          applied.add(((ChangeHeldException) answer.cause()).applied());
        }
        assertTrue(pending.databaseDown());
        assertEquals(5, pending.waiting());
        assertTrue(store.written.isEmpty());
      });
      store.down = false;
      Future.all(applied).onComplete(test.succeeding(done -> test.verify(() -> {
        List<String> r1 = store.written.stream().filter(w -> w.startsWith("r1")).toList();
        List<String> r2 = store.written.stream().filter(w -> w.startsWith("r2")).toList();
        assertEquals(List.of("r1:tick", "r1:untick", "r1:tick-again"), r1);
        assertEquals(List.of("r2:result", "r2:sign-off"), r2);
        assertEquals(5, store.written.size(), "each kept write is made exactly once");
        assertFalse(pending.databaseDown());
        assertEquals(0, pending.waiting());
        test.completeNow();
      })));
    });
  }

  @Test
  void aWriteComingAfterKeptOnesOfItsKeyWaitsBehindThemEvenOnceTheDatabaseIsBack(Vertx vertx, VertxTestContext test) {
    Store store = new Store();
    store.down = true;
    PendingWrites pending = new PendingWrites(vertx);
    Future<String> first = pending.submit("run", store.write("first"));
    first.recover(e -> {
      store.down = false;
      // The database is back but the buffer has not probed yet: the new write must not overtake.
      return pending.submit("run", store.write("second"));
    }).recover(held -> ((ChangeHeldException) held).applied().map(String::valueOf))
        .onComplete(second -> test.verify(() -> {
      assertEquals(List.of("first", "second"), store.written);
      test.completeNow();
    }));
  }

  @Test
  void beyondItsBoundTheBufferRefusesInsteadOfGrowing(Vertx vertx, VertxTestContext test) {
    Store store = new Store();
    store.down = true;
    PendingWrites pending = new PendingWrites(vertx, 3, Duration.ofMinutes(30), Clock.systemUTC());
    List<Future<String>> answers = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      answers.add(pending.submit("run-" + i, store.write("w" + i)));
    }
    Future.join(new ArrayList<>(answers)).onComplete(all -> test.verify(() -> {
      long kept = answers.stream().filter(a -> a.cause() instanceof ChangeHeldException).count();
      long refused = answers.stream().filter(a -> a.cause() instanceof DatabaseUnavailableException).count();
      assertEquals(3, kept);
      assertEquals(2, refused, "the caller is told it was not saved");
      assertEquals(3, pending.waiting());
      test.completeNow();
    }));
  }

  @Test
  void aRefusalByTheDatabaseIsReportedAndNotRetried(Vertx vertx, VertxTestContext test) {
    int[] attempts = {0};
    PendingWrites pending = new PendingWrites(vertx);
    pending.submit("run", () -> {
      attempts[0]++;
      return Future.<String>failedFuture(new PgException("duplicate key value", "ERROR", "23505", "detail"));
    }).onComplete(test.failing(e -> test.verify(() -> {
      assertInstanceOf(PgException.class, e);
      assertEquals(1, attempts[0]);
      assertFalse(pending.databaseDown());
      assertEquals(0, pending.waiting());
      test.completeNow();
    })));
  }

  @Test
  void aChangeKeptTooLongIsDroppedAndItsCallerToldSo(Vertx vertx, VertxTestContext test) {
    Store store = new Store();
    store.down = true;
    PendingWrites pending = new PendingWrites(vertx, 10, Duration.ZERO, Clock.systemUTC());
    pending.submit("run", store.write("old"))
        .onComplete(test.failing(held -> ((ChangeHeldException) held).applied()
            .onComplete(test.failing(lost -> test.verify(() -> {
              assertInstanceOf(DatabaseUnavailableException.class, lost);
              assertTrue(store.written.isEmpty());
              assertEquals(0, pending.waiting());
              test.completeNow();
            })))));
  }

  @Test
  void onlyFailuresToReachTheDatabaseCountAsAnOutage() {
    assertTrue(PendingWrites.unreachable(new ConnectException("Connection refused")));
    assertTrue(PendingWrites.unreachable(new RuntimeException("wrapped", new java.io.IOException("reset"))));
    assertTrue(PendingWrites.unreachable(new PgException("terminating connection", "FATAL", "57P01", null)));
    assertTrue(PendingWrites.unreachable(new PgException("cannot connect now", "FATAL", "57P03", null)));
    assertTrue(PendingWrites.unreachable(io.vertx.sqlclient.ClosedConnectionException.INSTANCE));
    assertFalse(PendingWrites.unreachable(new PgException("duplicate key", "ERROR", "23505", null)));
    assertFalse(PendingWrites.unreachable(new dev.preflight.checklists.run.RunRuleException("already passed")));
    assertFalse(PendingWrites.unreachable(new RunRepository.NoSuchRunException("x")));
    assertFalse(PendingWrites.unreachable(new IllegalStateException("a bug")));
  }

  /**
   * A real pool of one connection, held by one caller: the next caller's wait runs out. That is an
   * outage as far as saving goes, but one that says it timed out (the database may only be busy);
   * a refused connection and a refusal by the database do not.
   */
  @Test
  void aWaitForABusyPoolRunsOutAndSaysItTimedOut(Vertx vertx, VertxTestContext test) {
    TestDatabase database = TestDatabase.create();
    Pool pool = PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(1).setConnectionTimeout(4000).setConnectionTimeoutUnit(TimeUnit.MILLISECONDS))
        .connectingTo(database.connectOptions())
        .using(vertx)
        .build();
    Pool refused = PgBuilder.pool()
        .connectingTo(database.connectOptions().setPort(closedPort()))
        .using(vertx)
        .build();
    pool.getConnection()
        .compose(held -> pool.query("select 1").execute().transform(waited -> {
          held.close();
          return Future.succeededFuture(waited);
        }))
        .compose(waited -> refused.query("select 1").execute().transform(connect ->
            pool.query("insert into no_such_table values (1)").execute().transform(refusal ->
                Future.succeededFuture(List.of(waited.cause(), connect.cause(), refusal.cause())))))
        .onComplete(test.succeeding(failures -> test.verify(() -> {
          Throwable waited = failures.get(0);
          assertTrue(PendingWrites.timedOut(waited), "the busy pool's wait: " + waited);
          assertTrue(PendingWrites.unreachable(waited), "the busy pool's wait: " + waited);
          Throwable connect = failures.get(1);
          assertTrue(PendingWrites.unreachable(connect), "a refused connection: " + connect);
          assertFalse(PendingWrites.timedOut(connect), "a refused connection: " + connect);
          Throwable refusal = failures.get(2);
          assertFalse(PendingWrites.timedOut(refusal), "the database's refusal: " + refusal);
          assertFalse(PendingWrites.unreachable(refusal), "the database's refusal: " + refusal);
          pool.close();
          refused.close();
          test.completeNow();
        })));
  }

  private static int closedPort() {
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
