package dev.preflight.bot;

import static dev.preflight.bot.BotInProcess.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.preflight.deploy.fake.LocalPrometheus;
import dev.preflight.handlers.ActionIds;
import dev.preflight.handlers.fake.FakeSlack;
import dev.preflight.handlers.fake.SlackRequests;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11 end to end: seed 004's canary plan and rollback criteria, from {@code /deploy} in Slack,
 * judged by a real Prometheus. Prometheus scrapes, every second, an app whose 5xx share and p95
 * latency the test sets; the bot deploys through a command whose script records every call,
 * shifts traffic through three stages and asks Prometheus every second whether the 5xx share is
 * under 0.5% and the p95 latency at most twice its baseline from before the deploy. The test reads
 * the run's message and thread as a person would, and the calls the script saw.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class CanaryPrometheusInSlackTest {

  static final Path CONFIG = Path.of("src/test/resources/e2e-canary-prometheus/preflight.yaml");
  static final String DEPLOYS = "C0DEPLOYS1";
  static final String DEPLOYER = "U0DEPLOY1";
  static final String ERROR_SHARE = "sum(rate(app_requests_total{code=\"500\"}[3s])) / sum(rate(app_requests_total[3s]))";

  @TempDir
  Path dir;
  private final SlackRequests slack = new SlackRequests();
  private BotInProcess bot;
  private FakeSlack fake;
  private LocalPrometheus prometheus;
  private Path calls;

  @BeforeEach
  void start() throws Exception {
    bot = BotInProcess.create();
    fake = bot.fake;
    prometheus = await(new LocalPrometheus(bot.vertx).start());
    // The app before the deploy: no errors, p95 at 0.4 s; the bot starts once Prometheus has seen both.
    prometheus.gauge("app_latency_p95_seconds", 0.4);
    await(prometheus.until("app_latency_p95_seconds", value -> value == 0.4));
    await(prometheus.until(ERROR_SHARE, value -> value == 0));
    calls = dir.resolve("calls.log");
    bot.start(CONFIG, CanaryInSlackTest.SETTINGS, Map.of("PROMETHEUS_URL", prometheus.url(),
        "CANARY_SCRIPT", CanaryInSlackTest.recordingScript(dir, calls).toString()));
  }

  @AfterEach
  void stop() throws Exception {
    if (prometheus != null) {
      prometheus.stop();
    }
    if (bot != null) {
      bot.close();
    }
  }

  @Test
  void aHealthyCanaryIsPromotedThroughEveryStageByTheNumbers() throws Exception {
    String ts = deploy("v7.1.0");

    JsonObject stageTwo = awaitMessage(ts, text -> text.contains("Canary stage 2 of 3")
        && text.contains("✅ 5xx share") && text.contains("✅ p95 latency"));
    String text = Blocks.text(stageTwo);
    System.out.println("The run's message at stage 2:\n" + text);
    assertTrue(text.matches("(?s).*🐤 \\*Canary stage 2 of 3\\* · 50% of traffic · \\ds of the hold left.*"), text);
    assertTrue(text.matches("(?s).*✅ 5xx share under 0\\.5%: [^\n]*0[^\n]*\n.*"), "the 5xx share's value: " + text);
    assertTrue(text.matches("(?s).*✅ p95 latency at most twice the baseline: [^\n]*last 0\\.4.*"),
        "the p95 latency's value: " + text);

    awaitMessage(ts, t -> t.contains("*Succeeded*"));
    assertEquals(List.of("deploy v7.1.0", "weight v7.1.0 10", "weight v7.1.0 50", "weight v7.1.0 100",
        "promote v7.1.0"), calls());
    List<Double> baselines = baselines();
    assertEquals(1, baselines.size(), "one baseline, for the p95 check: " + baselines);
    assertEquals(0.4, baselines.get(0), 1e-9, "the p95 baseline was measured before the deploy and kept with the run");
  }

  @Test
  void aFiveXxSpikeInStageTwoRollsBackWithinAnAnalysisIntervalAndSaysWhy() throws Exception {
    String ts = deploy("v7.2.0");
    awaitMessage(ts, text -> text.contains("Canary stage 2 of 3") && text.contains("✅ 5xx share"));

    prometheus.errorShare(0.2);
    await(prometheus.until(ERROR_SHARE, value -> value >= 0.005));
    long seen = System.nanoTime();
    await(until(() -> calls().contains("abort v7.2.0 0")));
    long reacted = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - seen);
    System.out.println("From Prometheus showing the spike to the abort call: " + reacted + " ms");

    JsonObject rolledBack = awaitMessage(ts, text -> text.contains("*Rolled back*"));
    String text = Blocks.text(rolledBack);
    System.out.println("The run's message after the rollback:\n" + text);
    assertTrue(text.matches("(?s).*Canary stage 2 of 3: 5xx share under 0\\.5%: [^\n]*was 0\\.\\d+ at .*"),
        "the message names the value that failed: " + text);
    assertEquals(List.of("deploy v7.2.0", "weight v7.2.0 10", "weight v7.2.0 50", "abort v7.2.0 0", "rollback"),
        calls(), "all traffic goes back to the stable version at once, then the target rolls back");
    JsonObject note = await(fake.awaitCall("chat.postMessage", call -> rolledBack.getString("ts")
        .equals(call.getString("thread_ts")) && call.getString("text", "").contains("5xx share under 0.5%")));
    String thread = note.getString("text");
    System.out.println("The note in the run's thread:\n" + thread);
    assertTrue(thread.matches("Canary stage 2 of 3 failed:\n• 5xx share under 0\\.5%: was 0\\.\\d+ at (?s).*"),
        "the thread says which stage failed and the value that failed it: " + thread);
    // The stage's first failing look acts: the analysis runs every second, the check answers in
    // milliseconds, and Prometheus was already showing the spike when the clock started.
    // A generous bound, so that a loaded machine does not fail it; the figure printed above is the measure.
    assertTrue(reacted < 10_000, "rolled back soon after the spike showed: " + reacted + " ms");
  }

  @Test
  void aStageWhoseAnalysisHasNoDataPausesForAPersonAndResumeCarriesOn() throws Exception {
    String ts = deploy("v7.3.0", "staging");

    JsonObject paused = awaitMessage(ts, text -> text.contains("⏸️ paused with"));
    String text = Blocks.text(paused);
    System.out.println("The run's message when the analysis had no data:\n" + text);
    assertTrue(text.matches("(?s).*🐤 \\*Canary stage 1 of 2\\* · 10% of traffic · ⏸️ paused with [1-4]s of the hold left: "
        + "analysis inconclusive: no data for Queue depth under 100; Resume or Rollback\n.*"), text);
    assertTrue(text.contains("❔ Queue depth under 100: inconclusive: no data"), text);
    assertEquals(List.of(ActionIds.CANARY_PROMOTE, ActionIds.CANARY_RESUME, ActionIds.CANARY_ROLLBACK,
        ActionIds.ABORT), Blocks.actionIds(paused));
    assertEquals(List.of("deploy v7.3.0", "weight v7.3.0 10"), calls(), "the traffic stays where it was");
    JsonObject why = await(fake.awaitCall("chat.postMessage", call -> paused.getString("ts")
        .equals(call.getString("thread_ts")) && call.getString("text", "").contains("Paused at stage")));
    System.out.println("The note in the run's thread when the analysis had no data:\n" + why.getString("text"));
    assertTrue(why.getString("text").matches("⏸️ Paused at stage 1 of 2 with [1-5]s of the hold left: no data for "
        + "Queue depth under 100\\. Resume or Rollback\\."), why.getString("text"));

    prometheus.gauge("app_queue_depth", 12);
    await(prometheus.until("app_queue_depth", value -> value == 12));
    String runId = Blocks.button(paused, ActionIds.CANARY_RESUME).orElseThrow().getString("value");
    HttpResponse<Buffer> ack = await(slack.blockAction(ActionIds.CANARY_RESUME, runId, DEPLOYER, DEPLOYS,
        paused.getString("ts"), fake.responseUrl("resume")).send(bot.client, "127.0.0.1", bot.port()));
    assertEquals(200, ack.statusCode());

    awaitMessage(ts, t -> t.contains("*Succeeded*"));
    assertEquals(List.of("deploy v7.3.0", "weight v7.3.0 10", "weight v7.3.0 100", "promote v7.3.0"), calls());
    // Paused for several rounds of analysis before the Resume: told once in the thread and the audit log.
    assertEquals(1, fake.replies(DEPLOYS, paused.getString("ts")).stream()
        .filter(reply -> reply.getString("text", "").contains("Paused at stage")).count());
    List<String> pauses = new ArrayList<>();
    await(bot.db.query("select coalesce(actor, 'Preflight') as actor, detail->>'reason' as reason from audit_log "
        + "where action = 'canary.paused'").execute())
        .forEach(row -> pauses.add(row.getString("actor") + ": " + row.getString("reason")));
    assertEquals(List.of("Preflight: analysis inconclusive: no data"), pauses);
  }

  /** /deploy of the version; the environment launches by itself. Answers the version, which names the run's message. */
  private String deploy(String version) throws Exception {
    return deploy(version, "production");
  }

  private String deploy(String version, String environment) throws Exception {
    bot.postedAfter(slack.slashCommand("/deploy", "chat " + version + " to " + environment, DEPLOYER, DEPLOYS,
        fake.responseUrl("deploy-" + version)), DEPLOYS, version);
    return version;
  }

  private List<String> calls() throws Exception {
    return Files.readAllLines(calls).stream().map(String::strip).toList();
  }

  private List<Double> baselines() throws Exception {
    List<Double> values = new ArrayList<>();
    await(bot.db.query("select value from metric_baselines").execute())
        .forEach(row -> values.add(row.getDouble(0)));
    return values;
  }

  /** Completes once {@code condition} holds, looking every 50 ms. */
  private Future<Void> until(Check condition) {
    Promise<Void> held = Promise.promise();
    long timer = bot.vertx.setPeriodic(50, id -> {
      try {
        if (condition.holds()) {
          held.tryComplete();
        }
      } catch (Exception e) {
        held.tryFail(e);
      }
    });
    return held.future().onComplete(done -> bot.vertx.cancelTimer(timer));
  }

  @FunctionalInterface
  private interface Check {
    boolean holds() throws Exception;
  }

  /** The first edit of the run's message (the one naming {@code version}) whose text passes. */
  private JsonObject awaitMessage(String version, Predicate<String> text) throws Exception {
    return bot.awaitEdit(DEPLOYS, null, t -> t.contains(version) && text.test(t), message -> true);
  }
}
