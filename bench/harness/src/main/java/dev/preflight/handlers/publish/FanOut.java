package dev.preflight.handlers.publish;

import dev.preflight.checklists.checklist.Checklist;
import dev.preflight.deploy.run.TrackedRun;
import dev.preflight.handlers.fake.FakeSlack;
import dev.preflight.handlers.slack.Coalescer;
import dev.preflight.handlers.slack.SlackApi;
import dev.preflight.handlers.slack.SlackBudget;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

/**
 * Message fan-out (bench/run, in process): 200 runs in 10 channels each land 20 results, against
 * the test fake Slack enforcing Slack's published tiers and answering 429 beyond them, through the
 * bot's own {@link RunPublisher}, {@link SlackApi} and {@link SlackBudget}. Slack counts tiers per
 * minute; here the bot's budget and the fake both count them per {@link #SCALED_MINUTE} (every
 * tier 15 times faster, for both alike), and the results land within that scaled minute, so a
 * round takes seconds. The one-edit-per-message-per-second rule is not scaled.
 *
 * <p>Usage: {@code FanOut OUT_JSON}. In the publisher's package for the test helpers it reuses.
 */
public final class FanOut {

  private static final int RUNS = 200;
  private static final int RESULTS = 20;
  private static final Duration SCALED_MINUTE = Duration.ofSeconds(4);
  private static final List<String> CHANNELS = IntStream.range(0, 10).mapToObj(n -> "C0FAN00" + n).toList();

  private FanOut() {
  }

  public static void main(String[] args) throws Exception {
    Vertx vertx = Vertx.vertx();
    Checklist checklist = PublishedRuns.checklist(RESULTS);
    StoredRuns stored = new StoredRuns();
    List<TrackedRun> runs = IntStream.range(0, RUNS)
        .mapToObj(n -> PublishedRuns.started("00000000-0000-4000-9000-%012d".formatted(n), checklist,
            CHANNELS.get(n % CHANNELS.size())))
        .toList();
    FakeSlack fake = FakeSlack.start(vertx).toCompletionStage().toCompletableFuture().get();
    fake.enforceTiers(SCALED_MINUTE);
    SlackApi slack = new SlackApi(vertx, SlackApi.slack(fake.url()), "xoxb-bench-token", SlackApi.Policy.DEFAULT,
        new SlackBudget(vertx, 1, SCALED_MINUTE), new CompositeMeterRegistry());
    Random random = new Random(13);
    long start = System.nanoTime();
    Promise<Void> allFinal = Promise.promise();
    vertx.runOnContext(v -> {
      new RunPublisher(stored, slack, new Coalescer(vertx.getOrCreateContext()), "white_check_mark",
          PublishedRuns.CLOCK).start();
      for (TrackedRun run : runs) {
        stored.change(run);
        land(vertx, stored, run, random);
      }
      vertx.setPeriodic(100, id -> {
        if (runs.stream().allMatch(run -> PublishedRuns.showsFinal(fake, stored.stored(run.id()), RESULTS))) {
          vertx.cancelTimer(id);
          allFinal.tryComplete();
        }
      });
    });
    boolean finished;
    try {
      allFinal.future().toCompletionStage().toCompletableFuture().get(300, TimeUnit.SECONDS);
      finished = true;
    } catch (java.util.concurrent.TimeoutException e) {
      finished = false;
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    int mostInASecond = 0;
    int finalMessages = 0;
    for (TrackedRun run : runs) {
      TrackedRun now = stored.stored(run.id()).orElseThrow();
      if (now.messageTs() == null) {
        continue;
      }
      mostInASecond = Math.max(mostInASecond, mostInAnySecond(fake.editTimes(now.channelId(), now.messageTs())));
      if (PublishedRuns.showsFinal(fake, stored.stored(run.id()), RESULTS)) {
        finalMessages++;
      }
    }
    JsonObject result = new JsonObject()
        .put("runs", RUNS).put("results_per_run", RESULTS).put("scaled_minute_s", SCALED_MINUTE.toSeconds())
        .put("all_final", finished).put("final_messages", finalMessages).put("seconds_to_all_final", seconds)
        .put("chat_postMessage", fake.calls("chat.postMessage").size())
        .put("chat_update", fake.calls("chat.update").size())
        .put("http_429", fake.rateLimitedAnswers())
        .put("max_edits_per_message_in_any_second", mostInASecond);
    Files.writeString(Path.of(args[0]), result.encodePrettily());
    vertx.close();
    System.exit(0);
  }

  /**
   * Schedules the run's results at random offsets within the scaled minute, in order; the result
   * that lands last also finishes the run.
   */
  private static void land(Vertx vertx, StoredRuns stored, TrackedRun run, Random random) {
    long[] offsets = random.longs(RESULTS, 1, SCALED_MINUTE.toMillis()).sorted().toArray();
    java.util.concurrent.atomic.AtomicReference<TrackedRun> latest = new java.util.concurrent.atomic.AtomicReference<>(run);
    for (int i = 0; i < offsets.length; i++) {
      boolean last = i == offsets.length - 1;
      int result = i + 1;
      vertx.setTimer(offsets[i], id -> {
        TrackedRun next = latest.updateAndGet(current -> PublishedRuns.withResult(current, result));
        stored.change(last ? PublishedRuns.finished(next) : next);
      });
    }
  }

  /** The largest number of edits inside any one-second window (two pointers over sorted times). */
  private static int mostInAnySecond(List<Long> nanos) {
    long second = TimeUnit.SECONDS.toNanos(1);
    int best = 0;
    int from = 0;
    for (int to = 0; to < nanos.size(); to++) {
      while (nanos.get(to) - nanos.get(from) >= second) {
        from++;
      }
      best = Math.max(best, to - from + 1);
    }
    return best;
  }
}
