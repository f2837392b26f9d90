package dev.preflight.deploy.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.preflight.checklists.checklist.Checklist;
import dev.preflight.checklists.checklist.Item;
import dev.preflight.checklists.checklist.Section;
import dev.preflight.checklists.checklist.SignOffRule;
import dev.preflight.checklists.config.PreflightConfig;
import dev.preflight.checklists.config.Role;
import dev.preflight.checklists.config.Service;
import dev.preflight.checklists.deploy.AbortRule;
import dev.preflight.checklists.deploy.EnvLock;
import dev.preflight.checklists.deploy.LockCause;
import dev.preflight.checklists.deploy.Release;
import dev.preflight.checklists.deploy.Target;
import dev.preflight.checklists.deploy.Verification;
import dev.preflight.checklists.deploy.VerifyResult;
import dev.preflight.checklists.run.Evidence;
import dev.preflight.checklists.run.ItemState;
import dev.preflight.checklists.run.Refusal;
import dev.preflight.checklists.run.RunEvent;
import dev.preflight.checklists.run.RunRuleException;
import dev.preflight.checklists.run.RunStatus;
import dev.preflight.checklists.secret.Variables;
import dev.preflight.deploy.TestDatabase;
import dev.preflight.deploy.fake.FakeGithub;
import dev.preflight.deploy.runner.RollbackStart;
import dev.preflight.deploy.runner.RunDriver;
import dev.preflight.deploy.target.DeployJob;
import dev.preflight.deploy.target.DeployTarget;
import dev.preflight.deploy.target.GithubActionsTarget;
import dev.preflight.deploy.target.LiveVersion;
import dev.preflight.deploy.target.TargetJournal;
import dev.preflight.deploy.target.TargetOutcome;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The deploy orchestrator against a real database, with a scripted target and verifier: the
 * gates, the one-launch guarantee, locks, verification, abort, rollback and lease takeover.
 * The real targets are tested on their own and end to end in the bot.
 */
class DeployRunsTest {

  private static final Origin DEPLOYER = new Origin("U1", "test");
  private static final Set<String> DEPLOYER_ROLES = Set.of("deployer");
  private static final Checklist CHECKLIST = new Checklist("gate", "Gate", "gate.yaml", null,
      List.of(new Section("Before", List.of(new Item("ready", "Ready", true, null)))),
      SignOffRule.NONE, List.of());
  private static final Verification VERIFY = new Verification(
      List.of(new Verification.VerifyCheck("health", "Health", Verification.Kind.HEALTH, null)), List.of());

  private Vertx vertx;
  private TestDatabase database;
  private Pool pool;
  private final List<Pool> pools = new ArrayList<>();
  private final List<DeployRuns> services = new ArrayList<>();
  private ScriptedTarget target;
  private BlockingQueue<Promise<List<VerifyResult>>> verifications;
  private Map<String, CompletableFuture<TrackedRun>> waits;
  private final List<RunNote> notes = new CopyOnWriteArrayList<>();
  private final List<Consumer<RunNote>> noteWaits = new CopyOnWriteArrayList<>();
  private ChecklistRuns runs;
  private DeployRuns deploys;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    database = TestDatabase.create();
    target = new ScriptedTarget();
    verifications = new LinkedBlockingQueue<>();
    waits = new ConcurrentHashMap<>();
    deploys = service(config(true, false), Duration.ofSeconds(30));
  }

  @AfterEach
  void tearDown() {
    services.forEach(DeployRuns::close);
    pools.forEach(Pool::close);
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }

  private DeployRuns service(PreflightConfig config, Duration lease) {
    return service(config, lease, target);
  }

  private DeployRuns service(PreflightConfig config, Duration lease, DeployTarget deployTarget) {
    pool = PgBuilder.pool().connectingTo(database.connectOptions()).using(vertx).build();
    pools.add(pool);
    RunRepository repository = new RunRepository(pool, config::checklist);
    runs = new ChecklistRuns(vertx, repository, spec -> Future.succeededFuture(Evidence.failure("unused", null, 1)),
        config::checklist, Clock.systemUTC());
    runs.onChange(tracked -> waits.forEach((key, wait) -> {
      if (key.startsWith(tracked.id() + "/" + tracked.run().status())) {
        wait.complete(tracked);
      }
    }));
    DeployRuns service = new DeployRuns(vertx, config, runs, repository, t -> deployTarget, (verification, placeholders,
        onResult, aborted) -> {
      Promise<List<VerifyResult>> promise = Promise.promise();
      verifications.add(promise);
      return promise.future();
    }, Variables.of(Map.of()), Clock.systemUTC(), lease);
    service.onNote(note -> {
      notes.add(note);
      noteWaits.forEach(wait -> wait.accept(note));
    });
    services.add(service);
    return service;
  }

  private static PreflightConfig config(boolean automaticRollback, boolean autoLaunch) {
    return config(automaticRollback, autoLaunch, new Target.Command(List.of("deploy.sh"),
        List.of("deploy.sh", "rollback", "{version}"), Map.of(), null, Duration.ofMinutes(1)));
  }

  private static PreflightConfig config(boolean automaticRollback, boolean autoLaunch, Target deployTarget) {
    Service.Environment prod = new Service.Environment("prod", "gate", "deploys", List.of("deployer"), autoLaunch,
        deployTarget, VERIFY, new AbortRule(Set.of(AbortRule.DEPLOY, "health"), automaticRollback));
    return new PreflightConfig("preflight.yaml", "white_check_mark",
        Map.of("deployer", new Role("deployer", List.of("U1", "U2"), List.of())),
        Map.of("deploys", "C0DEPLOYS1"),
        Map.of("api", new Service("api", Map.of("prod", prod))),
        Map.of("gate", CHECKLIST));
  }

  @Test
  void badRequestsAreRefusedAndStoreNothing() throws Exception {
    assertRefused(deploys.open("apj", "v1", "prod", DEPLOYER_ROLES, DEPLOYER),
        Refusal.noSuchService("apj", "api", List.of("api")));
    Refusal noEnvironment = refusal(deploys.open("api", "v1", "production", DEPLOYER_ROLES, DEPLOYER));
    assertEquals(Refusal.Code.NO_SUCH_ENVIRONMENT, noEnvironment.code());
    assertEquals(List.of("prod"), noEnvironment.names(), "the environments there are");
    assertRefused(deploys.open("api", "v1;rm -rf /", "prod", DEPLOYER_ROLES, DEPLOYER),
        Refusal.notAVersion("v1;rm -rf /"));
    assertRefused(deploys.open("api", "v1", "prod", Set.of("qa"), new Origin("U9", "test")),
        Refusal.notADeployer("api", "prod", List.of("deployer")));
    assertEquals(0L, count("select count(*) from runs"));
  }

  @Test
  void aSecondDeployWhileOneIsActiveNamesTheActiveRun() throws Exception {
    TrackedRun first = get(deploys.open("api", "v1", "prod", DEPLOYER_ROLES, DEPLOYER));
    ExecutionException second = assertThrows(ExecutionException.class,
        () -> get(deploys.open("api", "v2", "prod", DEPLOYER_ROLES, DEPLOYER)));
    ActiveRunException active = assertInstanceOf(ActiveRunException.class, second.getCause());
    assertEquals(first.id(), active.active().id());
    assertEquals(Refusal.activeRun("api", "prod", first.id(), "v1", RunStatus.PREPARING), active.refusal());
    assertEquals(1L, count("select count(*) from runs"));
  }

  @Test
  void launchWaitsForTheGatesAndTwoClicksLaunchOnce() throws Exception {
    TrackedRun run = get(deploys.open("api", "v1", "prod", DEPLOYER_ROLES, DEPLOYER));
    assertEquals(Refusal.Code.BLOCKERS_OPEN, refusal(deploys.launch(run.id(), DEPLOYER_ROLES, DEPLOYER)).code());
    get(runs.tick(run.id(), "ready", DEPLOYER));

    Future<TrackedRun> one = deploys.launch(run.id(), DEPLOYER_ROLES, DEPLOYER);
    Future<TrackedRun> two = deploys.launch(run.id(), DEPLOYER_ROLES, new Origin("U2", "test"));
    get(Future.join(one, two).otherwiseEmpty());
    assertEquals(1, (one.succeeded() ? 1 : 0) + (two.succeeded() ? 1 : 0), "exactly one click launches");
    Future<TrackedRun> refused = one.succeeded() ? two : one;
    assertEquals(Refusal.Code.ALREADY_DEPLOYING, refusal(refused).code());

    Call call = target.next();
    assertEquals("deploy", call.kind);
    assertEquals("v1", call.job.version());
    assertTrue(target.calls.isEmpty(), "the target was asked once");
    TrackedRun stored = get(runs.find(run.id()));
    assertEquals(RunStatus.DEPLOYING, stored.run().status());
    assertEquals(2L, count("select count(*) from audit_log where action in ('run.started', 'deploy.launched')"));
  }

  @Test
  void aLockBlocksLaunchUntilUnlocked() throws Exception {
    TrackedRun run = readyRun("v1");
    get(deploys.lock("api", "prod", "freeze for the audit", DEPLOYER_ROLES, new Origin("U2", "test")));
    Refusal locked = refusal(deploys.launch(run.id(), DEPLOYER_ROLES, DEPLOYER));
    assertEquals(Refusal.Code.LOCKED, locked.code());
    assertEquals("U2", locked.user());
    assertEquals(new LockCause.Manual("freeze for the audit"), locked.lock().cause());
    assertEquals(RunStatus.READY, get(runs.find(run.id())).run().status());

    assertTrue(get(deploys.unlock("api", "prod", DEPLOYER_ROLES, DEPLOYER)).isPresent());
    get(deploys.launch(run.id(), DEPLOYER_ROLES, DEPLOYER));
    assertEquals("deploy", target.next().kind);
  }

  @Test
  void aDeployThatVerifiesSucceedsAndBecomesTheRelease() throws Exception {
    TrackedRun done = deployAndVerify("v1", true);
    assertEquals(RunStatus.SUCCEEDED, done.run().status());
    assertEquals("deployed v1", done.deployment().deployState().get("summary"));
    assertTrue(done.deployment().finishedAt() != null);
    List<Release> releases = get(deploys.store().latestReleases());
    assertEquals(1, releases.size());
    assertEquals("v1", releases.get(0).version());
    assertEquals("U1", releases.get(0).by());
    assertTrue(leaseGivenBack(done.id()), "the lease is given back when the run is over");
  }

  @Test
  void failedHealthRollsBackByItselfToThePreviousReleaseAndLocks() throws Exception {
    deployAndVerify("v1", true);
    TrackedRun run = readyRun("v2");
    CompletableFuture<TrackedRun> rolledBack = waitFor(run.id(), RunStatus.ROLLED_BACK);
    get(deploys.launch(run.id(), DEPLOYER_ROLES, DEPLOYER));
    target.next().outcome.complete(TargetOutcome.success("deployed v2", "rev-2", null));
    verifications.poll(10, TimeUnit.SECONDS).complete(List.of(result(false)));

    Call rollback = target.next();
    assertEquals("rollback", rollback.kind);
    assertEquals("v1", rollback.job.version(), "the rollback restores the release before");
    rollback.outcome.complete(TargetOutcome.success("restored v1", null, null));
    verifications.poll(10, TimeUnit.SECONDS).complete(List.of(result(true)));

    TrackedRun done = rolledBack.get(10, TimeUnit.SECONDS);
    assertEquals("Health: 503 Service Unavailable", done.deployment().failure());
    assertNull(done.deployment().rollbackBy(), "the bot rolled back by itself");
    EnvLock lock = get(deploys.lockOf("api", "prod")).orElseThrow();
    assertEquals(new LockCause.RolledBack("v2", "Health: 503 Service Unavailable"), lock.cause());
    assertNull(lock.by(), "the bot locked it");
    assertEquals("Health: 503 Service Unavailable", done.deployment().rollbackReason());
    Release live = get(deploys.store().latestReleases()).get(0);
    assertEquals("v1", live.version());
    assertEquals(Release.ROLLBACK, live.kind());
  }

  @Test
  void theFirstDeployRolledBackByItselfRestoresTheVersionTheTargetRanBefore() throws Exception {
    target.live = Optional.of(new LiveVersion("v0.9", "rev-0.9"));
    TrackedRun run = readyRun("v1");
    CompletableFuture<TrackedRun> rolledBack = waitFor(run.id(), RunStatus.ROLLED_BACK);
    get(deploys.launch(run.id(), DEPLOYER_ROLES, DEPLOYER));
    Call deploy = target.next();
    assertEquals("deploy", deploy.kind);
    Release before = get(runs.find(run.id())).deployment().previous();
    assertEquals("v0.9", before.version(), "read from the target and recorded when the deploy started");
    deploy.outcome.complete(TargetOutcome.success("deployed v1", "rev-1", null));
    verifications.poll(10, TimeUnit.SECONDS).complete(List.of(result(false)));

    Call rollback = target.next();
    assertEquals("rollback", rollback.kind);
    assertEquals("v0.9", rollback.job.version(), "the rollback names the version it returns to");
    assertEquals("rev-0.9", rollback.job.revision());
    rollback.outcome.complete(TargetOutcome.success("restored v0.9", null, null));
    verifications.poll(10, TimeUnit.SECONDS).complete(List.of(result(true)));
    rolledBack.get(10, TimeUnit.SECONDS);

    Release live = get(deploys.store().releases("api", "prod", 5)).get(0);
    assertEquals(Release.ROLLBACK, live.kind());
    assertEquals("v0.9", live.version(), "/deploys shows the version restored");
    get(deploys.unlock("api", "prod", DEPLOYER_ROLES, DEPLOYER));
    target.live = Optional.of(new LiveVersion("never-read", null));
    TrackedRun next = readyRun("v2");
    get(deploys.launch(next.id(), DEPLOYER_ROLES, DEPLOYER));
    target.next();
    assertEquals("v0.9", get(runs.find(next.id())).deployment().previous().version(),
        "the next run starts from the release on record, not from another reading");
  }

  @Test
  void locksStoredAsSentencesByEarlierVersionsReadBackAsValues() throws Exception {
    get(pool.query("insert into environment_locks (service, environment, reason, locked_by, locked_at) values "
        + "('api', 'prod', 'Rolled back from v2 (asked for by <@U0SRE>). Unlock when the cause is understood.', "
        + "'U0SRE', now()), ('api', 'staging', 'Rolled back from v3 (automatic: Health: 503). Unlock when the "
        + "cause is understood.', null, now()), ('web', 'prod', 'release freeze', 'U0ANA', now())").execute());

    assertEquals(new LockCause.RolledBack("v2", null), get(deploys.lockOf("api", "prod")).orElseThrow().cause());
    assertEquals(new LockCause.RolledBack("v3", "Health: 503"),
        get(deploys.lockOf("api", "staging")).orElseThrow().cause());
    assertEquals(new LockCause.Manual("release freeze"), get(deploys.lockOf("web", "prod")).orElseThrow().cause());
  }

  @Test
  void aDoubleClickedRollbackRollsBackOnce() throws Exception {
    deployAndVerify("v1", true);
    TrackedRun second = deployAndVerify("v2", true);
    Future<TrackedRun> one = deploys.rollback(second.id(), DEPLOYER_ROLES, DEPLOYER);
    Future<TrackedRun> two = deploys.rollbackLatest("api", "prod", DEPLOYER_ROLES, new Origin("U2", "test"));
    get(Future.join(one, two).otherwiseEmpty());
    assertEquals(1, (one.succeeded() ? 1 : 0) + (two.succeeded() ? 1 : 0));
    TrackedRun rolling = one.succeeded() ? one.result() : two.result();
    assertNull(rolling.deployment().rollbackReason(), "a person asked: who, and no sentence about it");
    EnvLock lock = get(deploys.lockOf("api", "prod")).orElseThrow();
    assertEquals(new LockCause.RolledBack("v2", null), lock.cause());
    assertEquals(rolling.deployment().rollbackBy(), lock.by());
    Future<TrackedRun> refused = one.succeeded() ? two : one;
    Refusal already = refusal(refused);
    assertEquals(Refusal.Code.ALREADY_ROLLING_BACK, already.code());
    assertEquals(one.succeeded() ? "U1" : "U2", already.user(), "names who started the rollback");
    assertEquals("rollback", target.next().kind);
    assertTrue(target.calls.isEmpty(), "one rollback reached the target");
  }

  /** The refusal says a rollback was refused, so the words a person reads are not about a deploy. */
  @Test
  void aRollbackByANonDeployerIsRefusedAsARollbackAndStartsNothing() throws Exception {
    TrackedRun run = deployAndVerify("v1", true);
    Origin stranger = new Origin("U9", "test");
    Refusal rollbackOf = Refusal.notADeployer("api", "prod", List.of("deployer")).withStatus(null, RunEvent.ROLLBACK);

    assertRefused(deploys.rollback(run.id(), Set.of("qa"), stranger), rollbackOf);
    assertRefused(deploys.rollbackLatest("api", "prod", Set.of("qa"), stranger), rollbackOf);
    assertEquals(RunStatus.SUCCEEDED, get(runs.find(run.id())).run().status());
    assertTrue(get(deploys.lockOf("api", "prod")).isEmpty(), "no rollback lock");
  }

  @Test
  void aStaleRollbackButtonOnAnOlderRunIsRefused() throws Exception {
    TrackedRun first = deployAndVerify("v1", true);
    TrackedRun second = deployAndVerify("v2", true);
    TrackedRun third = deployAndVerify("v3", true);
    get(deploys.unlock("api", "prod", DEPLOYER_ROLES, DEPLOYER));
    Refusal stale = refusal(deploys.rollback(first.id(), DEPLOYER_ROLES, DEPLOYER));
    assertEquals(Refusal.Code.NEWER_DEPLOY, stale.code());
    assertTrue(List.of(second.id(), third.id()).contains(stale.otherRun()), stale.summary());
    assertTrue(target.calls.isEmpty());
  }

  @Test
  void aDispatchGithubRefusesIsNeitherRolledBackNorDispatchedAgain() throws Exception {
    FakeGithub github = get(FakeGithub.start(vertx, "ghp_DeployRunsTestToken"));
    GithubActionsTarget actions = new GithubActionsTarget(vertx, Duration.ofMillis(50));
    try {
      Target.GithubActions workflow = new Target.GithubActions(github.apiUrl(), "ghp_DeployRunsTestToken",
          FakeGithub.OWNER, FakeGithub.REPO, FakeGithub.WORKFLOW, "main", Map.of("image_tag", "{version}"),
          Duration.ofSeconds(30));
      deploys = service(config(true, false, workflow), Duration.ofSeconds(30), actions);
      TrackedRun slow = readyRun("v2.1.0-slow");
      CompletableFuture<TrackedRun> live = waitFor(slow.id(), RunStatus.SUCCEEDED);
      get(deploys.launch(slow.id(), DEPLOYER_ROLES, DEPLOYER));
      verifications.poll(10, TimeUnit.SECONDS).complete(List.of(result(true)));
      live.get(10, TimeUnit.SECONDS);

      github.refuseDispatches(422, "Unexpected inputs provided: [\"image_tag\"]");
      TrackedRun refused = readyRun("v2.3.0");
      CompletableFuture<TrackedRun> failed = waitFor(refused.id(), RunStatus.FAILED);
      get(deploys.launch(refused.id(), DEPLOYER_ROLES, DEPLOYER));
      TrackedRun done = failed.get(10, TimeUnit.SECONDS);

      assertEquals("GitHub refused to start deploy.yml: 422 Unexpected inputs provided: [\"image_tag\"]",
          done.deployment().failure());
      assertNull(done.deployment().rollbackAt(), "nothing started, so no rollback");
      assertEquals(Optional.empty(), get(deploys.lockOf("api", "prod")), "and no lock claiming one");
      assertEquals(List.of("v2.1.0-slow"), github.dispatches().stream()
          .map(d -> d.inputs().getString("image_tag")).toList(), "only the first deploy started a run");
      assertEquals(2, github.requests().stream().filter(r -> r.startsWith("POST ") && r.contains("/dispatches"))
          .count(), "the refused dispatch was not followed by a rollback's: " + github.requests());
    } finally {
      actions.close();
      get(github.close());
    }
  }

  @Test
  void aRollbackThatFailsLeavesALockSayingItFailed() throws Exception {
    deployAndVerify("v1", true);
    TrackedRun run = readyRun("v2");
    CompletableFuture<TrackedRun> rollbackFailed = waitFor(run.id(), RunStatus.ROLLBACK_FAILED);
    get(deploys.launch(run.id(), DEPLOYER_ROLES, DEPLOYER));
    target.next().outcome.complete(TargetOutcome.success("deployed v2", "rev-2", null));
    verifications.poll(10, TimeUnit.SECONDS).complete(List.of(result(false)));
    target.next().outcome.complete(TargetOutcome.failure("deploy.sh rollback exited with code 1", null));

    rollbackFailed.get(10, TimeUnit.SECONDS);
    EnvLock lock = get(deploys.lockOf("api", "prod")).orElseThrow();
    assertEquals(new LockCause.RolledBack("v2", "Health: 503 Service Unavailable", true), lock.cause(),
        "the lock no longer says production was rolled back");
    assertNull(lock.by(), "the bot locked it");
  }

  @Test
  void aDeployTheTargetRefusedFailsWithoutRollingBackAndLeavesTheOlderRollbackInReach() throws Exception {
    deployAndVerify("v1", true);
    TrackedRun second = deployAndVerify("v2", true);
    TrackedRun refusedRun = readyRun("v3");
    CompletableFuture<TrackedRun> failed = waitFor(refusedRun.id(), RunStatus.FAILED);
    get(deploys.launch(refusedRun.id(), DEPLOYER_ROLES, DEPLOYER));
    target.next().outcome.complete(TargetOutcome.refused(
        "GitHub refused to start deploy.yml: 422 Unexpected inputs provided: [\"image_tag\"]"));

    TrackedRun done = failed.get(10, TimeUnit.SECONDS);
    assertEquals("GitHub refused to start deploy.yml: 422 Unexpected inputs provided: [\"image_tag\"]",
        done.deployment().failure());
    assertNull(done.deployment().rollbackAt(), "nothing started, so nothing is rolled back");
    assertTrue(RollbackStart.nothingDeployed(done.deployment()));
    assertEquals(Optional.empty(), get(deploys.lockOf("api", "prod")), "and nothing locks production");
    assertTrue(target.calls.isEmpty(), "no rollback reached the target");
    assertRefused(deploys.rollback(refusedRun.id(), DEPLOYER_ROLES, DEPLOYER),
        Refusal.of(Refusal.Code.RUN_DEPLOYED_NOTHING).about("api", "prod"));

    // v2 is still what production runs: /rollback acts on its run, and its own button is not stale.
    TrackedRun rolling = get(deploys.rollbackLatest("api", "prod", DEPLOYER_ROLES, DEPLOYER));
    assertEquals(second.id(), rolling.id());
    Call rollback = target.next();
    assertEquals("rollback", rollback.kind);
    assertEquals("v1", rollback.job.version());
  }

  @Test
  void anAbortStopsTheDeployAndTheRunFails() throws Exception {
    deploys = service(config(false, false), Duration.ofSeconds(30));
    TrackedRun run = readyRun("v1");
    CompletableFuture<TrackedRun> failed = waitFor(run.id(), RunStatus.FAILED);
    get(deploys.launch(run.id(), DEPLOYER_ROLES, DEPLOYER));
    Call call = target.next();
    TrackedRun aborting = get(deploys.abort(run.id(), DEPLOYER_ROLES, new Origin("U2", "test")));
    assertEquals(RunStatus.ABORTING, aborting.run().status());
    assertEquals(RunStatus.ABORTING, get(runs.find(run.id())).run().status(), "stored, so every replica sees it");
    get(call.journal.aborted());
    DeployRuns other = service(config(false, false), Duration.ofSeconds(30));
    assertRefused(other.abort(run.id(), DEPLOYER_ROLES, DEPLOYER),
        Refusal.ofStatus(Refusal.Code.ALREADY_ABORTING, RunStatus.ABORTING, RunEvent.ABORT));
    call.outcome.complete(TargetOutcome.failure("Aborted", "killed"));
    TrackedRun done = failed.get(10, TimeUnit.SECONDS);
    assertEquals("Aborted by a deployer", done.deployment().failure());
    assertEquals(RunNote.aborted(run.id(), "U2"), awaitNote(run.id(), RunNote.Kind.ABORTED),
        "the thread names who aborted");
    assertRefused(deploys.abort(run.id(), DEPLOYER_ROLES, DEPLOYER),
        Refusal.ofStatus(Refusal.Code.NOTHING_TO_ABORT, RunStatus.FAILED, RunEvent.ABORT));
    assertEquals(List.of("DEPLOYING>ABORTING", "ABORTING>FAILED"), statusChanges(run.id()),
        "the stopped step ends the run through the lifecycle");
  }

  @Test
  void anAbortWhileVerifyingFailsTheRunEvenWhenTheChecksThenPass() throws Exception {
    deploys = service(config(false, false), Duration.ofSeconds(30));
    TrackedRun run = readyRun("v1");
    CompletableFuture<TrackedRun> verifying = waitFor(run.id(), RunStatus.VERIFYING);
    CompletableFuture<TrackedRun> failed = waitFor(run.id(), RunStatus.FAILED);
    get(deploys.launch(run.id(), DEPLOYER_ROLES, DEPLOYER));
    target.next().outcome.complete(TargetOutcome.success("deployed v1", "rev-1", null));
    verifying.get(10, TimeUnit.SECONDS);
    Promise<List<VerifyResult>> checks = verifications.poll(10, TimeUnit.SECONDS);

    TrackedRun aborting = get(deploys.abort(run.id(), DEPLOYER_ROLES, new Origin("U2", "test")));
    assertEquals(RunStatus.ABORTING, aborting.run().status());
    checks.complete(List.of(result(true)));

    assertEquals("Aborted by a deployer", failed.get(10, TimeUnit.SECONDS).deployment().failure());
    assertTrue(get(deploys.store().latestReleases()).isEmpty(), "an aborted verification makes no release");
    assertEquals(List.of("DEPLOYING>VERIFYING", "VERIFYING>ABORTING", "ABORTING>FAILED"), statusChanges(run.id()));
  }

  @Test
  void anAbortingRunTakenOverByAnotherReplicaStopsItsStepAndRollsBackByItself() throws Exception {
    deployAndVerify("v1", true);
    DeployRuns first = service(config(true, false), Duration.ofMillis(600));
    TrackedRun run = launched(first, "v2");
    Call call = target.next();
    get(first.abort(run.id(), DEPLOYER_ROLES, new Origin("U2", "test")));
    first.close(); // the replica dies before its target stopped

    DeployRuns second = service(config(true, false), Duration.ofMillis(600));
    CompletableFuture<TrackedRun> rollingBack = waitFor(run.id(), RunStatus.ROLLING_BACK);
    second.resume();
    Call resumed = target.next();
    assertEquals("deploy", resumed.kind, "the deploy is taken up to be stopped");
    assertTrue(resumed.journal.aborted().isComplete(), "and it is told at once that it is aborted");
    resumed.outcome.complete(TargetOutcome.failure("Stopped: aborted", null));
    TrackedRun rolling = rollingBack.get(10, TimeUnit.SECONDS);
    assertEquals("Aborted by a deployer", rolling.deployment().failure());
    assertEquals("Aborted by a deployer", rolling.deployment().rollbackReason(), "the abort rules rolled back");
    assertNull(rolling.deployment().rollbackBy());
    assertEquals(new LockCause.RolledBack("v2", "Aborted by a deployer"),
        get(second.lockOf("api", "prod")).orElseThrow().cause());
    Call rollback = target.next();
    assertEquals("rollback", rollback.kind);
    assertEquals("v1", rollback.job.version());
    // Stopped, then failed, then the rollback: one transaction, so one audited change.
    assertEquals(List.of("DEPLOYING>ABORTING", "ABORTING>ROLLING_BACK"), statusChanges(run.id()));
    call.outcome.complete(TargetOutcome.success("late answer from the dead replica", null, null));
  }

  @Test
  void anotherReplicaTakesOverADeployWhoseLeaseRanOutWithoutRepeatingIt() throws Exception {
    DeployRuns first = service(config(true, false), Duration.ofMillis(600));
    TrackedRun run = launched(first, "v1");
    Call call = target.next();
    get(call.journal.record(Map.of("updateSent", "true")));
    first.close(); // the replica dies: its lease is no longer renewed

    DeployRuns second = service(config(true, false), Duration.ofMillis(600));
    CompletableFuture<TrackedRun> verifying = waitFor(run.id(), RunStatus.VERIFYING);
    second.resume();
    Call resumed = target.next();
    assertEquals("true", resumed.journal.state().get("updateSent"), "the second replica sees what the first did");
    resumed.outcome.complete(TargetOutcome.success("deployed v1", "rev-1", null));
    verifying.get(10, TimeUnit.SECONDS);
    call.outcome.complete(TargetOutcome.success("late answer from the dead replica", null, null));
    verifications.poll(10, TimeUnit.SECONDS).complete(List.of(result(true)));
    TrackedRun done = waitFor(run.id(), RunStatus.SUCCEEDED).get(10, TimeUnit.SECONDS);
    assertEquals("deployed v1", done.deployment().deployState().get("summary"));
  }

  @Test
  void aStoppingReplicaGivesItsDeployBackSoAnotherTakesItOverAtOnceWithoutAnOutcome() throws Exception {
    DeployRuns first = service(config(true, false), Duration.ofSeconds(30));
    TrackedRun run = launched(first, "v1");
    Call call = target.next();
    get(call.journal.record(Map.of("updateSent", "true")));

    Future<Void> stopped = first.stop(Duration.ofSeconds(10));
    get(call.journal.stopping());
    assertFalse(call.journal.aborted().isComplete(), "a stop is not an abort: the target acts on nothing");
    // What a stopping target returns is no outcome.
    call.outcome.complete(TargetOutcome.failure("Stopped following the rollout", null));
    get(stopped);
    assertTrue(leaseGivenBack(run.id()), "the lease is given back, not left to run out");
    assertEquals(RunStatus.DEPLOYING, get(runs.find(run.id())).run().status());

    DeployRuns second = service(config(true, false), Duration.ofSeconds(30));
    CompletableFuture<TrackedRun> verifying = waitFor(run.id(), RunStatus.VERIFYING);
    assertEquals(1, (int) get(second.resume()), "taken over at once, not after the 30 s lease");
    Call resumed = target.next();
    assertEquals("true", resumed.journal.state().get("updateSent"), "the second replica carries on from the journal");
    resumed.outcome.complete(TargetOutcome.success("deployed v1", "rev-1", null));
    assertEquals("deployed v1", verifying.get(10, TimeUnit.SECONDS).deployment().deployState().get("summary"));
  }

  @Test
  void anAbortAcceptedByAnotherReplicaStopsTheOutcomeFromCountingAsSuccess() throws Exception {
    deploys = service(config(false, false), Duration.ofSeconds(30));
    DeployRuns driving = deploys;
    TrackedRun run = readyRun("v1");
    CompletableFuture<TrackedRun> failed = waitFor(run.id(), RunStatus.FAILED);
    get(driving.launch(run.id(), DEPLOYER_ROLES, DEPLOYER));
    Call call = target.next();

    DeployRuns other = service(config(false, false), Duration.ofSeconds(30));
    get(other.abort(run.id(), DEPLOYER_ROLES, new Origin("U2", "test")));
    // The target never noticed and reports success; the abort still wins when the outcome is written.
    call.outcome.complete(TargetOutcome.success("deployed v1", "rev-1", null));
    TrackedRun done = failed.get(10, TimeUnit.SECONDS);
    assertEquals("Aborted by a deployer", done.deployment().failure());
    assertEquals(RunNote.aborted(run.id(), "U2"), awaitNote(run.id(), RunNote.Kind.ABORTED),
        "the thread names who aborted");
    assertTrue(verifications.isEmpty(), "nothing was verified after the abort");
    assertTrue(get(deploys.store().latestReleases()).isEmpty(), "an aborted deploy is no release");
  }

  @Test
  void aRunThatCanNoLongerBeDrivenIsGivenUpInsteadOfHoldingItsEnvironment() throws Exception {
    DeployRuns first = service(config(true, false), Duration.ofMillis(600));
    TrackedRun run = launched(first, "v1");
    target.next();
    first.close();

    // The config changed meanwhile: the environment no longer has a target.
    PreflightConfig withoutTarget = config(true, false);
    Service.Environment bare = new Service.Environment("prod", "gate", "deploys", List.of("deployer"), false, null,
        VERIFY, AbortRule.DEFAULT);
    withoutTarget = new PreflightConfig(withoutTarget.source(), withoutTarget.signOffReaction(), withoutTarget.roles(),
        withoutTarget.channels(), Map.of("api", new Service("api", Map.of("prod", bare))), withoutTarget.checklists());
    DeployRuns second = service(withoutTarget, Duration.ofMillis(600));
    CompletableFuture<TrackedRun> failed = waitFor(run.id(), RunStatus.FAILED);
    ch.qos.logback.classic.Logger log = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(RunDriver.class);
    ListAppender<ILoggingEvent> logged = new ListAppender<>();
    logged.start();
    log.addAppender(logged);
    try {
      second.resume();
      TrackedRun done = failed.get(10, TimeUnit.SECONDS);
      assertTrue(done.deployment().failure().startsWith("Preflight could not carry this deploy on"),
          done.deployment().failure());
      assertTrue(leaseGivenBack(run.id()), "the lease is given back");
    } finally {
      log.detachAppender(logged);
    }
    // The error an operator (and Sentry) sees names the run, its service and environment.
    ILoggingEvent givenUp = logged.list.stream()
        .filter(event -> event.getFormattedMessage().contains("giving it up")).findFirst().orElseThrow();
    assertEquals(Map.of("run_id", run.id(), "service", "api", "environment", "prod"), givenUp.getMDCPropertyMap());
  }

  @Test
  void aRunWhoseChecklistLeftTheConfigCannotLaunchOrChangeButCanBeCancelled() throws Exception {
    TrackedRun run = readyRun("v1");
    deploys = service(withoutChecklist(config(true, false)), Duration.ofSeconds(30)); // restarted on a new config

    TrackedRun stored = get(runs.find(run.id()));
    assertTrue(stored.checklistGone());
    assertEquals(RunStatus.READY, stored.run().status(), "read as stored");
    assertEquals(ItemState.PASSED, stored.run().progress("ready").state());
    Refusal gone = Refusal.checklistGone("gate");
    assertRefused(deploys.launch(run.id(), DEPLOYER_ROLES, DEPLOYER), gone);
    assertRefused(runs.untick(run.id(), "ready", DEPLOYER), gone);
    assertTrue(target.calls.isEmpty(), "nothing was deployed");

    TrackedRun cancelled = get(deploys.cancel(run.id(), DEPLOYER_ROLES, DEPLOYER));
    assertEquals(RunStatus.CANCELLED, cancelled.run().status(), "the environment is freed for a new run");
    assertEquals(RunStatus.CANCELLED, get(runs.find(run.id())).run().status());
  }

  @Test
  void aDeployInFlightWhenItsChecklistLeftTheConfigCarriesOnToItsEnd() throws Exception {
    DeployRuns first = service(config(true, false), Duration.ofMillis(600));
    TrackedRun run = launched(first, "v1");
    Call call = target.next();
    first.close(); // the bot stops mid-deploy; it starts again on a config without the checklist

    DeployRuns second = service(withoutChecklist(config(true, false)), Duration.ofMillis(600));
    second.resume();
    Call resumed = target.next();
    resumed.outcome.complete(TargetOutcome.success("deployed v1", "rev-1", null));
    call.outcome.complete(TargetOutcome.success("late answer from the stopped bot", null, null));
    verifications.poll(10, TimeUnit.SECONDS).complete(List.of(result(true)));
    TrackedRun done = waitFor(run.id(), RunStatus.SUCCEEDED).get(10, TimeUnit.SECONDS);
    assertTrue(done.checklistGone());
    assertEquals("v1", get(second.store().latestReleases()).get(0).version());
  }

  /** The same config with its checklists taken out, as after someone deleted the checklist's file. */
  private static PreflightConfig withoutChecklist(PreflightConfig config) {
    return new PreflightConfig(config.source(), config.signOffReaction(), config.roles(), config.channels(),
        config.services(), Map.of(), config.alertRoutes(), config.runbooks());
  }

  @Test
  void autoLaunchStartsTheDeployWhenTheGatesPass() throws Exception {
    deploys = service(config(true, true), Duration.ofSeconds(30));
    TrackedRun run = get(deploys.open("api", "v1", "prod", DEPLOYER_ROLES, DEPLOYER));
    get(runs.tick(run.id(), "ready", DEPLOYER));
    Call call = target.next();
    assertEquals("deploy", call.kind);
    assertEquals("U1", get(runs.find(run.id())).deployment().launchedBy());
  }

  // Helpers

  private TrackedRun readyRun(String version) throws Exception {
    TrackedRun run = get(deploys.open("api", version, "prod", DEPLOYER_ROLES, DEPLOYER));
    return get(runs.tick(run.id(), "ready", DEPLOYER));
  }

  /** Opens, readies and launches a run on the replica created last (whose checklist runs are {@code runs}). */
  private TrackedRun launched(DeployRuns replica, String version) throws Exception {
    TrackedRun run = get(replica.open("api", version, "prod", DEPLOYER_ROLES, DEPLOYER));
    get(runs.tick(run.id(), "ready", DEPLOYER));
    get(replica.launch(run.id(), DEPLOYER_ROLES, DEPLOYER));
    return run;
  }

  private TrackedRun deployAndVerify(String version, boolean healthy) throws Exception {
    TrackedRun run = readyRun(version);
    CompletableFuture<TrackedRun> end = waitFor(run.id(), healthy ? RunStatus.SUCCEEDED : RunStatus.FAILED);
    get(deploys.launch(run.id(), DEPLOYER_ROLES, DEPLOYER));
    target.next().outcome.complete(TargetOutcome.success("deployed " + version, "rev-" + version, null));
    verifications.poll(10, TimeUnit.SECONDS).complete(List.of(result(healthy)));
    return end.get(10, TimeUnit.SECONDS);
  }

  private static VerifyResult result(boolean passed) {
    Evidence evidence = passed ? new Evidence(true, "200 OK", 200, 5L, null, null, 1)
        : new Evidence(false, "503 Service Unavailable", 503, 5L, null, "expected 200", 5);
    return new VerifyResult("health", "Health", Verification.Kind.HEALTH, evidence, List.of());
  }

  private CompletableFuture<TrackedRun> waitFor(String runId, RunStatus status) {
    CompletableFuture<TrackedRun> wait = new CompletableFuture<>();
    waits.put(runId + "/" + status + "/" + UUID.randomUUID(), wait);
    return wait;
  }

  /** The first note of this kind for the run; notes follow the change they are about, so they are awaited. */
  private RunNote awaitNote(String runId, RunNote.Kind kind) throws Exception {
    CompletableFuture<RunNote> seen = new CompletableFuture<>();
    Consumer<RunNote> wait = note -> {
      if (note.runId().equals(runId) && note.kind() == kind) {
        seen.complete(note);
      }
    };
    noteWaits.add(wait);
    notes.forEach(wait);
    return seen.get(10, TimeUnit.SECONDS);
  }

  private List<String> statusChanges(String runId) throws Exception {
    return StoredRuns.statusChanges(pool, runId);
  }

  private long count(String sql) throws Exception {
    return get(pool.query(sql).execute()).iterator().next().getLong(0);
  }

  /** Whether the run's lease is released; the release follows the last change, so it is awaited. */
  private boolean leaseGivenBack(String runId) throws Exception {
    Promise<Boolean> released = Promise.promise();
    long[] timer = new long[1];
    timer[0] = vertx.setPeriodic(20, id -> pool.preparedQuery("select lease_owner from runs where id = $1")
        .execute(Tuple.of(UUID.fromString(runId)))
        .onSuccess(rows -> {
          if (rows.iterator().next().getString(0) == null) {
            vertx.cancelTimer(timer[0]);
            released.tryComplete(true);
          }
        }));
    return get(released.future());
  }

  private static void assertRefused(Future<?> future, Refusal expected) throws Exception {
    assertEquals(expected, refusal(future));
  }

  private static Refusal refusal(Future<?> future) {
    ExecutionException failure = assertThrows(ExecutionException.class, () -> get(future));
    return assertInstanceOf(RunRuleException.class, failure.getCause()).refusal();
  }


  private static <T> T get(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  private record Call(String kind, DeployJob job, TargetJournal journal, Promise<TargetOutcome> outcome) {}

  /** A target the test answers for, one call at a time. */
  private static final class ScriptedTarget implements DeployTarget {
    final BlockingQueue<Call> calls = new LinkedBlockingQueue<>();
    volatile Optional<LiveVersion> live = Optional.empty();

    @Override
    public Future<Optional<LiveVersion>> live(DeployJob job) {
      return Future.succeededFuture(live);
    }

    @Override
    public Future<TargetOutcome> deploy(DeployJob job, TargetJournal journal) {
      return call("deploy", job, journal);
    }

    @Override
    public Future<TargetOutcome> rollback(DeployJob job, TargetJournal journal) {
      return call("rollback", job, journal);
    }

    private Future<TargetOutcome> call(String kind, DeployJob job, TargetJournal journal) {
      Promise<TargetOutcome> outcome = Promise.promise();
      calls.add(new Call(kind, job, journal, outcome));
      return outcome.future();
    }

    Call next() throws InterruptedException {
      Call call = calls.poll(10, TimeUnit.SECONDS);
      if (call == null) {
        throw new AssertionError("the target was not called");
      }
      return call;
    }
  }
}
