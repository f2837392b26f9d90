package dev.preflight.checklists.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.preflight.checklists.analysis.NoData;
import dev.preflight.checklists.analysis.Per;
import dev.preflight.checklists.checklist.CheckSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The prometheus and cloudwatch-metric kinds as a checklist item's check: what is read, and every error. */
class MetricCheckConfigTest {

  @Test
  void readsSeed004sErrorRateCriterion(@TempDir Path dir) throws IOException {
    CheckSpec.Prometheus spec = (CheckSpec.Prometheus) only(dir, """
        kind: prometheus
        source: ${PROMETHEUS_URL}
        auth: { bearerTokenEnv: PROMETHEUS_TOKEN }
        query: sum(rate(http_requests_total{code=~"5.."}[1m])) / sum(rate(http_requests_total[1m]))
        condition: "< 0.005"
        per: aggregate
        for: 5m
        step: 30s
        noData: inconclusive
        """);
    assertEquals("${PROMETHEUS_URL}", spec.source());
    assertEquals("PROMETHEUS_TOKEN", spec.auth().bearerTokenEnv());
    assertEquals("< 0.005", spec.rule().condition().describe());
    assertEquals(Per.AGGREGATE, spec.rule().per());
    assertEquals(Duration.ofMinutes(5), spec.rule().sustained());
    assertEquals(Duration.ofSeconds(30), spec.rule().step());
    assertEquals(NoData.INCONCLUSIVE, spec.rule().noData());
    assertEquals(Duration.ofSeconds(10), spec.timing().timeout());
  }

  @Test
  void aBaselineConditionGetsTheDefaultWindowAndDefaultsAreSeriesFailAndAnInstant(@TempDir Path dir) throws IOException {
    CheckSpec.Prometheus spec = (CheckSpec.Prometheus) only(dir, """
        kind: prometheus
        source: https://prometheus.example.com
        query: histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))
        condition: "<= 2 * baseline"
        """);
    assertEquals(Duration.ofMinutes(30), spec.rule().baselineWindow());
    assertEquals(Per.SERIES, spec.rule().per());
    assertEquals(NoData.FAIL, spec.rule().noData());
    assertNull(spec.rule().sustained());
    assertNull(spec.auth());
  }

  @Test
  void readsAnAlb5xxRateAsMetricMath(@TempDir Path dir) throws IOException {
    CheckSpec.CloudWatchMetric spec = (CheckSpec.CloudWatchMetric) only(dir, """
        kind: cloudwatch-metric
        region: us-east-1
        expression: 100 * errors / requests
        metrics:
          errors: { namespace: AWS/ApplicationELB, metric: HTTPCode_Target_5XX_Count, dimensions: { LoadBalancer: app/prod/1 }, statistic: Sum }
          requests: { namespace: AWS/ApplicationELB, metric: RequestCount, dimensions: { LoadBalancer: app/prod/1 }, statistic: Sum }
        period: 60s
        condition: "< 0.5"
        for: 5m
        """);
    assertEquals("100 * errors / requests", spec.expression());
    assertEquals(List.of("errors", "requests"), spec.metrics().stream().map(CheckSpec.MetricStat::id).toList());
    assertEquals(Map.of("LoadBalancer", "app/prod/1"), spec.metrics().get(0).dimensions());
    assertEquals(Duration.ofSeconds(60), spec.rule().step());
  }

  @Test
  void readsOneMetricWithAPercentileAndABetweenRange(@TempDir Path dir) throws IOException {
    CheckSpec.CloudWatchMetric spec = (CheckSpec.CloudWatchMetric) only(dir, """
        kind: cloudwatch-metric
        namespace: AWS/ApplicationELB
        metric: TargetResponseTime
        statistic: p95
        condition: { between: [0, 2] }
        """);
    assertEquals("p95", spec.metrics().get(0).statistic());
    assertEquals("m1", spec.metrics().get(0).id());
    assertNull(spec.expression());
    assertEquals("between 0 and 2", spec.rule().condition().describe());
  }

  static Stream<Arguments> mistakes() {
    return Stream.of(
        Arguments.of("unknown condition", "kind: prometheus\nsource: https://p\nquery: up\ncondition: 'about 5'",
            "release.yaml:12: sections[0].items[0].check.condition: `about 5` is not a condition (write a comparison such as \"< 0.005\", \">= 10\", \"<= 2 * baseline\", or between: [0.1, 0.5])"),
        Arguments.of("missing source", "kind: prometheus\nquery: up\ncondition: '> 0'",
            "release.yaml:9: sections[0].items[0].check.source: required (write source: ${PROMETHEUS_URL}, the base URL of the Prometheus HTTP API)"),
        Arguments.of("for shorter than the step", "kind: prometheus\nsource: https://p\nquery: up\ncondition: '> 0'\nstep: 1m\nfor: 30s",
            "release.yaml:14: sections[0].items[0].check.for: is shorter than the step (1m): the window would hold at most one sample (write for: 5m)"),
        Arguments.of("baseline the condition does not use", "kind: prometheus\nsource: https://p\nquery: up\ncondition: '> 0'\nbaseline: 1h",
            "release.yaml:13: sections[0].items[0].check.baseline: the condition does not use the baseline (write condition: \"<= 2 * baseline\", or leave baseline out)"),
        Arguments.of("noData misspelt", "kind: prometheus\nsource: https://p\nquery: up\ncondition: '> 0'\nnoData: inconclusiv",
            "release.yaml:13: sections[0].items[0].check.noData: `inconclusiv` is not one of fail, pass, inconclusive (did you mean `inconclusive`?)"),
        Arguments.of("a token written in config", "kind: prometheus\nsource: https://p\nquery: up\ncondition: '> 0'\nauth: { bearerTokenEnv: 'eyJhbGciOi.x' }",
            "release.yaml:13: sections[0].items[0].check.auth.bearerTokenEnv: `eyJhbGciOi.x` is not an environment variable name (name the variable that holds the secret, e.g. PROMETHEUS_TOKEN, never the secret itself)"),
        Arguments.of("half of basic auth", "kind: prometheus\nsource: https://p\nquery: up\ncondition: '> 0'\nauth: { usernameEnv: PROM_USER }",
            "release.yaml:13: sections[0].items[0].check.auth: basic auth needs both usernameEnv and passwordEnv (write auth: { usernameEnv: PROMETHEUS_USER, passwordEnv: PROMETHEUS_PASSWORD })"),
        Arguments.of("upside-down range", "kind: prometheus\nsource: https://p\nquery: up\ncondition: { between: [5, 1] }",
            "release.yaml:12: sections[0].items[0].check.condition.between: the lower end 5 is above the upper end 1 (write between: [low, high])"),
        Arguments.of("unknown statistic", "kind: cloudwatch-metric\nnamespace: AWS/ELB\nmetric: Latency\nstatistic: Averge\ncondition: '< 1'",
            "release.yaml:12: sections[0].items[0].check.statistic: `Averge` is not a CloudWatch statistic (did you mean `Average`?; or a percentile such as p95)"),
        Arguments.of("period CloudWatch cannot serve", "kind: cloudwatch-metric\nnamespace: AWS/ELB\nmetric: Latency\nstatistic: Sum\nperiod: 90s\ncondition: '< 1'",
            "release.yaml:13: sections[0].items[0].check.period: CloudWatch periods are 1s, 5s, 10s, 30s or a multiple of 60s (write period: 60s)"),
        Arguments.of("expression without metrics", "kind: cloudwatch-metric\nexpression: 100 * errors / requests\ncondition: '< 1'",
            "release.yaml:9: sections[0].items[0].check.metrics: required (write metrics: { errors: { namespace: …, metric: …, statistic: Sum } })"),
        Arguments.of("a metric id CloudWatch refuses", "kind: cloudwatch-metric\nexpression: 100 * E / R\nmetrics: { E: { namespace: AWS/ELB, metric: X, statistic: Sum } }\ncondition: '< 1'",
            "release.yaml:11: sections[0].items[0].check.metrics.E: `E` is not a CloudWatch metric id (start with a lower-case letter; then letters, digits and _)"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("mistakes")
  void namesTheFileLineAndFieldOfEachMistake(String name, String check, String expected, @TempDir Path dir) throws IOException {
    Path file = write(dir, check);
    ConfigException thrown = assertThrows(ConfigException.class, () -> ConfigLoader.loadChecklist(file));
    assertEquals(List.of(expected.strip()), thrown.errors().stream().map(e -> e.toString().replace(dir + "/", "")).toList());
  }

  private static CheckSpec only(Path dir, String check) throws IOException {
    return ConfigLoader.loadChecklist(write(dir, check)).items().findFirst().orElseThrow().check();
  }

  private static Path write(Path dir, String check) throws IOException {
    return Files.writeString(dir.resolve("release.yaml"), """
        id: api-release
        title: API release
        sections:
          - title: Checks
            items:
              - id: metric
                title: Metric
                check:
        """ + check.indent(10));
  }
}
