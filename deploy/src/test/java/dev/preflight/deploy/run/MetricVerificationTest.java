package dev.preflight.deploy.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.preflight.checklists.analysis.Condition;
import dev.preflight.checklists.analysis.MetricRule;
import dev.preflight.checklists.analysis.NoData;
import dev.preflight.checklists.analysis.Per;
import dev.preflight.checklists.checklist.CheckSpec;
import dev.preflight.checklists.checklist.Checklist;
import dev.preflight.checklists.checklist.Item;
import dev.preflight.checklists.checklist.Section;
import dev.preflight.checklists.checklist.SignOffRule;
import dev.preflight.checklists.config.PreflightConfig;
import dev.preflight.checklists.config.Role;
import dev.preflight.checklists.config.Service;
import dev.preflight.checklists.deploy.AbortRule;
import dev.preflight.checklists.deploy.Target;
import dev.preflight.checklists.deploy.Verification;
import dev.preflight.checklists.deploy.VerifyResult;
import dev.preflight.checklists.run.RunStatus;
import dev.preflight.checklists.secret.Variables;
import dev.preflight.deploy.TestDatabase;
import dev.preflight.deploy.aws.AwsClients;
import dev.preflight.deploy.check.CheckRunner;
import dev.preflight.deploy.check.MetricBaselines;
import dev.preflight.deploy.fake.LocalPrometheus;
import dev.preflight.deploy.target.CommandTarget;
import dev.preflight.deploy.verify.Verifier;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A deploy whose verification is a prometheus check (seed 003: roll back when the error rate is
 * above 10%), through the real runner, a command target whose script tells the app which version
 * it runs, a real Prometheus scraping that app, and the real database.
 */
class MetricVerificationTest {

  private static final Origin DEPLOYER = new Origin("U1", "test");
  private static final Checklist CHECKLIST = new Checklist("gate", "Gate", "gate.yaml", null,
      List.of(new Section("Before", List.of(new Item("ready", "Ready", true, null)))), SignOffRule.NONE, List.of());

  private Vertx vertx;
  private Pool pool;
  private LocalPrometheus prometheus;
  private AwsClients aws;
  private CheckRunner checks;
  private ChecklistRuns runs;
  private DeployRuns deploys;
  private final Map<String, CompletableFuture<TrackedRun>> waits = new ConcurrentHashMap<>();

  @BeforeEach
  void setUp() throws Exception {
    vertx = Vertx.vertx();
    prometheus = new LocalPrometheus(vertx);
    prometheus.errorRatio("v1", 0.01);
    prometheus.errorRatio("v2", 0.3);
    prometheus.gauge("app_error_ratio", 0.0);
    get(prometheus.start());
    pool = PgBuilder.pool().connectingTo(TestDatabase.create().connectOptions()).using(vertx).build();
    aws = new AwsClients();
    checks = new CheckRunner(vertx, aws, new CompositeMeterRegistry(), new MetricBaselines(pool));
    PreflightConfig config = config();
    RunRepository repository = new RunRepository(pool, config::checklist);
    runs = new ChecklistRuns(vertx, repository, spec -> checks.run(spec, Variables.of(Map.of())), config::checklist,
        Clock.systemUTC());
    runs.onChange(tracked -> waits.forEach((key, wait) -> {
      if (key.startsWith(tracked.id() + "/" + tracked.run().status() + "/")) {
        wait.complete(tracked);
      }
    }));
    Verifier verifier = new Verifier(checks);
    Variables variables = Variables.of(Map.of("PROMETHEUS_URL", prometheus.url()));
    deploys = new DeployRuns(vertx, config, runs, repository, target -> new CommandTarget(vertx, Duration.ofMillis(200)),
        (verification, placeholders, onResult, aborted) -> verifier.verify(verification, placeholders, variables, onResult,
            aborted),
        variables, Clock.systemUTC(), Duration.ofSeconds(30));
  }

  @AfterEach
  void tearDown() {
    if (vertx == null) {
      return;
    }
    deploys.close();
    checks.close();
    aws.close();
    prometheus.stop();
    pool.close();
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }

  private PreflightConfig config() {
    // The seed 003 criterion: the error rate must stay under 10%; tried for a few seconds, so
    // the rollback's verification sees the restored version once Prometheus has scraped it.
    CheckSpec.Prometheus errorRate = new CheckSpec.Prometheus("${PROMETHEUS_URL}", "app_error_ratio", null,
        new MetricRule(Condition.parse("< 0.1"), Per.SERIES, null, Duration.ofSeconds(1), null, NoData.FAIL),
        new CheckSpec.Timing(Duration.ofSeconds(5), 3, Duration.ofSeconds(1)));
    Verification verify = new Verification(
        List.of(new Verification.VerifyCheck("error-rate", "Error rate", Verification.Kind.HEALTH, errorRate)), List.of());
    // The script switches the app's version, then gives Prometheus (scraping every second) time to
    // see it, as a real deploy script waits for its new tasks to serve traffic.
    List<String> script = List.of("sh", "-c", "curl -fsS " + prometheus.refusingUrl() + "/deploy/$1 && sleep 2.5", "deploy",
        "{version}");
    Service.Environment prod = new Service.Environment("prod", "gate", "deploys", List.of("deployer"), false,
        new Target.Command(script, script, Map.of(), null, Duration.ofMinutes(1)),
        verify, new AbortRule(Set.of(AbortRule.DEPLOY, "error-rate"), true));
    return new PreflightConfig("preflight.yaml", "white_check_mark",
        Map.of("deployer", new Role("deployer", List.of("U1"), List.of())),
        Map.of("deploys", "C0DEPLOYS1"),
        Map.of("api", new Service("api", Map.of("prod", prod))),
        Map.of("gate", CHECKLIST));
  }

  @Test
  void aHighErrorRateFailsVerificationAndRollsBackToTheVersionBefore() throws Exception {
    TrackedRun first = deploy("v1", RunStatus.SUCCEEDED);
    assertTrue(first.deployment().verification().get(0).passed(), first.deployment().verification().toString());

    TrackedRun second = deploy("v2", RunStatus.ROLLED_BACK);

    assertEquals(List.of("v1", "v2", "v1"), prometheus.deployed(), "deployed v1, then v2, then rolled back to v1");
    VerifyResult failed = second.deployment().verification().get(0);
    assertFalse(failed.passed());
    assertTrue(failed.evidence().summary().matches("\\{__name__=\"app_error_ratio\", instance=\"127\\.0\\.0\\.1:\\d+\", "
        + "job=\"app\"} was 0\\.3 at \\S+, expected < 0\\.1"), failed.evidence().summary());
    assertTrue(failed.evidence().excerpt().startsWith("query: app_error_ratio\ngraph: " + prometheus.url()
        + "/graph?g0.expr=app_error_ratio"), failed.evidence().excerpt());
    assertTrue(second.deployment().rollbackReason().startsWith("Error rate: {__name__=\"app_error_ratio\""),
        second.deployment().rollbackReason());
    assertTrue(second.deployment().rollbackVerification().get(0).passed(),
        "the restored v1 verifies: " + second.deployment().rollbackVerification());
  }

  private TrackedRun deploy(String version, RunStatus until) throws Exception {
    TrackedRun run = get(deploys.open("api", version, "prod", Set.of("deployer"), DEPLOYER));
    CompletableFuture<TrackedRun> done = new CompletableFuture<>();
    waits.put(run.id() + "/" + until + "/" + UUID.randomUUID(), done);
    get(runs.tick(run.id(), "ready", DEPLOYER));
    get(deploys.launch(run.id(), Set.of("deployer"), DEPLOYER));
    try {
      done.get(45, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      TrackedRun stuck = get(runs.find(run.id()));
      throw new AssertionError("run " + version + " is " + stuck.run().status() + ", not " + until + ": "
          + stuck.deployment() + "; the app saw " + prometheus.deployed(), e);
    }
    // The status change is announced before every write after it; read what was stored.
    return get(runs.find(run.id()));
  }

  private static <T> T get(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(45, TimeUnit.SECONDS);
  }
}
