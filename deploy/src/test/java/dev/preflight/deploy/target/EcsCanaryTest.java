package dev.preflight.deploy.target;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.preflight.checklists.config.RolloutPlan;
import dev.preflight.checklists.deploy.Target;
import dev.preflight.checklists.secret.Variables;
import dev.preflight.deploy.aws.AwsClients;
import dev.preflight.deploy.aws.Elbv2Client;
import dev.preflight.deploy.aws.Elbv2Client.Weighted;
import dev.preflight.deploy.fake.FakeEcs;
import dev.preflight.deploy.fake.FakeEcs.ScaleCall;
import dev.preflight.deploy.fake.FakeEcs.UpdateServiceCall;
import dev.preflight.deploy.fake.Moto;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * The ECS canary against moto's ELBv2 (which keeps a rule's forward weights) and the ECS fake
 * (which moves rollouts as ECS does). The load balancer is built in moto the way a team would
 * build it: a VPC and two subnets (EC2), an ALB, two target groups, a listener and a rule, all
 * through signed query calls of the bot's own client. What is asserted is what the load balancer
 * holds after each call and what ECS was asked to do. Skipped where moto is not installed.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, timeUnit = TimeUnit.SECONDS)
class EcsCanaryTest {

  private static final String REGION = "us-east-1";
  private static final Duration POLL = Duration.ofMillis(50);
  private static final Elbv2Client.Api EC2 = new Elbv2Client.Api("EC2", "ec2", "ec2", "2016-11-15", "AWS_ENDPOINT_URL_EC2");
  private static final StaticCredentialsProvider CREDENTIALS =
      StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTESTTESTTEST", "dummy-secret-key"));

  private static Moto moto;
  private static FakeEcs ecs;
  private static AwsClients clients;
  private static Elbv2Client elb;
  private static String listener;
  private static String blue;
  private static String green;
  private static final AtomicInteger priorities = new AtomicInteger(10);

  private EcsTarget target;
  private String web1;

  @BeforeAll
  static void start(Vertx vertx, VertxTestContext ctx) throws IOException {
    if (!Moto.available()) {
      ctx.completeNow();
      return;
    }
    moto = Moto.launch(Map.of());
    Map<String, String> environment = Map.of("AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2", moto.endpoint().toString(),
        "AWS_ENDPOINT_URL_EC2", moto.endpoint().toString());
    moto.awaitReady(vertx)
        .compose(ready -> FakeEcs.start(vertx))
        .compose(fake -> {
          ecs = fake;
          clients = new AwsClients(Optional.of(fake.endpoint()), CREDENTIALS);
          elb = new Elbv2Client(vertx, clients, Elbv2Client.ELBV2, environment);
          return loadBalancer(new Elbv2Client(vertx, clients, EC2, environment));
        })
        .onComplete(ctx.succeedingThenComplete());
  }

  /** An ALB in two subnets with a listener forwarding to the blue group, as a team has it before its first canary. */
  private static Future<Void> loadBalancer(Elbv2Client ec2) {
    return ec2.call(REGION, "CreateVpc", Map.of("CidrBlock", "10.0.0.0/16"))
        .map(vpc -> Elbv2Client.firstText(vpc, "vpcId").orElseThrow())
        .compose(vpc -> subnet(ec2, vpc, "10.0.1.0/24", "us-east-1a")
            .compose(a -> subnet(ec2, vpc, "10.0.2.0/24", "us-east-1b")
                .compose(b -> elb.call(REGION, "CreateLoadBalancer", Map.of("Name", "web",
                    "Subnets.member.1", a, "Subnets.member.2", b))))
            .map(lb -> Elbv2Client.firstText(lb, "LoadBalancerArn").orElseThrow())
            .compose(lb -> targetGroup(vpc, "web-blue")
                .compose(arn -> {
                  blue = arn;
                  return targetGroup(vpc, "web-green");
                })
                .compose(arn -> {
                  green = arn;
                  return elb.call(REGION, "CreateListener", Map.of("LoadBalancerArn", lb, "Protocol", "HTTP",
                      "Port", "80", "DefaultActions.member.1.Type", "forward",
                      "DefaultActions.member.1.TargetGroupArn", blue));
                })))
        .map(created -> {
          listener = Elbv2Client.firstText(created, "ListenerArn").orElseThrow();
          return null;
        });
  }

  private static Future<String> subnet(Elbv2Client ec2, String vpc, String cidr, String zone) {
    return ec2.call(REGION, "CreateSubnet", Map.of("VpcId", vpc, "CidrBlock", cidr, "AvailabilityZone", zone))
        .map(subnet -> Elbv2Client.firstText(subnet, "subnetId").orElseThrow());
  }

  private static Future<String> targetGroup(String vpc, String name) {
    return elb.call(REGION, "CreateTargetGroup", Map.of("Name", name, "Protocol", "HTTP", "Port", "80",
            "VpcId", vpc, "TargetType", "ip"))
        .map(created -> Elbv2Client.firstText(created, "TargetGroupArn").orElseThrow());
  }

  /** A rule of its own for each test, forwarding everything to the blue group. */
  private static Future<String> rule() {
    return elb.call(REGION, "CreateRule", Map.of("ListenerArn", listener,
            "Priority", Integer.toString(priorities.incrementAndGet()),
            "Conditions.member.1.Field", "path-pattern", "Conditions.member.1.Values.member.1", "/*",
            "Actions.member.1.Type", "forward", "Actions.member.1.TargetGroupArn", blue))
        .map(created -> Elbv2Client.firstText(created, "RuleArn").orElseThrow());
  }

  @AfterAll
  static void stop() {
    if (moto != null) {
      moto.stop();
      elb.close();
      clients.close();
      ecs.close();
    }
  }

  @BeforeEach
  void seed(Vertx vertx) {
    if (moto == null) {
      return;
    }
    web1 = ecs.reset().registerTaskDefinition("web", Map.of("web", "registry.example.com/web:1.0.0"));
    ecs.service("prod", "web", web1, 3);
    ecs.service("prod", "web-canary", web1, 0);
    target = new EcsTarget(vertx, clients, POLL, elb);
  }

  private static RolloutPlan.Traffic.TargetGroups traffic(String forwarder) {
    return new RolloutPlan.Traffic.TargetGroups(forwarder, "web", blue, "web-canary", green, 1);
  }

  private static DeployJob job(String version, String revision, RolloutPlan.Traffic traffic) {
    return new DeployJob("run-1", "web", "production", version, revision,
        new Target.Ecs("prod", "web", "web", null, REGION, Duration.ofMinutes(1)), Variables.of(Map.of()), traffic);
  }

  /** "stable/canary" as the load balancer holds them now. */
  private static Future<String> held(String forwarder) {
    return elb.weights(forwarder).map(weights -> {
      assertEquals(List.of(blue, green), weights.stream().map(Weighted::targetGroupArn).toList());
      return weights.get(0).weight() + "/" + weights.get(1).weight();
    });
  }

  private static String arn(String revision) {
    return "arn:aws:ecs:us-east-1:123456789012:task-definition/" + revision;
  }

  /** Canary calls made one after another against a fresh rule: each outcome, and the weights the rule held after it. */
  private final class Played {
    final List<String> seen = new ArrayList<>();
    final List<TargetOutcome> outcomes = new ArrayList<>();
    final Canary canary = target.canary().orElseThrow();
    final String version;
    RolloutPlan.Traffic.TargetGroups traffic;
    DeployJob job;

    Played(String version) {
      this.version = version;
    }

    /** Runs the calls in order on a new rule; fails at the first failed outcome. */
    Future<Played> play(List<Function<Played, Future<TargetOutcome>>> calls) {
      return rule().compose(rule -> {
        traffic = traffic(rule);
        job = job(version, null, traffic);
        Future<Void> chain = Future.succeededFuture();
        for (Function<Played, Future<TargetOutcome>> call : calls) {
          chain = chain.compose(v -> call.apply(this)).compose(this::record);
        }
        return chain.map(this);
      });
    }

    private Future<Void> record(TargetOutcome outcome) {
      outcomes.add(outcome);
      if (!outcome.succeeded()) {
        return Future.failedFuture(outcome.summary() + "\n" + outcome.detail());
      }
      return held(traffic.forwarder()).map(weights -> {
        seen.add(weights);
        return null;
      });
    }
  }

  @Test
  void aHealthyCanaryMovesTheWeightsStageByStageThenTheStableServiceTakesTheNewRevision(VertxTestContext ctx) {
    assumeTrue(moto != null, "moto is not installed");
    EcsTestJournal deployed = new EcsTestJournal();
    new Played("v2.0.0").play(List.of(
        p -> target.deploy(p.job, deployed),
        p -> p.canary.shift(p.job, p.traffic, 5),
        p -> p.canary.shift(p.job, p.traffic, 25),
        p -> p.canary.shift(p.job, p.traffic, 100),
        p -> p.canary.promote(p.job, p.traffic)))
        .onComplete(ctx.succeeding(played -> ctx.verify(() -> {
          assertEquals(List.of("100/0", "95/5", "75/25", "0/100", "100/0"), played.seen);
          // The message's progress lines name the service each call is about: the stable one is read,
          // the canary one is updated.
          assertEquals(List.of(
              "Sending all traffic to the stable service: prod/web",
              "Reading the ECS service: prod/web",
              "Registering a task definition: web:1 with registry.example.com/web:v2.0.0",
              "Updating the ECS service: prod/web-canary → web:2"), deployed.progress().subList(0, 4));
          assertEquals("Traffic at 25%", played.outcomes.get(2).summary());
          assertEquals("Promoted: prod/web runs web:2 with all traffic; web-canary scaled to 0",
              played.outcomes.get(4).summary());
          // The deploy retagged the stable service's revision for the canary service (one task); promote
          // moved the stable service onto it and scaled the canary service down.
          assertEquals("registry.example.com/web:v2.0.0", ecs.images(arn("web:2")).get("web"));
          assertEquals(arn("web:2"), ecs.serviceTaskDefinition("prod", "web"));
          assertEquals(List.of(new ScaleCall("prod", "web-canary", 1, false), new ScaleCall("prod", "web", null, false),
              new ScaleCall("prod", "web-canary", 0, false)), ecs.scaleCalls());
          assertEquals(List.of(new UpdateServiceCall("prod", "web-canary", arn("web:2")),
              new UpdateServiceCall("prod", "web", arn("web:2")),
              new UpdateServiceCall("prod", "web-canary", arn("web:2"))), ecs.updateServiceCalls());
          ctx.completeNow();
        })));
  }

  @Test
  void aPromoteRepeatedAfterARestartSendsTheStableServiceNothingNew(VertxTestContext ctx) {
    assumeTrue(moto != null, "moto is not installed");
    new Played("v2.0.0").play(List.of(
        p -> target.deploy(p.job, new EcsTestJournal()),
        p -> p.canary.shift(p.job, p.traffic, 100),
        p -> p.canary.promote(p.job, p.traffic),
        // The bot died before the stage's end was stored: the successor promotes again.
        p -> p.canary.promote(p.job, p.traffic)))
        .onComplete(ctx.succeeding(played -> ctx.verify(() -> {
          assertEquals(List.of("100/0", "0/100", "100/0", "100/0"), played.seen);
          assertEquals(1, ecs.updateServiceCalls().stream().filter(call -> call.service().equals("web")).count(),
              "one UpdateService for the stable service: " + ecs.updateServiceCalls());
          assertEquals(arn("web:2"), ecs.serviceTaskDefinition("prod", "web"));
          ctx.completeNow();
        })));
  }

  @Test
  void aFailedAnalysisSendsTheTrafficBackAtOnceAndTheRollbackLeavesTheStableServiceAlone(VertxTestContext ctx) {
    assumeTrue(moto != null, "moto is not installed");
    new Played("v2.0.1").play(List.of(
        p -> target.deploy(p.job, new EcsTestJournal()),
        p -> p.canary.shift(p.job, p.traffic, 5),
        p -> p.canary.abort(p.job, p.traffic),
        // The abort rule then rolls back to what the stable service ran before the deploy.
        p -> target.rollback(job(null, web1, p.traffic), new EcsTestJournal())))
        .onComplete(ctx.succeeding(played -> ctx.verify(() -> {
          assertEquals(List.of("100/0", "95/5", "100/0", "100/0"), played.seen);
          assertEquals("Traffic back on the stable version", played.outcomes.get(2).summary());
          assertEquals(0, ecs.counts("prod", "web-canary")[0]);
          // Nothing was sent to the stable service: it never left its revision.
          assertEquals(web1, ecs.serviceTaskDefinition("prod", "web"));
          assertFalse(ecs.updateServiceCalls().stream().anyMatch(call -> call.service().equals("web")),
              ecs.updateServiceCalls().toString());
          ctx.completeNow();
        })));
  }

  @Test
  void promoteShipsWhatTheDeployRecordedEvenWhenTheCanaryServiceWasChangedByHandSince(VertxTestContext ctx) {
    assumeTrue(moto != null, "moto is not installed");
    new Played("v2.0.0").play(List.of(
        p -> target.deploy(p.job, new EcsTestJournal()).map(deployed -> {
          // Someone puts the canary service back on the old revision by hand during the hold.
          ecs.service("prod", "web-canary", web1, 1);
          return deployed;
        }),
        p -> p.canary.shift(p.job, p.traffic, 100),
        // The run hands promote the revision its deploy step recorded, as CanaryStageStep does.
        p -> p.canary.promote(new DeployJob(p.job.runId(), p.job.service(), p.job.environment(), p.job.version(),
            p.outcomes.get(0).revision(), p.job.target(), p.job.variables(), p.traffic), p.traffic)))
        .onComplete(ctx.succeeding(played -> ctx.verify(() -> {
          assertEquals(arn("web:2"), played.outcomes.get(0).revision());
          assertEquals("Promoted: prod/web runs web:2 with all traffic; web-canary scaled to 0",
              played.outcomes.get(2).summary());
          assertEquals(arn("web:2"), ecs.serviceTaskDefinition("prod", "web"));
          ctx.completeNow();
        })));
  }

  @Test
  void aRollbackAfterPromoteRestoresTheStableServiceWithTheTrafficOnIt(VertxTestContext ctx) {
    assumeTrue(moto != null, "moto is not installed");
    new Played("v2.0.0").play(List.of(
        p -> target.deploy(p.job, new EcsTestJournal()),
        p -> p.canary.shift(p.job, p.traffic, 100),
        p -> p.canary.promote(p.job, p.traffic),
        p -> target.rollback(job("1.0.0", web1, p.traffic), new EcsTestJournal())))
        .onComplete(ctx.succeeding(played -> ctx.verify(() -> {
          assertEquals(List.of("100/0", "0/100", "100/0", "100/0"), played.seen);
          assertEquals(web1, ecs.serviceTaskDefinition("prod", "web"));
          List<UpdateServiceCall> updates = ecs.updateServiceCalls();
          assertEquals(new UpdateServiceCall("prod", "web", web1), updates.get(updates.size() - 1));
          ctx.completeNow();
        })));
  }

  @Test
  void aListenersDefaultActionCarriesTheCanaryWhenNoRuleIsNamed(VertxTestContext ctx) {
    assumeTrue(moto != null, "moto is not installed");
    RolloutPlan.Traffic.TargetGroups traffic = traffic(listener);
    DeployJob job = job("v2.0.0", null, traffic);
    target.canary().orElseThrow().shift(job, traffic, 25)
        .compose(outcome -> {
          assertTrue(outcome.succeeded(), outcome.summary());
          return held(listener);
        })
        .onComplete(ctx.succeeding(weights -> ctx.verify(() -> {
          assertEquals("75/25", weights);
          ctx.completeNow();
        })));
  }

  @Test
  void aRuleThatDoesNotExistFailsTheShiftWithTheLoadBalancersWords(VertxTestContext ctx) {
    assumeTrue(moto != null, "moto is not installed");
    RolloutPlan.Traffic.TargetGroups traffic = traffic(listener.replace(":listener/", ":listener-rule/") + "/0000");
    target.canary().orElseThrow().shift(job("v2.0.0", null, traffic), traffic, 5)
        .onComplete(ctx.succeeding(outcome -> ctx.verify(() -> {
          assertFalse(outcome.succeeded());
          assertEquals("The load balancer: ModifyRule failed: RuleNotFound: One or more rules not found",
              outcome.summary());
          ctx.completeNow();
        })));
  }
}
