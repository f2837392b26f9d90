package dev.preflight.handlers.slack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
class CoalescerTest {

  private final List<String> published = new CopyOnWriteArrayList<>();

  /** Work that publishes {@code value} and finishes when {@code done} does. */
  private Supplier<Future<?>> publish(String value, Future<?> done) {
    return () -> {
      published.add(value);
      return done;
    };
  }

  /** Work that publishes {@code value}, succeeds at once and tells the test it ran. */
  private Supplier<Future<?>> publishAndSignal(String value, Promise<Void> ran) {
    return () -> {
      published.add(value);
      ran.tryComplete();
      return Future.succeededFuture();
    };
  }

  @Test
  void burstDuringAnExecutionCollapsesIntoOneMoreThatPublishesTheLastValue(Vertx vertx, VertxTestContext test) {
    Context context = vertx.getOrCreateContext();
    Coalescer coalescer = new Coalescer(context, Duration.ZERO);
    Promise<Void> firstInFlight = Promise.promise();
    Promise<Void> lastPublished = Promise.promise();

    coalescer.request("run-1", publish("v1", firstInFlight.future()));
    for (int i = 2; i <= 20; i++) {
      coalescer.request("run-1", i < 20 ? publish("v" + i, Future.succeededFuture()) : publishAndSignal("v20", lastPublished));
    }
    // Requests reach the context in order, so this lands after all twenty.
    context.runOnContext(v -> firstInFlight.complete());

    lastPublished.future()
        .compose(v -> afterPendingWork(context))
        .onComplete(test.succeeding(v -> test.verify(() -> {
          assertTrue(published.size() <= 3, "executions: " + published);
          assertEquals("v1", published.get(0));
          assertEquals("v20", published.get(published.size() - 1));
          assertEquals(0, coalescer.activeKeys(), "an idle key is forgotten");
          test.completeNow();
        })));
  }

  @Test
  void failedExecutionDoesNotWedgeTheKey(Vertx vertx, VertxTestContext test) {
    Coalescer coalescer = new Coalescer(vertx.getOrCreateContext(), Duration.ZERO);
    Promise<Void> afterThrow = Promise.promise();
    Promise<Void> afterFailure = Promise.promise();

    coalescer.request("run-1", () -> {
      throw new IllegalStateException("a supplier that throws");
    });
    coalescer.request("run-1", publishAndSignal("run-1 again", afterThrow));
    coalescer.request("run-2", publish("run-2", Future.failedFuture(new IllegalStateException("Slack said no"))));
    coalescer.request("run-2", publishAndSignal("run-2 again", afterFailure));

    Future.all(afterThrow.future(), afterFailure.future()).onComplete(test.succeeding(v -> test.verify(() -> {
      assertTrue(published.contains("run-1 again"), published.toString());
      assertTrue(published.contains("run-2 again"), published.toString());
      test.completeNow();
    })));
  }

  @Test
  void requestsRightAfterAnExecutionWaitForTheGapAndRunOnceWithTheLastValue(Vertx vertx, VertxTestContext test) {
    Context context = vertx.getOrCreateContext();
    Coalescer coalescer = new Coalescer(context, Duration.ofMillis(300));
    Promise<Void> lastPublished = Promise.promise();

    // All on the coalescer's own context in one go, so the 300 ms gap cannot expire half-way.
    context.runOnContext(start -> {
      coalescer.request("run-1", publish("v1", Future.succeededFuture()));
      for (int i = 2; i <= 10; i++) {
        coalescer.request("run-1", i < 10 ? publish("v" + i, Future.succeededFuture()) : publishAndSignal("v10", lastPublished));
      }
    });

    lastPublished.future()
        .compose(v -> afterPendingWork(context))
        .onComplete(test.succeeding(v -> test.verify(() -> {
          assertEquals(List.of("v1", "v10"), published);
          test.completeNow();
        })));
  }

  @Test
  void drainCompletesOnceTheRequestWaitingForItsGapHasRun(Vertx vertx, VertxTestContext test) {
    Context context = vertx.getOrCreateContext();
    Coalescer coalescer = new Coalescer(context, Duration.ofMillis(300));
    Promise<Void> drained = Promise.promise();

    context.runOnContext(start -> {
      coalescer.request("run-1", publish("v1", Future.succeededFuture()));
      coalescer.request("run-1", publish("v2", Future.succeededFuture()));
      coalescer.request("run-2", publish("w1", Future.succeededFuture()));
      coalescer.drain().onComplete(drained);
    });

    drained.future().onComplete(test.succeeding(v -> test.verify(() -> {
      assertEquals(List.of("v1", "w1", "v2"), published, "v2 waited for its gap, and the drain for v2");
      test.completeNow();
    })));
  }

  @Test
  void oneKeyInFlightDoesNotHoldUpAnother(Vertx vertx, VertxTestContext test) {
    Coalescer coalescer = new Coalescer(vertx.getOrCreateContext(), Duration.ZERO);
    Promise<Void> neverDuringThisTest = Promise.promise();
    Promise<Void> otherRan = Promise.promise();

    coalescer.request("run-1", publish("run-1", neverDuringThisTest.future()));
    coalescer.request("run-2", publishAndSignal("run-2", otherRan));

    otherRan.future().onComplete(test.succeeding(v -> test.verify(() -> {
      assertEquals(List.of("run-1", "run-2"), published);
      test.completeNow();
    })));
  }

  @Test
  void executionThatNeverCompletesIsGivenUpSoTheKeyMovesOn(Vertx vertx, VertxTestContext test) {
    Coalescer coalescer = new Coalescer(vertx.getOrCreateContext(), Duration.ZERO, Duration.ofMillis(100));
    Promise<Void> secondRan = Promise.promise();

    coalescer.request("run-1", publish("stuck", Promise.promise().future()));
    coalescer.request("run-1", publishAndSignal("next", secondRan));

    secondRan.future().onComplete(test.succeeding(v -> test.verify(() -> {
      assertEquals(List.of("stuck", "next"), published);
      test.completeNow();
    })));
  }

  // Completes once everything already queued on the context has run, completions included.
  private static Future<Void> afterPendingWork(Context context) {
    Promise<Void> drained = Promise.promise();
    context.runOnContext(v -> context.runOnContext(w -> drained.complete()));
    return drained.future();
  }
}
