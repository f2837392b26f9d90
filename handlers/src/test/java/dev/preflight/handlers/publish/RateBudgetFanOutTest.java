package dev.preflight.handlers.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.preflight.checklists.checklist.Checklist;
import dev.preflight.deploy.run.TrackedRun;
import dev.preflight.handlers.fake.FakeSlack;
import dev.preflight.handlers.slack.Coalescer;
import dev.preflight.handlers.slack.SlackApi;
import dev.preflight.handlers.slack.SlackBudget;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * 200 runs each land 20 results within two seconds, against a fake Slack that enforces Slack's
 * tiers and answers 429 beyond them. Slack counts its tiers per minute; here the bot's budget and
 * the fake both count them per two seconds (every tier 30 times faster, the same for both), so the
 * test takes seconds, not minutes. The one-edit-per-second rule is not scaled.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 90, timeUnit = TimeUnit.SECONDS)
class RateBudgetFanOutTest {

  private static final int RUNS = 200;
  private static final int RESULTS = 20;
  private static final Duration SCALED_MINUTE = Duration.ofSeconds(2);
  private static final List<String> CHANNELS = IntStream.range(0, 10).mapToObj(n -> "C0TEAM" + n).toList();

  @Test
  void aBusyBotSpendsTheBudgetInsteadOfCollecting429s(Vertx vertx, VertxTestContext test) {
    Checklist checklist = PublishedRuns.checklist(RESULTS);
    StoredRuns stored = new StoredRuns();
    List<TrackedRun> runs = IntStream.range(0, RUNS)
        .mapToObj(n -> PublishedRuns.started("00000000-0000-4000-9000-%012d".formatted(n), checklist,
            CHANNELS.get(n % CHANNELS.size())))
        .toList();
    long[] started = new long[1];
    FakeSlack.start(vertx).compose(fake -> {
      fake.enforceTiers(SCALED_MINUTE);
      SlackApi slack = new SlackApi(vertx, SlackApi.slack(fake.url()), "xoxb-test-token", SlackApi.Policy.DEFAULT,
          new SlackBudget(vertx, 1, SCALED_MINUTE), new CompositeMeterRegistry());
      new RunPublisher(stored, slack, new Coalescer(vertx.getOrCreateContext()), "white_check_mark",
          PublishedRuns.CLOCK).start();
      started[0] = System.nanoTime();
      for (TrackedRun run : runs) {
        stored.change(run);
        land(vertx, stored, run);
      }
      return allFinal(vertx, fake, stored, runs).compose(shown -> PublishedRuns.nothingBehind(vertx, stored)).map(fake);
    }).onComplete(test.succeeding(fake -> test.verify(() -> {
      long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started[0]);
      int maxEditsInASecond = 0;
      for (TrackedRun run : runs) {
        TrackedRun now = stored.stored(run.id()).orElseThrow();
        List<Long> edits = fake.editTimes(now.channelId(), now.messageTs());
        for (int i = 1; i < edits.size(); i++) {
          assertTrue(edits.get(i) - edits.get(i - 1) >= TimeUnit.SECONDS.toNanos(1),
              run.id() + " was edited twice within a second");
        }
        maxEditsInASecond = Math.max(maxEditsInASecond, mostInAnySecond(edits));
        String text = PublishedRuns.text(fake.message(now.channelId(), now.messageTs()).orElseThrow());
        assertTrue(text.contains(RESULTS + "/" + RESULTS + " done") && text.contains(PublishedRuns.FINAL_LINE),
            run.id() + ": " + text);
      }
      System.out.printf("FIGURE fan-out: %d runs x %d results; final after %d ms; chat.postMessage %d, "
              + "chat.update %d; 429s %d; most edits of one message in any second %d%n", RUNS, RESULTS, tookMillis,
          fake.calls("chat.postMessage").size(), fake.calls("chat.update").size(), fake.rateLimitedAnswers(),
          maxEditsInASecond);
      assertEquals(0, fake.rateLimitedAnswers(), "Slack never had to say 429");
      assertEquals(RUNS, CHANNELS.stream().mapToInt(channel -> fake.messages(channel).size()).sum());
      assertEquals(List.of(), stored.behind(), "every message shows its run's stored state");
      test.completeNow();
    })));
  }

  /** Lands the run's results at random moments within two seconds; the last one finishes it. */
  private static void land(Vertx vertx, StoredRuns stored, TrackedRun run) {
    List<Long> at = ThreadLocalRandom.current().longs(RESULTS, 1, 2000).sorted().boxed().toList();
    TrackedRun[] now = {run};
    for (int n = 1; n <= RESULTS; n++) {
      int item = n;
      vertx.setTimer(at.get(n - 1), id -> {
        now[0] = PublishedRuns.withResult(now[0], item);
        stored.change(item == RESULTS ? PublishedRuns.finished(now[0]) : now[0]);
      });
    }
  }

  private static int mostInAnySecond(List<Long> times) {
    int most = 0;
    for (int i = 0; i < times.size(); i++) {
      int j = i;
      while (j < times.size() && times.get(j) - times.get(i) < TimeUnit.SECONDS.toNanos(1)) {
        j++;
      }
      most = Math.max(most, j - i);
    }
    return most;
  }

  private static Future<Void> allFinal(Vertx vertx, FakeSlack fake, StoredRuns stored, List<TrackedRun> runs) {
    Promise<Void> done = Promise.promise();
    vertx.setPeriodic(200, id -> {
      boolean all = runs.stream().allMatch(run -> PublishedRuns.showsFinal(fake, stored.stored(run.id()), RESULTS));
      if (all) {
        vertx.cancelTimer(id);
        done.tryComplete();
      }
    });
    return done.future();
  }
}
