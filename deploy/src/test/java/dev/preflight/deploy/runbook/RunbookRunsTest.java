package dev.preflight.deploy.runbook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.preflight.checklists.checklist.SignOffRule;
import dev.preflight.checklists.checklist.SignOffRule.SignOffRequirement;
import dev.preflight.checklists.config.EcsForceNewDeploymentAction;
import dev.preflight.checklists.config.EcsScaleAction;
import dev.preflight.checklists.deploy.EnvLock;
import dev.preflight.checklists.run.Refusal;
import dev.preflight.checklists.runbook.Parameter;
import dev.preflight.checklists.runbook.Runbook;
import dev.preflight.checklists.runbook.RunbookRefusal;
import dev.preflight.checklists.secret.Variables;
import dev.preflight.deploy.TestDatabase;
import dev.preflight.deploy.action.Actions;
import dev.preflight.deploy.action.EcsForceNewDeploymentRunner;
import dev.preflight.deploy.action.EcsScaleRunner;
import dev.preflight.deploy.aws.AwsClients;
import dev.preflight.deploy.fake.FakeEcs;
import dev.preflight.deploy.run.DeploymentStore;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Runbook runs against a real database and the local ECS: refusals, sign-off, steps and a restart mid-step. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class RunbookRunsTest {

  private static final Duration POLL = Duration.ofMillis(30);
  private static final String CLUSTER = "fluxion-cluster";
  private static final EcsScaleAction SCALE_STEP =
      new EcsScaleAction("Scale to {count} on {date}", Duration.ofMinutes(1), CLUSTER, "backend", null, "{count}", 1, 4);
  private static final Runbook SCALE = new Runbook("scale-backend", "Scale the backend", null,
      List.of(new Parameter.Count("count", null, 2, 4)), List.of("sre"),
      new SignOffRule(List.of(new SignOffRequirement("lead", 1)), false), null, "backend", "production",
      List.of(SCALE_STEP));
  private static final Runbook REDEPLOY = new Runbook("redeploy-backend", "Redeploy the backend", null, List.of(),
      List.of("sre"), SignOffRule.NONE, null, null, null,
      List.of(new EcsForceNewDeploymentAction("New deployment", Duration.ofMinutes(1), CLUSTER, "backend", null)));

  private static FakeEcs ecs;
  private static AwsClients clients;
  private TestDatabase database;
  private Pool pool;
  private RunbookStore store;
  private final List<RunbookDriver> drivers = new ArrayList<>();
  private final List<RunbookRun> changes = new java.util.concurrent.CopyOnWriteArrayList<>();

  @BeforeAll
  static void startFake(Vertx vertx, VertxTestContext ctx) {
    FakeEcs.start(vertx).onComplete(ctx.succeeding(fake -> {
      ecs = fake;
      clients = fake.clients();
      ctx.completeNow();
    }));
  }

  @AfterAll
  static void stopClients() {
    if (clients != null) {
      clients.close();
    }
  }

  @BeforeEach
  void seed(Vertx vertx) {
    String definition = ecs.reset().registerTaskDefinition("backend", Map.of("backend", "fluxion-backend:1.0"));
    ecs.service(CLUSTER, "backend", definition, 2);
    database = TestDatabase.create();
    pool = PgBuilder.pool().connectingTo(database.connectOptions()).using(vertx).build();
    store = new RunbookStore(pool);
  }

  @AfterEach
  void close(VertxTestContext ctx) {
    Future.join(drivers.stream().map(RunbookDriver::stop).toList())
        .eventually(() -> pool.close())
        .onComplete(v -> ctx.completeNow());
  }

  private RunbookRuns runs(Vertx vertx, String replica) {
    DeploymentStore locks = new DeploymentStore(pool);
    RunbookRuns runs = new RunbookRuns(store, locks::lockOf, Clock.systemUTC());
    Actions actions = Actions.builder()
        .with(EcsScaleAction.class, new EcsScaleRunner(vertx, clients, POLL))
        .with(EcsForceNewDeploymentAction.class, new EcsForceNewDeploymentRunner(vertx, clients, POLL))
        .build();
    RunbookDriver driver = new RunbookDriver(vertx, store, actions,
        id -> Optional.ofNullable(Map.of(SCALE.id(), SCALE, REDEPLOY.id(), REDEPLOY).get(id)), Variables.of(Map.of()),
        replica, Duration.ofSeconds(3), Clock.systemUTC(), runs::changed);
    drivers.add(driver);
    runs.onChange(changes::add);
    return runs.drivenBy(driver);
  }

  @Test
  void aCountOutOfBoundsIsRefusedAndNothingIsStored(Vertx vertx, VertxTestContext ctx) {
    runs(vertx, "a").start(SCALE, Map.of("count", "9"), "U1", Set.of("sre"), "C1")
        .compose(answer -> pool.query("select count(*) from runbook_runs").execute().map(rows -> {
          ctx.verify(() -> {
            assertFalse(answer.accepted());
            assertEquals(List.of(RunbookRefusal.Code.INVALID_PARAMETER),
                answer.refusals().stream().map(RunbookRefusal::code).toList());
            assertEquals(Parameter.Problem.Kind.OUT_OF_BOUNDS, answer.refusals().get(0).problem().kind());
            assertEquals(0L, rows.iterator().next().getLong(0));
            assertEquals(List.of(), ecs.scaleCalls());
          });
          return rows;
        }))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void aLockedEnvironmentAndAMissingRoleAreRefused(Vertx vertx, VertxTestContext ctx) {
    RunbookRuns runs = runs(vertx, "a");
    DeploymentStore.putLock(pool, EnvLock.manual("backend", "production", "db migration", "U9", Instant.now()))
        .compose(v -> runs.start(SCALE, Map.of("count", "3"), "U1", Set.of("qa"), "C1"))
        .onComplete(ctx.succeeding(answer -> ctx.verify(() -> {
          assertEquals(List.of(RunbookRefusal.Code.ROLE_MISSING, RunbookRefusal.Code.ENVIRONMENT_LOCKED),
              answer.refusals().stream().map(RunbookRefusal::code).toList());
          assertEquals(List.of("sre"), answer.refusals().get(0).names());
          assertEquals("U9", answer.refusals().get(1).lock().by());
          ctx.completeNow();
        })));
  }

  @Test
  void aSignOffRunbookWaitsAndTheRequestersOwnApprovalDoesNotCount(Vertx vertx, VertxTestContext ctx) {
    RunbookRuns runs = runs(vertx, "a");
    Promise<RunbookRun> succeeded = Promise.promise();
    runs.onChange(run -> {
      if (run.status() == RunbookStatus.SUCCEEDED) {
        succeeded.tryComplete(run);
      }
    });
    runs.start(SCALE, Map.of("count", "3"), "U1", Set.of("sre", "lead"), "C1")
        .compose(started -> {
          ctx.verify(() -> {
            assertEquals(RunbookStatus.WAITING, started.run().status());
            assertEquals(List.of(), ecs.scaleCalls());
          });
          return runs.approve(started.run().id(), SCALE, "U1", Set.of("sre", "lead"));
        })
        .compose(own -> {
          ctx.verify(() -> {
            assertEquals(Refusal.Code.STARTER_MAY_NOT_SIGN, own.signOff().code());
            assertEquals(RunbookStatus.WAITING, own.run().status());
            assertEquals(List.of(), own.run().approvals());
          });
          return runs.approve(own.run().id(), SCALE, "U2", Set.of("lead"));
        })
        .compose(approved -> {
          ctx.verify(() -> assertEquals(RunbookStatus.RUNNING, approved.run().status()));
          return succeeded.future();
        })
        .compose(done -> pool.preparedQuery("select action, actor from audit_log where run_id = $1 order by id")
            .execute(io.vertx.sqlclient.Tuple.of(java.util.UUID.fromString(done.id())))
            .map(rows -> {
              List<String> audit = new ArrayList<>();
              rows.forEach(row -> audit.add(row.getString("action") + " " + row.getString("actor")));
              ctx.verify(() -> {
                assertEquals(List.of(new FakeEcs.ScaleCall(CLUSTER, "backend", 3, false)), ecs.scaleCalls());
                assertEquals(StepState.Phase.PASSED, done.steps().get(0).phase());
                assertEquals("Scale to 3 on " + java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd")
                    .withZone(java.time.ZoneOffset.UTC).format(done.createdAt()), done.steps().get(0).name(),
                    "{date} is filled in the name as it is in the fields");
                assertEquals("fluxion-cluster/backend steady at 3 tasks", done.steps().get(0).summary());
                assertEquals(List.of("runbook.started U1", "runbook.approved U2", "runbook.step-started null",
                    "runbook.step-passed null", "runbook.succeeded null"), audit);
              });
              return done;
            }))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void aRestartWhileAStepRunsFollowsTheSameDeploymentToItsEnd(Vertx vertx, VertxTestContext ctx) {
    ecs.pace(0);
    RunbookRuns first = runs(vertx, "replica-a");
    Promise<RunbookRun> sent = Promise.promise();
    first.onChange(when(run -> run.steps().get(0).journal().containsKey("updateSent"), sent));
    first.start(REDEPLOY, Map.of(), "U1", Set.of("sre"), "C1")
        .compose(started -> sent.future())
        // The bot stops mid-step: the deployment is under way, nothing is recorded as its outcome.
        .compose(running -> drivers.get(0).stop().map(running))
        .compose(running -> {
          ecs.pace(1);
          RunbookRuns second = runs(vertx, "replica-b");
          Promise<RunbookRun> ended = Promise.promise();
          second.onChange(when(run -> run.status().finished(), ended));
          return drivers.get(1).resume().compose(v -> ended.future());
        })
        .onComplete(ctx.succeeding(done -> ctx.verify(() -> {
          assertEquals(RunbookStatus.SUCCEEDED, done.status());
          assertEquals(1, ecs.callCount("UpdateService"), "one forced deployment, followed after the restart");
          assertTrue(done.steps().get(0).summary().startsWith("New deployment of fluxion-cluster/backend is PRIMARY"));
          assertNull(done.messageTs());
          ctx.completeNow();
        })));
  }

  private static java.util.function.Consumer<RunbookRun> when(Predicate<RunbookRun> test, Promise<RunbookRun> promise) {
    return run -> {
      if (test.test(run)) {
        promise.tryComplete(run);
      }
    };
  }
}
