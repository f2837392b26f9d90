package dev.preflight.checklists.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Sustained windows, aggregation, baselines and the no-data policy, as tables. */
class AnalysisTest {

  private static final Instant T0 = Instant.parse("2026-01-01T12:00:00Z");
  private static final Duration STEP = Duration.ofSeconds(15);

  @ParameterizedTest(name = "{0} / for={1} over [{2}] -> {3}")
  @CsvSource(delimiter = '|', value = {
      // condition | for | samples (space separated, NaN = missing) | verdict
      "< 0.005 |    | 0.001 0.002 0.003            | PASS",
      "< 0.005 |    | 0.009 0.009 0.003            | PASS",   // instant: only the latest counts
      "< 0.005 |    | 0.001 0.002 0.009            | FAIL",
      "< 0.005 | 5m | 0.001 0.002 0.003            | PASS",
      "< 0.005 | 5m | 0.001 0.009 0.003            | FAIL",   // sustained: one bad sample in the window fails
      "< 0.005 | 5m | 0.001 NaN 0.003              | PASS",   // a missing sample is not a breach
      "> 10    | 5m | 11 12 10                     | FAIL",
      "> 10    | 5m | 11 12 13                     | PASS",
  })
  void sustainedWindowJudgesEverySampleAndInstantOnlyTheLast(String condition, String sustained, String samples,
      Verdict verdict) {
    MetricRule rule = rule(condition, Per.SERIES, sustained, NoData.FAIL);
    assertEquals(verdict, Analysis.judge(rule, List.of(series("a", samples)), OptionalDouble.empty()).verdict());
  }

  @ParameterizedTest(name = "noData {0}, answer [{1}] -> {2}")
  @CsvSource(delimiter = '|', value = {
      "FAIL         | -        | FAIL",
      "PASS         | -        | PASS",
      "INCONCLUSIVE | -        | INCONCLUSIVE",
      "FAIL         | NaN NaN  | FAIL",
      "INCONCLUSIVE | NaN NaN  | INCONCLUSIVE",
      "INCONCLUSIVE | 0.001    | PASS",
  })
  void noDataFollowsThePolicy(NoData noData, String samples, Verdict verdict) {
    MetricRule rule = rule("< 0.005", Per.SERIES, "5m", noData);
    List<Series> answer = samples.equals("-") ? List.of() : List.of(series("a", samples));
    Judgement judgement = Analysis.judge(rule, answer, OptionalDouble.empty());
    assertEquals(verdict, judgement.verdict());
  }

  @ParameterizedTest(name = "{0}, baseline {1}, latest {2} -> {3}")
  @CsvSource(delimiter = '|', value = {
      "<= 2 * baseline | 0.4  | 0.3 0.8  | PASS",
      "<= 2 * baseline | 0.4  | 0.3 1.0  | FAIL",   // 2.5x the baseline
      "<= 2 * baseline |      | 0.3 0.3  | INCONCLUSIVE", // no baseline measured: the no-data policy
  })
  void baselineConditionsCompareWithTheStoredBaseline(String condition, Double baseline, String samples, Verdict verdict) {
    MetricRule rule = rule(condition, Per.SERIES, "5m", NoData.INCONCLUSIVE);
    OptionalDouble stored = baseline == null ? OptionalDouble.empty() : OptionalDouble.of(baseline);
    assertEquals(verdict, Analysis.judge(rule, List.of(series("a", samples)), stored).verdict());
  }

  @ParameterizedTest(name = "per {0}: [{1}] and [{2}] -> {3}")
  @CsvSource(delimiter = '|', value = {
      "SERIES    | 0.001 0.001 | 0.004 0.004 | PASS",
      "AGGREGATE | 0.001 0.001 | 0.004 0.004 | FAIL",   // 0.005 summed is not < 0.005
      "SERIES    | 0.001 0.001 | 0.001 0.006 | FAIL",   // one bad instance fails per series
      "AGGREGATE | 0.001 0.001 | 0.001 0.002 | PASS",
  })
  void perSeriesJudgesEachAndAggregateTheirSum(Per per, String first, String second, Verdict verdict) {
    MetricRule rule = rule("< 0.005", per, "5m", NoData.FAIL);
    assertEquals(verdict, Analysis.judge(rule, List.of(series("a", first), series("b", second)), OptionalDouble.empty())
        .verdict());
  }

  @Test
  void aFailureNamesTheSeriesTheValueAndWhen() {
    MetricRule rule = rule("< 0.005", Per.SERIES, "5m", NoData.FAIL);
    Judgement judgement = Analysis.judge(rule,
        List.of(series("a", "0.001 0.001 0.001"), series("b", "0.001 0.02 0.03")), OptionalDouble.empty());
    assertEquals(Verdict.FAIL, judgement.verdict());
    assertEquals("{instance=\"b\"} was 0.02 at 2026-01-01T12:00:15Z, expected < 0.005", judgement.reason());
    Judgement.SeriesSeen b = judgement.series().get(1);
    assertEquals(0.001, b.min());
    assertEquals(0.03, b.max());
    assertEquals(0.03, b.last());
  }

  @Test
  void aPassSaysWhatHeldAndOverWhichWindow() {
    MetricRule rule = rule("<= 2 * baseline", Per.AGGREGATE, "5m", NoData.FAIL);
    Judgement judgement = Analysis.judge(rule, List.of(series("a", "0.2 0.3")), OptionalDouble.of(0.25));
    assertEquals("held <= 2 * baseline (0.5) at every sample over 5m", judgement.reason());
  }

  @Test
  void noDataSaysWhichPolicyDecided() {
    MetricRule rule = rule("< 1", Per.SERIES, null, NoData.INCONCLUSIVE);
    assertEquals("no data (noData: inconclusive, a person decides)",
        Analysis.judge(rule, List.of(), OptionalDouble.empty()).reason());
  }

  @Test
  void theBaselineIsTheMeanOfTheSummedSeries() {
    OptionalDouble baseline = Analysis.baseline(List.of(series("a", "0.1 0.3"), series("b", "0.1 0.1")));
    assertEquals(0.3, baseline.getAsDouble(), 1e-9);
    assertEquals(OptionalDouble.empty(), Analysis.baseline(List.of(series("a", "NaN"))));
  }

  @Test
  void sparklineRunsFromLowestToHighestAndSqueezesLongSeries() {
    assertEquals("▁▅█", Sparkline.of(List.of(1.0, 2.0, 3.0)));
    assertEquals("▁▁▁", Sparkline.of(List.of(5.0, 5.0, 5.0)));
    List<Double> many = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      many.add((double) i);
    }
    assertEquals(Sparkline.WIDTH, Sparkline.of(many).length());
    assertEquals("", Sparkline.of(List.of()));
  }

  private static MetricRule rule(String condition, Per per, String sustained, NoData noData) {
    Duration window = sustained == null || sustained.isBlank() ? null : Duration.ofMinutes(Long.parseLong(sustained.replace("m", "")));
    return new MetricRule(Condition.parse(condition), per, window, STEP, null, noData);
  }

  private static Series series(String instance, String samples) {
    List<Sample> list = new ArrayList<>();
    List<String> values = Arrays.asList(samples.trim().split("\\s+"));
    for (int i = 0; i < values.size(); i++) {
      list.add(new Sample(T0.plus(STEP.multipliedBy(i)), Double.parseDouble(values.get(i))));
    }
    return new Series(Map.of("instance", instance), list);
  }
}
