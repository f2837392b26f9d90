package dev.preflight.deploy.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.preflight.deploy.target.MemoryJournal;
import dev.preflight.deploy.target.TargetOutcome;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The runner every deploy target runs in, driving a scripted rollout on a real Vert.x: what it
 * calls, in which order, and which outcome it reports. Waits are short and never measured.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
class FollowRunnerTest {

  private static final Duration INTERVAL = Duration.ofMillis(20);
  private static final Observation DONE = Observation.succeeded("Rollout COMPLETED", "rev-2", null);

  private FollowRunner runner;
  private MemoryJournal journal;

  @BeforeEach
  void setUp(Vertx vertx) {
    runner = new FollowRunner(vertx, INTERVAL, Duration.ofMillis(80));
    journal = new MemoryJournal();
  }

  private void verify(Future<TargetOutcome> outcome, VertxTestContext ctx, Consumer<TargetOutcome> assertions) {
    outcome.onComplete(ctx.succeeding(result -> ctx.verify(() -> {
      assertions.accept(result);
      ctx.completeNow();
    })));
  }

  @Test
  void looksUntilTheRolloutEndsAndShowsEachNewProgressLineOnce(VertxTestContext ctx) {
    ScriptedRollout rollout = new ScriptedRollout()
        .then(Observation.running("Waiting for the rollout", "1/3"))
        .then(Observation.running("Waiting for the rollout", "1/3"))
        .then(Observation.running("Waiting for the rollout", "2/3"))
        .then(DONE);
    verify(runner.run(rollout, journal), ctx, outcome -> {
      assertEquals(TargetOutcome.success("Rollout COMPLETED", "rev-2", null), outcome);
      assertEquals(List.of("start", "observe", "observe", "observe", "observe"), rollout.calls());
      assertEquals(List.of("Starting | null", "Waiting for the rollout | 1/3", "Waiting for the rollout | 2/3"),
          journal.progress());
    });
  }

  @Test
  void anEndSeenAtTheStartIsTheOutcomeWithoutALook(VertxTestContext ctx) {
    ScriptedRollout rollout = new ScriptedRollout()
        .startsWith(() -> Future.succeededFuture(Observation.failed("exited with code 4", "the last lines")));
    verify(runner.run(rollout, journal), ctx, outcome -> {
      assertEquals(TargetOutcome.failure("exited with code 4", "the last lines"), outcome);
      assertEquals(List.of("start"), rollout.calls());
    });
  }

  @Test
  void aStartThatFailsIsReportedAsTheRolloutSaysWithoutALook(VertxTestContext ctx) {
    ScriptedRollout rollout = new ScriptedRollout()
        .startsWith(() -> Future.failedFuture(new IllegalStateException("no credentials")));
    verify(runner.run(rollout, journal), ctx, outcome -> {
      assertEquals(TargetOutcome.failure("failed: no credentials", null), outcome);
      assertEquals(List.of("start"), rollout.calls());
    });
  }

  // --- the deadline -------------------------------------------------------------------------------

  @Test
  void pastTheDeadlineItLooksOnceMoreBeforeCallingItATimeout(VertxTestContext ctx) {
    ScriptedRollout rollout = new ScriptedRollout().deadline(Instant.now().minusSeconds(3600))
        .then(Observation.running("Waiting for the rollout", "0/3"));
    verify(runner.run(rollout, journal), ctx, outcome -> {
      assertEquals(TargetOutcome.failure("stopped: TIMED_OUT", null), outcome);
      assertEquals(List.of("start", "observe", "stop TIMED_OUT"), rollout.calls());
    });
  }

  @Test
  void theLastLookPastTheDeadlineStillSeesARolloutThatEnded(VertxTestContext ctx) {
    ScriptedRollout rollout = new ScriptedRollout().deadline(Instant.now().minusSeconds(3600)).then(DONE);
    verify(runner.run(rollout, journal), ctx, outcome -> {
      assertTrue(outcome.succeeded(), outcome::toString);
      assertEquals(List.of("start", "observe"), rollout.calls());
    });
  }

  @Test
  void aRolloutStillUnderWayAtTheDeadlineIsStoppedAsTimedOutAfterALook(VertxTestContext ctx) {
    ScriptedRollout rollout = new ScriptedRollout().deadline(Instant.now().plusMillis(150))
        .then(Observation.running("Waiting for the rollout", "0/3"));
    verify(runner.run(rollout, journal), ctx, outcome -> {
      assertEquals(TargetOutcome.failure("stopped: TIMED_OUT", null), outcome);
      List<String> calls = rollout.calls();
      assertEquals(1, rollout.count("stop TIMED_OUT"));
      assertEquals(List.of("observe", "stop TIMED_OUT"), calls.subList(calls.size() - 2, calls.size()));
    });
  }

  @Test
  void theLookAtTheDeadlineCanStillSeeTheEnd(VertxTestContext ctx) {
    // Under way on every look before the deadline, done on any look at or after it: only a last look
    // at the deadline turns this into a success rather than a timeout.
    Instant deadline = Instant.now().plusMillis(150);
    ScriptedRollout rollout = new ScriptedRollout().deadline(deadline)
        .thenAnswer(() -> Future.succeededFuture(Instant.now().isBefore(deadline)
            ? Observation.running("Waiting for the rollout", "2/3")
            : DONE));
    verify(runner.run(rollout, journal), ctx, outcome -> {
      assertTrue(outcome.succeeded(), outcome::toString);
      assertEquals(0, rollout.count("stop TIMED_OUT"), rollout.calls()::toString);
    });
  }

  // --- failed looks ----------------------------------------------------------------------------------

  @Test
  void failedLooksAreTriedAgainAndAreNeverTheOutcome(VertxTestContext ctx) {
    ScriptedRollout rollout = new ScriptedRollout()
        .then(Observation.running("Waiting for the rollout", "1/3"))
        .thenFail(ScriptedRollout.TRANSIENT)
        .thenFail(ScriptedRollout.TRANSIENT)
        .thenAnswer(() -> {
          throw new IllegalStateException("connection reset");
        })
        .then(DONE);
    verify(runner.run(rollout, journal), ctx, outcome -> {
      assertTrue(outcome.succeeded(), outcome::toString);
      assertEquals(List.of("start", "observe", "observe", "observe", "observe", "observe"), rollout.calls());
      assertTrue(journal.progress().contains("Waiting for the rollout | failed: 503 Service Unavailable; trying again"),
          journal.progress()::toString);
      assertTrue(journal.progress().contains("Waiting for the rollout | failed: connection reset; trying again"),
          journal.progress()::toString);
    });
  }

  @Test
  void looksThatKeepFailingEndInATimeoutNotInTheFailure(VertxTestContext ctx) {
    ScriptedRollout rollout = new ScriptedRollout().deadline(Instant.now().plusMillis(200))
        .thenFail(ScriptedRollout.TRANSIENT);
    verify(runner.run(rollout, journal), ctx, outcome -> {
      assertEquals(TargetOutcome.failure("stopped: TIMED_OUT", null), outcome);
      assertTrue(rollout.count("observe") >= 1, rollout.calls()::toString);
      assertEquals("stop TIMED_OUT", rollout.calls().get(rollout.calls().size() - 1));
    });
  }

  @Test
  void theWaitAfterFailedLooksDoublesFromTheIntervalUpToTheCap(Vertx vertx) {
    FollowRunner capped = new FollowRunner(vertx, Duration.ofSeconds(10), Duration.ofSeconds(60));
    assertEquals(Duration.ofSeconds(10), capped.pause(0));
    assertEquals(Duration.ofSeconds(10), capped.pause(1));
    assertEquals(Duration.ofSeconds(20), capped.pause(2));
    assertEquals(Duration.ofSeconds(40), capped.pause(3));
    assertEquals(Duration.ofSeconds(60), capped.pause(4));
    assertEquals(Duration.ofSeconds(60), capped.pause(50));
  }

  // --- abort and shutdown -----------------------------------------------------------------------------

  @Test
  void anAbortStopsTheRolloutAndItsAnswerIsTheOutcome(VertxTestContext ctx) {
    AtomicInteger looks = new AtomicInteger();
    ScriptedRollout rollout = new ScriptedRollout()
        .then(Observation.running("Waiting for the rollout", "0/3"))
        .onLook(() -> {
          if (looks.incrementAndGet() == 2) {
            journal.abort();
          }
        });
    verify(runner.run(rollout, journal), ctx, outcome -> {
      assertEquals(TargetOutcome.failure("stopped: ABORTED", null), outcome);
      assertEquals(List.of("start", "observe", "observe", "stop ABORTED"), rollout.calls());
    });
  }

  @Test
  void aRunAbortedBeforeItBeganIsNeverStarted(VertxTestContext ctx) {
    ScriptedRollout rollout = new ScriptedRollout();
    journal.abort();
    verify(runner.run(rollout, journal), ctx, outcome -> {
      assertEquals(TargetOutcome.failure("stopped: ABORTED", null), outcome);
      assertEquals(List.of("stop ABORTED"), rollout.calls());
    });
  }

  @Test
  void anEndSeenByTheLookUnderWayWinsOverAnAbort(VertxTestContext ctx) {
    Promise<Observation> answer = Promise.promise();
    ScriptedRollout rollout = new ScriptedRollout().thenAnswer(answer::future).onLook(() -> {
      journal.abort();
      answer.tryComplete(DONE);
    });
    verify(runner.run(rollout, journal), ctx, outcome -> {
      assertTrue(outcome.succeeded(), outcome::toString);
      assertFalse(rollout.calls().contains("stop ABORTED"), rollout.calls()::toString);
    });
  }

  @Test
  void anAbortDuringALookIsActedOnWhenTheLookAnswers(VertxTestContext ctx) {
    ScriptedRollout rollout = new ScriptedRollout()
        .thenAnswer(() -> {
          journal.abort();
          return Future.succeededFuture(Observation.running("Waiting for the rollout", "0/3"));
        });
    verify(runner.run(rollout, journal), ctx, outcome -> {
      assertEquals(TargetOutcome.failure("stopped: ABORTED", null), outcome);
      assertEquals(List.of("start", "observe", "stop ABORTED"), rollout.calls());
    });
  }

  @Test
  void aStoppingBotStopsFollowingAndLooksNoMore(VertxTestContext ctx) {
    AtomicInteger looks = new AtomicInteger();
    ScriptedRollout rollout = new ScriptedRollout()
        .then(Observation.running("Waiting for the rollout", "0/3"))
        .onLook(() -> {
          if (looks.incrementAndGet() == 1) {
            journal.stop();
          }
        });
    verify(runner.run(rollout, journal), ctx, outcome -> {
      assertEquals(TargetOutcome.failure("stopped: STOPPING", null), outcome);
      assertEquals(List.of("start", "observe", "stop STOPPING"), rollout.calls());
    });
  }

  @Test
  void aRunStoppingBeforeItBeganIsNeverStarted(VertxTestContext ctx) {
    ScriptedRollout rollout = new ScriptedRollout();
    journal.stop();
    verify(runner.run(rollout, journal), ctx, outcome -> {
      assertEquals(TargetOutcome.failure("stopped: STOPPING", null), outcome);
      assertEquals(List.of("stop STOPPING"), rollout.calls());
    });
  }

  // --- waking early ---------------------------------------------------------------------------------------

  @Test
  void aChangeTheRolloutSignalsIsLookedAtWithoutWaitingForTheInterval(Vertx vertx, VertxTestContext ctx) {
    // An hour between looks: only the signal can bring the second look within the test's timeout.
    FollowRunner slow = new FollowRunner(vertx, Duration.ofHours(1));
    ScriptedRollout rollout = new ScriptedRollout()
        .then(Observation.running("Running deploy.sh", null))
        .then(Observation.succeeded("deploy.sh exited with code 0", null, null));
    journal.onProgress((step, detail) -> rollout.change());
    verify(slow.run(rollout, journal), ctx, outcome -> {
      assertEquals("deploy.sh exited with code 0", outcome.summary());
      assertEquals(List.of("start", "observe", "observe"), rollout.calls());
    });
  }
}
