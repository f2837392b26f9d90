package dev.preflight.handlers.render;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.preflight.deploy.runner.CanaryStageState;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The canary stage's lines on a run's message, read as a person reads them. */
class CanaryPartTest {

  private static final Instant NOW = Instant.parse("2026-12-06T18:00:00Z");
  private static final Instant PAUSED = NOW.minusSeconds(30);
  private static final Instant DEADLINE = PAUSED.plusSeconds(100);

  @Test
  void aStagePausedBecauseTheAnalysisHadNoDataSaysSoAndWhatToDo() {
    CanaryStageState stage = new CanaryStageState(1, 3, 50, DEADLINE, PAUSED, false, NOW.minusSeconds(2),
        List.of(new CanaryStageState.Analysis("error-rate-5xx", "5xx share under 0.5%", false,
                "inconclusive: no data (noData: inconclusive)", true),
            new CanaryStageState.Analysis("latency-p95", "p95 latency", true, "held <= 0.8; last 0.4", false)),
        List.of("5xx share under 0.5%"));

    assertEquals(List.of(
        "🐤 *Canary stage 2 of 3* · 50% of traffic · ⏸️ paused with 1m 40s of the hold left: analysis inconclusive: "
            + "no data for 5xx share under 0.5%; Resume or Rollback",
        "*Analysis* (2s ago):",
        "❔ 5xx share under 0.5%: inconclusive: no data (noData: inconclusive)",
        "✅ p95 latency: held &lt;= 0.8; last 0.4"), CanaryPart.lines(stage, NOW));
  }

  @Test
  void aStagePausedByAPersonAndAFailedCheckKeepTheirOwnWords() {
    CanaryStageState stage = new CanaryStageState(0, 3, 10, DEADLINE, PAUSED, false, NOW.minusSeconds(1),
        List.of(new CanaryStageState.Analysis("errors", "5xx rate", false, "expected 200, got 503")), List.of());

    assertEquals(List.of("🐤 *Canary stage 1 of 3* · 10% of traffic · ⏸️ paused with 1m 40s of the hold left",
        "*Analysis* (1s ago):", "❌ 5xx rate: expected 200, got 503"), CanaryPart.lines(stage, NOW));
  }
}
