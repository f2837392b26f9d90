package dev.preflight.bot;

import static dev.preflight.bot.BotInProcess.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.preflight.deploy.fake.FakeEcs;
import dev.preflight.deploy.fake.FakeElbv2;
import dev.preflight.handlers.ActionIds;
import dev.preflight.handlers.fake.SlackRequests;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An ECS canary from {@code /deploy} in Slack: signed commands go in; the bot deploys the new
 * revision to the canary service (the ECS fake), moves the listener rule's forward weights stage
 * by stage (the ELBv2 fake, reached through the same AWS endpoint), runs the analysis against a
 * local endpoint and edits the run's one message. The test reads the message as a person would
 * and the weights the load balancer was given.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EcsCanaryInSlackTest {

  static final Path CONFIG = Path.of("src/test/resources/e2e-ecs-canary/preflight.yaml");
  static final String DEPLOYS = "C0DEPLOYS1";
  static final String DEPLOYER = "U0DEPLOY1";
  static final String RULE = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/web/"
      + "50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee";
  static final String BLUE = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web-blue/6d0ecf831eec9f09";
  static final String WEB_2 = "arn:aws:ecs:us-east-1:123456789012:task-definition/web:2";

  private final SlackRequests slack = new SlackRequests();
  private BotInProcess bot;
  private FakeEcs ecs;
  private FakeElbv2 elb;
  private HealthTarget health;
  private String web1;

  @BeforeEach
  void start() throws Exception {
    BotInProcess.fakeAwsCredentials();
    bot = BotInProcess.create();
    health = await(HealthTarget.start(bot.vertx));
    ecs = await(FakeEcs.start(bot.vertx));
    web1 = ecs.registerTaskDefinition("web", Map.of("web", "registry.example.com/web:1.0.0"));
    ecs.service("prod", "web", web1, 2).service("prod", "web-canary", web1, 0);
    elb = await(FakeElbv2.startBeside(bot.vertx, ecs.endpoint())).forwarding(RULE, BLUE);
    bot.start(CONFIG, Map.of(
        "SLACK_BOT_TOKEN", "xoxb-e2e-ecs-canary-token",
        "AWS_ENDPOINT_URL", elb.endpoint().toString(),
        "PREFLIGHT_POLL_INTERVAL", "400ms"), Map.of("E2E_BASE_URL", health.baseUrl()));
  }

  @AfterEach
  void stop() throws Exception {
    bot.close();
  }

  @Test
  void aHealthyEcsCanaryShowsItsStageMovesTheRuleAndPromotesTheStableService() throws Exception {
    String ts = deploy("v2.0.0");

    JsonObject stageTwo = awaitMessage(ts, text -> text.contains("Canary stage 2 of 3") && text.contains("✅"));
    String text = Blocks.text(stageTwo);
    assertTrue(text.matches("(?s).*🐤 \\*Canary stage 2 of 3\\* · 50% of traffic · \\ds of the hold left.*"), text);
    assertTrue(text.contains("Traffic at 50%"), text);
    assertEquals(List.of(ActionIds.CANARY_PROMOTE, ActionIds.CANARY_PAUSE, ActionIds.CANARY_ROLLBACK,
        ActionIds.ABORT), Blocks.actionIds(stageTwo));

    String done = Blocks.text(awaitMessage(ts, t -> t.contains("*Succeeded*")));
    assertEquals(List.of("100/0", "90/10", "50/50", "0/100", "100/0"), elb.weightsSet(RULE),
        "the load balancer's weights: all stable for the deploy, each stage, all stable after promote");
    assertEquals(WEB_2, ecs.serviceTaskDefinition("prod", "web"), "the stable service runs the new revision");
    assertEquals(0, ecs.counts("prod", "web-canary")[0], "the canary service is down to no tasks");
    assertTrue(done.contains("✅ *Succeeded* — `v2.0.0` is live in *production*"), done);
  }

  @Test
  void aFailedAnalysisInStageTwoPutsAllTrafficBackOnTheStableService() throws Exception {
    String ts = deploy("v2.0.1");
    awaitMessage(ts, text -> text.contains("Canary stage 2 of 3"));
    health.failNext("/errors", 1000);

    String text = Blocks.text(awaitMessage(ts, t -> t.contains("*Rolled back*")));

    assertTrue(text.contains("Canary stage 2 of 3: 5xx rate below 0.5%: expected 200, got 503"), text);
    assertEquals(List.of("100/0", "90/10", "50/50", "100/0", "100/0"), elb.weightsSet(RULE),
        "all traffic back on the stable group at once, and again by the rollback");
    assertEquals(0, ecs.counts("prod", "web-canary")[0]);
    assertEquals(web1, ecs.serviceTaskDefinition("prod", "web"));
    assertFalse(ecs.updateServiceCalls().stream().anyMatch(call -> call.service().equals("web")),
        "the stable service was never changed: " + ecs.updateServiceCalls());
  }

  /** /deploy of the version; the environment launches by itself. Answers the version, which names the run's message. */
  private String deploy(String version) throws Exception {
    bot.postedAfter(slack.slashCommand("/deploy", "web " + version + " to production", DEPLOYER, DEPLOYS,
        bot.fake.responseUrl("deploy-" + version)), DEPLOYS, version);
    return version;
  }

  /** The first edit of the run's message (the one naming {@code version}) whose text passes. */
  private JsonObject awaitMessage(String version, Predicate<String> text) throws Exception {
    return bot.awaitEdit(DEPLOYS, null, t -> t.contains(version) && text.test(t), message -> true);
  }
}
