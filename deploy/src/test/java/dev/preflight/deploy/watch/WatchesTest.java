package dev.preflight.deploy.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import dev.preflight.checklists.deploy.Watch;
import dev.preflight.checklists.run.Evidence;
import dev.preflight.checklists.run.RunStatus;
import dev.preflight.checklists.secret.Variables;
import dev.preflight.deploy.TestDatabase;
import dev.preflight.deploy.aws.AwsClients;
import dev.preflight.deploy.check.CheckRunner;
import dev.preflight.deploy.run.ChecklistRuns;
import dev.preflight.deploy.run.DeployRuns;
import dev.preflight.deploy.run.Origin;
import dev.preflight.deploy.run.RunRepository;
import dev.preflight.deploy.run.TrackedRun;
import dev.preflight.deploy.target.DeployJob;
import dev.preflight.deploy.target.DeployTarget;
import dev.preflight.deploy.target.TargetJournal;
import dev.preflight.deploy.target.TargetOutcome;
import dev.preflight.deploy.verify.Verifier;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The post-deploy watch against a real database, the real verifier and a local service that
 * can be switched to failing. Deploys go through {@link DeployRuns} with a target that answers
 * at once (or, when told to, never), so the watch starts and stops where it does in production.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class WatchesTest {

  private static final Origin DEPLOYER = new Origin("U1", "test");
  private static final Set<String> DEPLOYER_ROLES = Set.of("deployer");
  private static final Checklist CHECKLIST = new Checklist("gate", "Gate", "gate.yaml", null,
      List.of(new Section("Before", List.of(new Item("ready", "Ready", true, null)))),
      SignOffRule.NONE, List.of());
  private static final Duration FAST = Duration.ofMillis(100);
  private static final Duration MANUAL = Duration.ofHours(1);

  private Vertx vertx;
  private TestDatabase database;
  private AwsClients aws;
  private CheckRunner checks;
  private String base;
  private final List<Pool> pools = new ArrayList<>();
  private final List<DeployRuns> deployServices = new ArrayList<>();
  private final List<Watches> watchServices = new ArrayList<>();

  /** How the local service answers: "ok", "failing", or "hold" (parks the request for the test). */
  private final AtomicReference<String> health = new AtomicReference<>("ok");
  private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
  private final BlockingQueue<RoutingContext> parked = new LinkedBlockingQueue<>();
  private final AtomicBoolean holdDeploys = new AtomicBoolean();

  private Pool pool;
  private ChecklistRuns runs;
  private DeployRuns deploys;

  @BeforeEach
  void setUp() throws Exception {
    vertx = Vertx.vertx();
    database = TestDatabase.create();
    aws = new AwsClients();
    checks = new CheckRunner(vertx, aws);
    Router router = Router.router(vertx);
    router.get("/health/:version").handler(rc -> {
      requests.computeIfAbsent(rc.pathParam("version"), v -> new AtomicInteger()).incrementAndGet();
      switch (health.get()) {
        case "ok" -> rc.response().end("ok");
        case "hold" -> parked.add(rc);
        default -> rc.response().setStatusCode(503).end("database unreachable");
      }
    });
    HttpServer server = get(vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"));
    base = "http://127.0.0.1:" + server.actualPort();
  }

  @AfterEach
  void tearDown() {
    watchServices.forEach(Watches::close);
    deployServices.forEach(DeployRuns::close);
    pools.forEach(Pool::close);
    checks.close();
    aws.close();
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }

  // The schedule

  @Test
  void theWatchRunsOnItsScheduleWithTheRunsVersionAndStopsAtItsEnd() throws Exception {
    Watches watches = replica(new Watch(Duration.ofMillis(200), Duration.ofSeconds(2)), FAST);
    get(watches.start());
    TrackedRun run = deploy("v1");

    WatchState ended = awaitWatch(watches, run.id(), WatchState::stopped);
    assertEquals(WatchState.ENDED, ended.stopReason());
    assertTrue(ended.passes() >= 2, "the schedule fired repeatedly: " + ended);
    assertEquals(0, ended.failures());
    assertEquals(1 + ended.passes(), requests("v1"), "the deploy's verification, then one request per pass");

    assertEquals(0, get(watches.pass()), "nothing is due once the watch ended");
    assertEquals(1 + ended.passes(), requests("v1"));
    assertTrue(get(watches.live()).isEmpty());
  }

  @Test
  void roundsEveryTwoSecondsAreDueTwoSecondsApartAndRunInOrder() throws Exception {
    // The rescan is the old fixed tick: rounds must not wait for it.
    Watches watches = replica(new Watch(Duration.ofSeconds(2), Duration.ofMinutes(5)), Duration.ofSeconds(15));
    List<WatchRound> rounds = new CopyOnWriteArrayList<>();
    watches.onRound(rounds::add);
    get(watches.start());
    TrackedRun run = deploy("v1");
    Instant firstDue = get(watches.find(run.id())).orElseThrow().nextAt();

    awaitCondition(() -> Future.succeededFuture(rounds.size()), n -> n >= 4);
    List<WatchState> seen = rounds.stream().map(WatchRound::watch).toList().subList(0, 4);
    assertEquals(List.of(1, 2, 3, 4), seen.stream().map(WatchState::passes).toList(), "one round at a time, in order");
    assertEquals(List.of(firstDue, firstDue.plusSeconds(2), firstDue.plusSeconds(4), firstDue.plusSeconds(6)),
        seen.stream().map(WatchState::lastDueAt).toList(), "each round is due two seconds after the one before");
    for (WatchState round : seen) {
      assertEquals(round.lastDueAt().plusSeconds(2), round.nextAt(), "the next round is set from this one's due time");
      assertFalse(round.lastAt().isBefore(round.lastDueAt()), "a round never runs before it is due: " + round);
    }
  }

  @Test
  void theCadenceCarriesOverToAnotherReplicaWhenTheFirstStops() throws Exception {
    Watch watch = new Watch(Duration.ofSeconds(2), Duration.ofMinutes(5));
    Watches second = replica(watch, Duration.ofSeconds(15));
    Watches first = replica(watch, Duration.ofSeconds(15)); // the deploy goes through this replica
    List<WatchRound> byFirst = new CopyOnWriteArrayList<>();
    List<WatchRound> bySecond = new CopyOnWriteArrayList<>();
    first.onRound(byFirst::add);
    second.onRound(bySecond::add);
    get(first.start());
    TrackedRun run = deploy("v1");
    Instant firstDue = get(first.find(run.id())).orElseThrow().nextAt();
    awaitCondition(() -> Future.succeededFuture(byFirst.size()), n -> n >= 2);

    // Another replica comes up (a rolling restart), and the first stops.
    get(second.start());
    get(first.close());
    int secondsBefore = bySecond.size();
    awaitCondition(() -> Future.succeededFuture(bySecond.size()), n -> n >= secondsBefore + 2);

    List<WatchState> all = new ArrayList<>();
    byFirst.forEach(round -> all.add(round.watch()));
    bySecond.forEach(round -> all.add(round.watch()));
    all.sort(java.util.Comparator.comparing(WatchState::passes));
    for (int i = 0; i < all.size(); i++) {
      assertEquals(i + 1, all.get(i).passes(), "every round once, in order: " + all);
      assertEquals(firstDue.plusSeconds(2L * i), all.get(i).lastDueAt(), "round " + (i + 1) + " on the same grid");
    }
    assertEquals(1 + all.size(), requests("v1"), "the deploy's verification, then one request per round");
  }

  @Test
  void aStoppingReplicaGivesItsRoundBackSoAnotherRunsItAtOnce() throws Exception {
    Watches first = replica(new Watch(Duration.ofMinutes(1), Duration.ofHours(4)), MANUAL);
    TrackedRun run = deploy("v1");
    execute("update watches set next_at = now() where run_id = $1", run.id());
    health.set("hold");
    Future<Integer> pass = first.pass();
    RoutingContext request = parked.poll(20, TimeUnit.SECONDS);
    assertTrue(request != null, "the round reached the service");

    get(first.close());
    Watches second = replica(new Watch(Duration.ofMinutes(1), Duration.ofHours(4)), MANUAL);
    health.set("ok");
    assertEquals(1, get(second.pass()), "the round given back is due, not held for its 30 s claim");
    request.response().end("ok");
    get(pass);
    WatchState state = get(second.find(run.id())).orElseThrow();
    assertEquals(1, state.passes(), "the round cut short by the stop was not recorded: " + state);
  }

  @Test
  void anOverdueWatchRunsOnceNotOncePerMissedSlot() throws Exception {
    Watches watches = replica(new Watch(Duration.ofMinutes(1), Duration.ofHours(4)), MANUAL);
    TrackedRun run = deploy("v1");
    assertEquals(0, get(watches.pass()), "the first pass is one interval after the deploy");
    // The bot was down for ten slots.
    execute("update watches set next_at = now() - interval '10 minutes' where run_id = $1", run.id());

    assertEquals(1, get(watches.pass()));
    assertEquals(0, get(watches.pass()), "the missed slots are not made up for");
    WatchState state = get(watches.find(run.id())).orElseThrow();
    assertEquals(1, state.passes());
    assertTrue(state.nextAt().isAfter(state.lastAt()), state.toString());
    assertEquals(0, Duration.between(state.lastDueAt(), state.nextAt()).toMillis() % 60_000,
        "the missed slots are skipped, the cadence kept: " + state);
    assertFalse(state.stopped());
  }

  // Alerts

  @Test
  void aFailureIsAnnouncedOncePerFailingStreakAndItsRecoveryOnceWhenItEnds() throws Exception {
    Watches watches = replica(new Watch(FAST, Duration.ofMinutes(5)), Duration.ofMillis(50));
    List<WatchFailure> alerts = new CopyOnWriteArrayList<>();
    List<WatchRecovery> recoveries = new CopyOnWriteArrayList<>();
    watches.onFailure(alerts::add);
    watches.onRecovery(recoveries::add);
    get(watches.start());
    TrackedRun run = deploy("v1");
    int healthy = awaitWatch(watches, run.id(), w -> w.passes() >= 1).passes();

    health.set("failing");
    WatchState streak = awaitWatch(watches, run.id(), w -> w.failures() >= 3);
    assertEquals(1, alerts.size(), "three failing passes, one alert");
    WatchFailure alert = alerts.get(0);
    assertEquals(run.id(), alert.run().id());
    assertEquals("v1", alert.run().deployment().version());
    assertEquals(List.of("expected 200, got 503"),
        alert.failed().stream().map(r -> r.evidence().summary()).toList());
    assertTrue(streak.alertedAt() != null && streak.passes() > healthy, streak.toString());
    assertTrue(recoveries.isEmpty(), "still failing");
    get(watches.alertPosted(run.id(), "C0ALERTS01", "1700000000.000100"));

    health.set("ok");
    WatchState recovered = awaitWatch(watches, run.id(), w -> w.failures() == 0);
    awaitCondition(() -> Future.succeededFuture(recoveries.size()), n -> n == 1);
    int streakLength = recoveries.get(0).failedInARow();
    assertTrue(streakLength >= 3, "the whole streak: " + streakLength);
    assertEquals("1700000000.000100", recoveries.get(0).watch().alertTs(), "the recovery knows the alert to answer");
    assertEquals("C0ALERTS01", recoveries.get(0).watch().alertChannel());
    assertEquals(run.id(), recoveries.get(0).run().id());
    awaitWatch(watches, run.id(), w -> w.passes() >= recovered.passes() + 2);
    assertEquals(1, recoveries.size(), "passing rounds after the recovery announce nothing more");

    health.set("failing");
    awaitCondition(() -> Future.succeededFuture(alerts.size()), n -> n == 2);
    WatchState again = awaitWatch(watches, run.id(), w -> w.failures() >= 2);
    assertEquals(2, alerts.size(), "it failed again after recovering: a second alert, and only one");
    assertEquals(null, again.alertTs(), "a new streak's alert is not posted yet; the old one's place is forgotten");
    assertEquals(streakLength + again.failures(), again.failedRounds(), "failing rounds over the watch's life");
  }

  // Restarts and replicas

  @Test
  void aWatchSurvivesARestartWithoutRealertingAndTwoReplicasRunEachPassOnce() throws Exception {
    Watches first = replica(new Watch(FAST, Duration.ofSeconds(5)), MANUAL);
    List<WatchFailure> firstAlerts = new CopyOnWriteArrayList<>();
    first.onFailure(firstAlerts::add);
    TrackedRun run = deploy("v1");
    health.set("failing");
    awaitCondition(first::pass, claimed -> claimed == 1);
    assertEquals(1, firstAlerts.size());
    first.close(); // the bot stops between passes

    List<WatchFailure> laterAlerts = new CopyOnWriteArrayList<>();
    Watches second = replica(new Watch(FAST, Duration.ofSeconds(5)), Duration.ofMillis(30));
    Watches third = replica(new Watch(FAST, Duration.ofSeconds(5)), Duration.ofMillis(30));
    second.onFailure(laterAlerts::add);
    third.onFailure(laterAlerts::add);
    get(second.start());
    get(third.start());

    WatchState ended = awaitWatch(second, run.id(), WatchState::stopped);
    assertTrue(ended.passes() >= 3, "the replicas carried the schedule on: " + ended);
    assertEquals(ended.passes(), ended.failures(), "every pass failed");
    assertTrue(laterAlerts.isEmpty(), "the streak was announced before the restart; not again");
    assertEquals(1 + ended.passes(), requests("v1"), "no pass ran on both replicas");
  }

  // Superseded watches

  @Test
  void aNewerLaunchStopsTheWatchAndItsPassUnderWayDoesNotAlert() throws Exception {
    Watches watches = replica(new Watch(Duration.ofMinutes(1), Duration.ofHours(4)), MANUAL);
    List<WatchFailure> alerts = new CopyOnWriteArrayList<>();
    watches.onFailure(alerts::add);
    TrackedRun first = deploy("v1");
    execute("update watches set next_at = now() where run_id = $1", first.id());

    health.set("hold");
    Future<Integer> pass = watches.pass();
    RoutingContext request = parked.poll(20, TimeUnit.SECONDS);
    assertTrue(request != null, "the pass reached the service");

    holdDeploys.set(true);
    TrackedRun second = readyRun("v2");
    get(deploys.launch(second.id(), DEPLOYER_ROLES, DEPLOYER));
    WatchState stopped = get(watches.find(first.id())).orElseThrow();
    assertTrue(stopped.stopReason().startsWith(WatchState.SUPERSEDED + ": v2 launched"), stopped.stopReason());

    request.response().setStatusCode(503).end("down");
    assertEquals(1, get(pass), "the pass was under way");
    assertTrue(alerts.isEmpty(), "a superseded watch never alerts");
    WatchState after = get(watches.find(first.id())).orElseThrow();
    assertEquals(0, after.passes(), "its last pass was dropped");
    assertEquals(0, after.failures());
    assertTrue(get(watches.live()).isEmpty());
  }

  @Test
  void aRollbackStopsTheWatchOfTheRunItRollsBack() throws Exception {
    Watches watches = replica(new Watch(Duration.ofMinutes(1), Duration.ofHours(4)), MANUAL);
    TrackedRun first = deploy("v1");
    TrackedRun second = deploy("v2");
    assertTrue(get(watches.find(first.id())).orElseThrow().stopReason().startsWith(WatchState.SUPERSEDED));
    assertFalse(get(watches.find(second.id())).orElseThrow().stopped());

    get(deploys.rollback(second.id(), DEPLOYER_ROLES, DEPLOYER));
    WatchState rolledBack = get(watches.find(second.id())).orElseThrow();
    assertTrue(rolledBack.stopReason().startsWith(WatchState.ROLLED_BACK), rolledBack.stopReason());
    assertTrue(get(watches.live()).isEmpty());
    awaitStatus(second.id(), RunStatus.ROLLED_BACK);
    assertTrue(get(watches.find(second.id())).orElseThrow().stopped(), "a rolled back run is not watched again");
  }

  @Test
  void anEnvironmentWithoutAWatchIsNotWatched() throws Exception {
    Watches watches = replica(null, MANUAL);
    TrackedRun run = deploy("v1");
    assertTrue(get(watches.find(run.id())).isEmpty());
  }

  // Helpers

  /** A bot replica: its own pool, deploy runs and watches on the shared database. */
  private Watches replica(Watch watch, Duration tick) {
    PreflightConfig config = config(watch);
    pool = PgBuilder.pool().connectingTo(database.connectOptions()).using(vertx).build();
    pools.add(pool);
    RunRepository repository = new RunRepository(pool, config::checklist);
    runs = new ChecklistRuns(vertx, repository, spec -> Future.succeededFuture(Evidence.failure("unused", null, 1)),
        config::checklist, Clock.systemUTC());
    Verifier verifier = new Verifier(checks);
    Variables variables = Variables.of(Map.of());
    DeployRuns service = new DeployRuns(vertx, config, runs, repository, t -> new AnsweringTarget(),
        (verification, placeholders, onResult, aborted) ->
            verifier.verify(verification, placeholders, variables, onResult, aborted),
        variables, Clock.systemUTC(), Duration.ofSeconds(30));
    deployServices.add(service);
    deploys = service;
    Watches watches = new Watches(vertx, config, repository,
        (verification, placeholders, onResult, aborted) ->
            verifier.verify(verification, placeholders, variables, onResult, aborted),
        tick, Duration.ofSeconds(30));
    watches.attach(service);
    watchServices.add(watches);
    return watches;
  }

  private PreflightConfig config(Watch watch) {
    CheckSpec.Http check = new CheckSpec.Http("GET", base + "/health/{version}", Map.of(), null, List.of(200),
        Map.of(), null, null, new CheckSpec.Timing(Duration.ofSeconds(10), 0, Duration.ofMillis(10)));
    Verification verify = new Verification(
        List.of(new Verification.VerifyCheck("health", "Health", Verification.Kind.HEALTH, check)), List.of());
    Service.Environment prod = new Service.Environment("prod", "gate", "deploys", List.of("deployer"), false,
        new Target.Command(List.of("deploy.sh"), List.of("deploy.sh", "rollback", "{version}"), Map.of(), null,
            Duration.ofMinutes(1)),
        verify, new AbortRule(Set.of(AbortRule.DEPLOY, "health"), false), "alerts", watch);
    return new PreflightConfig("preflight.yaml", "white_check_mark",
        Map.of("deployer", new Role("deployer", List.of("U1"), List.of())),
        Map.of("deploys", "C0DEPLOYS1", "alerts", "C0ALERTS01"),
        Map.of("api", new Service("api", Map.of("prod", prod))),
        Map.of("gate", CHECKLIST));
  }

  private TrackedRun readyRun(String version) throws Exception {
    TrackedRun run = get(deploys.open("api", version, "prod", DEPLOYER_ROLES, DEPLOYER));
    return get(runs.tick(run.id(), "ready", DEPLOYER));
  }

  /** Deploys a version through the orchestrator and waits for it to succeed. */
  private TrackedRun deploy(String version) throws Exception {
    TrackedRun run = readyRun(version);
    get(deploys.launch(run.id(), DEPLOYER_ROLES, DEPLOYER));
    return awaitStatus(run.id(), RunStatus.SUCCEEDED);
  }

  private TrackedRun awaitStatus(String runId, RunStatus status) throws Exception {
    return awaitCondition(() -> runs.find(runId), run -> run.run().status() == status);
  }

  private WatchState awaitWatch(Watches watches, String runId, Predicate<WatchState> done) throws Exception {
    return awaitCondition(() -> watches.find(runId).map(found -> found.orElse(null)),
        state -> state != null && done.test(state));
  }

  /** Asks again every 20 ms until the answer satisfies {@code done}, for up to 30 seconds. */
  private <T> T awaitCondition(Supplier<Future<T>> probe, Predicate<T> done) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      T value = get(probe.get());
      if (done.test(value)) {
        return value;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("gave up waiting; last seen: " + value);
      }
      Promise<Void> later = Promise.promise();
      vertx.setTimer(20, id -> later.complete());
      get(later.future());
    }
  }

  private int requests(String version) {
    AtomicInteger count = requests.get(version);
    return count == null ? 0 : count.get();
  }

  private void execute(String sql, String runId) throws Exception {
    get(pool.preparedQuery(sql).execute(Tuple.of(UUID.fromString(runId))));
  }

  private static <T> T get(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  /** Deploys and rolls back at once, or, while {@code holdDeploys} is set, never answers a deploy. */
  private final class AnsweringTarget implements DeployTarget {
    @Override
    public Future<TargetOutcome> deploy(DeployJob job, TargetJournal journal) {
      return holdDeploys.get() ? Promise.<TargetOutcome>promise().future()
          : Future.succeededFuture(TargetOutcome.success("deployed " + job.version(), "rev-" + job.version(), null));
    }

    @Override
    public Future<TargetOutcome> rollback(DeployJob job, TargetJournal journal) {
      return Future.succeededFuture(TargetOutcome.success("restored " + job.version(), null, null));
    }
  }
}
