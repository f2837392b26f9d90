package dev.preflight.checklists.analysis;

import dev.preflight.checklists.time.Spans;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;

/**
 * The one place that decides whether what a metric query returned passes: aggregation, the
 * sustained window (every sample must hold, not only the last), the baseline comparison and the
 * no-data policy. Pure: the Prometheus and CloudWatch checks fetch the series and ask here.
 */
public final class Analysis {

  private Analysis() {}

  /**
   * @param series what the query returned over the window (one sample each for an instant query)
   * @param baseline the stored baseline when the condition uses one; empty when it could not be
   *     measured, which the no-data policy then decides
   */
  public static Judgement judge(MetricRule rule, List<Series> series, OptionalDouble baseline) {
    List<Series> judged = rule.per() == Per.AGGREGATE ? aggregate(series) : present(series);
    if (judged.isEmpty()) {
      return new Judgement(rule.noData().verdict(), "no data" + policy(rule), List.of(), baseline);
    }
    if (rule.condition().usesBaseline() && baseline.isEmpty()) {
      return new Judgement(rule.noData().verdict(), "no data in the baseline window before the deploy" + policy(rule),
          seen(judged, rule, OptionalDouble.of(Double.NaN)), baseline);
    }
    List<Judgement.SeriesSeen> seen = seen(judged, rule, baseline);
    List<Judgement.SeriesSeen> broken = seen.stream().filter(s -> !s.held()).toList();
    String expected = rule.condition().describe(baseline);
    if (broken.isEmpty()) {
      String scope = seen.size() == 1 ? "" : "all " + seen.size() + " series ";
      String window = rule.sustained() == null ? "" : " at every sample over " + Spans.format(rule.sustained());
      return new Judgement(Verdict.PASS, scope + "held " + expected + window, seen, baseline);
    }
    Judgement.SeriesSeen first = broken.get(0);
    String who = seen.size() == 1 && rule.per() == Per.AGGREGATE ? "" : first.name() + " ";
    String others = broken.size() > 1 ? " (" + broken.size() + " of " + seen.size() + " series broke it)" : "";
    return new Judgement(Verdict.FAIL,
        who + "was " + Condition.format(first.breachValue()) + " at " + first.breachAt() + ", expected " + expected + others,
        seen, baseline);
  }

  /**
   * The baseline from what the query returned over the window before the deploy: the mean of the
   * summed series, empty when there was no data.
   */
  public static OptionalDouble baseline(List<Series> series) {
    return aggregate(series).stream()
        .flatMap(s -> s.present().stream())
        .mapToDouble(Sample::value)
        .average();
  }

  private static String policy(MetricRule rule) {
    return switch (rule.noData()) {
      case FAIL -> " (noData: fail)";
      case PASS -> " (noData: pass)";
      case INCONCLUSIVE -> " (noData: inconclusive, a person decides)";
    };
  }

  private static List<Series> present(List<Series> series) {
    return series.stream().filter(s -> !s.present().isEmpty()).toList();
  }

  /** The series summed at each sample time over the ones with a value then. */
  static List<Series> aggregate(List<Series> series) {
    Map<Instant, Double> sums = new TreeMap<>();
    for (Series one : series) {
      for (Sample sample : one.present()) {
        sums.merge(sample.at(), sample.value(), Double::sum);
      }
    }
    if (sums.isEmpty()) {
      return List.of();
    }
    List<Sample> samples = new ArrayList<>();
    sums.forEach((at, value) -> samples.add(new Sample(at, value)));
    return List.of(new Series(Map.of(), samples));
  }

  private static List<Judgement.SeriesSeen> seen(List<Series> judged, MetricRule rule, OptionalDouble baseline) {
    boolean judgeable = !rule.condition().usesBaseline() || (baseline.isPresent() && !Double.isNaN(baseline.getAsDouble()));
    List<Judgement.SeriesSeen> seen = new ArrayList<>();
    for (Series one : judged) {
      List<Sample> samples = one.present();
      // An instant query has one sample; a sustained check judges every one in the window.
      List<Sample> considered = rule.sustained() == null ? List.of(samples.get(samples.size() - 1)) : samples;
      Sample breach = null;
      if (judgeable) {
        for (Sample sample : considered) {
          if (!rule.condition().holds(sample.value(), baseline)) {
            breach = sample;
            break;
          }
        }
      }
      List<Double> values = samples.stream().map(Sample::value).toList();
      seen.add(new Judgement.SeriesSeen(one.name(), values,
          values.stream().mapToDouble(Double::doubleValue).min().orElseThrow(),
          values.stream().mapToDouble(Double::doubleValue).max().orElseThrow(),
          values.get(values.size() - 1),
          breach == null ? null : breach.at(),
          breach == null ? Double.NaN : breach.value()));
    }
    return seen;
  }
}
