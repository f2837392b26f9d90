package dev.preflight.checklists.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.preflight.checklists.deploy.AbortDecision;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code steps:} and {@code rollback.steps:} on an environment: what is read, and what is refused where. */
class PipelineConfigTest {

  /** The environment's own keys start at line 12. */
  static String config(String environment) {
    return """
        roles:
          sre: { users: [U0AAAAAA02] }
        channels:
          deploys: C0AAAAAA01
        checklists: [checklists]
        services:
          api:
            environments:
              production:
                checklist: api-release
                deployers: [sre]
                target: { command: { deploy: [./deploy.sh, "{version}"], rollback: [./deploy.sh, rollback] } }
        """ + environment.indent(8);
  }

  static final String CHECKLIST = """
      id: api-release
      title: API release
      sections:
        - title: Before
          items:
            - { id: notes, title: Release notes written }
      """;

  @Test
  void readsEveryKindWithItsDefaultsAndTheRollbackCondition(@TempDir Path dir) throws IOException {
    PreflightConfig config = ConfigLoader.load(write(dir, config("""
        steps:
          before:
            - { name: backup, kind: rds-snapshot, dbInstance: reservas-prod, snapshot: "pre-{version}-{time}" }
            - { name: notify, kind: http, url: "https://hooks.example.com/x", method: PUT, expectStatus: [200, 202] }
          after:
            - name: migration
              kind: ecs-run-task
              cluster: prod
              taskDefinition: backend-migrate
              container: app
              command: [alembic, upgrade, head]
              subnets: [subnet-1]
              securityGroups: [sg-1]
              timeout: 10m
            - { name: purge, kind: cloudfront-invalidation, distribution: E2QWRUHAPOMQZL, paths: ["/*"] }
        rollback:
          steps:
            after:
              - name: restore
                kind: command
                argv: [./restore.sh, "{version}"]
                when: { failedStep: migration }
        abort: { on: [deploy, migration], rollback: automatic }
        """), CHECKLIST));
    Service.Environment env = config.services().get("api").environments().get("production");
    Pipeline pipeline = env.pipeline();
    assertEquals(new RdsSnapshotAction("backup", "reservas-prod", "pre-{version}-{time}", null, Duration.ofMinutes(30)),
        pipeline.before().get(0));
    assertEquals(new HttpAction("notify", "PUT", "https://hooks.example.com/x", Map.of(), null, Set.of(200, 202),
        Duration.ofSeconds(30)), pipeline.before().get(1));
    assertEquals(new EcsRunTaskAction("migration", "prod", "backend-migrate", "app", List.of("alembic", "upgrade", "head"),
        Map.of(), "FARGATE", List.of("subnet-1"), List.of("sg-1"), false, null, Duration.ofMinutes(10)),
        pipeline.after().get(0));
    assertEquals(new CloudFrontInvalidationAction("purge", "E2QWRUHAPOMQZL", List.of("/*"), Duration.ofMinutes(15)),
        pipeline.after().get(1));
    WhenFailed restore = assertInstanceOf(WhenFailed.class, pipeline.rollbackAfter().get(0));
    assertEquals("migration", restore.step());
    assertEquals(new CommandAction("restore", List.of("./restore.sh", "{version}"), Map.of(), null, Duration.ofMinutes(10)),
        restore.action());
    assertTrue(AbortDecision.decide(env.abort(), new AbortDecision.Outcome.StepFailed("migration", "exit 3", false), true)
        .rollsBack());
    assertEquals(AbortDecision.Basis.NOT_A_CRITERION, AbortDecision.decide(env.abort(),
        new AbortDecision.Outcome.StepFailed("purge", "timed out", false), true).basis());
    assertEquals(AbortDecision.Basis.NOTHING_DEPLOYED, AbortDecision.decide(env.abort(),
        new AbortDecision.Outcome.StepFailed("backup", "denied", true), true).basis());
    // Aborted while the steps before the deploy ran: the target never started, nothing to roll back.
    assertEquals(AbortDecision.Basis.NOTHING_DEPLOYED, AbortDecision.decide(env.abort(),
        new AbortDecision.Outcome.Aborted("U0AAAAAA02"), true, false).basis());
    assertTrue(AbortDecision.decide(env.abort(), new AbortDecision.Outcome.Aborted("U0AAAAAA02"), true, true)
        .rollsBack());
  }

  @Test
  void aDeployStepMayScaleOrRedeployAnEcsServiceWithALiteralCount(@TempDir Path dir) throws IOException {
    PreflightConfig config = ConfigLoader.load(write(dir, config("""
        steps:
          before:
            - { name: scale-up, kind: ecs-scale, cluster: prod, service: worker, desiredCount: 4, min: 2, max: 6 }
          after:
            - { name: fresh-workers, kind: ecs-force-new-deployment, cluster: prod, service: worker }
        """), CHECKLIST));
    Pipeline pipeline = config.services().get("api").environments().get("production").pipeline();
    assertEquals(new EcsScaleAction("scale-up", Duration.ofMinutes(10), "prod", "worker", null, "4", 2, 6),
        pipeline.before().get(0));
    assertEquals(new EcsForceNewDeploymentAction("fresh-workers", Duration.ofMinutes(15), "prod", "worker", null),
        pipeline.after().get(0));
  }

  @Test
  void aDeployStepsCountCannotBeAPlaceholderForItHasNoBounds(@TempDir Path dir) throws IOException {
    Path preflight = write(dir, config("""
        steps:
          before:
            - { name: scale-up, kind: ecs-scale, cluster: prod, service: worker, desiredCount: "{version}", min: 2, max: 6 }
        """), CHECKLIST);
    assertEquals(List.of("preflight.yaml:15: services.api.environments.production.steps.before[0].desiredCount: "
        + "parameter `version` is used as a count but has no bounds (declare it as type: integer with min: and max:)"),
        errors(dir, ConfigLoader.validate(preflight)));
  }

  @Test
  void validateNamesFileLineAndFieldOfEachMistake(@TempDir Path dir) throws IOException {
    Path preflight = write(dir, config("""
        steps:
          before:
            - { name: backup, kind: rds-snapshop, dbInstance: reservas-prod }
            - { name: hook, kind: http }
            - { name: slow, kind: command, argv: [./x.sh], timeout: 0s }
            - { name: later, kind: command, argv: [./x.sh], timeout: 7h }
            - { name: env-ph, kind: command, argv: [./x.sh], env: { V: "{version}" } }
            - { name: typo, kind: command, argv: [./x.sh, "{verison}"] }
        rollback:
          steps:
            before:
              - { name: undo, kind: command, argv: [./undo.sh], when: { failedStep: migraton } }
        abort: { on: [deploy, bakup] }
        """), CHECKLIST);
    String at = "preflight.yaml:%d: services.api.environments.production.";
    assertEquals(List.of(
        at.formatted(15) + "steps.before[0].kind: unknown action kind `rds-snapshop` (did you mean `rds-snapshot`?)",
        at.formatted(16) + "steps.before[1].url: required (write url: \"https://hooks.example.com/deploys\")",
        at.formatted(17) + "steps.before[2].timeout: must be longer than 0 and at most 6h (write timeout: 10m)",
        at.formatted(18) + "steps.before[3].timeout: must be longer than 0 and at most 6h (write timeout: 10m)",
        at.formatted(19) + "steps.before[4].env.V: placeholders are filled in argv only, not in env "
            + "(pass the value as an argument: argv: [\"./migrate.sh\", \"{version}\"])",
        at.formatted(20) + "steps.before[5].argv[1]: unknown placeholder `{verison}` (did you mean `{version}`?)",
        at.formatted(24) + "rollback.steps.before[0].when.failedStep: `migraton` is not a step of this environment's "
            + "deploy (known steps: backup, env-ph, hook, later, slow, typo)",
        at.formatted(25) + "abort.on[1]: unknown abort criterion `bakup` (did you mean `backup`?)"),
        errors(dir, ConfigLoader.validate(preflight)));
  }

  private static Path write(Path dir, String config, String checklist) throws IOException {
    Files.createDirectories(dir.resolve("checklists"));
    Files.writeString(dir.resolve("checklists/release.yaml"), checklist);
    return Files.writeString(dir.resolve("preflight.yaml"), config);
  }

  private static List<String> errors(Path dir, List<ConfigError> errors) {
    return errors.stream().map(error -> error.toString().replace(dir + "/", "")).toList();
  }
}
