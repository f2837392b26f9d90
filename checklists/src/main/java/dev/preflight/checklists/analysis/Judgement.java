package dev.preflight.checklists.analysis;

import java.time.Instant;
import java.util.List;
import java.util.OptionalDouble;

/**
 * What a metric analysis concluded and what it saw, kept as values so the evidence, the report
 * and a canary stage's message can each show it their own way.
 *
 * @param reason one line: why it passed, failed or could not decide
 * @param series every judged series (one when aggregated), in the order the source gave them
 * @param baseline the baseline the condition was compared with, when it uses one
 */
public record Judgement(Verdict verdict, String reason, List<SeriesSeen> series, OptionalDouble baseline) {

  public Judgement {
    series = List.copyOf(series);
  }

  /**
   * One series as judged.
   *
   * @param values the present samples' values, oldest first
   * @param breachAt the first sample that broke the condition, or null when it held throughout
   * @param breachValue that sample's value; NaN when none broke it
   */
  public record SeriesSeen(String name, List<Double> values, double min, double max, double last, Instant breachAt,
      double breachValue) {

    public SeriesSeen {
      values = List.copyOf(values);
    }

    public boolean held() {
      return breachAt == null;
    }
  }
}
