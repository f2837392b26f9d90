package dev.preflight.deploy.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.preflight.checklists.analysis.Condition;
import dev.preflight.checklists.analysis.MetricRule;
import dev.preflight.checklists.analysis.NoData;
import dev.preflight.checklists.analysis.Per;
import dev.preflight.checklists.analysis.Verdict;
import dev.preflight.checklists.checklist.CheckSpec;
import dev.preflight.checklists.secret.Variables;
import dev.preflight.deploy.aws.AwsClients;
import dev.preflight.deploy.aws.AwsFutures;
import dev.preflight.deploy.fake.FakeCloudWatch;
import dev.preflight.deploy.fake.Moto;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.cloudwatch.CloudWatchAsyncClient;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.MetricDatum;

/** The cloudwatch-metric check against moto: PutMetricData from the test, then the bot's GetMetricData. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class CloudWatchMetricCheckTest {

  private static final String REGION = "us-east-1";
  private static final String NAMESPACE = "AWS/ApplicationELB";
  private static final Map<String, String> LOAD_BALANCER = Map.of("LoadBalancer", "app/prod/0123456789abcdef");
  private static final CheckSpec.Timing TIMING = new CheckSpec.Timing(Duration.ofSeconds(10), 0, Duration.ZERO);
  private static final StaticCredentialsProvider DUMMY_CREDENTIALS =
      StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTESTTESTTEST", "dummy-secret-key"));

  private static Moto moto;
  private static AwsClients clients;
  private static CheckRunner runner;

  @BeforeAll
  static void start(Vertx vertx, VertxTestContext ctx) throws IOException {
    assumeTrue(Moto.available(), "moto is not installed here (python3 -m moto.server)");
    moto = Moto.launch(Map.of());
    clients = new AwsClients(Optional.of(moto.endpoint()), DUMMY_CREDENTIALS);
    runner = new CheckRunner(vertx, clients);
    CloudWatchAsyncClient cloudWatch = clients.cloudWatch(REGION);
    Context context = vertx.getOrCreateContext();
    moto.awaitReady(vertx)
        // The last five minutes, one datapoint a minute: a calm 5xx count, and a latency with a spike.
        .compose(v -> put(cloudWatch, context, "HTTPCode_Target_5XX_Count", List.of(1.0, 2.0, 1.0, 0.0, 1.0)))
        .compose(v -> put(cloudWatch, context, "TargetResponseTime", List.of(0.2, 0.3, 2.5, 0.2, 0.25)))
        .onComplete(ctx.succeedingThenComplete());
  }

  private static Future<Void> put(CloudWatchAsyncClient cloudWatch, Context context, String metric, List<Double> values) {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MINUTES);
    List<MetricDatum> data = new ArrayList<>();
    for (int i = 0; i < values.size(); i++) {
      data.add(MetricDatum.builder()
          .metricName(metric)
          .dimensions(Dimension.builder().name("LoadBalancer").value(LOAD_BALANCER.get("LoadBalancer")).build())
          // A few seconds in the past: a datapoint after the end of the query's window would not be read.
          .timestamp(now.minus(Duration.ofMinutes(values.size() - 1 - i)).minusSeconds(5))
          .value(values.get(i))
          .build());
    }
    return AwsFutures.toVertx(cloudWatch.putMetricData(b -> b.namespace(NAMESPACE).metricData(data)), context).mapEmpty();
  }

  @AfterAll
  static void stop() {
    if (moto != null) {
      moto.stop();
      clients.close();
    }
  }

  @Test
  void aCalm5xxCountPassesOverTheWholeWindow(VertxTestContext ctx) {
    runner.analyse(spec("HTTPCode_Target_5XX_Count", "Sum", "< 5"), Variables.of(Map.of()), MetricContext.none())
        .onComplete(ctx.succeeding(outcome -> ctx.verify(() -> {
          assertEquals(Verdict.PASS, outcome.verdict(), outcome.evidence().summary());
          assertTrue(outcome.evidence().summary().startsWith("held < 5 at every sample over 6m"), outcome.evidence().summary());
          assertTrue(outcome.evidence().excerpt().startsWith("query: AWS/ApplicationELB HTTPCode_Target_5XX_Count Sum "
              + "{LoadBalancer=app/prod/0123456789abcdef} per 60s\n{id=\"m1\"} "), outcome.evidence().excerpt());
          assertTrue(outcome.evidence().excerpt().endsWith("min 0 max 2 last 1"), outcome.evidence().excerpt());
          ctx.completeNow();
        })));
  }

  @Test
  void aLatencySpikeInsideTheWindowFailsASustainedCheck(VertxTestContext ctx) {
    runner.analyse(spec("TargetResponseTime", "Maximum", "< 1"), Variables.of(Map.of()), MetricContext.none())
        .onComplete(ctx.succeeding(outcome -> ctx.verify(() -> {
          assertEquals(Verdict.FAIL, outcome.verdict());
          assertTrue(outcome.evidence().summary().startsWith("{id=\"m1\"} was 2.5 at "), outcome.evidence().summary());
          assertTrue(outcome.evidence().summary().endsWith(", expected < 1"), outcome.evidence().summary());
          ctx.completeNow();
        })));
  }

  @Test
  void aMetricNobodyPublishedFollowsTheNoDataPolicy(VertxTestContext ctx) {
    CheckSpec.CloudWatchMetric spec = new CheckSpec.CloudWatchMetric(
        List.of(new CheckSpec.MetricStat("m1", NAMESPACE, "NeverPublished", LOAD_BALANCER, "Sum")), null, REGION,
        new MetricRule(Condition.parse("< 5"), Per.SERIES, Duration.ofMinutes(6), Duration.ofSeconds(60), null,
            NoData.INCONCLUSIVE), TIMING);
    runner.analyse(spec, Variables.of(Map.of()), MetricContext.none()).onComplete(ctx.succeeding(outcome -> ctx.verify(() -> {
      assertEquals(Verdict.INCONCLUSIVE, outcome.verdict());
      assertFalse(outcome.evidence().passed());
      ctx.completeNow();
    })));
  }

  /**
   * Moto has no metric math, so the ALB 5xx rate as an expression runs against {@link FakeCloudWatch},
   * which speaks the same query protocol and evaluates the expression itself.
   */
  @Test
  void anAlb5xxRateAsMetricMathFailsWhenOneMinuteIsAboveHalfAPercent(Vertx vertx, VertxTestContext ctx) {
    Instant minute = Instant.now().truncatedTo(ChronoUnit.MINUTES);
    Map<Instant, Double> errors = new java.util.TreeMap<>();
    Map<Instant, Double> requests = new java.util.TreeMap<>();
    double[] fives = {1, 2, 50, 1};
    for (int i = 0; i < fives.length; i++) {
      errors.put(minute.minus(Duration.ofMinutes(fives.length - 1 - i)), fives[i]);
      requests.put(minute.minus(Duration.ofMinutes(fives.length - 1 - i)), 1000.0);
    }
    CheckSpec.CloudWatchMetric spec = new CheckSpec.CloudWatchMetric(List.of(
        new CheckSpec.MetricStat("errors", NAMESPACE, "HTTPCode_Target_5XX_Count", LOAD_BALANCER, "Sum"),
        new CheckSpec.MetricStat("requests", NAMESPACE, "RequestCount", LOAD_BALANCER, "Sum")),
        "100 * errors / requests", REGION,
        new MetricRule(Condition.parse("< 0.5"), Per.SERIES, Duration.ofMinutes(5), Duration.ofSeconds(60), null, NoData.FAIL),
        TIMING);
    FakeCloudWatch.start(vertx).compose(fake -> {
      fake.metric("HTTPCode_Target_5XX_Count", errors).metric("RequestCount", requests);
      AwsClients toFake = new AwsClients(Optional.of(fake.endpoint()), DUMMY_CREDENTIALS);
      CheckRunner fakeRunner = new CheckRunner(vertx, toFake);
      return fakeRunner.analyse(spec, Variables.of(Map.of()), MetricContext.none())
          .eventually(() -> {
            fakeRunner.close();
            toFake.close();
            fake.stop();
            return Future.succeededFuture();
          })
          .map(outcome -> Map.entry(outcome, fake.requests().get(0)));
    }).onComplete(ctx.succeeding(seen -> ctx.verify(() -> {
      MetricOutcome outcome = seen.getKey();
      Map<String, String> sent = seen.getValue();
      assertEquals("100 * errors / requests", sent.get("MetricDataQueries.member.3.Expression"));
      assertEquals("false", sent.get("MetricDataQueries.member.1.ReturnData"));
      assertEquals("HTTPCode_Target_5XX_Count", sent.get("MetricDataQueries.member.1.MetricStat.Metric.MetricName"));
      assertEquals("Sum", sent.get("MetricDataQueries.member.2.MetricStat.Stat"));
      assertEquals("60", sent.get("MetricDataQueries.member.3.Period"));
      assertEquals(Verdict.FAIL, outcome.verdict());
      assertEquals("{id=\"expression\"} was 5 at " + minute.minus(Duration.ofMinutes(1)) + ", expected < 0.5",
          outcome.evidence().summary());
      assertTrue(outcome.evidence().excerpt().startsWith("query: 100 * errors / requests where errors = AWS/ApplicationELB "
          + "HTTPCode_Target_5XX_Count Sum"), outcome.evidence().excerpt());
      assertTrue(outcome.evidence().excerpt().endsWith("min 0.1 max 5 last 0.1"), outcome.evidence().excerpt());
      ctx.completeNow();
    })));
  }

  private static CheckSpec.CloudWatchMetric spec(String metric, String statistic, String condition) {
    return new CheckSpec.CloudWatchMetric(List.of(new CheckSpec.MetricStat("m1", NAMESPACE, metric, LOAD_BALANCER, statistic)),
        null, REGION, new MetricRule(Condition.parse(condition), Per.SERIES, Duration.ofMinutes(6), Duration.ofSeconds(60),
            null, NoData.FAIL), TIMING);
  }
}
