package dev.preflight.handlers.slack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class SlackBudgetTest {

  @Test
  void methodsGetTheirTiersAndPostsTheirPerChannelLimit(Vertx vertx) {
    SlackBudget budget = new SlackBudget(vertx, 1);
    assertEquals(new SlackBudget.Limit(50, Duration.ofMinutes(1)), budget.limitOf("chat.update"));
    assertEquals(new SlackBudget.Limit(100, Duration.ofMinutes(1)), budget.limitOf("views.publish"));
    assertEquals(new SlackBudget.Limit(100, Duration.ofMinutes(1)), budget.limitOf("chat.postEphemeral"));
    assertEquals(new SlackBudget.Limit(20, Duration.ofMinutes(1)), budget.limitOf("usergroups.users.list"));
    assertEquals(new SlackBudget.Limit(3, Duration.ofSeconds(3)), budget.limitOf("chat.postMessage"));
  }

  @Test
  void aShareStretchesEveryWindow(Vertx vertx) {
    SlackBudget half = new SlackBudget(vertx, 0.5);
    assertEquals(new SlackBudget.Limit(50, Duration.ofMinutes(2)), half.limitOf("chat.update"));
    assertEquals(new SlackBudget.Limit(3, Duration.ofSeconds(6)), half.limitOf("chat.postMessage"));
    assertThrows(IllegalArgumentException.class, () -> new SlackBudget(vertx, 0));
    assertThrows(IllegalArgumentException.class, () -> new SlackBudget(vertx, -1));
  }

  @Test
  void waitingCallsAreServedAnswersFirstThenFinalStatesThenProgress(Vertx vertx, VertxTestContext test) {
    // Tier 2 scaled to 20 calls a second: the twenty are taken, then three wait.
    SlackBudget budget = new SlackBudget(vertx, 1, Duration.ofSeconds(1));
    List<String> granted = new CopyOnWriteArrayList<>();
    vertx.runOnContext(v -> {
      List<SlackBudget.Slot> taken = new CopyOnWriteArrayList<>();
      List<Future<SlackBudget.Slot>> first = new java.util.ArrayList<>();
      for (int i = 0; i < 20; i++) {
        first.add(budget.acquire("usergroups.users.list", null, SlackBudget.Priority.PROGRESS).onSuccess(taken::add));
      }
      Future<?> progress = budget.acquire("usergroups.users.list", null, SlackBudget.Priority.PROGRESS)
          .onSuccess(slot -> granted.add("progress"));
      Future<?> fin = budget.acquire("usergroups.users.list", null, SlackBudget.Priority.FINAL)
          .onSuccess(slot -> granted.add("final"));
      Future<?> answer = budget.acquire("usergroups.users.list", null, SlackBudget.Priority.ANSWER)
          .onSuccess(slot -> granted.add("answer"));
      Future.all(first).onSuccess(all -> {
        test.verify(() -> assertEquals(3, budget.waiting()));
        // Three calls answered: their slots come back one window later, one waiting call each.
        taken.subList(0, 3).forEach(SlackBudget.Slot::release);
      });
      Future.all(progress, fin, answer).onComplete(test.succeeding(all -> test.verify(() -> {
        assertEquals(List.of("answer", "final", "progress"), granted);
        test.completeNow();
      })));
    });
  }

  @Test
  void aSlotNotUsedIsFreeAtOnceForTheNextCall(Vertx vertx, VertxTestContext test) {
    SlackBudget budget = new SlackBudget(vertx, 1, Duration.ofHours(1));
    budget.acquire("chat.postMessage", "C1", SlackBudget.Priority.FINAL)
        .compose(one -> budget.acquire("chat.postMessage", "C1", SlackBudget.Priority.FINAL))
        .compose(two -> budget.acquire("chat.postMessage", "C1", SlackBudget.Priority.FINAL))
        .compose(three -> {
          Future<SlackBudget.Slot> fourth = budget.acquire("chat.postMessage", "C1", SlackBudget.Priority.FINAL);
          // A post to another channel has its own budget.
          Future<SlackBudget.Slot> elsewhere = budget.acquire("chat.postMessage", "C2", SlackBudget.Priority.FINAL);
          three.unused();
          return Future.all(fourth, elsewhere);
        })
        .onComplete(test.succeedingThenComplete());
  }
}
