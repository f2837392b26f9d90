package dev.preflight.checklists.checklist;

import dev.preflight.checklists.analysis.MetricRule;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What an automated item runs and what it expects to see. String values may hold
 * {@code ${ENV_NAME}} references, resolved when the check runs.
 */
public sealed interface CheckSpec {

  String kind();

  Timing timing();

  /**
   * @param timeout the limit of one attempt
   * @param retries how many more attempts after a failed one
   * @param interval the pause between attempts
   */
  record Timing(Duration timeout, int retries, Duration interval) {

    /** Used when a spec was built without one; config always sets it. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    /** The longest a check can take: every attempt using its whole timeout, with the pauses between. */
    public Duration longest() {
      Duration each = timeout == null || timeout.isZero() || timeout.isNegative() ? DEFAULT_TIMEOUT : timeout;
      int more = Math.max(0, retries);
      Duration pause = interval == null || interval.isNegative() ? Duration.ZERO : interval;
      return each.multipliedBy(more + 1L).plus(pause.multipliedBy(more));
    }
  }

  /**
   * @param expectStatus accepted status codes; never empty
   * @param expectJson JSON pointer → expected value (a string, number, boolean or null)
   * @param bodyContains text the body must contain, or null
   * @param maxLatency the slowest acceptable answer, or null
   */
  record Http(
      String method,
      String url,
      Map<String, String> headers,
      String body,
      List<Integer> expectStatus,
      Map<String, Object> expectJson,
      String bodyContains,
      Duration maxLatency,
      Timing timing) implements CheckSpec {

    public Http {
      headers = Map.copyOf(headers);
      expectStatus = List.copyOf(expectStatus);
      expectJson = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(expectJson));
    }

    @Override
    public String kind() {
      return "http";
    }
  }

  /**
   * @param databaseUrlEnv the environment variable that holds a postgresql:// URL
   * @param expectRows the row count expected, or null
   * @param expectValue the first column of the first row, as text, or null
   */
  record Sql(String databaseUrlEnv, String query, Integer expectRows, String expectValue, Timing timing)
      implements CheckSpec {

    @Override
    public String kind() {
      return "sql";
    }
  }

  /**
   * @param argv the program and its arguments; never run through a shell
   * @param workdir the working directory, or null for the bot's own
   * @param outputContains text stdout or stderr must contain, or null
   */
  record Command(
      List<String> argv,
      String workdir,
      Map<String, String> env,
      int expectExitCode,
      String outputContains,
      Timing timing) implements CheckSpec {

    public Command {
      argv = List.copyOf(argv);
      env = Map.copyOf(env);
    }

    @Override
    public String kind() {
      return "command";
    }
  }

  /** A Secrets Manager secret exists; its value is never read. */
  record AwsSecret(String secretId, String region, Timing timing) implements CheckSpec {
    @Override
    public String kind() {
      return "aws-secret";
    }
  }

  /** An ECS service is ACTIVE, running equals desired, and its primary deployment is COMPLETED. */
  record EcsService(String cluster, String service, String region, Timing timing) implements CheckSpec {
    @Override
    public String kind() {
      return "ecs-service";
    }
  }

  /**
   * Ordered HTTP steps; a value captured from one step's JSON answer is available to later
   * steps as {@code {name}} in their URL, headers, body and expected values.
   */
  record Smoke(List<Step> steps, Timing timing) implements CheckSpec {

    public Smoke {
      steps = List.copyOf(steps);
    }

    @Override
    public String kind() {
      return "smoke";
    }

    /**
     * @param capture name → JSON pointer into this step's answer
     * @param expectStatus accepted status codes; never empty
     * @param maxLatency the slowest acceptable answer, or null
     */
    public record Step(
        String name,
        String method,
        String url,
        Map<String, String> headers,
        String body,
        List<Integer> expectStatus,
        Map<String, Object> expectJson,
        String bodyContains,
        Duration maxLatency,
        Map<String, String> capture) {

      public Step {
        headers = Map.copyOf(headers);
        expectStatus = List.copyOf(expectStatus);
        expectJson = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(expectJson));
        capture = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(capture));
      }
    }
  }

  /** A check judged by {@link dev.preflight.checklists.analysis.Analysis} over the series a metric source returns. */
  sealed interface Metric extends CheckSpec {

    MetricRule rule();
  }

  /**
   * A PromQL query against a Prometheus-compatible HTTP API (Prometheus, Thanos, Mimir,
   * VictoriaMetrics).
   *
   * @param source the base URL, e.g. {@code ${PROMETHEUS_URL}}; the API lives under {@code /api/v1}
   * @param auth where the credentials are, or null for none
   */
  record Prometheus(String source, String query, PrometheusAuth auth, MetricRule rule, Timing timing)
      implements Metric {

    @Override
    public String kind() {
      return "prometheus";
    }
  }

  /**
   * Names environment variables, never values: either a bearer token, or a user name and password
   * for basic auth.
   */
  record PrometheusAuth(String bearerTokenEnv, String usernameEnv, String passwordEnv) {}

  /**
   * CloudWatch {@code GetMetricData}: one metric, or a metric-math {@code expression} over several
   * (an ALB 5xx rate as {@code 100 * errors / requests}). The period is {@link MetricRule#step()}.
   *
   * @param metrics the metrics queried, each with the id an expression names it by
   * @param expression metric math over the metrics' ids, or null to judge the single metric
   * @param region an AWS region, or null for the default one
   */
  record CloudWatchMetric(List<MetricStat> metrics, String expression, String region, MetricRule rule, Timing timing)
      implements Metric {

    public CloudWatchMetric {
      metrics = List.copyOf(metrics);
    }

    @Override
    public String kind() {
      return "cloudwatch-metric";
    }
  }

  /**
   * @param statistic {@code Sum}, {@code Average}, {@code Minimum}, {@code Maximum},
   *     {@code SampleCount} or a percentile such as {@code p95}
   */
  record MetricStat(String id, String namespace, String metric, Map<String, String> dimensions, String statistic) {

    public MetricStat {
      dimensions = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(dimensions));
    }
  }
}
