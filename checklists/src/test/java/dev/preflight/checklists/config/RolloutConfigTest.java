package dev.preflight.checklists.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.preflight.checklists.checklist.CheckSpec;
import dev.preflight.checklists.config.RolloutPlan.Promote;
import dev.preflight.checklists.config.RolloutPlan.Stage;
import dev.preflight.checklists.config.RolloutPlan.Traffic;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** An environment's {@code rollout:} as read, and every mistake named by file, line and field. */
class RolloutConfigTest {

  private static final String ENV = "preflight.yaml:%d: services.api.environments.production.";
  private static final String TRAFFIC = """
        traffic:
          weight: [./deploy.sh, canary, "{version}", "{weight}"]
          promote: [./deploy.sh, promote, "{version}"]
          abort: [./deploy.sh, abort]
        """;

  /** A command target with {@code rollout} written from line 18 on. */
  private static String withRollout(String rollout) {
    return ConfigErrorsTest.withCommandTarget("rollout:\n" + rollout.indent(2));
  }

  @Test
  void seed004sPlanIsReadIntoStagesAnalysisAndTraffic(@TempDir Path dir) throws IOException {
    PreflightConfig config = ConfigLoader.load(write(dir, withRollout("""
        stages:
          - { weight: 1, hold: 30m }
          - { weight: 5, hold: 30m }
          - { weight: 25, hold: 30m }
          - { weight: 100 }
        analysis:
          - id: errors
            title: 5xx below 0.5%
            check: { kind: http, url: "https://api.example.com/health" }
        interval: 1m
        promote: manual
        """ + TRAFFIC)));

    RolloutPlan plan = config.services().get("api").environments().get("production").rollout();
    assertEquals(List.of(new Stage(1, Duration.ofMinutes(30)), new Stage(5, Duration.ofMinutes(30)),
        new Stage(25, Duration.ofMinutes(30)), new Stage(100, null)), plan.stages());
    assertEquals(Promote.MANUAL, plan.promote());
    assertEquals(Duration.ofMinutes(1), plan.interval());
    assertEquals("errors", plan.analysis().get(0).id());
    assertEquals("5xx below 0.5%", plan.analysis().get(0).title());
    assertTrue(plan.analysis().get(0).check() instanceof CheckSpec.Http);
    assertEquals(new Traffic.Command(List.of("./deploy.sh", "canary", "{version}", "{weight}"),
        List.of("./deploy.sh", "promote", "{version}"), List.of("./deploy.sh", "abort")), plan.traffic());
  }

  @Test
  void aWorkflowCanaryPassesTheWeightAsAnInput(@TempDir Path dir) throws IOException {
    PreflightConfig config = ConfigLoader.load(write(dir, ConfigErrorsTest.withEnvironment("""
        checklist: api-release
        deployers: [sre]
        target:
          github-actions: { owner: acme, repo: api, workflow: deploy.yml, token: "${GITHUB_TOKEN}" }
        rollout:
          stages: [{ weight: 10, hold: 5m }, { weight: 100 }]
          promote: manual
          traffic: { input: traffic_weight }
        """)));
    assertEquals(new Traffic.WorkflowInput("traffic_weight"),
        config.services().get("api").environments().get("production").rollout().traffic());
  }

  @Test
  void anEnvironmentWithoutRolloutDeploysAtOnce(@TempDir Path dir) throws IOException {
    PreflightConfig config = ConfigLoader.load(write(dir, ConfigErrorsTest.withCommandTarget("")));
    assertEquals(RolloutPlan.AT_ONCE, config.services().get("api").environments().get("production").rollout());
  }

  static Stream<Arguments> badRollouts() {
    String analysis = """
        analysis: [{ id: health, check: { kind: http, url: "https://api.example.com/health" } }]
        """;
    return Stream.of(
        bad("weights out of order", withRollout("""
            stages: [{ weight: 5, hold: 1m }, { weight: 5, hold: 1m }, { weight: 100 }]
            """ + analysis + TRAFFIC),
            ENV.formatted(18) + "rollout.stages[1].weight: must be higher than the stage before (5), not 5 "
                + "(stages shift more traffic one after another: order them by weight)"),
        bad("a weight above 100", withRollout("""
            stages: [{ weight: 150, hold: 1m }, { weight: 100 }]
            """ + analysis + TRAFFIC),
            ENV.formatted(18) + "rollout.stages[0].weight: must be from 1 to 100, not 150 "
                + "(write weight: 5, the percentage of traffic)"),
        bad("the last stage below 100", withRollout("""
            stages: [{ weight: 5, hold: 1m }, { weight: 50 }]
            """ + analysis + TRAFFIC),
            ENV.formatted(18) + "rollout.stages[1].weight: the last stage must send all traffic to the new version, "
                + "not 50% (end with { weight: 100 })"),
        bad("a stage without a hold", withRollout("""
            stages:
              - { weight: 5 }
              - { weight: 100 }
            """ + analysis + TRAFFIC),
            ENV.formatted(19) + "rollout.stages[0].hold: required (write hold: 30m, how long the stage runs before the next)"),
        bad("an unknown promote", withRollout("""
            stages: [{ weight: 5, hold: 1m }, { weight: 100 }]
            promote: always
            """ + analysis + TRAFFIC),
            ENV.formatted(19) + "rollout.promote: expected auto or manual, found `always` "
                + "(write promote: auto to move on when the analysis passes, or promote: manual to wait for a Promote click)"),
        bad("auto promotion with no analysis", withRollout("""
            stages: [{ weight: 5, hold: 1m }, { weight: 100 }]
            """ + TRAFFIC),
            ENV.formatted(18) + "rollout.analysis: required (a stage promoted by itself needs analysis checks to pass: "
                + "add analysis: [{ id: error-rate, check: {...} }], or write promote: manual)"),
        bad("a command canary that never passes the weight", withRollout("""
            stages: [{ weight: 5, hold: 1m }, { weight: 100 }]
            promote: manual
            traffic: { weight: [./deploy.sh, canary] }
            """),
            ENV.formatted(20) + "rollout.traffic.weight: never passes `{weight}` (the command learns each stage's "
                + "share of traffic from {weight}: write weight: [\"./deploy.sh\", \"canary\", \"{version}\", "
                + "\"{weight}\"], run at each stage)"),
        bad("a command canary without traffic", withRollout("""
            stages: [{ weight: 5, hold: 1m }, { weight: 100 }]
            promote: manual
            """),
            ENV.formatted(18) + "rollout.traffic: required (a command target shifts traffic with its own program: "
                + "write traffic: { weight: [\"./deploy.sh\", \"canary\", \"{version}\", \"{weight}\"] })"),
        bad("canary stages on an ECS target", ConfigErrorsTest.withEnvironment("""
            checklist: api-release
            deployers: [sre]
            target: { ecs: { cluster: main, service: api, container: app } }
            rollout:
              stages: [{ weight: 5, hold: 1m }, { weight: 100 }]
              promote: manual
            """),
            ENV.formatted(15) + "rollout.stages: canary stages need a command or github-actions target; a ecs target "
                + "cannot shift traffic between two versions here (deploy with target: { command: {...} } and a traffic.weight "
                + "program, or leave rollout out)"),
        bad("an interval under a second", withRollout("""
            stages: [{ weight: 5, hold: 1m }, { weight: 100 }]
            interval: 500ms
            """ + analysis + TRAFFIC),
            ENV.formatted(19) + "rollout.interval: must be at least 1s (write interval: 1m)"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badRollouts")
  void badRolloutsNameFileLineAndField(String name, String config, List<String> expected, @TempDir Path dir)
      throws IOException {
    List<String> errors = ConfigLoader.validate(write(dir, config)).stream()
        .map(error -> error.toString().replace(dir + "/", ""))
        .toList();
    assertEquals(expected, errors);
  }

  private static Arguments bad(String name, String config, String... expected) {
    return Arguments.of(name, config, List.of(expected));
  }

  private static Path write(Path dir, String config) throws IOException {
    Files.createDirectories(dir.resolve("checklists"));
    Files.writeString(dir.resolve("checklists/release.yaml"), ConfigErrorsTest.CHECKLIST);
    return Files.writeString(dir.resolve("preflight.yaml"), config);
  }
}
