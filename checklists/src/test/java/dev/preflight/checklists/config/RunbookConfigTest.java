package dev.preflight.checklists.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.preflight.checklists.checklist.SignOffRule;
import dev.preflight.checklists.checklist.SignOffRule.SignOffRequirement;
import dev.preflight.checklists.runbook.Parameter;
import dev.preflight.checklists.runbook.Runbook;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code runbooks:} as written, and every mistake reported at its file, line and field. */
class RunbookConfigTest {

  /** The runbooks start at line 12; the first runbook's keys at line 13. */
  static String config(String runbooks) {
    return """
        roles:
          sre: { users: [U0AAAAAA02] }
          lead: { users: [U0AAAAAA01] }
        channels:
          deploys: C0AAAAAA01
        checklists: [checklists]
        services:
          api:
            environments:
              production: { checklist: api-release, channel: deploys }

        runbooks:
        """ + runbooks.indent(2);
  }

  static final String CHECKLIST = """
      id: api-release
      title: API release
      sections:
        - title: Checks
          items:
            - { id: ok, title: OK }
      """;

  static final String SCALE = """
      scale-api:
        title: Scale the API
        parameters:
          count: { type: integer, min: 1, max: 4, description: tasks }
          reason: { type: string, pattern: '[a-z-]+' }
          size: { type: enum, values: [small, large] }
        roles: [sre]
        signOff: { requires: [{ role: lead, count: 1 }] }
        confirm: Scale it?
        environment: { service: api, environment: production }
        steps:
          - name: Scale to {count} ({reason}, {size})
            kind: ecs-scale
            cluster: main
            service: api
            desiredCount: "{count}"
            min: 1
            max: 6
            timeout: 5m
          - { name: Fresh tasks, kind: ecs-force-new-deployment, cluster: main, service: api }
      """;

  @Test
  void readsEveryKeyOfARunbook(@TempDir Path dir) throws IOException {
    Runbook runbook = ConfigLoader.load(write(dir, config(SCALE))).runbook("scale-api").orElseThrow();
    assertEquals("Scale the API", runbook.title());
    assertEquals(List.of(new Parameter.Count("count", "tasks", 1, 4),
        new Parameter.Choice("size", null, List.of("small", "large"))),
        List.of(runbook.parameters().get(0), runbook.parameters().get(2)));
    assertEquals("[a-z-]+", ((Parameter.Text) runbook.parameters().get(1)).pattern().pattern());
    assertEquals(List.of("sre"), runbook.roles());
    assertEquals(new SignOffRule(List.of(new SignOffRequirement("lead", 1)), false), runbook.signOff());
    assertEquals("Scale it?", runbook.confirm());
    assertEquals("api", runbook.service());
    assertEquals("production", runbook.environment());
    assertEquals(new EcsScaleAction("Scale to {count} ({reason}, {size})", Duration.ofMinutes(5), "main", "api", null,
        "{count}", 1, 6), runbook.steps().get(0));
    assertEquals(new EcsForceNewDeploymentAction("Fresh tasks", Duration.ofMinutes(15), "main", "api", null),
        runbook.steps().get(1));
  }

  @Test
  void aRunbookStepTakesEveryKindADeployStepTakes(@TempDir Path dir) throws IOException {
    Runbook runbook = ConfigLoader.load(write(dir, config("""
        maintenance:
          title: Maintenance
          parameters:
            script: { type: enum, values: [etl.py, report.py] }
          roles: [sre]
          steps:
            - { name: Snapshot, kind: rds-snapshot, dbInstance: api-db, snapshot: "before-{date}" }
            - { name: "Run {script}", kind: ecs-run-task, cluster: main, taskDefinition: etl, container: etl,
                command: [python, "{script}"], subnets: [subnet-1] }
            - { name: Tell the team, kind: http, url: "https://hooks.example.com/x", body: "{script} ran" }
            - { name: Purge, kind: cloudfront-invalidation, distribution: E2QWRUHAPOMQZL, paths: ["/*"] }
            - { name: Local report, kind: command, argv: [./report.sh, "{script}"], timeout: 3h }
        """))).runbook("maintenance").orElseThrow();
    assertEquals(new RdsSnapshotAction("Snapshot", "api-db", "before-{date}", null, Duration.ofMinutes(30)),
        runbook.steps().get(0));
    assertEquals(new EcsRunTaskAction("Run {script}", "main", "etl", "etl", List.of("python", "{script}"), Map.of(),
        "FARGATE", List.of("subnet-1"), List.of(), false, null, Duration.ofMinutes(30)), runbook.steps().get(1));
    assertEquals(HttpAction.KIND, runbook.steps().get(2).kind());
    assertEquals(CloudFrontInvalidationAction.KIND, runbook.steps().get(3).kind());
    assertEquals(new CommandAction("Local report", List.of("./report.sh", "{script}"), Map.of(), null,
        Duration.ofHours(3)), runbook.steps().get(4));
  }

  static Stream<Arguments> mistakes() {
    String at = "preflight.yaml:%d: runbooks.scale-api.";
    return Stream.of(
        Arguments.of("unknown action kind", SCALE.replace("kind: ecs-scale", "kind: ecs-scal"),
            List.of(at.formatted(25) + "steps[0].kind: unknown action kind `ecs-scal` (did you mean `ecs-scale`?)")),
        Arguments.of("a string parameter used as a count", SCALE.replace("\"{count}\"", "\"{reason}\""),
            List.of(at.formatted(28) + "steps[0].desiredCount: parameter `reason` is used as a count but has no bounds "
                + "(declare it as type: integer with min: and max:)")),
        Arguments.of("a count parameter wider than the step allows", SCALE.replace("min: 1, max: 4", "min: 1, max: 9"),
            List.of(at.formatted(28) + "steps[0].desiredCount: parameter `count` allows 1 to 9, outside this step's "
                + "min 1 and max 6 (narrow the parameter's min and max)")),
        Arguments.of("an integer parameter without bounds", SCALE.replace("min: 1, max: 4, ", ""),
            List.of(at.formatted(16) + "parameters.count.min: required (an integer parameter needs min: and max:)",
                at.formatted(16) + "parameters.count.max: required (an integer parameter needs min: and max:)",
                at.formatted(28) + "steps[0].desiredCount: parameter `count` is used as a count but has no bounds "
                    + "(declare it as type: integer with min: and max:)")),
        Arguments.of("a string parameter without a pattern", SCALE.replace(", pattern: '[a-z-]+'", ""),
            List.of(at.formatted(17) + "parameters.reason.pattern: required "
                + "(a string parameter needs pattern: '[a-z0-9-]+' (the whole value must match))")),
        Arguments.of("an enum value a shell acts on", SCALE.replace("[small, large]", "[small, 'large;rm']"),
            List.of(at.formatted(18) + "parameters.size.values[1]: `large;rm` holds a character a shell would act on "
                + "(use letters, digits, . - _ / : @ , +)")),
        Arguments.of("unknown role", SCALE.replace("roles: [sre]", "roles: [sre, srre]"),
            List.of(at.formatted(19) + "roles[1]: unknown role `srre` (did you mean `sre`?)")),
        Arguments.of("unknown placeholder", SCALE.replace("({reason}, {size})", "({reasn}, {size})"),
            List.of(at.formatted(24) + "steps[0].name: unknown placeholder `{reasn}` (did you mean `{reason}`?)")),
        Arguments.of("unknown environment", SCALE.replace("environment: production }", "environment: prod }"),
            List.of(at.formatted(22) + "environment.environment: service `api` has no environment `prod` "
                + "(known environments: production)")),
        Arguments.of("a deploy-step kind with a misspelt key", SCALE.replace(
            "{ name: Fresh tasks, kind: ecs-force-new-deployment, cluster: main, service: api }",
            "{ name: Snapshot, kind: rds-snapshot, instance: api-db, snapshot: \"s-{dat}\" }"),
            List.of(at.formatted(32) + "steps[1].instance: unknown key (did you mean `dbInstance`?)",
                at.formatted(32) + "steps[1].dbInstance: required (write dbInstance: reservas-prod)",
                at.formatted(32) + "steps[1].snapshot: unknown placeholder `{dat}` (did you mean `{date}`?)")),
        Arguments.of("a literal count outside the step's bounds", SCALE.replace("\"{count}\"", "9"),
            List.of(at.formatted(28) + "steps[0].desiredCount: must be from 1 to 6, not 9 (write desiredCount: 3, or desiredCount: \"{count}\" with an integer parameter count)")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("mistakes")
  void reportsAtFileLineAndField(String name, String runbooks, List<String> expected, @TempDir Path dir) throws IOException {
    Path preflight = write(dir, config(runbooks));
    assertEquals(expected, ConfigLoader.validate(preflight).stream()
        .map(error -> error.toString().replace(dir + "/", "")).toList());
  }

  @Test
  void aConfigWithoutRunbooksHasNone(@TempDir Path dir) throws IOException {
    PreflightConfig config = ConfigLoader.load(write(dir, config("{}")));
    assertInstanceOf(java.util.Map.class, config.runbooks());
    assertEquals(0, config.runbooks().size());
  }

  private static Path write(Path dir, String config) throws IOException {
    Files.createDirectories(dir.resolve("checklists"));
    Files.writeString(dir.resolve("checklists/release.yaml"), CHECKLIST);
    return Files.writeString(dir.resolve("preflight.yaml"), config);
  }
}
