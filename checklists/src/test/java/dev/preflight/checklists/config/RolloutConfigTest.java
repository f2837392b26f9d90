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
        bad("an ECS canary without traffic", withEcsRollout(""),
            ENV.formatted(15) + "rollout.traffic: required (an ecs target shifts traffic between two target groups: "
                + "write traffic: { listenerRule: <rule ARN>, stable: { targetGroup: <ARN> }, canary: { service: "
                + "web-canary, targetGroup: <ARN> } })"),
        bad("an ECS canary naming neither a rule nor a listener", withEcsRollout("""
            traffic:
              stable: { targetGroup: %s }
              canary: { service: api-canary, targetGroup: %s }
            """.formatted(BLUE, GREEN)),
            ENV.formatted(18) + "rollout.traffic: needs listenerRule or listener (name the ALB listener rule that "
                + "forwards to both target groups: listenerRule: " + EXAMPLE_RULE + ", or listener: <listener ARN> "
                + "for its default action)"),
        bad("an ECS canary naming a rule and a listener", withEcsRollout(ecsTraffic(
            "listenerRule: " + RULE + "\nlistener: " + LISTENER, BLUE, "api-canary", GREEN)),
            ENV.formatted(19) + "rollout.traffic.listener: give listenerRule or listener, not both (the stages weigh "
                + "one forward action: a rule's, or the listener's default action)"),
        bad("a listener ARN given as the rule", withEcsRollout(ecsTraffic("listenerRule: " + LISTENER, BLUE,
            "api-canary", GREEN)),
            ENV.formatted(18) + "rollout.traffic.listenerRule: `" + LISTENER + "` is a listener ARN, not a listener "
                + "rule's (to weigh the listener's default action, write listener: instead of listenerRule:)"),
        bad("a rule that is not an ARN", withEcsRollout(ecsTraffic("listenerRule: web-rule", BLUE, "api-canary",
            GREEN)),
            ENV.formatted(18) + "rollout.traffic.listenerRule: `web-rule` is not a listener rule ARN (write "
                + "listenerRule: " + EXAMPLE_RULE + ")"),
        bad("a target group that is not an ARN", withEcsRollout(ecsTraffic("listenerRule: " + RULE, "web-blue",
            "api-canary", GREEN)),
            ENV.formatted(19) + "rollout.traffic.stable.targetGroup: `web-blue` is not a target group ARN (write "
                + "targetGroup: arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web-blue/6d0ecf831eec9f09)"),
        bad("the canary in the stable service", withEcsRollout(ecsTraffic("listenerRule: " + RULE, BLUE, "api",
            GREEN)),
            ENV.formatted(20) + "rollout.traffic.canary.service: the canary service must be another service than the "
                + "stable one (`api`) (run the new version in a second ECS service of the same cluster, e.g. api-canary)"),
        bad("a stable service other than the target's", withEcsRollout("""
            traffic:
              listenerRule: %s
              stable: { service: web, targetGroup: %s }
              canary: { service: api-canary, targetGroup: %s }
            """.formatted(RULE, BLUE, GREEN)),
            ENV.formatted(19) + "rollout.traffic.stable.service: the stable service is the target's, `api`, not `web` "
                + "(leave service out of stable, or name the target's service)"),
        bad("one target group on both sides", withEcsRollout(ecsTraffic("listenerRule: " + RULE, BLUE, "api-canary",
            BLUE)),
            ENV.formatted(20) + "rollout.traffic.canary.targetGroup: is the stable side's target group too (each "
                + "service has its own target group; the rule weighs one against the other)"),
        bad("an interval under a second", withRollout("""
            stages: [{ weight: 5, hold: 1m }, { weight: 100 }]
            interval: 500ms
            """ + analysis + TRAFFIC),
            ENV.formatted(19) + "rollout.interval: must be at least 1s (write interval: 1m)"));
  }

  private static final String RULE = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener-rule/app/api/"
      + "50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee";
  private static final String LISTENER = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/api/"
      + "50dc6c495c0c9188/f2f7dc8efc522ab2";
  private static final String EXAMPLE_RULE = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener-rule/app/"
      + "web/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee";
  private static final String BLUE = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/api-blue/"
      + "6d0ecf831eec9f09";
  private static final String GREEN = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/api-green/"
      + "943f017f100becff";

  /** An ECS environment (service api) whose rollout has two stages, then {@code rest} from line 17. */
  private static String withEcsRollout(String rest) {
    return ConfigErrorsTest.withEnvironment("""
        checklist: api-release
        deployers: [sre]
        target: { ecs: { cluster: main, service: api, container: app } }
        rollout:
          stages: [{ weight: 5, hold: 1m }, { weight: 100 }]
          promote: manual
        """ + rest.indent(2));
  }

  /** {@code traffic:} with the forwarder line(s) from line 18, then stable and canary. */
  private static String ecsTraffic(String forwarder, String stableGroup, String canaryService, String canaryGroup) {
    return "traffic:\n" + forwarder.indent(2) + "  stable: { targetGroup: " + stableGroup + " }\n"
        + "  canary: { service: " + canaryService + ", targetGroup: " + canaryGroup + " }\n";
  }

  @Test
  void anEcsCanaryNamesTheRuleAndBothSidesAndTheStableServiceIsTheTargets(@TempDir Path dir) throws IOException {
    PreflightConfig config = ConfigLoader.load(write(dir, withEcsRollout(ecsTraffic("listenerRule: " + RULE, BLUE,
        "api-canary", GREEN))));
    assertEquals(new Traffic.TargetGroups(RULE, "api", BLUE, "api-canary", GREEN, 1),
        config.services().get("api").environments().get("production").rollout().traffic());
  }

  @Test
  void anEcsCanaryMayWeighAListenersDefaultActionWithMoreCanaryTasks(@TempDir Path dir) throws IOException {
    PreflightConfig config = ConfigLoader.load(write(dir, withEcsRollout("""
        traffic:
          listener: %s
          stable: { service: api, targetGroup: %s }
          canary: { service: api-canary, targetGroup: %s, desiredCount: 2 }
        """.formatted(LISTENER, BLUE, GREEN))));
    assertEquals(new Traffic.TargetGroups(LISTENER, "api", BLUE, "api-canary", GREEN, 2),
        config.services().get("api").environments().get("production").rollout().traffic());
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
