package dev.preflight.deploy.check;

import dev.preflight.checklists.analysis.Sample;
import dev.preflight.checklists.analysis.Series;
import dev.preflight.checklists.checklist.CheckSpec;
import dev.preflight.checklists.run.Evidence;
import dev.preflight.checklists.secret.Redactor;
import dev.preflight.checklists.secret.Variables;
import dev.preflight.deploy.aws.AwsClients;
import dev.preflight.deploy.aws.AwsFutures;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricDataRequest;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricDataResponse;
import software.amazon.awssdk.services.cloudwatch.model.Metric;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataQuery;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataResult;
import software.amazon.awssdk.services.cloudwatch.model.MetricStat;
import software.amazon.awssdk.services.cloudwatch.model.ScanBy;

/**
 * CloudWatch {@code GetMetricData} through the SDK's async client (its STANDARD retry policy and
 * call timeouts from {@link AwsClients}, the spec's timeout per call), judged by
 * {@link MetricAttempt}. With an {@code expression}, only the expression's values are returned
 * and judged; the metrics it names are fetched alongside.
 */
final class CloudWatchMetricCheck implements Check<CheckSpec.CloudWatchMetric> {

  /** The id of the expression's own query; config ids start with a lower-case letter too, so it is reserved. */
  static final String EXPRESSION_ID = "preflight_expression";
  /** An instant check looks back this many periods for the latest datapoint, which CloudWatch publishes late. */
  private static final int LATEST_LOOKBACK_PERIODS = 5;

  private final Vertx vertx;
  private final AwsClients aws;
  private final MetricAttempt attempt;

  CloudWatchMetricCheck(Vertx vertx, AwsClients aws, Clock clock, BaselineStore baselines) {
    this.vertx = vertx;
    this.aws = aws;
    this.attempt = new MetricAttempt(clock, baselines);
  }

  @Override
  public Future<Evidence> attempt(CheckSpec.CloudWatchMetric spec, Variables variables, Redactor redactor) {
    return attempt(spec, variables, redactor, MetricContext.none());
  }

  @Override
  public Future<Evidence> attempt(CheckSpec.CloudWatchMetric spec, Variables variables, Redactor redactor,
      MetricContext context) {
    String region = variables.resolve(spec.region(), redactor);
    List<CheckSpec.MetricStat> stats = spec.metrics().stream()
        .map(stat -> new CheckSpec.MetricStat(stat.id(), stat.namespace(), stat.metric(),
            stat.dimensions().entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey,
                e -> variables.resolve(e.getValue(), redactor), (a, b) -> a, java.util.LinkedHashMap::new)),
            stat.statistic()))
        .toList();
    Duration timeout = CheckRunner.timeout(spec);
    MetricAttempt.Source source = (from, to, step) -> fetch(region, stats, spec.expression(), from, to, step, timeout);
    return attempt.run(spec.rule(), source, context, new MetricAttempt.Shown(describe(stats, spec.expression(),
        spec.rule().step()), null), redactor);
  }

  private Future<List<Series>> fetch(String region, List<CheckSpec.MetricStat> stats, String expression, Instant from,
      Instant to, Duration period, Duration timeout) {
    Instant start = from.equals(to) ? to.minus(period.multipliedBy(LATEST_LOOKBACK_PERIODS)) : from;
    List<MetricDataQuery> queries = new ArrayList<>();
    for (CheckSpec.MetricStat stat : stats) {
      queries.add(MetricDataQuery.builder()
          .id(stat.id())
          .returnData(expression == null)
          .metricStat(MetricStat.builder()
              .metric(Metric.builder()
                  .namespace(stat.namespace())
                  .metricName(stat.metric())
                  .dimensions(stat.dimensions().entrySet().stream()
                      .map(e -> Dimension.builder().name(e.getKey()).value(e.getValue()).build())
                      .toList())
                  .build())
              .period((int) period.getSeconds())
              .stat(stat.statistic())
              .build())
          .build());
    }
    if (expression != null) {
      queries.add(MetricDataQuery.builder()
          .id(EXPRESSION_ID)
          .expression(expression)
          .period((int) period.getSeconds())
          .returnData(true)
          .build());
    }
    GetMetricDataRequest request = GetMetricDataRequest.builder()
        .startTime(start)
        .endTime(to)
        .scanBy(ScanBy.TIMESTAMP_ASCENDING)
        .metricDataQueries(queries)
        .overrideConfiguration(o -> o.apiCallTimeout(timeout))
        .build();
    Context context = vertx.getOrCreateContext();
    // Building the client may read profile files; that does not belong on an event loop.
    return vertx.executeBlocking(() -> aws.cloudWatch(region).getMetricData(request), false)
        .compose(call -> AwsFutures.toVertx(call, context))
        .map(CloudWatchMetricCheck::series);
  }

  private static List<Series> series(GetMetricDataResponse response) {
    List<Series> series = new ArrayList<>();
    for (MetricDataResult result : response.metricDataResults()) {
      List<Sample> samples = new ArrayList<>();
      for (int i = 0; i < Math.min(result.timestamps().size(), result.values().size()); i++) {
        samples.add(new Sample(result.timestamps().get(i), result.values().get(i)));
      }
      // Ascending was asked for; a source that ignores it must not turn the window around.
      samples.sort(java.util.Comparator.comparing(Sample::at));
      String id = EXPRESSION_ID.equals(result.id()) ? "expression" : result.id();
      series.add(new Series(Map.of("id", id), samples));
    }
    return series;
  }

  static String describe(List<CheckSpec.MetricStat> stats, String expression, Duration period) {
    String each = stats.stream()
        .map(stat -> (expression == null ? "" : stat.id() + " = ") + stat.namespace() + " " + stat.metric() + " "
            + stat.statistic() + (stat.dimensions().isEmpty() ? "" : " " + stat.dimensions()))
        .collect(Collectors.joining("; "));
    return (expression == null ? each : expression + " where " + each) + " per " + period.getSeconds() + "s";
  }
}
