package dev.preflight.checklists.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.preflight.checklists.alert.AlertRoute;
import dev.preflight.checklists.checklist.CheckSpec;
import dev.preflight.checklists.checklist.Checklist;
import dev.preflight.checklists.checklist.Item;
import dev.preflight.checklists.checklist.SignOffRule;
import dev.preflight.checklists.checklist.SignOffRule.SignOffRequirement;
import dev.preflight.checklists.deploy.AbortRule;
import dev.preflight.checklists.deploy.Target;
import dev.preflight.checklists.deploy.Verification;
import dev.preflight.checklists.deploy.Watch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The working example configs and the checklists translated from the seeds stay valid and faithful. */
class ExamplesTest {

  static final Path CONFIG = Path.of("..", "preflight.yaml");
  static final Path EXAMPLES = Path.of("examples");
  static final Path SYSTEMS = EXAMPLES.resolve("systems");
  static PreflightConfig config;

  @BeforeAll
  static void load() {
    config = ConfigLoader.load(CONFIG);
  }

  static Stream<Path> systems() throws IOException {
    try (Stream<Path> files = Files.list(SYSTEMS)) {
      return files.filter(file -> file.toString().endsWith(".yaml")).sorted().toList().stream();
    }
  }

  @ParameterizedTest
  @MethodSource("systems")
  void eachSystemConfigValidatesClean(Path file) {
    assertEquals(List.of(), ConfigLoader.validate(file).stream().map(ConfigError::toString).toList());
  }

  @Test
  void everySeedSystemHasItsConfig() throws IOException {
    assertEquals(List.of("alojamientos-compose.yaml", "alojamientos-pipeline.yaml", "fluxion-ecs-canary.yaml",
        "fluxion-ecs.yaml", "sti-chat-canary.yaml", "sti-chat.yaml"),
        systems().map(file -> file.getFileName().toString()).toList());
  }

  @Test
  void alojamientosBacksUpDeploysMigratesAndRestoresOnlyAfterAFailedMigrationFromSeed002() {
    Service.Environment production = system("alojamientos-pipeline.yaml", "alojamientos", "production");
    Pipeline pipeline = production.pipeline();
    CommandAction backup = assertInstanceOf(CommandAction.class, pipeline.before().get(0));
    assertEquals(List.of("docker", "exec", "postgres", "pg_dump", "-U", "alojamientos", "-f",
        "/backups/pre-{version}.sql", "alojamientos_db"), backup.argv());
    CommandAction migration = assertInstanceOf(CommandAction.class, pipeline.after().get(0));
    assertEquals(List.of("alembic", "upgrade", "head"), migration.argv().subList(migration.argv().size() - 3,
        migration.argv().size()));
    assertEquals(List.of(), pipeline.rollbackBefore());
    WhenFailed restore = assertInstanceOf(WhenFailed.class, pipeline.rollbackAfter().get(0));
    assertEquals("migration", restore.step());
    assertEquals("/backups/pre-{version}.sql",
        ((CommandAction) restore.action()).argv().get(((CommandAction) restore.action()).argv().size() - 1));
    assertTrue(production.abort().abortsOnStep("migration"));
    assertTrue(production.abort().automaticRollback());
  }

  @Test
  void stiChatsCanaryFollowsSeed004sPlan() {
    Service.Environment production = system("sti-chat-canary.yaml", "sti-chat", "production");
    assertEquals(List.of(new RolloutPlan.Stage(1, Duration.ofMinutes(30)), new RolloutPlan.Stage(5, Duration.ofMinutes(30)),
        new RolloutPlan.Stage(25, Duration.ofMinutes(30)), new RolloutPlan.Stage(100, null)), production.rollout().stages());
    assertEquals(RolloutPlan.Promote.AUTO, production.rollout().promote());
    assertEquals(List.of("api-health", "chat-latency"),
        production.rollout().analysis().stream().map(Verification.VerifyCheck::id).toList());
    assertTrue(production.abort().automaticRollback());
  }

  @Test
  void fluxionsEcsCanaryWeighsTwoTargetGroupsOfOneRuleAndWatchesTheCanarys5xxRate() {
    Service.Environment production = system("fluxion-ecs-canary.yaml", "backend", "production");
    assertEquals(List.of(new RolloutPlan.Stage(5, Duration.ofMinutes(10)), new RolloutPlan.Stage(25, Duration.ofMinutes(10)),
        new RolloutPlan.Stage(100, null)), production.rollout().stages());
    RolloutPlan.Traffic.TargetGroups traffic = assertInstanceOf(RolloutPlan.Traffic.TargetGroups.class,
        production.rollout().traffic());
    assertEquals("fluxion-backend", traffic.stableService());
    assertEquals("fluxion-backend-canary", traffic.canaryService());
    assertTrue(traffic.forwarder().contains(":listener-rule/app/fluxion-alb/"));
    assertTrue(traffic.canaryTargetGroup().contains(":targetgroup/fluxion-backend-green/"));
    assertEquals(List.of("canary-5xx"),
        production.rollout().analysis().stream().map(Verification.VerifyCheck::id).toList());
    assertTrue(production.abort().automaticRollback());
  }

  @Test
  void fluxionDeploysToEcsAndRollsBackOnHealthFromSeeds000And001() {
    Service.Environment production = system("fluxion-ecs.yaml", "backend", "production");
    assertEquals("klk-predeploy", production.checklist());
    assertEquals(List.of("sre", "backend-lead"), production.deployers());
    assertEquals(new Target.Ecs("fluxion-cluster", "FluxionStackV2-FluxionBackendServiceE051E4B7-3D0YfNUbXnmp", "backend",
        null, "us-east-1", Duration.ofMinutes(15)), production.target());
    Verification.VerifyCheck health = production.verify().health().get(0);
    assertEquals("backend-health", health.id());
    CheckSpec.Http http = assertInstanceOf(CheckSpec.Http.class, health.check());
    assertEquals("${KLK_BACKEND_URL}/", http.url());
    assertEquals(5, http.timing().retries());
    assertEquals(Duration.ofSeconds(10), http.timing().interval());
    assertEquals(new AbortRule(Set.of("deploy", "backend-health"), true), production.abort());
    assertTrue(production.abort().abortsOn(health));
  }

  @Test
  void fluxionRunbooksFromSeed001ScaleTheBackendAndForceANewDeployment() {
    PreflightConfig fluxion = ConfigLoader.load(SYSTEMS.resolve("fluxion-ecs.yaml"));
    assertEquals(List.of("scale-backend", "redeploy-backend", "run-etl", "snapshot-database"),
        List.copyOf(fluxion.runbooks().keySet()));
    dev.preflight.checklists.runbook.Runbook scale = fluxion.runbook("scale-backend").orElseThrow();
    assertEquals(List.of(new dev.preflight.checklists.runbook.Parameter.Count("count",
        "how many backend tasks should run", 2, 4)), scale.parameters());
    assertEquals("production", scale.environment());
    EcsScaleAction step = assertInstanceOf(EcsScaleAction.class, scale.steps().get(0));
    assertEquals("fluxion-cluster", step.cluster());
    assertEquals("{count}", step.desiredCount());
    EcsForceNewDeploymentAction redeploy = assertInstanceOf(EcsForceNewDeploymentAction.class,
        fluxion.runbook("redeploy-backend").orElseThrow().steps().get(0));
    assertEquals("FluxionStackV2-FluxionBackendServiceE051E4B7-3D0YfNUbXnmp", redeploy.service());
    assertEquals(List.of("sre"), fluxion.runbook("redeploy-backend").orElseThrow().roles());
  }

  @Test
  void fluxionRunbooksFromSeed001RunTheEtlTaskAndSnapshotTheDatabase() {
    PreflightConfig fluxion = ConfigLoader.load(SYSTEMS.resolve("fluxion-ecs.yaml"));
    dev.preflight.checklists.runbook.Runbook etl = fluxion.runbook("run-etl").orElseThrow();
    assertEquals(List.of(new dev.preflight.checklists.runbook.Parameter.Choice("script",
        "which ETL script the task runs", List.of("etl_inventario.py", "etl_ventas_postgres.py"))), etl.parameters());
    EcsRunTaskAction task = assertInstanceOf(EcsRunTaskAction.class, etl.steps().get(0));
    assertEquals("ETL {script}", task.name());
    assertEquals("FluxionETLTask", task.taskDefinition());
    assertEquals("etl", task.container());
    assertEquals(List.of("python", "{script}", "--todas"), task.command());
    assertEquals(List.of("${FLUXION_ETL_SUBNET}"), task.subnets());
    assertFalse(task.assignPublicIp());
    assertEquals(Duration.ofHours(2), task.timeout());

    dev.preflight.checklists.runbook.Runbook snapshot = fluxion.runbook("snapshot-database").orElseThrow();
    RdsSnapshotAction rds = assertInstanceOf(RdsSnapshotAction.class, snapshot.steps().get(0));
    assertEquals("fluxion-postgres-v2", rds.dbInstance());
    assertEquals("manual-backup-{date}", rds.snapshot());
    assertEquals(List.of("sre"), snapshot.roles());
    assertEquals("Take a manual snapshot of fluxion-postgres-v2?", snapshot.confirm());
  }

  @Test
  void alojamientosDeploysWithItsScriptFromSeed002() {
    Service.Environment production = system("alojamientos-compose.yaml", "alojamientos", "production");
    assertEquals("alojamientos-production", production.checklist());
    Target.Command command = assertInstanceOf(Target.Command.class, production.target());
    assertEquals(List.of("./deploy.sh", "deploy"), command.deploy());
    assertEquals(List.of("./deploy.sh", "rollback"), command.rollback());
    assertEquals("/srv/sist-cabanas/backend", command.workdir());

    Map<String, CheckSpec.Http> health = production.verify().health().stream()
        .collect(Collectors.toMap(Verification.VerifyCheck::id, check -> (CheckSpec.Http) check.check()));
    health.values().forEach(http -> assertEquals("${ALOJAMIENTOS_URL}/api/v1/healthz", http.url()));
    assertEquals(Map.of("/checks/database/status", "ok"), health.get("healthz-database").expectJson());
    assertEquals(Duration.ofMillis(500), health.get("healthz-database").maxLatency());
    assertEquals(Map.of("/checks/redis/status", "ok"), health.get("healthz-redis").expectJson());
    assertEquals(Map.of("/status", "healthy"), health.get("healthz-healthy").expectJson());
    // SEV1 (down, or no database) rolls back by itself; a degraded component is left to a person.
    assertEquals(new AbortRule(Set.of("deploy", "healthz-up", "healthz-database"), true), production.abort());
  }

  @Test
  void stiChatChainsItsSmokeTestFromSeed004() {
    Service.Environment production = system("sti-chat.yaml", "sti-chat", "production");
    assertEquals("sti-chat-production-gate", production.checklist());
    Target.GithubActions workflow = assertInstanceOf(Target.GithubActions.class, production.target());
    assertEquals("${STI_GITHUB_TOKEN}", workflow.token());
    assertEquals("{version}", workflow.inputs().get("image_tag"));

    CheckSpec.Smoke smoke = assertInstanceOf(CheckSpec.Smoke.class, production.verify().smoke().get(0).check());
    assertEquals(List.of("greeting", "validate", "chat"), smoke.steps().stream().map(CheckSpec.Smoke.Step::name).toList());
    assertEquals(Map.of("sessionId", "/sessionId"), smoke.steps().get(0).capture());
    assertTrue(smoke.steps().get(1).body().contains("{sessionId}"));
    assertEquals(Map.of("/valid", true), smoke.steps().get(1).expectJson());
    CheckSpec.Smoke.Step chat = smoke.steps().get(2);
    assertTrue(chat.body().contains("{sessionId}"));
    assertEquals(Duration.ofSeconds(2), chat.maxLatency());
    assertEquals(new SignOffRule(List.of(new SignOffRequirement("backend-lead", 1), new SignOffRequirement("sre", 1)), false),
        ConfigLoader.load(SYSTEMS.resolve("sti-chat.yaml")).checklist("sti-chat-production-gate").orElseThrow().signOff());
  }

  @Test
  void stiChatIsWatchedEveryFiveMinutesForFourHoursFromSeed004() {
    PreflightConfig sti = ConfigLoader.load(SYSTEMS.resolve("sti-chat.yaml"));
    Service.Environment production = sti.services().get("sti-chat").environments().get("production");
    assertEquals(new Watch(Duration.ofMinutes(5), Duration.ofHours(4)), production.watch());
    assertFalse(production.verify().smoke().isEmpty(), "the watch reruns the chained smoke test");
    assertEquals("sti-alerts", production.alertChannelOrDefault());
    assertEquals(List.of(new AlertRoute("alertmanager", Map.of("service", "sti-chat", "env", "production"),
        "sti-chat", "production", null)), sti.alertRoutes());
  }

  @Test
  void workingConfigRoutesBackendAlerts() {
    assertEquals(List.of(
            new AlertRoute("cloudwatch", Map.of("alarmName", "fluxion-backend-5xx"), "backend", "production", null),
            new AlertRoute("sentry", Map.of("project", "fluxion-backend"), "backend", "production", null)),
        config.alertRoutes());
    assertEquals("alerts", config.services().get("backend").environments().get("production").alertChannelOrDefault());
  }

  @Test
  void workingConfigDeploysTheBackendToEcs() {
    Service.Environment production = config.services().get("backend").environments().get("production");
    Target.Ecs ecs = assertInstanceOf(Target.Ecs.class, production.target());
    assertEquals("fluxion-cluster", ecs.cluster());
    assertEquals(List.of("sre", "backend-lead"), production.deployers());
    assertTrue(production.abort().automaticRollback());
    assertFalse(config.services().get("inventario").environments().get("staging").deployable());
  }

  @Test
  void workingConfigValidatesClean() {
    assertEquals(List.of(), ConfigLoader.validate(CONFIG));
  }

  static Stream<Path> examples() throws IOException {
    try (Stream<Path> files = Files.list(EXAMPLES)) {
      return files.filter(file -> file.toString().endsWith(".yaml")).sorted().toList().stream();
    }
  }

  @ParameterizedTest
  @MethodSource("examples")
  void eachExampleLoadsOnItsOwn(Path file) {
    Checklist checklist = ConfigLoader.loadChecklist(file);
    assertEquals(file.getFileName().toString(), checklist.id() + ".yaml");
  }

  @Test
  void configWiresEachServiceToItsChecklist() {
    assertEquals(Set.of("backend-lead", "sre", "qa", "security", "product"), config.roles().keySet());
    assertEquals(Set.of("deploys", "staging-deploys", "alerts"), config.channels().keySet());
    assertEquals("klk-predeploy", config.services().get("backend").environments().get("production").checklist());
    assertEquals("inventario-staging-v0-10-0", config.services().get("inventario").environments().get("staging").checklist());
    assertEquals("sti-chat-production-gate", config.services().get("sti-chat").environments().get("production").checklist());
    assertEquals("alojamientos-production", config.services().get("alojamientos").environments().get("production").checklist());
    assertEquals(Set.of("klk-predeploy", "inventario-staging-v0-10-0", "sti-chat-production-gate", "alojamientos-production"),
        config.checklists().keySet());
  }

  @Test
  void klkPredeployFromSeed000() {
    Checklist klk = checklist("klk-predeploy");
    assertEquals(37, klk.itemCount());
    assertEquals(13, blockers(klk).size());
    assertEquals(Map.of("ecs-service", 1L, "sql", 4L, "http", 3L), kinds(klk));
    assertEquals(new SignOffRule(List.of(new SignOffRequirement("backend-lead", 1), new SignOffRequirement("sre", 1)), false),
        klk.signOff());

    CheckSpec.EcsService ecs = check(klk, "ecs-backend-service-stable", CheckSpec.EcsService.class);
    assertEquals("fluxion-cluster", ecs.cluster());
    assertEquals("FluxionStackV2-FluxionBackendServiceE051E4B7-3D0YfNUbXnmp", ecs.service());
    for (String id : List.of("table-etl-ejecuciones", "sequence-etl-ejecuciones-id-seq",
        "view-v-gaps-por-recuperar", "view-v-metricas-confiabilidad")) {
      CheckSpec.Sql sql = check(klk, id, CheckSpec.Sql.class);
      assertEquals("KLK_DATABASE_URL", sql.databaseUrlEnv());
      assertEquals(1, sql.expectRows());
      assertTrue(item(klk, id).blocker(), id);
    }
    CheckSpec.Http health = check(klk, "backend-health", CheckSpec.Http.class);
    assertEquals("${KLK_BACKEND_URL}/", health.url());
    assertEquals(List.of(200), health.expectStatus());
    assertEquals(5, health.timing().retries());
    assertTrue(blockers(klk).containsAll(List.of("database-backup-taken", "backend-tests-pass", "sentry-dsn-set")));
  }

  @Test
  void inventarioStagingFromSeed003() {
    Checklist inventario = checklist("inventario-staging-v0-10-0");
    assertEquals(57, inventario.itemCount());
    assertEquals(20, blockers(inventario).size());
    assertEquals(Map.of("http", 8L, "command", 8L), kinds(inventario));
    assertEquals(new SignOffRule(List.of(new SignOffRequirement("backend-lead", 1)), true), inventario.signOff());
    assertEquals("staging-deploys", inventario.channel());

    for (String agent : List.of("deposito:8001", "negocio:8002", "ml:8003", "dashboard:8080")) {
      String[] nameAndPort = agent.split(":");
      CheckSpec.Http health = check(inventario, "health-" + nameAndPort[0], CheckSpec.Http.class);
      assertEquals("http://${STAGING_HOST}:" + nameAndPort[1] + "/health", health.url());
    }
    assertEquals(List.of(401, 403), check(inventario, "r2-cross-agent-request-refused", CheckSpec.Http.class).expectStatus());
    CheckSpec.Command whoami = check(inventario, "r1-deposito-runs-as-agente", CheckSpec.Command.class);
    assertEquals(List.of("docker", "exec", "deposito", "whoami"), whoami.argv());
    assertEquals("agente", whoami.outputContains());
    CheckSpec.Command ocr = check(inventario, "r3-heavy-invoice-times-out", CheckSpec.Command.class);
    assertEquals("504", ocr.outputContains());
    assertEquals("curl", ocr.argv().get(0));
    assertEquals("DENY", check(inventario, "header-x-frame-options", CheckSpec.Command.class).outputContains());
  }

  @Test
  void stiChatGateFromSeed004() {
    Checklist sti = checklist("sti-chat-production-gate");
    assertEquals(44, sti.itemCount());
    assertEquals(Map.of("http", 3L, "aws-secret", 3L), kinds(sti));
    assertEquals(new SignOffRule(List.of(new SignOffRequirement("backend-lead", 1), new SignOffRequirement("sre", 1)), false),
        sti.signOff());

    // The six [BLOQUER] items of the seed, and nothing else, block.
    List<Item> blockerSection = sti.sections().get(0).items();
    assertEquals(14, blockers(sti).size());
    assertTrue(blockerSection.stream().allMatch(Item::blocker));
    assertEquals(blockerSection.size(), blockers(sti).size());

    CheckSpec.Http health = check(sti, "smoke-health", CheckSpec.Http.class);
    assertEquals("${STI_STAGING_URL}/api/health", health.url());
    assertEquals(Map.of("/ok", true), health.expectJson());
    assertEquals("sti-chat/production/LOG_TOKEN", check(sti, "secret-log-token", CheckSpec.AwsSecret.class).secretId());
    assertEquals("sti-chat/production/OPENAI_API_KEY", check(sti, "secret-openai-api-key", CheckSpec.AwsSecret.class).secretId());
    assertNull(item(sti, "smoke-session-chat-upload-ticket").check(), "the chained smoke test stays manual");
  }

  @Test
  void alojamientosChecklistFromSeed002() {
    Checklist alojamientos = checklist("alojamientos-production");
    assertEquals(Map.of("command", 1L, "http", 1L), kinds(alojamientos));
    assertTrue(blockers(alojamientos).containsAll(List.of("ci-green", "env-real-secrets", "database-backup-recent",
        "alembic-single-head", "healthz-before-down")));
    CheckSpec.Command heads = check(alojamientos, "alembic-single-head", CheckSpec.Command.class);
    assertEquals(List.of("docker", "compose", "-f", "docker-compose.prod.yml", "exec", "-T", "backend", "alembic", "heads"),
        heads.argv());
  }

  private static Service.Environment system(String file, String service, String environment) {
    return ConfigLoader.load(SYSTEMS.resolve(file)).services().get(service).environments().get(environment);
  }

  private static Checklist checklist(String id) {
    return config.checklist(id).orElseThrow();
  }

  private static Item item(Checklist checklist, String id) {
    return checklist.item(id).orElseThrow(() -> new AssertionError("no item " + id));
  }

  private static <T extends CheckSpec> T check(Checklist checklist, String id, Class<T> kind) {
    return assertInstanceOf(kind, item(checklist, id).check(), id);
  }

  private static List<String> blockers(Checklist checklist) {
    return checklist.items().filter(Item::blocker).map(Item::id).toList();
  }

  private static Map<String, Long> kinds(Checklist checklist) {
    return checklist.items().filter(Item::automated)
        .collect(Collectors.groupingBy(item -> item.check().kind(), Collectors.counting()));
  }
}
