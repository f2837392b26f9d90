package dev.preflight.deploy.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.preflight.checklists.checklist.CheckSpec;
import dev.preflight.checklists.run.Evidence;
import dev.preflight.checklists.secret.Redactor;
import dev.preflight.checklists.secret.Variables;
import dev.preflight.deploy.aws.AwsClients;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class HttpCheckTest {

  private static final String TOKEN = "tok_live_9f8e7d6c5b4a3210";
  private static final JsonObject HEALTHY = new JsonObject()
      .put("status", "ok")
      .put("db", new JsonObject().put("up", true).put("latency", 3.0))
      .put("version", "2.0.1")
      .put("workers", 3)
      .put("region", (String) null);

  private final AtomicInteger flakyCalls = new AtomicInteger();
  private AwsClients aws;
  private CheckRunner runner;
  private String base;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext ctx) {
    Router router = Router.router(vertx);
    router.get("/healthz").handler(rc -> rc.json(HEALTHY));
    router.get("/degraded").handler(rc -> rc.json(HEALTHY.copy().put("status", "degraded")));
    router.get("/status/:code").handler(rc -> rc.response()
        .setStatusCode(Integer.parseInt(rc.pathParam("code")))
        .end("answered " + rc.pathParam("code")));
    // Answers long after any timeout a test sets.
    router.get("/hang").handler(rc -> vertx.setTimer(20_000, id -> rc.response().end("too late")));
    // Slower than the latency limit the test sets, well within its timeout.
    router.get("/sluggish").handler(rc -> vertx.setTimer(400, id -> rc.json(HEALTHY)));
    router.get("/flaky").handler(rc -> {
      boolean stillFailing = flakyCalls.incrementAndGet() <= 2;
      rc.response().setStatusCode(stillFailing ? 503 : 200).end(stillFailing ? "warming up" : "ready");
    });
    router.get("/echo").handler(rc -> rc.response().end("you sent: " + rc.request().getHeader("Authorization")));
    router.get("/moved").handler(rc -> rc.response().setStatusCode(302).putHeader("Location", "/healthz")
        .end("see /healthz"));
    router.post("/login").handler(BodyHandler.create()).handler(rc -> rc.response()
        .setStatusCode("{\"user\":\"smoke\"}".equals(rc.body().asString()) ? 201 : 400)
        .end(rc.body().asString()));
    // Anything else: what the request line and the header that identifies the client held.
    router.get().handler(rc -> rc.response().end(rc.request().uri() + " from " + rc.request().getHeader("User-Agent")));
    aws = new AwsClients();
    runner = new CheckRunner(vertx, aws);
    vertx.createHttpServer()
        .requestHandler(router)
        .listen(0, "127.0.0.1")
        .onComplete(ctx.succeeding(server -> {
          base = "http://127.0.0.1:" + server.actualPort();
          ctx.completeNow();
        }));
  }

  @AfterEach
  void stop() {
    runner.close();
    aws.close();
  }

  private Future<Evidence> run(HttpSpec spec) {
    return runner.run(spec.build(), Variables.of(Map.of()));
  }

  @Test
  void healthyServicePassesWithStatusLatencyAndBodyExcerpt(VertxTestContext ctx) {
    Verify.evidence(run(HttpSpec.get(base + "/healthz")), ctx, evidence -> {
      assertTrue(evidence.passed(), evidence::toString);
      assertEquals(200, evidence.status());
      assertTrue(evidence.summary().matches("200 in \\d+ ms"), evidence.summary());
      assertTrue(evidence.excerpt().contains("\"status\":\"ok\""), evidence.excerpt());
      assertEquals(1, evidence.attempts());
      assertNull(evidence.error());
    });
  }

  @Test
  void wrongStatusFailsNamingExpectedAndActual(VertxTestContext ctx) {
    Verify.evidence(run(HttpSpec.get(base + "/status/500")), ctx, evidence -> {
      assertFalse(evidence.passed());
      assertEquals(500, evidence.status());
      assertEquals("expected 200, got 500", evidence.summary());
      assertEquals("answered 500", evidence.excerpt());
    });
  }

  @Test
  void forbiddenPassesWhenItIsWhatTheSmokeTestExpects(VertxTestContext ctx) {
    Verify.evidence(run(HttpSpec.get(base + "/status/403").expectStatus(401, 403)), ctx, evidence -> {
      assertTrue(evidence.passed(), evidence::toString);
      assertEquals(403, evidence.status());
    });
  }

  @Test
  void okFailsWhenTheSmokeTestExpectsARefusal(VertxTestContext ctx) {
    Verify.evidence(run(HttpSpec.get(base + "/status/200").expectStatus(401, 403)), ctx, evidence -> {
      assertFalse(evidence.passed());
      assertEquals("expected 401/403, got 200", evidence.summary());
    });
  }

  @Test
  void slowServerFailsWithTimeoutEvidence(VertxTestContext ctx) {
    Verify.evidence(run(HttpSpec.get(base + "/hang").timeout(Duration.ofMillis(300))), ctx, evidence -> {
      assertFalse(evidence.passed());
      assertEquals("timed out after 300 ms", evidence.summary());
      assertNull(evidence.status());
    });
  }

  @Test
  void mismatchedJsonFailsNamingPointerAndBothValues(VertxTestContext ctx) {
    Verify.evidence(run(HttpSpec.get(base + "/degraded").expectJson("/status", "ok")), ctx, evidence -> {
      assertFalse(evidence.passed());
      assertEquals("/status: expected \"ok\", got \"degraded\"", evidence.summary());
      assertEquals(200, evidence.status());
    });
  }

  @Test
  void jsonScalarsCompareByValueWhateverTheirQuoting(VertxTestContext ctx) {
    HttpSpec spec = HttpSpec.get(base + "/healthz")
        .expectJson("/status", "ok")
        .expectJson("/db/up", "true")
        .expectJson("/db/latency", 3)
        .expectJson("/workers", "3")
        .expectJson("/version", "2.0.1")
        .expectJson("/region", null);
    Verify.evidence(run(spec), ctx, evidence -> assertTrue(evidence.passed(), evidence::toString));
  }

  @Test
  void absentJsonMemberFailsEvenWhenNullIsExpected(VertxTestContext ctx) {
    HttpSpec spec = HttpSpec.get(base + "/healthz").expectJson("/db/replica", null).expectJson("/workers", 4);
    Verify.evidence(run(spec), ctx, evidence -> {
      assertFalse(evidence.passed());
      assertEquals("/db/replica: not in the response", evidence.summary());
      assertEquals("/db/replica: not in the response; /workers: expected 4, got 3", evidence.error());
    });
  }

  @Test
  void nonJsonBodyFailsAJsonExpectation(VertxTestContext ctx) {
    Verify.evidence(run(HttpSpec.get(base + "/status/200").expectJson("/status", "ok")), ctx, evidence -> {
      assertFalse(evidence.passed());
      assertEquals("body is not JSON", evidence.summary());
    });
  }

  @Test
  void pointerWithoutLeadingSlashIsReportedAsASpecError(VertxTestContext ctx) {
    HttpSpec spec = HttpSpec.get(base + "/healthz").expectJson("status", "ok").retries(2, Duration.ofMillis(10));
    Verify.evidence(run(spec), ctx, evidence -> {
      assertFalse(evidence.passed());
      assertEquals("\"status\" is not a JSON pointer (they start with /)", evidence.summary());
      assertEquals(1, evidence.attempts(), "a broken spec is not worth retrying");
    });
  }

  @Test
  void bodyContainsPassesWhenTheTextIsThere(VertxTestContext ctx) {
    Verify.evidence(run(HttpSpec.get(base + "/healthz").bodyContains("\"version\":\"2.0.1\"")), ctx,
        evidence -> assertTrue(evidence.passed(), evidence::toString));
  }

  @Test
  void bodyContainsFailsWhenTheTextIsMissing(VertxTestContext ctx) {
    Verify.evidence(run(HttpSpec.get(base + "/healthz").bodyContains("maintenance")), ctx, evidence -> {
      assertFalse(evidence.passed());
      assertEquals("body does not contain \"maintenance\"", evidence.summary());
    });
  }

  @Test
  void answerSlowerThanMaxLatencyFailsReportingTheLatency(VertxTestContext ctx) {
    HttpSpec spec = HttpSpec.get(base + "/sluggish").maxLatency(Duration.ofMillis(100)).timeout(Duration.ofSeconds(10));
    Verify.evidence(run(spec), ctx, evidence -> {
      assertFalse(evidence.passed());
      assertEquals(200, evidence.status());
      assertTrue(evidence.latencyMillis() > 100, evidence::toString);
      assertEquals("took " + evidence.latencyMillis() + " ms, over the 100 ms limit", evidence.summary());
    });
  }

  @Test
  void retriesUntilTheServiceIsHealthyAndCountsAttempts(VertxTestContext ctx) {
    Verify.evidence(run(HttpSpec.get(base + "/flaky").retries(4, Duration.ofMillis(20))), ctx, evidence -> {
      assertTrue(evidence.passed(), evidence::toString);
      assertEquals(3, evidence.attempts());
      assertEquals(3, flakyCalls.get());
      assertEquals("ready", evidence.excerpt());
    });
  }

  @Test
  void connectionRefusedIsFailedEvidence(VertxTestContext ctx) {
    Verify.evidence(run(HttpSpec.get("http://127.0.0.1:" + closedPort() + "/healthz")), ctx, evidence -> {
      assertFalse(evidence.passed());
      assertEquals("connection refused", evidence.summary());
      assertNull(evidence.status());
    });
  }

  @Test
  void malformedUrlIsFailedEvidence(VertxTestContext ctx) {
    Verify.evidence(run(HttpSpec.get("localhost:8080/healthz")), ctx, evidence -> {
      assertFalse(evidence.passed());
      assertEquals("not an http(s) URL: localhost:8080/healthz", evidence.summary());
    });
  }

  @Test
  void secretHeaderEchoedByTheServerIsMaskedInTheExcerpt(VertxTestContext ctx) {
    CheckSpec.Http spec = HttpSpec.get(base + "/echo").header("Authorization", "Bearer ${API_TOKEN}").build();
    Verify.evidence(runner.run(spec, Variables.of(Map.of("API_TOKEN", TOKEN))), ctx, evidence -> {
      assertTrue(evidence.passed(), evidence::toString);
      assertEquals("you sent: Bearer " + Redactor.MASK, evidence.excerpt());
      assertFalse(Verify.allText(evidence).contains(TOKEN));
    });
  }

  @Test
  void postSendsTheResolvedBody(VertxTestContext ctx) {
    CheckSpec.Http spec = HttpSpec.get(base + "/login").method("post").body("{\"user\":\"${SMOKE_USER}\"}")
        .expectStatus(201).build();
    Verify.evidence(runner.run(spec, Variables.of(Map.of("SMOKE_USER", "smoke"))), ctx,
        evidence -> assertTrue(evidence.passed(), evidence::toString));
  }

  @Test
  void missingVariableFailsAtOnceWithoutRetrying(VertxTestContext ctx) {
    CheckSpec.Http spec = HttpSpec.get("${BASE_URL}/healthz").retries(3, Duration.ofMillis(10)).build();
    Verify.evidence(runner.run(spec, Variables.of(Map.of())), ctx, evidence -> {
      assertFalse(evidence.passed());
      assertEquals("environment variable BASE_URL is not set", evidence.summary());
      assertEquals(1, evidence.attempts());
    });
  }

  @Test
  void requestSaysItIsPreflightAndSendsThePathAndQueryAsWritten(VertxTestContext ctx) {
    Verify.evidence(run(HttpSpec.get(base + "/ready?probe=deep&x=%2Fa#section")), ctx, evidence -> {
      assertTrue(evidence.passed(), evidence::toString);
      assertEquals("/ready?probe=deep&x=%2Fa from Preflight-Check", evidence.excerpt());
    });
  }

  @Test
  void urlWithoutAPathAsksForTheRoot(VertxTestContext ctx) {
    Verify.evidence(run(HttpSpec.get(base)), ctx, evidence -> {
      assertTrue(evidence.passed(), evidence::toString);
      assertEquals("/ from Preflight-Check", evidence.excerpt());
    });
  }

  @Test
  void userAgentHeaderOfTheSpecReplacesPreflights(VertxTestContext ctx) {
    Verify.evidence(run(HttpSpec.get(base + "/agent").header("user-agent", "synthetic-probe/2")), ctx, evidence -> {
      assertTrue(evidence.passed(), evidence::toString);
      assertEquals("/agent from synthetic-probe/2", evidence.excerpt());
    });
  }

  @Test
  void redirectIsTheAnswerNotFollowed(VertxTestContext ctx) {
    Verify.evidence(run(HttpSpec.get(base + "/moved")), ctx, evidence -> {
      assertFalse(evidence.passed());
      assertEquals(302, evidence.status());
      assertEquals("expected 200, got 302", evidence.summary());
      assertEquals("see /healthz", evidence.excerpt());
    });
  }

  @Test
  void aRedirectExpectedByTheSpecPasses(VertxTestContext ctx) {
    Verify.evidence(run(HttpSpec.get(base + "/moved").expectStatus(302)), ctx, evidence -> {
      assertTrue(evidence.passed(), evidence::toString);
      assertEquals(302, evidence.status());
    });
  }

  /**
   * The check trusts only certificates the JVM trusts, and checks the host name: a service
   * behind a self-signed certificate fails, with no status, instead of passing on an answer
   * nobody can vouch for.
   */
  @Test
  void selfSignedCertificateFailsTheCheck(Vertx vertx, VertxTestContext ctx) {
    io.vertx.core.net.SelfSignedCertificate certificate = io.vertx.core.net.SelfSignedCertificate.create("localhost");
    vertx.createHttpServer(new io.vertx.core.http.HttpServerOptions().setSsl(true)
            .setKeyCertOptions(certificate.keyCertOptions()))
        .requestHandler(request -> request.response().end("ok"))
        .listen(0, "127.0.0.1")
        .compose(server -> run(HttpSpec.get("https://localhost:" + server.actualPort() + "/healthz")))
        .onComplete(ctx.succeeding(evidence -> ctx.verify(() -> {
          certificate.delete();
          assertFalse(evidence.passed(), evidence::toString);
          assertNull(evidence.status());
          assertTrue(evidence.summary().startsWith("check failed: "), evidence.summary());
          ctx.completeNow();
        })));
  }

  /**
   * A port nothing listens on. A released ephemeral port can be taken again, even by the
   * client's own next connection, which then hangs instead of being refused; port 1 is outside
   * the ephemeral range and privileged, so nothing here listens on it.
   */
  static int closedPort() {
    return 1;
  }
}
