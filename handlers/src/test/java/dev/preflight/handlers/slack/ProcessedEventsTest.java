package dev.preflight.handlers.slack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.preflight.deploy.inbox.DeliveryIds;
import dev.preflight.deploy.run.PendingWrites;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The de-duplication rules over a log of ids that can be made unreachable; the SQL table behind
 * it in production is tested against PostgreSQL in {@code DeliveryTableTest}.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
class ProcessedEventsTest {

  /** Delivery ids in memory; while {@code down}, every call fails as a lost connection does. */
  static final class Ids implements DeliveryIds {
    final Set<String> kept = ConcurrentHashMap.newKeySet();
    volatile boolean down;
    volatile RuntimeException refusal;

    @Override
    public Future<Boolean> add(String id) {
      Throwable failure = failure();
      return failure != null ? Future.failedFuture(failure) : Future.succeededFuture(kept.add(id));
    }

    @Override
    public Future<Void> remove(String id) {
      Throwable failure = failure();
      if (failure != null) {
        return Future.failedFuture(failure);
      }
      kept.remove(id);
      return Future.succeededFuture();
    }

    @Override
    public Future<Integer> removeOlderThanADay() {
      return Future.succeededFuture(0);
    }

    private Throwable failure() {
      if (refusal != null) {
        return refusal;
      }
      return down ? new IOException("Connection refused") : null;
    }
  }

  @Test
  void aRedeliveredEventIsSeenOnce(Vertx vertx, VertxTestContext test) {
    ProcessedEvents events = new ProcessedEvents(new Ids(), new PendingWrites(vertx));
    events.firstSeen("Ev1")
        .compose(first -> events.firstSeen("Ev1").map(second -> List.of(first, second)))
        .onComplete(test.succeeding(seen -> test.verify(() -> {
          assertEquals(List.of(true, false), seen);
          test.completeNow();
        })));
  }

  @Test
  void aForgottenEventIsHandledWhenRedelivered(Vertx vertx, VertxTestContext test) {
    ProcessedEvents events = new ProcessedEvents(new Ids(), new PendingWrites(vertx));
    events.firstSeen("Ev1")
        .compose(first -> events.forget("Ev1"))
        .compose(forgotten -> events.firstSeen("Ev1"))
        .onComplete(test.succeeding(again -> test.verify(() -> {
          assertTrue(again, "a redelivery after a failed handling is handled");
          test.completeNow();
        })));
  }

  @Test
  void duringAnOutageAnEventIsHandledOnceAndWrittenWhenTheDatabaseReturns(Vertx vertx, VertxTestContext test) {
    Ids ids = new Ids();
    ids.down = true;
    ProcessedEvents events = new ProcessedEvents(ids, new PendingWrites(vertx));
    events.firstSeen("Ev1")
        .compose(first -> events.firstSeen("Ev1").map(second -> List.of(first, second)))
        .onComplete(test.succeeding(seen -> test.verify(() -> {
          assertEquals(List.of(true, false), seen, "handled at once, its redelivery dropped");
          assertTrue(ids.kept.isEmpty());
          ids.down = false;
          vertx.setPeriodic(50, timer -> {
            if (ids.kept.contains("Ev1")) {
              vertx.cancelTimer(timer);
              // Another replica, asking the shared log, now sees the id too.
              new ProcessedEvents(ids, null).firstSeen("Ev1").onComplete(test.succeeding(elsewhere ->
                  test.verify(() -> {
                    assertEquals(false, elsewhere);
                    test.completeNow();
                  })));
            }
          });
        })));
  }

  @Test
  void withNowhereToKeepIdsAnOutageFailsTheCheck(VertxTestContext test) {
    Ids ids = new Ids();
    ids.down = true;
    new ProcessedEvents(ids, null).firstSeen("Ev1").onComplete(test.failing(e -> test.verify(() -> {
      assertTrue(e instanceof IOException, e.toString());
      test.completeNow();
    })));
  }

  @Test
  void aRefusalThatIsNoOutageIsNotKeptForLater(Vertx vertx, VertxTestContext test) {
    Ids ids = new Ids();
    ids.refusal = new IllegalStateException("permission denied for table slack_events");
    new ProcessedEvents(ids, new PendingWrites(vertx)).firstSeen("Ev1")
        .onComplete(test.failing(e -> test.verify(() -> {
          assertSame(ids.refusal, e);
          test.completeNow();
        })));
  }
}
