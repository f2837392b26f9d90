package dev.preflight.checklists.config;

import dev.preflight.checklists.analysis.Condition;
import dev.preflight.checklists.analysis.MetricRule;
import dev.preflight.checklists.analysis.NoData;
import dev.preflight.checklists.analysis.Per;
import dev.preflight.checklists.checklist.CheckSpec;
import dev.preflight.checklists.secret.Variables;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads the metric check kinds, {@code prometheus} and {@code cloudwatch-metric}: their source and
 * the rule they are judged by (condition, per, for, baseline, noData), which both share.
 */
final class MetricCheckReader {

  static final List<String> RULE_KEYS = List.of("condition", "per", "for", "baseline", "noData");
  static final List<String> PROMETHEUS_KEYS = concat(List.of("source", "auth", "query", "step"), RULE_KEYS);
  static final List<String> CLOUDWATCH_KEYS = concat(
      List.of("region", "namespace", "metric", "dimensions", "statistic", "period", "expression", "metrics"), RULE_KEYS);

  private static final Duration DEFAULT_STEP = Duration.ofSeconds(15);
  private static final Duration DEFAULT_PERIOD = Duration.ofSeconds(60);
  private static final Pattern METRIC_ID = Pattern.compile("[a-z][A-Za-z0-9_]*");
  private static final Pattern PERCENTILE = Pattern.compile("p(\\d{1,2}(\\.\\d{1,2})?|100)");
  private static final List<String> STATISTICS = List.of("Sum", "Average", "Minimum", "Maximum", "SampleCount");
  private static final Pattern DIMENSION_NAME = Pattern.compile("[^\\s:][^:]{0,254}");
  private static final String CONDITION_HINT = "write condition: \"< 0.005\" (or \"<= 2 * baseline\", or between: [0.1, 0.5])";

  private MetricCheckReader() {}

  static Optional<CheckSpec> prometheus(Mapping fields, CheckSpec.Timing timing) {
    Optional<String> source = fields.require("source", "write source: ${PROMETHEUS_URL}, the base URL of the Prometheus HTTP API")
        .flatMap(v -> CheckReader.url(v, "write source: https://prometheus.example.com or source: ${PROMETHEUS_URL}"));
    Optional<String> query = fields.require("query", "write query: sum(rate(http_requests_total{code=~\"5..\"}[1m]))")
        .flatMap(Value::text);
    CheckSpec.PrometheusAuth auth = fields.get("auth", "write auth: { bearerTokenEnv: PROMETHEUS_TOKEN }")
        .flatMap(MetricCheckReader::auth)
        .orElse(null);
    Duration step = fields.get("step", "write step: 15s")
        .flatMap(v -> v.duration(d -> d.toMillis() >= 1000, "must be at least 1s"))
        .orElse(DEFAULT_STEP);
    Optional<MetricRule> rule = rule(fields, step, "step");
    if (source.isEmpty() || query.isEmpty() || rule.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new CheckSpec.Prometheus(source.get(), query.get(), auth, rule.get(), timing));
  }

  static Optional<CheckSpec> cloudWatch(Mapping fields, CheckSpec.Timing timing) {
    String region = CheckReader.region(fields);
    Duration period = fields.get("period", "write period: 60s")
        .flatMap(v -> v.duration(MetricCheckReader::cloudWatchPeriod,
            "CloudWatch periods are 1s, 5s, 10s, 30s or a multiple of 60s"))
        .orElse(DEFAULT_PERIOD);
    Optional<String> expression = fields.get("expression", "write expression: 100 * errors / requests").flatMap(Value::text);
    Optional<List<CheckSpec.MetricStat>> metrics;
    if (expression.isPresent() || fields.get("metrics", null).isPresent()) {
      for (String single : List.of("namespace", "metric", "dimensions", "statistic")) {
        fields.get(single, null).ifPresent(v -> v.error("belongs inside each of metrics: when an expression is used",
            "write metrics: { errors: { namespace: AWS/ApplicationELB, metric: HTTPCode_Target_5XX_Count, statistic: Sum } }"));
      }
      if (expression.isEmpty()) {
        fields.require("expression", "write expression: 100 * errors / requests, naming the metrics by their ids");
      }
      metrics = fields.require("metrics", "write metrics: { errors: { namespace: …, metric: …, statistic: Sum } }")
          .flatMap(MetricCheckReader::metrics);
    } else {
      metrics = stat("m1", fields).map(List::of);
    }
    Optional<MetricRule> rule = rule(fields, period, "period");
    if (metrics.isEmpty() || rule.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new CheckSpec.CloudWatchMetric(metrics.get(), expression.orElse(null), region, rule.get(), timing));
  }

  private static boolean cloudWatchPeriod(Duration period) {
    long seconds = period.getSeconds();
    return period.getNano() == 0 && (List.of(1L, 5L, 10L, 30L).contains(seconds) || (seconds > 0 && seconds % 60 == 0));
  }

  private static Optional<List<CheckSpec.MetricStat>> metrics(Value value) {
    return value.mapping().flatMap(named -> {
      List<CheckSpec.MetricStat> stats = new ArrayList<>();
      boolean fine = true;
      for (Mapping.Entry entry : named.entries("write metrics: { errors: { namespace: …, metric: …, statistic: Sum } }")) {
        if (!METRIC_ID.matcher(entry.name()).matches()) {
          entry.key().error("`" + entry.name() + "` is not a CloudWatch metric id",
              "start with a lower-case letter; then letters, digits and _");
          fine = false;
          continue;
        }
        Optional<CheckSpec.MetricStat> stat = entry.value().mapping()
            .flatMap(m -> stat(entry.name(), m.allow(List.of("namespace", "metric", "dimensions", "statistic"))));
        fine &= stat.isPresent();
        stat.ifPresent(stats::add);
      }
      if (fine && stats.isEmpty()) {
        value.error("needs at least one metric", "write metrics: { errors: { namespace: …, metric: …, statistic: Sum } }");
      }
      return fine && !stats.isEmpty() ? Optional.of(stats) : Optional.empty();
    });
  }

  private static Optional<CheckSpec.MetricStat> stat(String id, Mapping fields) {
    Optional<String> namespace = fields.require("namespace", "write namespace: AWS/ApplicationELB").flatMap(Value::text);
    Optional<String> metric = fields.require("metric", "write metric: HTTPCode_Target_5XX_Count").flatMap(Value::text);
    Map<String, String> dimensions = fields.get("dimensions", "write dimensions: { LoadBalancer: app/prod/0123456789abcdef }")
        .map(v -> CheckReader.stringMap(v, DIMENSION_NAME, "is not a CloudWatch dimension name"))
        .orElse(Map.of());
    Optional<String> statistic = fields.require("statistic", "write statistic: Sum (or Average, Maximum, p95)")
        .flatMap(MetricCheckReader::statistic);
    if (namespace.isEmpty() || metric.isEmpty() || statistic.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new CheckSpec.MetricStat(id, namespace.get(), metric.get(), dimensions, statistic.get()));
  }

  private static Optional<String> statistic(Value value) {
    return value.text().filter(stat -> STATISTICS.contains(stat) || PERCENTILE.matcher(stat).matches()
        || CheckReader.rejected(value, "`" + stat + "` is not a CloudWatch statistic",
            Suggestions.hint(stat, STATISTICS, "statistics") + "; or a percentile such as p95"));
  }

  /** The shared rule; {@code stepKey} names the key the step came from, for the {@code for} error. */
  private static Optional<MetricRule> rule(Mapping fields, Duration step, String stepKey) {
    Optional<Condition> condition = fields.require("condition", CONDITION_HINT).flatMap(MetricCheckReader::condition);
    Per per = fields.get("per", "write per: series (every series must hold) or per: aggregate (their sum)")
        .flatMap(v -> choice(v, Per.class))
        .orElse(Per.SERIES);
    NoData noData = fields.get("noData", "write noData: fail, pass or inconclusive")
        .flatMap(v -> choice(v, NoData.class))
        .orElse(NoData.FAIL);
    Optional<Value> sustainedValue = fields.get("for", "write for: 5m");
    Duration sustained = sustainedValue
        .flatMap(v -> v.duration(d -> d.compareTo(step) >= 0,
            "is shorter than the " + stepKey + " (" + Durations.format(step) + "): the window would hold at most one sample"))
        .orElse(null);
    boolean sustainedFine = sustainedValue.isEmpty() || sustained != null;
    Optional<Value> baselineValue = fields.get("baseline", "write baseline: 30m, how long before the deploy to measure it");
    Duration baseline = baselineValue
        .flatMap(v -> v.duration(d -> d.compareTo(step) >= 0, "is shorter than the " + stepKey + " (" + Durations.format(step) + ")"))
        .orElse(null);
    boolean baselineFine = baselineValue.isEmpty() || baseline != null;
    if (baseline != null && condition.isPresent() && !condition.get().usesBaseline()) {
      baselineValue.get().error("the condition does not use the baseline", "write condition: \"<= 2 * baseline\", or leave baseline out");
      baselineFine = false;
    }
    if (condition.isEmpty() || !sustainedFine || !baselineFine) {
      return Optional.empty();
    }
    return Optional.of(new MetricRule(condition.get(), per, sustained, step, baseline, noData));
  }

  private static Optional<Condition> condition(Value value) {
    if (value.node() instanceof ScalarNode) {
      return value.text().flatMap(text -> {
        try {
          return Optional.of(Condition.parse(text));
        } catch (Condition.InvalidConditionException e) {
          value.error(e.aboutTheText() ? "`" + text.strip() + "` " + e.getMessage() : e.getMessage(), e.hint());
          return Optional.empty();
        }
      });
    }
    return value.mapping().flatMap(range -> {
      range.allow(List.of("between"));
      return range.require("between", "write between: [0.1, 0.5]")
          .flatMap(v -> v.nonEmptyList().flatMap(ends -> {
            if (ends.size() != 2) {
              v.error("needs two numbers, the low and the high end", "write between: [0.1, 0.5]");
              return Optional.empty();
            }
            Optional<Double> low = number(ends.get(0));
            Optional<Double> high = number(ends.get(1));
            if (low.isEmpty() || high.isEmpty()) {
              return Optional.empty();
            }
            try {
              return Optional.of(Condition.between(low.get(), high.get()));
            } catch (Condition.InvalidConditionException e) {
              v.error(e.getMessage(), e.hint());
              return Optional.empty();
            }
          }));
    });
  }

  private static Optional<Double> number(Value value) {
    if (value.node() instanceof ScalarNode scalar && (scalar.getTag().equals(Tag.INT) || scalar.getTag().equals(Tag.FLOAT))) {
      try {
        double number = Double.parseDouble(scalar.getValue().replace("_", ""));
        if (Double.isFinite(number)) {
          return Optional.of(number);
        }
      } catch (NumberFormatException e) {
        // reported below
      }
    }
    value.error("expected a number", "write between: [0.1, 0.5]");
    return Optional.empty();
  }

  private static <E extends Enum<E>> Optional<E> choice(Value value, Class<E> type) {
    List<String> names = java.util.Arrays.stream(type.getEnumConstants()).map(e -> e.name().toLowerCase(Locale.ROOT)).toList();
    return value.text().flatMap(text -> {
      if (names.contains(text)) {
        return Optional.of(Enum.valueOf(type, text.toUpperCase(Locale.ROOT)));
      }
      value.error("`" + text + "` is not one of " + String.join(", ", names), Suggestions.hint(text, names, "values"));
      return Optional.empty();
    });
  }

  private static Optional<CheckSpec.PrometheusAuth> auth(Value value) {
    return value.mapping().flatMap(auth -> {
      auth.allow(List.of("bearerTokenEnv", "usernameEnv", "passwordEnv"));
      boolean written = auth.get("bearerTokenEnv", null).isPresent() || auth.get("usernameEnv", null).isPresent()
          || auth.get("passwordEnv", null).isPresent();
      Optional<String> token = auth.get("bearerTokenEnv", "write bearerTokenEnv: PROMETHEUS_TOKEN").flatMap(MetricCheckReader::envName);
      Optional<String> user = auth.get("usernameEnv", "write usernameEnv: PROMETHEUS_USER").flatMap(MetricCheckReader::envName);
      Optional<String> password = auth.get("passwordEnv", "write passwordEnv: PROMETHEUS_PASSWORD").flatMap(MetricCheckReader::envName);
      if (token.isPresent() && (user.isPresent() || password.isPresent())) {
        value.error("give a bearer token or a user name and password, not both",
            "write auth: { bearerTokenEnv: PROMETHEUS_TOKEN } or auth: { usernameEnv: …, passwordEnv: … }");
        return Optional.empty();
      }
      if (token.isEmpty() && user.isPresent() != password.isPresent()) {
        value.error("basic auth needs both usernameEnv and passwordEnv",
            "write auth: { usernameEnv: PROMETHEUS_USER, passwordEnv: PROMETHEUS_PASSWORD }");
        return Optional.empty();
      }
      if (token.isEmpty() && user.isEmpty()) {
        if (written) {
          return Optional.empty();
        }
        value.error("names no credentials", "write auth: { bearerTokenEnv: PROMETHEUS_TOKEN }, or leave auth out");
        return Optional.empty();
      }
      return Optional.of(new CheckSpec.PrometheusAuth(token.orElse(null), user.orElse(null), password.orElse(null)));
    });
  }

  /** The name of an environment variable holding a secret: the secret itself never goes in config. */
  private static Optional<String> envName(Value value) {
    return value.matching(Variables.NAME, "is not an environment variable name",
        "name the variable that holds the secret, e.g. PROMETHEUS_TOKEN, never the secret itself");
  }

  private static List<String> concat(List<String> first, List<String> second) {
    List<String> all = new ArrayList<>(first);
    all.addAll(second);
    return List.copyOf(all);
  }
}
