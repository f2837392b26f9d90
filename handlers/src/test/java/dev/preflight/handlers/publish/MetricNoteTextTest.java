package dev.preflight.handlers.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.preflight.checklists.analysis.Analysis;
import dev.preflight.checklists.analysis.Condition;
import dev.preflight.checklists.analysis.Judgement;
import dev.preflight.checklists.analysis.MetricRule;
import dev.preflight.checklists.analysis.NoData;
import dev.preflight.checklists.analysis.Per;
import dev.preflight.checklists.analysis.Sample;
import dev.preflight.checklists.analysis.Series;
import dev.preflight.checklists.deploy.Verification;
import dev.preflight.checklists.deploy.VerifyResult;
import dev.preflight.checklists.secret.Redactor;
import dev.preflight.deploy.check.MetricEvidence;
import dev.preflight.deploy.run.RunNote;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/** A failed metric check in the run's thread, as a user reads it in Slack. */
class MetricNoteTextTest {

  @Test
  void aFailedPrometheusCheckShowsTheValueThatBrokeItTheBaselineTheSparklineAndTheGraphLink() {
    Instant t0 = Instant.parse("2026-12-06T17:00:00Z");
    double[] p95 = {0.21, 0.22, 0.2, 0.48, 0.5, 0.52};
    List<Sample> samples = new ArrayList<>();
    for (int i = 0; i < p95.length; i++) {
      samples.add(new Sample(t0.plusSeconds(30L * i), p95[i]));
    }
    MetricRule rule = new MetricRule(Condition.parse("<= 2 * baseline"), Per.AGGREGATE, Duration.ofMinutes(3),
        Duration.ofSeconds(30), Duration.ofMinutes(30), NoData.FAIL);
    Judgement judgement = Analysis.judge(rule, List.of(new Series(Map.of("job", "sti-chat"), samples)), OptionalDouble.of(0.2));
    String query = "histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))";
    VerifyResult result = new VerifyResult("latency-p95", "p95 latency at most twice the baseline",
        Verification.Kind.HEALTH, MetricEvidence.of(rule, judgement, query,
            "https://prometheus.example.com/graph?g0.expr=histogram_quantile&g0.range_input=3m", 40, new Redactor()),
        List.of());

    assertEquals("""
        Verification failed:
        • p95 latency at most twice the baseline: was 0.48 at 2026-12-06T17:01:30Z, expected <= 2 * baseline (0.4)
        ```
        query: histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))
        graph: https://prometheus.example.com/graph?g0.expr=histogram_quantile&g0.range_input=3m
        baseline: 0.2 over the 30m before the deploy
        {} ▁▁▁▇██ min 0.2 max 0.52 last 0.52
        ```""", NoteText.of(RunNote.verificationFailed("r-1", false, List.of(result))));
  }
}
