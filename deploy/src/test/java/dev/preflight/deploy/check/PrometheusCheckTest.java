package dev.preflight.deploy.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.preflight.checklists.analysis.Condition;
import dev.preflight.checklists.analysis.MetricRule;
import dev.preflight.checklists.analysis.NoData;
import dev.preflight.checklists.analysis.Per;
import dev.preflight.checklists.analysis.Verdict;
import dev.preflight.checklists.checklist.CheckSpec;
import dev.preflight.checklists.run.Evidence;
import dev.preflight.checklists.secret.Variables;
import dev.preflight.deploy.TestDatabase;
import dev.preflight.deploy.aws.AwsClients;
import dev.preflight.deploy.fake.LocalPrometheus;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The prometheus check against a real Prometheus scraping a local app every second, whose error
 * share and latency the test sets (see {@link LocalPrometheus}; its fake when the binary is
 * missing). {@link PrometheusCheckOnFakePrometheusTest} runs the same tests against the fake.
 */
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class PrometheusCheckTest {

  private static final CheckSpec.Timing TIMING = new CheckSpec.Timing(Duration.ofSeconds(5), 0, Duration.ZERO);
  private static final Duration STEP = Duration.ofSeconds(1);
  private static final String ERROR_RATE =
      "sum(rate(app_requests_total{code=~\"5..\"}[3s])) / sum(rate(app_requests_total[3s]))";
  /** The highest error rate over the last few seconds: a window judged after it is quiet holds no spike. */
  private static final String RECENT_WORST = "max_over_time((" + ERROR_RATE + ")[5s:1s])";

  LocalPrometheus prometheus;
  private Pool pool;
  private AwsClients aws;
  private CheckRunner runner;

  /** The Prometheus these tests ask: the real one when the binary is here. */
  LocalPrometheus newPrometheus(Vertx vertx) {
    return new LocalPrometheus(vertx);
  }

  @BeforeAll
  void start(Vertx vertx, VertxTestContext ctx) {
    pool = PgBuilder.pool().connectingTo(TestDatabase.create().connectOptions()).using(vertx).build();
    aws = new AwsClients();
    runner = new CheckRunner(vertx, aws, new CompositeMeterRegistry(), new MetricBaselines(pool));
    prometheus = newPrometheus(vertx);
    prometheus.errorShare(0.001);
    prometheus.gauge("app_latency_p95_seconds", 0.2);
    prometheus.start()
        .compose(p -> p.until(RECENT_WORST, v -> v < 0.005))
        .onComplete(ctx.succeedingThenComplete());
  }

  @AfterAll
  void stop() {
    if (prometheus != null) {
      prometheus.stop();
      runner.close();
      aws.close();
      pool.close();
    }
  }

  @Test
  void aHealthyErrorRatePassesAndShowsTheQueryTheValuesAndTheGraph(VertxTestContext ctx) {
    CheckSpec.Prometheus spec = spec(prometheus.url(), ERROR_RATE, "< 0.005", Per.AGGREGATE, Duration.ofSeconds(3), NoData.FAIL);
    runner.analyse(spec, Variables.of(Map.of()), MetricContext.none()).onComplete(ctx.succeeding(outcome -> ctx.verify(() -> {
      Evidence evidence = outcome.evidence();
      assertEquals(Verdict.PASS, outcome.verdict());
      assertTrue(evidence.passed(), evidence.summary());
      assertTrue(evidence.summary().matches("held < 0\\.005 at every sample over 3s; last 0\\.00(1|09+\\d*)"),
          evidence.summary());
      assertTrue(evidence.excerpt().startsWith("query: " + ERROR_RATE + "\ngraph: " + prometheus.url()
          + "/graph?g0.expr=sum%28rate%28app_requests_total"), evidence.excerpt());
      assertTrue(evidence.excerpt().contains("&g0.range_input=3s"), evidence.excerpt());
      assertTrue(evidence.excerpt().matches("(?s).*\\n\\{\\} [▁▂▃▄▅▆▇█]+ min 0\\.00\\d+ max 0\\.00\\d+ last 0\\.00\\d+"),
          evidence.excerpt());
      ctx.completeNow();
    })));
  }

  @Test
  void anErrorRateSpikeFailsSayingWhichValueBrokeTheCondition(VertxTestContext ctx) {
    CheckSpec.Prometheus spec = spec(prometheus.url(), ERROR_RATE, "< 0.005", Per.AGGREGATE, Duration.ofSeconds(3), NoData.FAIL);
    prometheus.errorShare(0.2);
    prometheus.until(ERROR_RATE, v -> v > 0.1)
        .compose(v -> runner.analyse(spec, Variables.of(Map.of()), MetricContext.none()))
        .eventually(() -> {
          prometheus.errorShare(0.001);
          return prometheus.until(RECENT_WORST, v -> v < 0.005);
        })
        .onComplete(ctx.succeeding(outcome -> ctx.verify(() -> {
          assertEquals(Verdict.FAIL, outcome.verdict());
          assertFalse(outcome.evidence().passed());
          assertTrue(outcome.evidence().summary().matches("was 0\\.\\d+ at \\S+Z, expected < 0\\.005"),
              outcome.evidence().summary());
          ctx.completeNow();
        })));
  }

  @Test
  void latencyAtTwoAndAHalfTimesTheBaselineFailsAndTheBaselineStaysPutAcrossARestart(Vertx vertx, VertxTestContext ctx) {
    String query = "app_latency_p95_seconds";
    String runId = UUID.randomUUID().toString();
    CheckSpec.Prometheus spec = new CheckSpec.Prometheus(prometheus.url(), query, null,
        new MetricRule(Condition.parse("<= 2 * baseline"), Per.SERIES, null, STEP, Duration.ofSeconds(3), NoData.FAIL),
        TIMING);
    Instant deployStarted = Instant.now();
    CheckRunner afterRestart = new CheckRunner(vertx, aws, new CompositeMeterRegistry(), new MetricBaselines(pool));
    insertRun(runId)
        .compose(v -> {
          prometheus.gauge(query, 0.5);
          return prometheus.until(query, v2 -> v2 == 0.5);
        })
        .compose(v -> runner.analyse(spec, Variables.of(Map.of()), new MetricContext(runId, deployStarted)))
        .compose(first -> {
          // Another process, told a later start, must compare with the baseline kept, not measure anew.
          return afterRestart.analyse(spec, Variables.of(Map.of()), new MetricContext(runId, Instant.now()))
              // The watch knows the run but not its start: it reads the baseline verification kept.
              .compose(second -> runner.analyse(spec, Variables.of(Map.of()),
                      MetricContext.from(MetricContext.placeholders(Map.of(), runId, null)))
                  .compose(watched -> pool.preparedQuery("select value from metric_baselines where run_id = $1")
                      .execute(Tuple.of(UUID.fromString(runId)))
                      .map(rows -> new Object[] {first, second, rows.iterator().next().getDouble("value"), rows.size(),
                          watched})));
        })
        .eventually(() -> {
          afterRestart.close();
          prometheus.gauge(query, 0.2);
          return Future.succeededFuture();
        })
        .onComplete(ctx.succeeding(seen -> ctx.verify(() -> {
          MetricOutcome first = (MetricOutcome) seen[0];
          MetricOutcome second = (MetricOutcome) seen[1];
          assertEquals(Verdict.FAIL, first.verdict(), first.evidence().summary());
          assertTrue(first.evidence().summary().endsWith("was 0.5 at " + first.judgement().series().get(0).breachAt()
              + ", expected <= 2 * baseline (0.4)"), first.evidence().summary());
          assertTrue(first.evidence().excerpt().contains("\nbaseline: 0.2 over the 3s before the deploy"),
              first.evidence().excerpt());
          assertEquals(Verdict.FAIL, second.verdict());
          assertEquals(0.2, second.judgement().baseline().getAsDouble(), 1e-9);
          assertEquals(0.2, (double) seen[2], 1e-9);
          assertEquals(1, (int) seen[3]);
          MetricOutcome watched = (MetricOutcome) seen[4];
          assertEquals(Verdict.FAIL, watched.verdict());
          assertEquals(0.2, watched.judgement().baseline().getAsDouble(), 1e-9);
          ctx.completeNow();
        })));
  }

  @Test
  void noDataFollowsThePolicyAndInconclusiveIsItsOwnVerdict(VertxTestContext ctx) {
    CheckSpec.Prometheus inconclusive = spec(prometheus.url(), "app_never_exported", "< 1", Per.SERIES, null,
        NoData.INCONCLUSIVE);
    CheckSpec.Prometheus pass = spec(prometheus.url(), "app_never_exported", "< 1", Per.SERIES, null, NoData.PASS);
    CheckSpec.Prometheus fail = spec(prometheus.url(), "app_never_exported", "< 1", Per.SERIES, null, NoData.FAIL);
    Variables none = Variables.of(Map.of());
    Future.all(runner.analyse(inconclusive, none, MetricContext.none()), runner.analyse(pass, none, MetricContext.none()),
            runner.analyse(fail, none, MetricContext.none()))
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          MetricOutcome first = all.resultAt(0);
          assertEquals(Verdict.INCONCLUSIVE, first.verdict());
          assertFalse(first.evidence().passed());
          assertEquals("inconclusive: no data (noData: inconclusive, a person decides)", first.evidence().summary());
          assertEquals(Verdict.PASS, ((MetricOutcome) all.resultAt(1)).verdict());
          assertEquals(Verdict.FAIL, ((MetricOutcome) all.resultAt(2)).verdict());
          assertEquals("no data (noData: fail)", ((MetricOutcome) all.resultAt(2)).evidence().summary());
          ctx.completeNow();
        })));
  }

  @Test
  void theBearerTokenIsSentButNeverShown(VertxTestContext ctx) {
    CheckSpec.Prometheus spec = new CheckSpec.Prometheus("${PROM_URL}", "up", new CheckSpec.PrometheusAuth("PROM_TOKEN", null, null),
        new MetricRule(Condition.parse("> 0"), Per.SERIES, null, STEP, null, NoData.FAIL), TIMING);
    Variables variables = Variables.of(Map.of("PROM_URL", prometheus.refusingUrl(), "PROM_TOKEN", "s3cr3t-token-value"));
    runner.run(spec, variables).onComplete(ctx.succeeding(evidence -> ctx.verify(() -> {
      assertEquals("Bearer s3cr3t-token-value", prometheus.apiRequests().get(prometheus.apiRequests().size() - 1)
          .get("authorization"));
      assertFalse(evidence.passed());
      assertTrue(evidence.summary().contains("Prometheus refused the query (400, bad_data: refused: Bearer"),
          evidence.summary());
      String everything = evidence.summary() + evidence.error() + evidence.excerpt();
      assertFalse(everything.contains("s3cr3t-token-value"), everything);
      ctx.completeNow();
    })));
  }

  @Test
  void aMissingTokenVariableIsNamedWithoutAnyRequest(VertxTestContext ctx) {
    CheckSpec.Prometheus spec = new CheckSpec.Prometheus(prometheus.refusingUrl(), "up",
        new CheckSpec.PrometheusAuth("PROM_TOKEN_UNSET", null, null),
        new MetricRule(Condition.parse("> 0"), Per.SERIES, null, STEP, null, NoData.FAIL), TIMING);
    int before = prometheus.apiRequests().size();
    runner.run(spec, Variables.of(Map.of())).onComplete(ctx.succeeding(evidence -> ctx.verify(() -> {
      assertEquals("environment variable PROM_TOKEN_UNSET is not set", evidence.summary());
      assertEquals(before, prometheus.apiRequests().size());
      ctx.completeNow();
    })));
  }

  private Future<Void> insertRun(String runId) {
    return pool.preparedQuery("insert into runs (id, kind, checklist_id, started_by, started_at, status) "
            + "values ($1, 'deploy', 'api-release', 'U0TEST', now(), 'VERIFYING')")
        .execute(Tuple.of(UUID.fromString(runId)))
        .mapEmpty();
  }

  private static CheckSpec.Prometheus spec(String source, String query, String condition, Per per, Duration sustained,
      NoData noData) {
    return new CheckSpec.Prometheus(source, query, null,
        new MetricRule(Condition.parse(condition), per, sustained, STEP, null, noData), TIMING);
  }
}
