package dev.preflight.deploy.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.preflight.checklists.checklist.CheckSpec;
import dev.preflight.checklists.deploy.VerifyResult.StepResult;
import dev.preflight.checklists.run.Evidence;
import dev.preflight.checklists.secret.Redactor;
import dev.preflight.checklists.secret.Variables;
import dev.preflight.deploy.aws.AwsClients;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Smoke tests against a local STI Chat look-alike (seed 004) that issues and checks real session ids. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class SmokeCheckTest {

  private static final String TOKEN = "smk_live_4c1d2e3f5a6b7c8d";

  private final Set<String> sessions = ConcurrentHashMap.newKeySet();
  private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
  private final Map<String, String> seen = new ConcurrentHashMap<>();
  private final AtomicInteger validateFailuresLeft = new AtomicInteger();
  private volatile boolean greetingForgetsTheSession;
  private volatile String sessionOverride;
  private volatile long chatDelayMillis;
  private AwsClients aws;
  private CheckRunner runner;
  private String base;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext ctx) {
    Router router = Router.router(vertx);
    router.route().handler(BodyHandler.create()).handler(rc -> {
      calls.computeIfAbsent(rc.request().path(), path -> new AtomicInteger()).incrementAndGet();
      rc.next();
    });
    router.get("/api/health").handler(rc -> rc.json(new JsonObject().put("ok", true)));
    router.post("/api/greeting").handler(this::greeting);
    router.post("/api/session/validate").handler(this::validate);
    router.post("/api/chat").handler(rc -> {
      boolean known = sessions.contains(rc.body().asJsonObject().getString("sessionId", ""));
      vertx.setTimer(Math.max(1, chatDelayMillis), id -> answer(rc, known ? 200 : 401,
          new JsonObject().put("ok", known).put("reply", known ? "hola, te escucho" : null)));
    });
    router.get("/echo").handler(rc -> rc.response().end("you sent: " + rc.request().getHeader("Authorization")));
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

  private void greeting(RoutingContext rc) {
    seen.put("environment", String.valueOf(rc.request().getHeader("x-environment")));
    String session = sessionOverride != null ? sessionOverride : "sid-" + UUID.randomUUID();
    sessions.add(session);
    JsonObject answer = new JsonObject().put("ok", true).put("csrfToken", "csrf-1");
    answer(rc, 200, greetingForgetsTheSession ? answer : answer.put("sessionId", session));
  }

  /** Valid only when the session arrives both in the JSON body and in the header, as the seed's client sends it. */
  private void validate(RoutingContext rc) {
    if (validateFailuresLeft.getAndDecrement() > 0) {
      answer(rc, 503, new JsonObject().put("error", "warming up"));
      return;
    }
    String inBody = rc.body().asJsonObject().getString("sessionId", "");
    String inHeader = rc.request().getHeader("x-session-id");
    boolean valid = sessions.contains(inBody) && inBody.equals(inHeader);
    answer(rc, valid ? 200 : 401, new JsonObject().put("valid", valid).put("sessionId", inBody));
  }

  private static void answer(RoutingContext rc, int status, JsonObject body) {
    rc.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
  }

  private int calls(String path) {
    AtomicInteger count = calls.get(path);
    return count == null ? 0 : count.get();
  }

  /** Seed 004's chained test: health, greeting → sessionId → validate (body and header) → chat within 2 s. */
  private CheckSpec.Smoke seed004(Duration timeout, int retries) {
    return new CheckSpec.Smoke(List.of(
        Step.named("health").get(base + "/api/health").expectJson("/ok", true).build(),
        Step.named("greeting").post(base + "/api/greeting", "{}").header("x-environment", "{environment}")
            .expectJson("/ok", true).capture("sessionId", "/sessionId").build(),
        Step.named("validate").post(base + "/api/session/validate", "{\"sessionId\":\"{sessionId}\"}")
            .header("x-session-id", "{sessionId}").expectJson("/valid", true).build(),
        Step.named("chat").post(base + "/api/chat", "{\"sessionId\":\"{sessionId}\",\"message\":\"hola\"}")
            .expectJson("/ok", true).maxLatency(Duration.ofSeconds(2)).build()),
        new CheckSpec.Timing(timeout, retries, Duration.ofMillis(10)));
  }

  private Future<SmokeOutcome> run(CheckSpec.Smoke spec) {
    return runner.runSmoke(spec, Map.of("environment", "staging"), Variables.of(Map.of()));
  }

  private static void outcome(Future<SmokeOutcome> run, VertxTestContext ctx, Consumer<SmokeOutcome> assertions) {
    run.onComplete(ctx.succeeding(outcome -> ctx.verify(() -> {
      assertions.accept(outcome);
      ctx.completeNow();
    })));
  }

  /** Every string of the test and its steps that a person could see. */
  private static String allText(SmokeOutcome outcome) {
    StringBuilder text = new StringBuilder(Verify.allText(outcome.evidence()));
    outcome.steps().forEach(step -> text.append('\n').append(Verify.allText(step.evidence())));
    return text.toString();
  }

  private static List<String> summaries(SmokeOutcome outcome) {
    return outcome.steps().stream().map(step -> step.name() + ": " + step.evidence().summary()).toList();
  }

  @Test
  void chainedSessionTestFromSeed004Passes(VertxTestContext ctx) {
    outcome(run(seed004(Duration.ofSeconds(10), 0)), ctx, outcome -> {
      Evidence evidence = outcome.evidence();
      assertTrue(evidence.passed(), () -> evidence + "\n" + summaries(outcome));
      assertEquals("4/4 steps passed", evidence.summary());
      assertEquals(List.of("health", "greeting", "validate", "chat"),
          outcome.steps().stream().map(StepResult::name).toList());
      assertTrue(outcome.steps().stream().allMatch(step -> step.evidence().passed()), () -> summaries(outcome).toString());
      assertEquals(200, outcome.steps().get(2).evidence().status(), "validate received the session in body and header");
      assertEquals("staging", seen.get("environment"), "a caller's placeholder reached the request");
      assertTrue(evidence.latencyMillis() >= outcome.steps().stream().mapToLong(s -> s.evidence().latencyMillis()).max().orElseThrow());
      assertTrue(evidence.excerpt().contains("greeting: 200 in"), evidence.excerpt());
      assertTrue(evidence.excerpt().contains("sessionId captured"), evidence.excerpt());
      String session = sessions.iterator().next();
      assertFalse(allText(outcome).contains(session), "the session id is kept out of the evidence");
      assertTrue(outcome.steps().get(1).evidence().excerpt().contains("\"sessionId\":\"" + Redactor.MASK + "\""),
          outcome.steps().get(1).evidence().excerpt());
    });
  }

  @Test
  void stepSlowerThanItsLatencyLimitFailsNamingTheStep(VertxTestContext ctx) {
    chatDelayMillis = 400;
    CheckSpec.Smoke spec = seed004(Duration.ofSeconds(10), 0);
    List<CheckSpec.Smoke.Step> steps = new java.util.ArrayList<>(spec.steps());
    steps.set(3, Step.named("chat").post(base + "/api/chat", "{\"sessionId\":\"{sessionId}\",\"message\":\"hola\"}")
        .maxLatency(Duration.ofMillis(100)).build());
    outcome(run(new CheckSpec.Smoke(steps, spec.timing())), ctx, outcome -> {
      Evidence evidence = outcome.evidence();
      assertFalse(evidence.passed());
      Evidence chat = outcome.steps().get(3).evidence();
      assertEquals(200, chat.status(), "the answer itself was right");
      assertEquals("chat: took " + chat.latencyMillis() + " ms, over the 100 ms limit", evidence.summary());
      assertTrue(evidence.excerpt().endsWith("FAIL chat: took " + chat.latencyMillis() + " ms, over the 100 ms limit"),
          evidence.excerpt());
    });
  }

  @Test
  void missingCaptureFailsTheStepThatShouldHaveAnsweredIt(VertxTestContext ctx) {
    greetingForgetsTheSession = true;
    outcome(run(seed004(Duration.ofSeconds(10), 0)), ctx, outcome -> {
      assertFalse(outcome.evidence().passed());
      assertEquals("greeting: /sessionId is missing from the answer", outcome.evidence().summary());
      assertEquals(List.of("health: " + outcome.steps().get(0).evidence().summary(),
              "greeting: /sessionId is missing from the answer", "validate: not run", "chat: not run"),
          summaries(outcome));
      assertEquals(0, calls("/api/session/validate"), "nothing is sent with an unfilled {sessionId}");
    });
  }

  @Test
  void aCapturedValueCannotAskForTheBotsEnvironment(VertxTestContext ctx) {
    sessionOverride = "${SLACK_BOT_TOKEN}";
    outcome(run(seed004(Duration.ofSeconds(10), 0)), ctx, outcome -> {
      assertFalse(outcome.evidence().passed());
      assertEquals("greeting: /sessionId holds ${…}, which a captured value may not", outcome.evidence().summary());
      assertEquals(0, calls("/api/session/validate"), "nothing was sent with the bot's token in it");
    });
  }

  @Test
  void wrongStatusStopsTheStepsAfterIt(VertxTestContext ctx) {
    CheckSpec.Smoke spec = seed004(Duration.ofSeconds(10), 0);
    List<CheckSpec.Smoke.Step> steps = new java.util.ArrayList<>(spec.steps());
    // The header the service also needs is left out, so validate refuses the session.
    steps.set(2, Step.named("validate").post(base + "/api/session/validate", "{\"sessionId\":\"{sessionId}\"}").build());
    outcome(run(new CheckSpec.Smoke(steps, spec.timing())), ctx, outcome -> {
      Evidence evidence = outcome.evidence();
      assertFalse(evidence.passed());
      assertEquals("validate: expected 200, got 401", evidence.summary());
      assertEquals(401, evidence.status());
      assertEquals("chat: not run", summaries(outcome).get(3));
      assertEquals(0, outcome.steps().get(3).evidence().attempts());
      assertTrue(evidence.excerpt().endsWith("FAIL validate: expected 200, got 401\nskip chat: not run"), evidence.excerpt());
      assertEquals(0, calls("/api/chat"));
      assertFalse(allText(outcome).contains(sessions.iterator().next()),
          "the session id validate echoed back is masked too");
    });
  }

  @Test
  void retryStartsAgainFromTheFirstStepWithAFreshSession(VertxTestContext ctx) {
    validateFailuresLeft.set(1);
    outcome(run(seed004(Duration.ofSeconds(10), 2)), ctx, outcome -> {
      assertTrue(outcome.evidence().passed(), () -> summaries(outcome).toString());
      assertEquals(2, outcome.evidence().attempts());
      assertEquals(2, calls("/api/health"));
      assertEquals(2, calls("/api/greeting"));
      assertEquals(2, calls("/api/session/validate"));
      assertEquals(1, calls("/api/chat"));
      assertEquals(2, sessions.size());
      assertTrue(outcome.steps().stream().allMatch(step -> step.evidence().passed()),
          "the steps are those of the attempt that passed");
    });
  }

  @Test
  void wholeTestIsBoundByItsTimeout(VertxTestContext ctx) {
    chatDelayMillis = 20_000;
    outcome(run(seed004(Duration.ofMillis(700), 0)), ctx, outcome -> {
      assertFalse(outcome.evidence().passed());
      assertEquals("chat: timed out after 700 ms", outcome.evidence().summary());
    });
  }

  @Test
  void secretInAHeaderIsMaskedInEveryStepAndTheTest(VertxTestContext ctx) {
    CheckSpec.Smoke spec = new CheckSpec.Smoke(List.of(
        Step.named("logs").get(base + "/echo").header("Authorization", "Bearer ${LOG_TOKEN}").build(),
        Step.named("after").get(base + "/status-that-does-not-exist").build()),
        new CheckSpec.Timing(Duration.ofSeconds(5), 0, Duration.ZERO));
    outcome(runner.runSmoke(spec, Map.of(), Variables.of(Map.of("LOG_TOKEN", TOKEN))), ctx, outcome -> {
      assertEquals("you sent: Bearer " + Redactor.MASK, outcome.steps().get(0).evidence().excerpt());
      assertEquals("after: expected 200, got 404", outcome.evidence().summary());
      assertFalse(allText(outcome).contains(TOKEN), () -> allText(outcome));
    });
  }

  @Test
  void badCapturePointerFailsBeforeAnyRequestWithoutRetrying(VertxTestContext ctx) {
    CheckSpec.Smoke spec = new CheckSpec.Smoke(List.of(
        Step.named("greeting").post(base + "/api/greeting", "{}").capture("sessionId", "sessionId").build()),
        new CheckSpec.Timing(Duration.ofSeconds(5), 3, Duration.ofMillis(10)));
    outcome(run(spec), ctx, outcome -> {
      assertEquals("greeting: \"sessionId\" is not a JSON pointer (they start with /)", outcome.evidence().summary());
      assertEquals(1, outcome.evidence().attempts());
      assertEquals(0, calls("/api/greeting"));
    });
  }

  @Test
  void checklistItemOfTypeSmokeRunsThroughTheRunner(VertxTestContext ctx) {
    Verify.evidence(runner.run(seed004(Duration.ofSeconds(10), 0), Variables.of(Map.of())), ctx, evidence -> {
      assertTrue(evidence.passed(), evidence::toString);
      assertEquals("4/4 steps passed", evidence.summary());
      List<String> lines = evidence.excerpt().lines().toList();
      assertEquals(4, lines.size(), evidence.excerpt());
      assertTrue(lines.get(0).startsWith("pass health: 200 in "), lines.get(0));
      assertTrue(lines.get(1).endsWith("sessionId captured"), lines.get(1));
      assertTrue(lines.get(3).startsWith("pass chat: 200 in "), lines.get(3));
      assertEquals("{environment}", seen.get("environment"), "with no value given, a placeholder is sent as written");
    });
  }

  /** Builds smoke steps the way a checklist would write them, with the defaults it would leave out. */
  static final class Step {

    private final String name;
    private String method = "GET";
    private String url;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private String body;
    private final Map<String, Object> expectJson = new LinkedHashMap<>();
    private Duration maxLatency;
    private final Map<String, String> capture = new LinkedHashMap<>();

    private Step(String name) {
      this.name = name;
    }

    static Step named(String name) {
      return new Step(name);
    }

    Step get(String url) {
      this.url = url;
      return this;
    }

    Step post(String url, String body) {
      this.method = "POST";
      this.url = url;
      this.body = body;
      return header("Content-Type", "application/json");
    }

    Step header(String name, String value) {
      headers.put(name, value);
      return this;
    }

    Step expectJson(String pointer, Object value) {
      expectJson.put(pointer, value);
      return this;
    }

    Step maxLatency(Duration limit) {
      this.maxLatency = limit;
      return this;
    }

    Step capture(String name, String pointer) {
      capture.put(name, pointer);
      return this;
    }

    CheckSpec.Smoke.Step build() {
      return new CheckSpec.Smoke.Step(name, method, url, headers, body, List.of(200), expectJson, null, maxLatency,
          capture);
    }
  }
}
