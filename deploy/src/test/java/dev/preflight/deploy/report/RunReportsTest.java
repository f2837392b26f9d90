package dev.preflight.deploy.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import dev.preflight.checklists.run.Evidence;
import dev.preflight.checklists.run.RunStatus;
import dev.preflight.checklists.secret.Variables;
import dev.preflight.deploy.TestDatabase;
import dev.preflight.deploy.run.ChecklistRuns;
import dev.preflight.deploy.run.DeployRuns;
import dev.preflight.deploy.run.Origin;
import dev.preflight.deploy.run.RunRepository;
import dev.preflight.deploy.run.TrackedRun;
import dev.preflight.deploy.target.DeployJob;
import dev.preflight.deploy.target.DeployTarget;
import dev.preflight.deploy.target.TargetJournal;
import dev.preflight.deploy.target.TargetOutcome;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Reports of runs stored by the real run services (a scripted target and verifier stand in for
 * the world), and the claims that let exactly one upload happen per run and finished status.
 */
class RunReportsTest {

  private static final Origin DEPLOYER = new Origin("U1", "test");
  private static final Set<String> DEPLOYER_ROLES = Set.of("deployer");
  private static final Checklist CHECKLIST = new Checklist("gate", "Gate", "gate.yaml", null,
      List.of(new Section("Before", List.of(new Item("ready", "Ready", true, null)))),
      SignOffRule.NONE, List.of());
  private static final Verification VERIFY = new Verification(
      List.of(new Verification.VerifyCheck("health", "Health", Verification.Kind.HEALTH, null)), List.of());

  private Vertx vertx;
  private Pool pool;
  private ChecklistRuns runs;
  private DeployRuns deploys;
  private RunReports reports;
  private final BlockingQueue<Promise<TargetOutcome>> targetCalls = new LinkedBlockingQueue<>();
  private final BlockingQueue<Promise<List<VerifyResult>>> verifications = new LinkedBlockingQueue<>();

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    TestDatabase database = TestDatabase.create();
    pool = PgBuilder.pool().connectingTo(database.connectOptions()).using(vertx).build();
    PreflightConfig config = config();
    RunRepository repository = new RunRepository(pool, config::checklist);
    runs = new ChecklistRuns(vertx, repository, spec -> Future.succeededFuture(Evidence.failure("unused", null, 1)),
        config::checklist, Clock.systemUTC());
    DeployTarget target = new DeployTarget() {
      @Override
      public Future<TargetOutcome> deploy(DeployJob job, TargetJournal journal) {
        return call();
      }

      @Override
      public Future<TargetOutcome> rollback(DeployJob job, TargetJournal journal) {
        return call();
      }

      private Future<TargetOutcome> call() {
        Promise<TargetOutcome> outcome = Promise.promise();
        targetCalls.add(outcome);
        return outcome.future();
      }
    };
    deploys = new DeployRuns(vertx, config, runs, repository, t -> target,
        (verification, placeholders, onResult, aborted) -> {
          Promise<List<VerifyResult>> promise = Promise.promise();
          verifications.add(promise);
          return promise.future();
        }, Variables.of(Map.of()), Clock.systemUTC(), Duration.ofSeconds(30));
    reports = new RunReports(repository, Duration.ofMinutes(10));
  }

  @AfterEach
  void tearDown() {
    deploys.close();
    pool.close();
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }

  @Test
  void aStoredRollbackReportsTheLaunchTheFailedHealthAndTheRollback() throws Exception {
    deploy("v1", true);
    TrackedRun done = deploy("v2", false);
    assertEquals(RunStatus.ROLLED_BACK, done.run().status());

    RunReports.Report report = get(reports.report(done.id()));
    String text = report.markdown();

    assertEquals("Deploy report: api v2 to prod", report.title());
    assertTrue(report.fileName().startsWith("preflight-api-v2-prod-"), report.fileName());
    for (String line : List.of(
        "# Deploy report: api v2 to prod",
        "| Status | **ROLLED_BACK** |",
        "- **PASSED** Ready (`ready`, blocker, manual) — ticked by @U1 at " + Markdown.time(done.run().items().get("ready").at()),
        "| Launched by | @U1 at " + Markdown.time(done.deployment().launchedAt()) + " |",
        "- Target: **SUCCEEDED** deployed v2",
        "### FAILED health: Health (`health`)",
        "- Saw: 503 Service Unavailable (status 503, 5 ms, 5 attempts)",
        "- Requested by: Preflight (automatic) at " + Markdown.time(done.deployment().rollbackAt()),
        "- Reason: Health: 503 Service Unavailable",
        "- Restoring: v1",
        "- Target: **SUCCEEDED** restored v1",
        "## Rollback verification",
        "### PASSED health: Health (`health`)",
        "- Deploy: Health: 503 Service Unavailable")) {
      assertTrue(text.lines().anyMatch(line::equals), "missing line: " + line + "\n---\n" + text);
    }
    // The audit log tells what the run row does not: the order of events and who clicked.
    for (String action : List.of("`run.started`", "`item.ticked`", "`deploy.launched`", "`deploy.verified`",
        "`rollback.verified`")) {
      assertTrue(text.contains(action), action + " in the trail:\n" + text);
    }
    assertTrue(text.indexOf("`deploy.launched`") < text.indexOf("`rollback.verified`"), text);
  }

  @Test
  void anUnknownRunIdFailsWithNoSuchRun() {
    ExecutionException failure = assertThrows(ExecutionException.class,
        () -> get(reports.report("5a6b7c8d-0000-4000-8000-00000000dead")));
    assertInstanceOf(dev.preflight.deploy.api.NoSuchRunException.class, failure.getCause());
    assertThrows(ExecutionException.class, () -> get(reports.report("not-a-uuid")));
  }

  @Test
  void aRunIsClaimedOnceAndAFailedUploadGivesTheClaimBack() throws Exception {
    TrackedRun run = deploy("v1", true);
    String id = run.id();
    RunStatus done = RunStatus.SUCCEEDED;

    assertTrue(get(reports.claim(id, done, "replica-a")));
    assertFalse(get(reports.claim(id, done, "replica-b")), "someone is at it");
    assertFalse(get(reports.claim(id, done, "replica-a")), "a second announcement on the same replica too");

    get(reports.release(id, done, "replica-b"));
    assertFalse(get(reports.claim(id, done, "replica-b")), "only the holder gives a claim back");
    get(reports.release(id, done, "replica-a"));
    assertTrue(get(reports.claim(id, done, "replica-b")), "a released claim can be taken again");

    get(reports.uploaded(id, done, "F0001"));
    assertEquals(Optional.of("F0001"), get(reports.fileOf(id, done)));
    get(reports.release(id, done, "replica-b"));
    assertFalse(get(reports.claim(id, done, "replica-a")), "an uploaded report is never uploaded again");
  }

  @Test
  void aClaimFromAReplicaThatDiedGoesStaleAndOnlyUnreportedRunsAreListed() throws Exception {
    RunReports impatient = new RunReports(new RunRepository(pool, config()::checklist), Duration.ZERO);
    TrackedRun reported = deploy("v1", true);
    TrackedRun lost = deploy("v2", true);
    TrackedRun quiet = deploy("v3", true);
    int ts = 0;
    for (TrackedRun run : List.of(reported, lost, quiet)) {
      get(runs.attachMessage(run.id(), "C0DEPLOYS1", "1700000000.00000" + ++ts));
    }
    TrackedRun open = get(deploys.open("api", "v4", "prod", DEPLOYER_ROLES, DEPLOYER));
    get(runs.attachMessage(open.id(), "C0DEPLOYS1", "1700000000.009999"));

    assertTrue(get(reports.claim(reported.id(), RunStatus.SUCCEEDED, "replica-a")));
    get(reports.uploaded(reported.id(), RunStatus.SUCCEEDED, "F0001"));
    assertTrue(get(reports.claim(lost.id(), RunStatus.SUCCEEDED, "replica-dead")));

    assertEquals(List.of(quiet.id()), get(reports.unreported(Duration.ofHours(1))),
        "a finished run with no claim; the live claim and the uploaded one are left alone");
    assertEquals(List.of(lost.id(), quiet.id()), get(impatient.unreported(Duration.ofHours(1))),
        "with claims void at once, the dead replica's run is listed again");
    assertTrue(get(impatient.claim(lost.id(), RunStatus.SUCCEEDED, "replica-b")), "and may be taken over");
    assertFalse(get(impatient.claim(reported.id(), RunStatus.SUCCEEDED, "replica-b")),
        "an uploaded report stays done");
  }

  @Test
  void aRunRolledBackAfterItsReportOwesASecondReportForItsNewStatus() throws Exception {
    TrackedRun succeeded = deploy("v1", true);
    String id = succeeded.id();
    get(runs.attachMessage(id, "C0DEPLOYS1", "1700000000.000001"));
    assertTrue(get(reports.claim(id, RunStatus.SUCCEEDED, "replica-a")));
    get(reports.uploaded(id, RunStatus.SUCCEEDED, "F0001"));
    assertEquals(List.of(), get(reports.unreported(Duration.ofHours(1))));
    assertFalse(get(reports.reportedBefore(id, RunStatus.SUCCEEDED)), "its own report is not an earlier one");

    TrackedRun rolledBack = rollBack(id);
    assertEquals(RunStatus.ROLLED_BACK, rolledBack.run().status());

    assertEquals(List.of(id), get(reports.unreported(Duration.ofHours(1))),
        "the rollback's report is owed though the success was reported");
    assertTrue(get(reports.reportedBefore(id, RunStatus.ROLLED_BACK)), "the thread holds the success's report");
    assertFalse(get(reports.claim(id, RunStatus.SUCCEEDED, "replica-b")), "the success's report stays done");
    assertTrue(get(reports.claim(id, RunStatus.ROLLED_BACK, "replica-b")));
    assertFalse(get(reports.claim(id, RunStatus.ROLLED_BACK, "replica-a")), "the rollback's report is claimed once");
    assertEquals(List.of(), get(reports.unreported(Duration.ofHours(1))), "a live claim is left alone");

    get(reports.uploaded(id, RunStatus.ROLLED_BACK, "F0002"));
    assertEquals(Optional.of("F0001"), get(reports.fileOf(id, RunStatus.SUCCEEDED)));
    assertEquals(Optional.of("F0002"), get(reports.fileOf(id, RunStatus.ROLLED_BACK)));
    assertEquals(List.of(), get(reports.unreported(Duration.ofHours(1))));

    RunReports.Report after = get(reports.report(id)).afterRollback();
    assertEquals("Deploy report: api v1 to prod (after the rollback)", after.title());
    assertTrue(after.fileName().startsWith("preflight-api-v1-prod-"), after.fileName());
    assertTrue(after.fileName().endsWith("-after-rollback.md"), after.fileName());
    assertTrue(after.markdown().lines().anyMatch("| Status | **ROLLED_BACK** |"::equals), after.markdown());
  }

  // Helpers

  @Test
  void aFinishedDeployWhoseChecklistLeftTheConfigIsReportedFromWhatIsStored() throws Exception {
    TrackedRun done = deploy("v1", true);
    RunReports afterRestart = new RunReports(pool, id -> Optional.empty());

    RunReports.Report report = get(afterRestart.report(done.id()));

    assertEquals("Deploy report: api v1 to prod", report.title());
    List<String> lines = report.markdown().lines().toList();
    for (String line : List.of(
        "| Checklist | `gate`, " + RunReport.CHECKLIST_GONE + " |",
        "| Status | **SUCCEEDED** |",
        "1 of 1 items passed or waived.",
        "### PASSED health: Health (`health`)")) {
      assertTrue(lines.contains(line), "missing line: " + line + "\n---\n" + report.markdown());
    }
    assertTrue(lines.stream().anyMatch(line -> line.startsWith("- **PASSED** `ready` — moved by @U1 at ")),
        report.markdown());
  }

  private TrackedRun deploy(String version, boolean healthy) throws Exception {
    TrackedRun run = get(deploys.open("api", version, "prod", DEPLOYER_ROLES, DEPLOYER));
    RunStatus end = healthy ? RunStatus.SUCCEEDED : RunStatus.ROLLED_BACK;
    CompletableFuture<TrackedRun> finished = new CompletableFuture<>();
    runs.onChange(tracked -> {
      if (tracked.id().equals(run.id()) && tracked.run().status() == end) {
        finished.complete(tracked);
      }
    });
    get(runs.tick(run.id(), "ready", DEPLOYER));
    get(deploys.launch(run.id(), DEPLOYER_ROLES, DEPLOYER));
    next(targetCalls).complete(TargetOutcome.success("deployed " + version, "rev-" + version, null));
    next(verifications).complete(List.of(health(healthy)));
    if (!healthy) {
      next(targetCalls).complete(TargetOutcome.success("restored v1", null, null));
      next(verifications).complete(List.of(health(true)));
    }
    finished.get(20, TimeUnit.SECONDS);
    // The announcement comes before the lease is given back; read the run as stored.
    return get(runs.find(run.id()));
  }

  /** Rolls a finished run back by hand; the target restores and verification passes. */
  private TrackedRun rollBack(String runId) throws Exception {
    CompletableFuture<TrackedRun> finished = new CompletableFuture<>();
    runs.onChange(tracked -> {
      if (tracked.id().equals(runId) && tracked.run().status() == RunStatus.ROLLED_BACK) {
        finished.complete(tracked);
      }
    });
    get(deploys.rollback(runId, DEPLOYER_ROLES, DEPLOYER));
    next(targetCalls).complete(TargetOutcome.success("restored", null, null));
    next(verifications).complete(List.of(health(true)));
    finished.get(20, TimeUnit.SECONDS);
    return get(runs.find(runId));
  }

  private static VerifyResult health(boolean passed) {
    Evidence evidence = passed ? new Evidence(true, "200 OK", 200, 5L, null, null, 1)
        : new Evidence(false, "503 Service Unavailable", 503, 5L, "{\"db\":\"down\"}", "expected 200", 5);
    return new VerifyResult("health", "Health", Verification.Kind.HEALTH, evidence, List.of());
  }

  private static PreflightConfig config() {
    Service.Environment prod = new Service.Environment("prod", "gate", "deploys", List.of("deployer"), false,
        new Target.Command(List.of("deploy.sh"), List.of("deploy.sh", "rollback", "{version}"), Map.of(), null,
            Duration.ofMinutes(1)),
        VERIFY, new AbortRule(Set.of(AbortRule.DEPLOY, "health"), true));
    return new PreflightConfig("preflight.yaml", "white_check_mark",
        Map.of("deployer", new Role("deployer", List.of("U1", "U2"), List.of())),
        Map.of("deploys", "C0DEPLOYS1"),
        Map.of("api", new Service("api", Map.of("prod", prod))),
        Map.of("gate", CHECKLIST));
  }

  private static <T> T next(BlockingQueue<T> queue) throws InterruptedException {
    T next = queue.poll(10, TimeUnit.SECONDS);
    if (next == null) {
      throw new AssertionError("nothing was asked for");
    }
    return next;
  }

  private static <T> T get(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }
}
