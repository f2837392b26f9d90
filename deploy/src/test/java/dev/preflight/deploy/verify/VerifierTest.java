package dev.preflight.deploy.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.preflight.checklists.checklist.CheckSpec;
import dev.preflight.checklists.deploy.Placeholders;
import dev.preflight.checklists.deploy.Verification;
import dev.preflight.checklists.deploy.Verification.Kind;
import dev.preflight.checklists.deploy.Verification.VerifyCheck;
import dev.preflight.checklists.deploy.VerifyResult;
import dev.preflight.checklists.secret.Variables;
import dev.preflight.deploy.aws.AwsClients;
import dev.preflight.deploy.check.CheckRunner;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Verification after a deploy, against a local service that can be healthy, broken or still warming up. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class VerifierTest {

  private static final Map<String, String> DEPLOY = Placeholders.of("backend", "v1.4.2", "production");
  private static final Duration SHORT = Duration.ofMillis(10);

  /** Every request the service received, as "METHOD /path", in order. */
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final List<VerifyResult> reported = new CopyOnWriteArrayList<>();
  private final AtomicInteger warmUpFailuresLeft = new AtomicInteger(2);
  private final Promise<Void> abort = Promise.promise();
  private AwsClients aws;
  private CheckRunner runner;
  private Verifier verifier;
  private String base;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext ctx) {
    Router router = Router.router(vertx);
    router.route().handler(BodyHandler.create()).handler(rc -> {
      requests.add(rc.request().method() + " " + rc.request().path());
      rc.next();
    });
    router.get("/healthz").handler(rc -> rc.json(new JsonObject().put("status", "ok")));
    router.get("/broken").handler(rc -> rc.response().setStatusCode(500).end("database unreachable"));
    router.get("/warming").handler(rc -> {
      boolean warming = warmUpFailuresLeft.getAndDecrement() > 0;
      rc.response().setStatusCode(warming ? 503 : 200).end(warming ? "starting" : "ready");
    });
    router.get("/version/:version").handler(rc -> rc.json(new JsonObject().put("version", rc.pathParam("version"))));
    // Aborting while this check is under way, as a user clicking Abort would.
    router.get("/abort-here").handler(rc -> {
      abort.tryComplete();
      rc.json(new JsonObject().put("status", "ok"));
    });
    router.post("/session").handler(rc -> rc.json(new JsonObject().put("sessionId", "s-" + rc.request().getHeader("x-service"))));
    router.get("/session/:id").handler(rc -> rc.response().setStatusCode(rc.pathParam("id").equals("s-backend") ? 200 : 404).end());
    aws = new AwsClients();
    runner = new CheckRunner(vertx, aws);
    verifier = new Verifier(runner);
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

  private VerifyCheck health(String id, String path, int retries) {
    return new VerifyCheck(id, "Health " + id, Kind.HEALTH, http(base + path, retries));
  }

  private static CheckSpec.Http http(String url, int retries) {
    return new CheckSpec.Http("GET", url, Map.of(), null, List.of(200), Map.of(), null, null,
        new CheckSpec.Timing(Duration.ofSeconds(5), retries, SHORT));
  }

  /** Opens a session named after {service} and reads it back through the captured id. */
  private VerifyCheck sessionSmoke(String id) {
    CheckSpec.Smoke smoke = new CheckSpec.Smoke(List.of(
        new CheckSpec.Smoke.Step("open", "POST", base + "/session", Map.of("x-service", "{service}"), "{}",
            List.of(200), Map.of(), null, null, Map.of("sessionId", "/sessionId")),
        new CheckSpec.Smoke.Step("read", "GET", base + "/session/{sessionId}", Map.of(), null,
            List.of(200), Map.of(), null, null, Map.of())),
        new CheckSpec.Timing(Duration.ofSeconds(5), 0, SHORT));
    return new VerifyCheck(id, "Smoke " + id, Kind.SMOKE, smoke);
  }

  private Future<List<VerifyResult>> verify(Verification verification) {
    return verifier.verify(verification, DEPLOY, Variables.of(Map.of()), reported::add, abort.future());
  }

  private static void results(Future<List<VerifyResult>> run, VertxTestContext ctx, Consumer<List<VerifyResult>> assertions) {
    run.onComplete(ctx.succeeding(results -> ctx.verify(() -> {
      assertions.accept(results);
      ctx.completeNow();
    })));
  }

  private static List<String> ids(List<VerifyResult> results) {
    return results.stream().map(VerifyResult::id).toList();
  }

  @Test
  void healthChecksRunInOrderThenSmokeTestsEachReportedAsItFinishes(VertxTestContext ctx) {
    Verification verification = new Verification(
        List.of(health("live", "/healthz", 0), health("version", "/version/{version}", 0)),
        List.of(sessionSmoke("session")));
    results(verify(verification), ctx, results -> {
      assertEquals(List.of("live", "version", "session"), ids(results));
      assertTrue(results.stream().allMatch(VerifyResult::passed), results::toString);
      assertEquals(results, reported, "onResult heard of every result, in order");
      assertEquals(List.of("GET /healthz", "GET /version/v1.4.2", "POST /session", "GET /session/s-backend"), requests);
      VerifyResult smoke = results.get(2);
      assertEquals(Kind.SMOKE, smoke.kind());
      assertEquals(List.of("open", "read"), smoke.steps().stream().map(VerifyResult.StepResult::name).toList());
      assertEquals("2/2 steps passed", smoke.evidence().summary());
      assertTrue(results.get(0).steps().isEmpty());
    });
  }

  @Test
  void smokeTestsAreSkippedWhenAHealthCheckFails(VertxTestContext ctx) {
    Verification verification = new Verification(
        List.of(health("broken", "/broken", 0), health("live", "/healthz", 0)),
        List.of(sessionSmoke("session")));
    results(verify(verification), ctx, results -> {
      assertEquals(List.of("broken", "live"), ids(results), "every health check runs, no smoke test does");
      assertEquals("expected 200, got 500", results.get(0).evidence().summary());
      assertTrue(results.get(1).passed());
      assertEquals(List.of("GET /broken", "GET /healthz"), requests);
      assertEquals(results, reported);
    });
  }

  @Test
  void healthCheckRetriesUntilTheServiceHasWarmedUp(VertxTestContext ctx) {
    results(verify(new Verification(List.of(health("warming", "/warming", 5)), List.of())), ctx, results -> {
      VerifyResult warming = results.get(0);
      assertTrue(warming.passed(), warming::toString);
      assertEquals(3, warming.evidence().attempts());
      assertEquals(3, requests.size());
      assertEquals(1, reported.size(), "a check is reported once, when its retries are over");
    });
  }

  @Test
  void healthCheckThatNeverRecoversFailsAfterItsRetries(VertxTestContext ctx) {
    results(verify(new Verification(List.of(health("broken", "/broken", 4)), List.of(sessionSmoke("session")))), ctx,
        results -> {
          assertEquals(1, results.size());
          assertFalse(results.get(0).passed());
          assertEquals(5, results.get(0).evidence().attempts(), "seed 001: five tries");
          assertEquals(5, requests.size());
        });
  }

  @Test
  void deployPlaceholdersReachTheServer(VertxTestContext ctx) {
    VerifyCheck version = new VerifyCheck("version", "Runs the new version", Kind.HEALTH, new CheckSpec.Http(
        "GET", base + "/version/{version}", Map.of(), null, List.of(200), Map.of("/version", "{version}"), null, null,
        new CheckSpec.Timing(Duration.ofSeconds(5), 0, SHORT)));
    results(verify(new Verification(List.of(version), List.of())), ctx, results -> {
      assertTrue(results.get(0).passed(), results::toString);
      assertEquals(List.of("GET /version/v1.4.2"), requests);
    });
  }

  @Test
  void abortStopsBeforeTheNextCheck(VertxTestContext ctx) {
    Verification verification = new Verification(
        List.of(health("live", "/healthz", 0), health("aborting", "/abort-here", 0), health("after", "/healthz", 0)),
        List.of(sessionSmoke("session")));
    results(verify(verification), ctx, results -> {
      assertEquals(List.of("live", "aborting"), ids(results), "the check under way finishes; nothing starts after it");
      assertEquals(List.of("GET /healthz", "GET /abort-here"), requests);
      assertEquals(results, reported);
    });
  }

  @Test
  void alreadyAbortedRunsNothing(VertxTestContext ctx) {
    abort.complete();
    results(verify(new Verification(List.of(health("live", "/healthz", 0)), List.of(sessionSmoke("session")))), ctx,
        results -> {
          assertTrue(results.isEmpty());
          assertTrue(requests.isEmpty());
        });
  }

  @Test
  void verificationWithoutChecksHasNoResults(VertxTestContext ctx) {
    results(verify(Verification.NONE), ctx, results -> {
      assertTrue(results.isEmpty());
      assertTrue(reported.isEmpty());
    });
  }

  @Test
  void listenerThatThrowsDoesNotStopTheVerification(VertxTestContext ctx) {
    Verification verification = new Verification(List.of(health("live", "/healthz", 0)), List.of(sessionSmoke("session")));
    Future<List<VerifyResult>> run = verifier.verify(verification, DEPLOY, Variables.of(Map.of()), result -> {
      throw new IllegalStateException("renderer broke");
    }, abort.future());
    results(run, ctx, results -> assertEquals(List.of("live", "session"), ids(results)));
  }
}
