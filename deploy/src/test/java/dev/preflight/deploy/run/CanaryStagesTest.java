package dev.preflight.deploy.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
import dev.preflight.checklists.config.RolloutPlan;
import dev.preflight.checklists.config.Service;
import dev.preflight.checklists.deploy.AbortRule;
import dev.preflight.checklists.deploy.Target;
import dev.preflight.checklists.deploy.Verification;
import dev.preflight.checklists.deploy.VerifyResult;
import dev.preflight.checklists.run.Refusal;
import dev.preflight.checklists.run.RunRuleException;
import dev.preflight.checklists.run.RunStatus;
import dev.preflight.checklists.secret.Variables;
import dev.preflight.deploy.TestDatabase;
import dev.preflight.deploy.aws.AwsClients;
import dev.preflight.deploy.check.CheckRunner;
import dev.preflight.deploy.check.MetricBaselines;
import dev.preflight.deploy.fake.LocalPrometheus;
import dev.preflight.deploy.runner.CanaryStageState;
import dev.preflight.deploy.target.CommandTarget;
import dev.preflight.deploy.verify.Verifier;
import io.vertx.core.Future;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Canary stages end to end below Slack: a real command target whose script records every call
 * (deploy, each weight, promote, abort, rollback), a real HTTP service as the analysis check's
 * source, the real runner and PostgreSQL. Holds are short (2 s) and the analysis runs every second.
 */
class CanaryStagesTest {

  private static final Origin DEPLOYER = new Origin("U1", "test");
  private static final Set<String> DEPLOYER_ROLES = Set.of("deployer");
  private static final Checklist CHECKLIST = new Checklist("gate", "Gate", "gate.yaml", null,
      List.of(new Section("Before", List.of(new Item("ready", "Ready", true, null)))), SignOffRule.NONE, List.of());

  @TempDir
  Path dir;
  private Vertx vertx;
  private TestDatabase database;
  private AwsClients aws;
  private final List<Pool> pools = new ArrayList<>();
  private final List<DeployRuns> replicas = new ArrayList<>();
  private final List<LocalPrometheus> started = new ArrayList<>();
  private final List<RunNote> notes = new CopyOnWriteArrayList<>();
  private ChecklistRuns runs;
  private Pool pool;
  private Path calls;
  private Path script;
  /** The status the analysis endpoint answers with: 200 while the canary is healthy. */
  private final AtomicInteger health = new AtomicInteger(200);
  private int port;

  @BeforeEach
  void setUp() throws Exception {
    vertx = Vertx.vertx();
    database = TestDatabase.create();
    aws = new AwsClients();
    calls = dir.resolve("calls.log");
    Files.writeString(calls, "");
    script = dir.resolve("deploy.sh");
    Files.writeString(script, "#!/bin/sh\necho \"$*\" >> '" + calls + "'\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    port = get(vertx.createHttpServer()
        .requestHandler(request -> request.response().setStatusCode(health.get()).end("errors"))
        .listen(0, "127.0.0.1")).actualPort();
  }

  @AfterEach
  void tearDown() {
    replicas.forEach(DeployRuns::close);
    started.forEach(LocalPrometheus::stop);
    pools.forEach(Pool::close);
    aws.close();
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }

  @Test
  void aHealthyCanaryIsPromotedThroughEveryStage() throws Exception {
    DeployRuns deploys = replica(config(plan(RolloutPlan.Promote.AUTO, Duration.ofSeconds(2))), Duration.ofSeconds(30));
    String runId = launch(deploys, "v2");

    TrackedRun done = await(runId, run -> run.run().status() == RunStatus.SUCCEEDED);

    assertEquals(List.of("deploy v2", "weight v2 10", "weight v2 50", "weight v2 100", "promote v2"), calls());
    Map<String, String> state = done.deployment().deployState();
    assertEquals("passed", state.get("stage.0.outcome"));
    assertEquals("passed", state.get("stage.1.outcome"));
    assertEquals("passed", state.get("stage.2.outcome"));
    assertEquals("true", state.get("analysis.errors.passed"), "the analysis ran during the holds");
  }

  @Test
  void anAnalysisFailureInStageTwoSendsTrafficBackAndRollsBack() throws Exception {
    DeployRuns deploys = replica(config(plan(RolloutPlan.Promote.AUTO, Duration.ofSeconds(2))), Duration.ofSeconds(30));
    String runId = launch(deploys, "v2");
    await(runId, run -> CanaryStageState.of(run.deployment())
        .map(held -> held.number() == 2).orElse(false));
    health.set(503);

    TrackedRun done = await(runId, run -> run.run().status() == RunStatus.ROLLED_BACK);

    assertEquals(List.of("deploy v2", "weight v2 10", "weight v2 50", "abort v2 0", "rollback"), calls(),
        "the weight goes back to 0 at once, then the target rolls back");
    assertEquals("Canary stage 2 of 3: 5xx rate: expected 200, got 503", done.deployment().failure());
    assertEquals("0", done.deployment().deployState().get("canary.weight"));
    assertEquals("failed", done.deployment().deployState().get("stage.1.outcome"));
  }

  @Test
  void anAbortMidHoldSendsTrafficBackAtOnceAndTheAbortRuleRollsBack() throws Exception {
    RolloutPlan plan = plan(RolloutPlan.Promote.AUTO, Duration.ofMinutes(10));
    DeployRuns deploys = replica(config(plan), Duration.ofSeconds(30));
    String runId = launch(deploys, "v2");
    await(runId, run -> CanaryStageState.of(run.deployment()).isPresent());

    get(deploys.abort(runId, DEPLOYER_ROLES, DEPLOYER));
    TrackedRun done = await(runId, run -> run.run().status() == RunStatus.ROLLED_BACK);

    assertEquals(List.of("deploy v2", "weight v2 10", "abort v2 0", "rollback"), calls(),
        "the canary's traffic goes back before the target rolls back");
    assertEquals("aborted", done.deployment().deployState().get("stage.0.outcome"));
  }

  @Test
  void aRestartMidHoldResumesTheSameStageWithTheRestOfItsHold() throws Exception {
    RolloutPlan plan = plan(RolloutPlan.Promote.AUTO, Duration.ofSeconds(4));
    DeployRuns first = replica(config(plan), Duration.ofMillis(800));
    String runId = launch(first, "v2");
    TrackedRun holding = await(runId, run -> CanaryStageState.of(run.deployment())
        .map(held -> held.number() == 2).orElse(false));
    String deadline = holding.deployment().deployState().get("stage.1.deadline");
    first.close(); // the replica dies mid-hold: its lease runs out

    DeployRuns second = replica(config(plan), Duration.ofMillis(800));
    second.resume();
    TrackedRun taken = await(runId, run -> second.leasesHeld() == 1);
    assertEquals(2, CanaryStageState.of(taken.deployment()).orElseThrow().number(),
        "the second replica holds stage 2, not stage 1 again");
    TrackedRun done = await(runId, run -> run.run().status() == RunStatus.SUCCEEDED);

    assertEquals(deadline, done.deployment().deployState().get("stage.1.deadline"), "the stored deadline is kept");
    assertEquals(List.of("deploy v2", "weight v2 10", "weight v2 50", "weight v2 100", "promote v2"), calls(),
        "stage 2's weight is not sent again after the restart");
  }

  @Test
  void aManualStageWaitsForPromoteAndPauseStopsItsClock() throws Exception {
    RolloutPlan plan = new RolloutPlan(List.of(new RolloutPlan.Stage(10, Duration.ofHours(1)),
        new RolloutPlan.Stage(100, null)), List.of(), Duration.ofSeconds(1), RolloutPlan.Promote.MANUAL, traffic());
    DeployRuns deploys = replica(config(plan), Duration.ofSeconds(30));
    String runId = launch(deploys, "v2");
    await(runId, run -> CanaryStageState.of(run.deployment()).isPresent());

    TrackedRun paused = get(deploys.pauseStage(runId, DEPLOYER_ROLES, DEPLOYER));
    CanaryStageState held = CanaryStageState.of(paused.deployment()).orElseThrow();
    assertTrue(held.paused());
    Duration left = held.remaining(Instant.now().plusSeconds(600));
    assertTrue(left.compareTo(Duration.ofMinutes(59)) > 0, "a paused hold's clock stands still: " + left);
    assertEquals(Refusal.Code.CANARY_PAUSED_ALREADY, refusal(deploys.pauseStage(runId, DEPLOYER_ROLES, DEPLOYER)));
    TrackedRun resumed = get(deploys.resumeStage(runId, DEPLOYER_ROLES, DEPLOYER));
    assertTrue(!CanaryStageState.of(resumed.deployment()).orElseThrow().paused());
    assertEquals(Refusal.Code.NOT_A_DEPLOYER, refusal(deploys.promoteStage(runId, Set.of("viewer"),
        new Origin("U9", "test"))));

    get(deploys.promoteStage(runId, DEPLOYER_ROLES, DEPLOYER));
    TrackedRun done = await(runId, run -> run.run().status() == RunStatus.SUCCEEDED);

    assertEquals("U1", done.deployment().deployState().get("stage.0.promotedBy"));
    assertEquals(List.of("deploy v2", "weight v2 10", "weight v2 100", "promote v2"), calls());
    assertEquals(List.of("canary.paused", "canary.resumed", "canary.promoted"), audited(runId));
    assertEquals(Refusal.Code.NO_CANARY_STAGE, refusal(deploys.promoteStage(runId, DEPLOYER_ROLES, DEPLOYER)));
  }

  @Test
  void anInconclusiveAnalysisPausesTheStageForAPersonAndResumeCarriesOn() throws Exception {
    LocalPrometheus prometheus = prometheus();
    RolloutPlan plan = metricPlan(prometheus, "app_canary_errors", "< 1", Duration.ofSeconds(2));
    DeployRuns deploys = replica(config(plan), Duration.ofSeconds(30));
    String runId = launch(deploys, "v2");

    // The app does not report app_canary_errors yet: the check has no data, and noData is inconclusive.
    TrackedRun paused = await(runId, run -> CanaryStageState.of(run.deployment())
        .map(CanaryStageState::paused).orElse(false));

    CanaryStageState held = CanaryStageState.of(paused.deployment()).orElseThrow();
    assertEquals(1, held.number());
    assertEquals(List.of("Canary errors"), held.inconclusive(), "the stage says which check could not decide");
    assertTrue(held.analysis().get(0).inconclusive());
    assertEquals(RunStatus.DEPLOYING, paused.run().status(), "neither promoted nor rolled back");
    assertEquals(List.of("deploy v2", "weight v2 10"), calls(), "the traffic stays where it was");
    assertTrue(held.remaining(Instant.now().plusSeconds(60)).toMillis() > 0, "the hold's clock stands still");
    // Two more rounds of analysis, still without data: the pause is told once, not every round.
    Instant firstLook = held.analysedAt();
    await(runId, run -> CanaryStageState.of(run.deployment()).map(CanaryStageState::analysedAt)
        .map(at -> at.isAfter(firstLook.plusMillis(1500))).orElse(false));
    JsonObject pause = pauseAudit(runId);
    assertEquals(null, pause.getString("actor"), "Preflight paused it, not a person");
    JsonObject detail = pause.getJsonObject("detail");
    assertEquals("analysis inconclusive: no data", detail.getString("reason"));
    assertEquals(1, detail.getInteger("stage"));
    assertEquals(3, detail.getInteger("stages"));
    assertEquals(new JsonArray().add("Canary errors"), detail.getJsonArray("checks"));
    long left = detail.getLong("holdLeftSeconds");
    assertTrue(left >= 0 && left <= 2, "the hold left when it paused: " + detail);
    List<RunNote> pauseNotes = notes.stream().filter(n -> n.kind() == RunNote.Kind.CANARY_PAUSED).toList();
    assertEquals(1, pauseNotes.size(), "one note in the thread per pause: " + pauseNotes);
    assertEquals(1, pauseNotes.get(0).stage().number());
    assertEquals(3, pauseNotes.get(0).stage().of());
    assertEquals(left, pauseNotes.get(0).stage().left().toSeconds());
    assertEquals(List.of("Canary errors"), pauseNotes.get(0).failed().stream().map(VerifyResult::title).toList());

    prometheus.gauge("app_canary_errors", 0);
    get(prometheus.until("app_canary_errors", value -> value == 0));
    TrackedRun resumed = get(deploys.resumeStage(runId, DEPLOYER_ROLES, DEPLOYER));
    assertEquals(List.of(), CanaryStageState.of(resumed.deployment()).orElseThrow().inconclusive());
    TrackedRun done = await(runId, run -> run.run().status() == RunStatus.SUCCEEDED);

    assertEquals(List.of("deploy v2", "weight v2 10", "weight v2 50", "weight v2 100", "promote v2"), calls());
    assertEquals("true", done.deployment().deployState().get("analysis.errors.passed"));
    assertEquals(List.of("canary.paused", "canary.resumed"), audited(runId), "the pause and the resume, once each");
  }

  @Test
  void theAnalysisBaselineIsTakenBeforeTheDeployKeptWithTheRunAndABreachRollsBack() throws Exception {
    LocalPrometheus prometheus = prometheus();
    prometheus.gauge("app_canary_latency", 2);
    get(prometheus.until("app_canary_latency", value -> value == 2));
    RolloutPlan plan = metricPlan(prometheus, "app_canary_latency", "<= 2 * baseline", Duration.ofSeconds(2));
    DeployRuns deploys = replica(config(plan), Duration.ofSeconds(30));
    String runId = launch(deploys, "v2");
    await(runId, run -> CanaryStageState.of(run.deployment()).map(held -> held.number() == 2).orElse(false));

    assertEquals(List.of(2.0), baselines(runId), "one baseline, measured before the deploy and stored");
    prometheus.gauge("app_canary_latency", 9);
    TrackedRun done = await(runId, run -> run.run().status() == RunStatus.ROLLED_BACK);

    assertEquals(List.of("deploy v2", "weight v2 10", "weight v2 50", "abort v2 0", "rollback"), calls());
    assertTrue(done.deployment().failure().startsWith("Canary stage 2 of 3: Canary errors: "),
        done.deployment().failure());
    assertTrue(done.deployment().failure().contains("was 9 at "), "the failure names the value seen: "
        + done.deployment().failure());
    assertEquals(List.of(2.0), baselines(runId), "the stored baseline did not move");
    List<RunNote> failedNotes = notes.stream().filter(n -> n.kind() == RunNote.Kind.CANARY_FAILED).toList();
    assertEquals(1, failedNotes.size(), "the thread is told which stage failed, not that verification did: " + notes);
    assertEquals(2, failedNotes.get(0).stage().number());
    assertEquals(3, failedNotes.get(0).stage().of());
    assertEquals(List.of("Canary errors"), failedNotes.get(0).failed().stream().map(VerifyResult::title).toList());
    assertTrue(notes.stream().noneMatch(n -> n.kind() == RunNote.Kind.VERIFICATION_FAILED), notes.toString());
  }

  // Helpers

  /** A real Prometheus scraping an app the test controls (its fake when the binary is missing). */
  private LocalPrometheus prometheus() throws Exception {
    LocalPrometheus prometheus = get(new LocalPrometheus(vertx).start());
    started.add(prometheus);
    return prometheus;
  }

  /** Three stages (10, 50, 100) whose analysis is one prometheus check; no data is inconclusive. */
  private RolloutPlan metricPlan(LocalPrometheus prometheus, String query, String condition, Duration hold) {
    CheckSpec.Prometheus errors = new CheckSpec.Prometheus(prometheus.url(), query, null,
        new MetricRule(Condition.parse(condition), Per.SERIES, null, Duration.ofSeconds(1), null, NoData.INCONCLUSIVE),
        new CheckSpec.Timing(Duration.ofSeconds(2), 0, Duration.ZERO));
    return new RolloutPlan(List.of(new RolloutPlan.Stage(10, hold), new RolloutPlan.Stage(50, hold),
        new RolloutPlan.Stage(100, null)),
        List.of(new Verification.VerifyCheck("errors", "Canary errors", Verification.Kind.HEALTH, errors)),
        Duration.ofSeconds(1), RolloutPlan.Promote.AUTO, traffic());
  }

  private List<Double> baselines(String runId) throws Exception {
    List<Double> values = new ArrayList<>();
    get(pool.preparedQuery("select value from metric_baselines where run_id = $1")
        .execute(Tuple.of(UUID.fromString(runId)))).forEach(row -> values.add(row.getDouble(0)));
    return values;
  }

  private RolloutPlan plan(RolloutPlan.Promote promote, Duration hold) {
    CheckSpec.Http errors = new CheckSpec.Http("GET", "http://127.0.0.1:" + port + "/errors", Map.of(), null,
        List.of(200), Map.of(), null, null, new CheckSpec.Timing(Duration.ofSeconds(2), 0, Duration.ZERO));
    return new RolloutPlan(List.of(new RolloutPlan.Stage(10, hold), new RolloutPlan.Stage(50, hold),
        new RolloutPlan.Stage(100, null)),
        List.of(new Verification.VerifyCheck("errors", "5xx rate", Verification.Kind.HEALTH, errors)),
        Duration.ofSeconds(1), promote, traffic());
  }

  private RolloutPlan.Traffic traffic() {
    return new RolloutPlan.Traffic.Command(List.of(script.toString(), "weight", "{version}", "{weight}"),
        List.of(script.toString(), "promote", "{version}"), List.of(script.toString(), "abort", "{version}",
            "{weight}"));
  }

  private PreflightConfig config(RolloutPlan plan) {
    Service.Environment prod = new Service.Environment("prod", "gate", "deploys", List.of("deployer"), false,
        new Target.Command(List.of(script.toString(), "deploy", "{version}"), List.of(script.toString(), "rollback"),
            Map.of(), null, Duration.ofSeconds(20)),
        Verification.NONE, new AbortRule(Set.of(AbortRule.DEPLOY), true), null, null, null, plan);
    return new PreflightConfig("preflight.yaml", "white_check_mark",
        Map.of("deployer", new Role("deployer", List.of("U1"), List.of())), Map.of("deploys", "C0DEPLOYS1"),
        Map.of("api", new Service("api", Map.of("prod", prod))), Map.of("gate", CHECKLIST));
  }

  private DeployRuns replica(PreflightConfig config, Duration lease) {
    pool = PgBuilder.pool().connectingTo(database.connectOptions()).using(vertx).build();
    pools.add(pool);
    RunRepository repository = new RunRepository(pool, config::checklist);
    runs = new ChecklistRuns(vertx, repository, spec -> Future.failedFuture("unused"), config::checklist,
        Clock.systemUTC());
    CommandTarget command = new CommandTarget(vertx);
    Verifier verifier = new Verifier(new CheckRunner(vertx, aws, new CompositeMeterRegistry(),
        new MetricBaselines(pool)));
    DeployRuns replica = new DeployRuns(vertx, config, runs, repository, target -> command,
        (checks, placeholders, onResult, aborted) -> verifier.verify(checks, placeholders, Variables.of(Map.of()),
            onResult, aborted), Variables.of(Map.of()), Clock.systemUTC(), lease);
    replica.onNote(notes::add);
    replicas.add(replica);
    return replica;
  }

  private String launch(DeployRuns deploys, String version) throws Exception {
    return StoredRuns.launch(deploys, runs, version);
  }

  private TrackedRun await(String runId, Predicate<TrackedRun> until) throws Exception {
    return StoredRuns.await(vertx, runs, runId, until);
  }

  private List<String> calls() throws Exception {
    return Files.readAllLines(calls).stream().map(String::strip).toList();
  }

  /** The one {@code canary.paused} row of the run: who (the actor) and its detail. */
  private JsonObject pauseAudit(String runId) throws Exception {
    List<JsonObject> rows = new ArrayList<>();
    get(pool.preparedQuery("select actor, detail from audit_log where run_id = $1 and action = 'canary.paused'")
        .execute(Tuple.of(UUID.fromString(runId))))
        .forEach(row -> rows.add(new JsonObject().put("actor", row.getString("actor"))
            .put("detail", (JsonObject) row.getValue("detail"))));
    assertEquals(1, rows.size(), "one canary.paused row for the one pause: " + rows);
    return rows.get(0);
  }

  private List<String> audited(String runId) throws Exception {
    List<String> actions = new ArrayList<>();
    get(pool.preparedQuery("select action from audit_log where run_id = $1 and action like 'canary.%' "
        + "and action <> 'canary.stage_finished' order by id").execute(Tuple.of(UUID.fromString(runId))))
        .forEach(row -> actions.add(row.getString(0)));
    return actions;
  }

  private static Refusal.Code refusal(Future<?> future) {
    ExecutionException failure = assertThrows(ExecutionException.class, () -> get(future));
    return assertInstanceOf(RunRuleException.class, failure.getCause()).refusal().code();
  }

  private static <T> T get(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }
}
