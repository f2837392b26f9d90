package dev.preflight.deploy.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.preflight.deploy.aws.Elbv2Client.Weighted;
import dev.preflight.deploy.fake.FakeElbv2;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * The ELBv2 query-protocol client against a local ELBv2 over real HTTP: what goes on the wire
 * (the form, the SigV4 signature for the ARN's region), and the retry policy (throttling and
 * server errors sent again up to four attempts, a refusal failing at once with AWS's words, an
 * answer with a DTD refused unread).
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class Elbv2ClientTest {

  private static final String RULE = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener-rule/app/web/"
      + "50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee";
  private static final String BLUE = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web-blue/1";
  private static final String GREEN = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web-green/2";
  private static final List<Weighted> CANARY_AT_5 = List.of(new Weighted(BLUE, 95), new Weighted(GREEN, 5));

  private FakeElbv2 fake;
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private AwsClients clients;
  private Elbv2Client client;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext ctx) {
    FakeElbv2.start(vertx).onComplete(ctx.succeeding(started -> {
      fake = started.forwarding(RULE, BLUE);
      clients = new AwsClients(Optional.of(fake.endpoint()),
          StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTESTTESTTEST", "dummy-secret-key")), meters);
      client = new Elbv2Client(vertx, clients);
      ctx.completeNow();
    }));
  }

  @AfterEach
  void stop() {
    client.close();
    clients.close();
    fake.close();
  }

  /** preflight.aws.calls for one ELBv2 operation and outcome, as the bot's metrics show it. */
  private double counted(String operation, String outcome) {
    var counter = meters.find("preflight.aws.calls").tags("service", "ElasticLoadBalancingV2", "operation", operation,
        "outcome", outcome).counter();
    return counter == null ? 0 : counter.count();
  }

  @Test
  void eachCallIsAFormSignedForElasticLoadBalancingInTheArnsRegion(VertxTestContext ctx) {
    client.forward(RULE, CANARY_AT_5).onComplete(ctx.succeeding(weights -> ctx.verify(() -> {
      assertEquals(CANARY_AT_5, weights, "the weights the load balancer reports back");
      FakeElbv2.Call call = fake.calls().get(0);
      assertEquals(Map.of("Action", "ModifyRule", "Version", "2015-12-01", "RuleArn", RULE,
          "Actions.member.1.Type", "forward",
          "Actions.member.1.ForwardConfig.TargetGroups.member.1.TargetGroupArn", BLUE,
          "Actions.member.1.ForwardConfig.TargetGroups.member.1.Weight", "95",
          "Actions.member.1.ForwardConfig.TargetGroups.member.2.TargetGroupArn", GREEN,
          "Actions.member.1.ForwardConfig.TargetGroups.member.2.Weight", "5"), call.params());
      assertTrue(call.authorization().startsWith("AWS4-HMAC-SHA256 Credential=AKIDTESTTESTTEST/"), call.authorization());
      assertTrue(call.authorization().contains("/eu-west-1/elasticloadbalancing/aws4_request"), call.authorization());
      assertEquals(List.of("95/5"), fake.weightsSet(RULE));
      ctx.completeNow();
    })));
  }

  @Test
  void settingTheSameWeightsTwiceLeavesTheSameWeights(VertxTestContext ctx) {
    client.forward(RULE, CANARY_AT_5)
        .compose(first -> client.forward(RULE, CANARY_AT_5))
        .compose(second -> client.weights(RULE))
        .onComplete(ctx.succeeding(weights -> ctx.verify(() -> {
          assertEquals(CANARY_AT_5, weights);
          ctx.completeNow();
        })));
  }

  @Test
  void aThrottledCallIsSentAgainUntilTheLoadBalancerAnswers(VertxTestContext ctx) {
    fake.throttle("ModifyRule", 2);
    client.forward(RULE, CANARY_AT_5).onComplete(ctx.succeeding(weights -> ctx.verify(() -> {
      assertEquals(3, fake.calls().size(), "two throttled attempts, then the one that went through");
      assertEquals(List.of("95/5"), fake.weightsSet(RULE));
      assertEquals(1.0, counted("ModifyRule", "success"), "one call counted, however many attempts");
      ctx.completeNow();
    })));
  }

  @Test
  void serverErrorsAreSentAgainUpToFourAttemptsThenFailWithTheCode(VertxTestContext ctx) {
    fake.unavailable("ModifyRule", 10);
    client.forward(RULE, CANARY_AT_5).onComplete(ctx.failing(failure -> ctx.verify(() -> {
      Elbv2Exception refused = assertInstanceOf(Elbv2Exception.class, failure);
      assertEquals("ServiceUnavailable", refused.code());
      assertEquals(503, refused.status());
      assertEquals(Elbv2Client.ATTEMPTS, fake.calls().size());
      ctx.completeNow();
    })));
  }

  @Test
  void aRefusalFailsAtOnceWithAwsCodeAndMessage(VertxTestContext ctx) {
    fake.refuse("ModifyRule", "TargetGroupNotFound", "One or more target groups not found");
    client.forward(RULE, CANARY_AT_5).onComplete(ctx.failing(failure -> ctx.verify(() -> {
      assertEquals("ModifyRule failed: TargetGroupNotFound: One or more target groups not found",
          failure.getMessage());
      assertFalse(((Elbv2Exception) failure).retryable());
      assertEquals(1, fake.calls().size(), "a refusal is not sent again");
      assertEquals(1.0, counted("ModifyRule", "error"));
      ctx.completeNow();
    })));
  }

  @Test
  void anAnswerWithADoctypeIsRefusedUnread(VertxTestContext ctx) {
    fake.answerWith("<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY secret SYSTEM \"file:///etc/hostname\">]>"
        + "<DescribeRulesResponse><DescribeRulesResult><Rules><member><Actions><member><Type>forward</Type>"
        + "<TargetGroupArn>&secret;</TargetGroupArn></member></Actions></member></Rules></DescribeRulesResult>"
        + "</DescribeRulesResponse>");
    client.weights(RULE).onComplete(ctx.failing(failure -> ctx.verify(() -> {
      Elbv2Exception refused = assertInstanceOf(Elbv2Exception.class, failure);
      assertEquals("MalformedResponse", refused.code());
      assertTrue(refused.getMessage().contains("DOCTYPE"), refused.getMessage());
      assertEquals(1, fake.calls().size());
      ctx.completeNow();
    })));
  }

  @Test
  void aConnectionDroppedBeforeTheAnswerIsTriedFourTimesThenFails(Vertx vertx, VertxTestContext ctx) {
    AtomicInteger dropped = new AtomicInteger();
    vertx.createHttpServer()
        .requestHandler(request -> {
          dropped.incrementAndGet();
          request.connection().close();
        })
        .listen(0, "127.0.0.1")
        .compose(server -> {
          Elbv2Client dropping = new Elbv2Client(vertx, clients, Elbv2Client.ELBV2,
              Map.of("AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2", "http://127.0.0.1:" + server.actualPort()));
          ctx.verify(() -> assertEquals(URI.create("http://127.0.0.1:" + server.actualPort()),
              dropping.endpoint("eu-west-1"), "the API's own variable wins over the clients' endpoint"));
          return dropping.forward(RULE, CANARY_AT_5).eventually(() -> {
            dropping.close();
            return server.close();
          });
        })
        .onComplete(ctx.failing(failure -> ctx.verify(() -> {
          assertFalse(failure instanceof Elbv2Exception, "no answer came: " + failure);
          assertEquals(Elbv2Client.ATTEMPTS, dropped.get());
          assertEquals(List.of(), fake.calls(), "the clients' endpoint was not used");
          ctx.completeNow();
        })));
  }

  @Test
  void withoutAnyEndpointGivenTheRegionsOwnIsUsed(Vertx vertx) {
    AwsClients plain = new AwsClients();
    Elbv2Client aws = new Elbv2Client(vertx, plain, Elbv2Client.ELBV2, Map.of());
    assertEquals(URI.create("https://elasticloadbalancing.eu-west-1.amazonaws.com/"), aws.endpoint("eu-west-1"));
    assertEquals(URI.create("https://elasticloadbalancing.cn-north-1.amazonaws.com.cn/"), aws.endpoint("cn-north-1"));
    assertEquals("eu-west-1", Elbv2Client.regionOf(RULE));
    aws.close();
    plain.close();
  }
}
