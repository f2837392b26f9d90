package dev.preflight.deploy.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

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
import dev.preflight.checklists.run.RunStatus;
import dev.preflight.checklists.secret.Variables;
import dev.preflight.deploy.TestDatabase;
import dev.preflight.deploy.aws.AwsClients;
import dev.preflight.deploy.aws.Elbv2Client;
import dev.preflight.deploy.check.CheckRunner;
import dev.preflight.deploy.check.MetricBaselines;
import dev.preflight.deploy.fake.FakeElbv2;
import dev.preflight.deploy.fake.FakeEcs;
import dev.preflight.deploy.fake.FakeEcs.UpdateServiceCall;
import dev.preflight.deploy.runner.CanaryStageState;
import dev.preflight.deploy.target.EcsTarget;
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
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * An ECS canary through the real runner and PostgreSQL: the ECS fake moves the canary and stable
 * services' rollouts, the ELBv2 fake keeps every forward weight the rule was given, and a real
 * HTTP service is the analysis check's source. Asserts the weights the load balancer held, stage
 * by stage, and what ECS was asked to do.
 */
class EcsCanaryStagesTest {

  private static final Origin DEPLOYER = new Origin("U1", "test");
  private static final Set<String> DEPLOYER_ROLES = Set.of("deployer");
  private static final Checklist CHECKLIST = new Checklist("gate", "Gate", "gate.yaml", null,
      List.of(new Section("Before", List.of(new Item("ready", "Ready", true, null)))), SignOffRule.NONE, List.of());
  private static final String RULE = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/web/"
      + "50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee";
  private static final String BLUE = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web-blue/1";
  private static final String GREEN = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web-green/2";
  private static final String WEB_2 = "arn:aws:ecs:us-east-1:123456789012:task-definition/web:2";

  private Vertx vertx;
  private TestDatabase database;
  private FakeEcs ecs;
  private FakeElbv2 elb;
  private AwsClients aws;
  private Elbv2Client elbClient;
  private Pool pool;
  private ChecklistRuns runs;
  private DeployRuns deploys;
  private String web1;
  /** The status the analysis endpoint answers with: 200 while the canary is healthy. */
  private final AtomicInteger health = new AtomicInteger(200);
  private int port;

  @BeforeEach
  void setUp() throws Exception {
    vertx = Vertx.vertx();
    database = TestDatabase.create();
    ecs = get(FakeEcs.start(vertx));
    elb = get(FakeElbv2.start(vertx)).forwarding(RULE, BLUE);
    aws = new AwsClients(Optional.of(ecs.endpoint()),
        StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTESTTESTTEST", "dummy-secret-key")));
    elbClient = new Elbv2Client(vertx, aws, Elbv2Client.ELBV2,
        Map.of("AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2", elb.endpoint().toString()));
    web1 = ecs.registerTaskDefinition("web", Map.of("web", "registry.example.com/web:1.0.0"));
    ecs.service("prod", "web", web1, 2).service("prod", "web-canary", web1, 0);
    port = get(vertx.createHttpServer()
        .requestHandler(request -> request.response().setStatusCode(health.get()).end("errors"))
        .listen(0, "127.0.0.1")).actualPort();
    deploys = replica();
  }

  @AfterEach
  void tearDown() {
    deploys.close();
    pool.close();
    elbClient.close();
    aws.close();
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }

  @Test
  void aHealthyEcsCanaryMovesTheRuleStageByStageAndPromotesTheStableService() throws Exception {
    String runId = launch("v2.0.0");

    TrackedRun done = await(runId, run -> run.run().status() == RunStatus.SUCCEEDED);

    assertEquals(List.of("100/0", "90/10", "50/50", "0/100", "100/0"), elb.weightsSet(RULE),
        "all on stable for the canary's deploy, each stage's weight, then all on stable again after promote");
    assertEquals(List.of(new UpdateServiceCall("prod", "web-canary", WEB_2), new UpdateServiceCall("prod", "web", WEB_2),
        new UpdateServiceCall("prod", "web-canary", WEB_2)), ecs.updateServiceCalls());
    assertEquals(WEB_2, ecs.serviceTaskDefinition("prod", "web"));
    assertEquals(0, ecs.counts("prod", "web-canary")[0], "the canary service is scaled to 0 after promote");
    assertEquals("passed", done.deployment().deployState().get("stage.2.outcome"));
  }

  @Test
  void promoteShipsTheRevisionTheDeployRecordedEvenWhenTheCanaryServiceWasChangedByHandDuringTheStages()
      throws Exception {
    String runId = launch("v2.0.0");
    await(runId, run -> WEB_2.equals(run.deployment().deployState().get("revision")));
    // Someone puts the canary service back on the old revision by hand while the stages hold.
    ecs.service("prod", "web-canary", web1, 1);

    TrackedRun done = await(runId, run -> run.run().status() == RunStatus.SUCCEEDED);

    assertEquals(WEB_2, ecs.serviceTaskDefinition("prod", "web"), "promote shipped what the deploy registered");
    assertEquals(new UpdateServiceCall("prod", "web", WEB_2), ecs.updateServiceCalls().stream()
        .filter(call -> call.service().equals("web")).findFirst().orElseThrow());
    assertEquals("passed", done.deployment().deployState().get("stage.2.outcome"));
  }

  @Test
  void aFailedAnalysisInStageTwoPutsAllTrafficBackScalesTheCanaryDownAndLeavesTheStableServiceAlone()
      throws Exception {
    String runId = launch("v2.0.1");
    await(runId, run -> CanaryStageState.of(run.deployment()).map(held -> held.number() == 2).orElse(false));
    health.set(503);

    TrackedRun done = await(runId, run -> run.run().status() == RunStatus.ROLLED_BACK);

    assertEquals(List.of("100/0", "90/10", "50/50", "100/0", "100/0"), elb.weightsSet(RULE),
        "the failed stage sends all traffic back at once; the rollback sets it again");
    assertEquals("Canary stage 2 of 3: 5xx rate: expected 200, got 503", done.deployment().failure());
    assertEquals(0, ecs.counts("prod", "web-canary")[0]);
    assertEquals(web1, ecs.serviceTaskDefinition("prod", "web"));
    assertFalse(ecs.updateServiceCalls().stream().anyMatch(call -> call.service().equals("web")),
        "the stable service never left its revision: " + ecs.updateServiceCalls());
  }

  // Helpers

  private PreflightConfig config() {
    CheckSpec.Http errors = new CheckSpec.Http("GET", "http://127.0.0.1:" + port + "/errors", Map.of(), null,
        List.of(200), Map.of(), null, null, new CheckSpec.Timing(Duration.ofSeconds(2), 0, Duration.ZERO));
    Duration hold = Duration.ofSeconds(2);
    RolloutPlan plan = new RolloutPlan(List.of(new RolloutPlan.Stage(10, hold), new RolloutPlan.Stage(50, hold),
        new RolloutPlan.Stage(100, null)),
        List.of(new Verification.VerifyCheck("errors", "5xx rate", Verification.Kind.HEALTH, errors)),
        Duration.ofSeconds(1), RolloutPlan.Promote.AUTO,
        new RolloutPlan.Traffic.TargetGroups(RULE, "web", BLUE, "web-canary", GREEN, 1));
    Service.Environment prod = new Service.Environment("prod", "gate", "deploys", List.of("deployer"), false,
        new Target.Ecs("prod", "web", "web", null, "us-east-1", Duration.ofMinutes(1)),
        Verification.NONE, new AbortRule(Set.of(AbortRule.DEPLOY), true), null, null, null, plan);
    return new PreflightConfig("preflight.yaml", "white_check_mark",
        Map.of("deployer", new Role("deployer", List.of("U1"), List.of())), Map.of("deploys", "C0DEPLOYS1"),
        Map.of("web", new Service("web", Map.of("prod", prod))), Map.of("gate", CHECKLIST));
  }

  private DeployRuns replica() {
    PreflightConfig config = config();
    pool = PgBuilder.pool().connectingTo(database.connectOptions()).using(vertx).build();
    RunRepository repository = new RunRepository(pool, config::checklist);
    runs = new ChecklistRuns(vertx, repository, spec -> Future.failedFuture("unused"), config::checklist,
        Clock.systemUTC());
    EcsTarget target = new EcsTarget(vertx, aws, Duration.ofMillis(50), elbClient);
    Verifier verifier = new Verifier(new CheckRunner(vertx, aws, new CompositeMeterRegistry(),
        new MetricBaselines(pool)));
    return new DeployRuns(vertx, config, runs, repository, any -> target,
        (checks, placeholders, onResult, aborted) -> verifier.verify(checks, placeholders, Variables.of(Map.of()),
            onResult, aborted), Variables.of(Map.of()), Clock.systemUTC(), Duration.ofSeconds(30));
  }

  private String launch(String version) throws Exception {
    TrackedRun run = get(deploys.open("web", version, "prod", DEPLOYER_ROLES, DEPLOYER));
    get(runs.tick(run.id(), "ready", DEPLOYER));
    get(deploys.launch(run.id(), DEPLOYER_ROLES, DEPLOYER));
    return run.id();
  }

  private TrackedRun await(String runId, Predicate<TrackedRun> until) throws Exception {
    return StoredRuns.await(vertx, runs, runId, until);
  }

  private static <T> T get(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }
}
