package dev.preflight.checklists.analysis;

import java.time.Duration;
import java.util.Objects;

/**
 * How a metric check judges what its query returns.
 *
 * @param condition what every judged value must satisfy
 * @param per each series on its own, or their sum
 * @param sustained with a value, the condition must hold at every sample of this window ending
 *     now (a range query); null judges the latest value only (an instant query)
 * @param step the spacing of samples in a range query (Prometheus {@code step}, CloudWatch period)
 * @param baselineWindow how far before the deploy started the baseline is measured; null when the
 *     condition does not use a baseline
 * @param noData what an empty answer (or one of only NaN samples) concludes
 */
public record MetricRule(Condition condition, Per per, Duration sustained, Duration step, Duration baselineWindow,
    NoData noData) {

  /** The baseline window when a condition uses {@code baseline} and none is written. */
  public static final Duration DEFAULT_BASELINE_WINDOW = Duration.ofMinutes(30);

  public MetricRule {
    Objects.requireNonNull(condition, "condition");
    Objects.requireNonNull(per, "per");
    Objects.requireNonNull(step, "step");
    Objects.requireNonNull(noData, "noData");
    if (condition.usesBaseline() && baselineWindow == null) {
      baselineWindow = DEFAULT_BASELINE_WINDOW;
    }
  }
}
