package dev.preflight.deploy.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.preflight.checklists.checklist.CheckSpec;
import dev.preflight.checklists.run.Evidence;
import dev.preflight.checklists.secret.Redactor;
import dev.preflight.checklists.secret.Variables;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The runner's own duties, with scripted checks standing in for the real ones. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class CheckRunnerTest {

  /** A check whose n-th attempt (from 1) does whatever the script says; it records when each began. */
  private static final class ScriptedCheck implements Check<CheckSpec.Command> {

    final List<Long> startedNanos = new CopyOnWriteArrayList<>();
    private final IntFunction<Future<Evidence>> script;

    ScriptedCheck(IntFunction<Future<Evidence>> script) {
      this.script = script;
    }

    @Override
    public Future<Evidence> attempt(CheckSpec.Command spec, Variables variables, Redactor redactor) {
      startedNanos.add(System.nanoTime());
      return script.apply(startedNanos.size());
    }

    int attempts() {
      return startedNanos.size();
    }
  }

  private static CheckSpec.Command spec(Duration timeout, int retries, Duration interval) {
    return new CheckSpec.Command(List.of("true"), null, Map.of(), 0, null,
        new CheckSpec.Timing(timeout, retries, interval));
  }

  private static Future<Evidence> passed(String summary) {
    return Future.succeededFuture(new Evidence(true, summary, 0, 5L, null, null, 1));
  }

  private static Future<Evidence> failed(String summary) {
    return Future.succeededFuture(new Evidence(false, summary, 1, 5L, null, "still failing", 1));
  }

  private static CheckRunner runner(Vertx vertx, ScriptedCheck check) {
    return new CheckRunner(vertx, Map.of(CheckSpec.Command.class, check));
  }

  @Test
  void failsTwiceThenPassesAfterThreeAttempts(Vertx vertx, VertxTestContext ctx) {
    ScriptedCheck check = new ScriptedCheck(n -> n < 3 ? failed("attempt " + n + " failed") : passed("attempt " + n + " passed"));
    Verify.evidence(runner(vertx, check).run(spec(Duration.ofSeconds(5), 5, Duration.ofMillis(10)), Variables.of(Map.of())),
        ctx, evidence -> {
          assertTrue(evidence.passed(), evidence::toString);
          assertEquals("attempt 3 passed", evidence.summary());
          assertEquals(3, evidence.attempts());
          assertEquals(3, check.attempts());
        });
  }

  @Test
  void passingAtOnceMakesNoFurtherAttempts(Vertx vertx, VertxTestContext ctx) {
    ScriptedCheck check = new ScriptedCheck(n -> passed("fine"));
    Verify.evidence(runner(vertx, check).run(spec(Duration.ofSeconds(5), 5, Duration.ofMillis(10)), Variables.of(Map.of())),
        ctx, evidence -> {
          assertEquals(1, evidence.attempts());
          assertEquals(1, check.attempts());
        });
  }

  @Test
  void exhaustedRetriesReportTheLastAttempt(Vertx vertx, VertxTestContext ctx) {
    ScriptedCheck check = new ScriptedCheck(n -> failed("attempt " + n + " failed"));
    Verify.evidence(runner(vertx, check).run(spec(Duration.ofSeconds(5), 2, Duration.ofMillis(10)), Variables.of(Map.of())),
        ctx, evidence -> {
          assertFalse(evidence.passed());
          assertEquals("attempt 3 failed", evidence.summary());
          assertEquals(3, evidence.attempts(), "one attempt plus two retries");
          assertEquals(3, check.attempts());
        });
  }

  @Test
  void waitsAtLeastTheIntervalBetweenAttempts(Vertx vertx, VertxTestContext ctx) {
    Duration interval = Duration.ofMillis(300);
    ScriptedCheck check = new ScriptedCheck(n -> failed("down"));
    Verify.evidence(runner(vertx, check).run(spec(Duration.ofSeconds(5), 2, interval), Variables.of(Map.of())),
        ctx, evidence -> {
          assertEquals(3, check.attempts());
          for (int i = 1; i < check.startedNanos.size(); i++) {
            long gap = check.startedNanos.get(i) - check.startedNanos.get(i - 1);
            assertTrue(gap >= interval.toNanos(), "attempt " + (i + 1) + " started only " + gap / 1_000_000 + " ms after the previous one");
          }
        });
  }

  @Test
  void exceptionThrownInsideACheckBecomesFailedEvidence(Vertx vertx, VertxTestContext ctx) {
    ScriptedCheck check = new ScriptedCheck(n -> {
      throw new IllegalStateException("parser exploded on line 3");
    });
    Verify.evidence(runner(vertx, check).run(spec(Duration.ofSeconds(5), 1, Duration.ofMillis(10)), Variables.of(Map.of())),
        ctx, evidence -> {
          assertFalse(evidence.passed());
          assertEquals("check failed: parser exploded on line 3", evidence.summary());
          assertEquals(2, evidence.attempts(), "an unexpected error may be transient, so it is retried");
        });
  }

  @Test
  void failedFutureBecomesFailedEvidence(Vertx vertx, VertxTestContext ctx) {
    ScriptedCheck check = new ScriptedCheck(n -> Future.failedFuture(new java.net.ConnectException("Connection refused")));
    Verify.evidence(runner(vertx, check).run(spec(Duration.ofSeconds(5), 0, Duration.ZERO), Variables.of(Map.of())),
        ctx, evidence -> {
          assertFalse(evidence.passed());
          assertEquals("connection refused", evidence.summary());
          assertEquals("Connection refused", evidence.error());
        });
  }

  @Test
  void checkThatNeverAnswersIsCutOffAsTimedOut(Vertx vertx, VertxTestContext ctx) {
    ScriptedCheck check = new ScriptedCheck(n -> Promise.<Evidence>promise().future());
    Verify.evidence(runner(vertx, check).run(spec(Duration.ofMillis(200), 0, Duration.ZERO), Variables.of(Map.of())),
        ctx, evidence -> {
          assertFalse(evidence.passed());
          assertEquals("timed out after 200 ms", evidence.summary());
        });
  }

  @Test
  void missingVariableFailsWithoutRetrying(Vertx vertx, VertxTestContext ctx) {
    CheckRunner runner = new CheckRunner(vertx, Map.of(CheckSpec.Command.class, (Check<CheckSpec.Command>)
        (spec, variables, redactor) -> passed(variables.resolve("${SENTRY_DSN}", redactor))));
    Verify.evidence(runner.run(spec(Duration.ofSeconds(5), 3, Duration.ofMillis(10)), Variables.of(Map.of())),
        ctx, evidence -> {
          assertFalse(evidence.passed());
          assertEquals("environment variable SENTRY_DSN is not set", evidence.summary());
          assertEquals(1, evidence.attempts());
        });
  }

  @Test
  void secretsAreMaskedEvenWhenACheckForgetsToRedact(Vertx vertx, VertxTestContext ctx) {
    String dsn = "https://abc123def456@o9.ingest.sentry.io/7";
    CheckRunner runner = new CheckRunner(vertx, Map.of(CheckSpec.Command.class, (Check<CheckSpec.Command>)
        (spec, variables, redactor) -> {
          String resolved = variables.resolve("${SENTRY_DSN}", redactor);
          return Future.succeededFuture(new Evidence(false, "bad " + resolved, null, null, "saw " + resolved,
              "rejected " + resolved, 1));
        }));
    Verify.evidence(runner.run(spec(Duration.ofSeconds(5), 0, Duration.ZERO), Variables.of(Map.of("SENTRY_DSN", dsn))),
        ctx, evidence -> {
          assertEquals("bad " + Redactor.MASK, evidence.summary());
          assertEquals("saw " + Redactor.MASK, evidence.excerpt());
          assertEquals("rejected " + Redactor.MASK, evidence.error());
        });
  }

  @Test
  void kindWithoutACheckIsFailedEvidence(Vertx vertx, VertxTestContext ctx) {
    CheckRunner runner = new CheckRunner(vertx, Map.of());
    Verify.evidence(runner.run(spec(Duration.ofSeconds(5), 2, Duration.ZERO), Variables.of(Map.of())), ctx, evidence -> {
      assertFalse(evidence.passed());
      assertEquals("no check can run kind command", evidence.summary());
      assertEquals(1, evidence.attempts());
    });
  }
}
