package dev.preflight.deploy.action;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.preflight.checklists.config.HttpAction;
import dev.preflight.checklists.secret.Redactor;
import dev.preflight.checklists.secret.Variables;
import dev.preflight.deploy.target.MemoryJournal;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code http} steps against a local webhook: what is sent (placeholders and secrets filled, the
 * secret masked in what comes back), which failures are sent again (only for methods safe to
 * repeat) and how a restart treats a POST already sent.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class HttpActionRunnerTest {

  private final List<String> received = new CopyOnWriteArrayList<>();
  private final AtomicInteger failFirst = new AtomicInteger();
  /** Run after each answer the server gives. */
  private volatile Runnable afterAnswer = () -> {};
  private HttpServer server;
  private HttpActionRunner runner;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext ctx) {
    server = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
      received.add(request.method() + " " + request.uri() + " " + request.getHeader("Authorization") + " " + body);
      if (request.uri().startsWith("/hang")) {
        return; // never answered
      }
      if (failFirst.getAndDecrement() > 0) {
        request.response().setStatusCode(503).end("busy");
      } else {
        request.response().setStatusCode(202).end("queued with token hook-secret-1");
      }
      afterAnswer.run();
    }));
    runner = new HttpActionRunner(vertx, WebClient.create(vertx), Duration.ofMillis(50));
    server.listen(0, "127.0.0.1").onComplete(ctx.succeedingThenComplete());
  }

  private HttpAction hook(String method, Set<Integer> expect) {
    return new HttpAction("notify", method, "http://127.0.0.1:" + server.actualPort() + "/deploys/{version}",
        Map.of("Authorization", "Bearer ${HOOK_TOKEN}"), "{\"version\": \"{version}\"}", expect, Duration.ofSeconds(5));
  }

  private static ActionContext context(MemoryJournal journal) {
    return new ActionContext(Map.of("version", "v1.2.3"), Variables.of(Map.of("HOOK_TOKEN", "hook-secret-1")),
        new Redactor(), journal);
  }

  @Test
  void aPutIsSentAgainAfterA5xxAndItsAnswerIsMasked(VertxTestContext ctx) {
    failFirst.set(2);
    runner.run(hook("PUT", Set.of(202)), context(new MemoryJournal()))
        .onComplete(ctx.succeeding(outcome -> ctx.verify(() -> {
          assertTrue(outcome.passed(), outcome.summary());
          assertEquals("PUT http://127.0.0.1:" + server.actualPort() + "/deploys/v1.2.3 answered 202", outcome.summary());
          assertEquals("queued with token •••", outcome.output());
          assertEquals(3, received.size(), "two 503s, then the answer");
          assertEquals("PUT /deploys/v1.2.3 Bearer hook-secret-1 {\"version\": \"v1.2.3\"}", received.get(2));
          ctx.completeNow();
        })));
  }

  @Test
  void aPostIsSentOnceAndAnUnexpectedStatusFails(VertxTestContext ctx) {
    failFirst.set(1);
    runner.run(hook("POST", Set.of()), context(new MemoryJournal()))
        .onComplete(ctx.succeeding(outcome -> ctx.verify(() -> {
          assertFalse(outcome.passed());
          assertTrue(outcome.summary().endsWith("answered 503, not 2xx"), outcome.summary());
          assertEquals(1, received.size());
          ctx.completeNow();
        })));
  }

  @Test
  void anAbortEndsTheStepWhileItsRequestWaitsForAnAnswer(Vertx vertx, VertxTestContext ctx) {
    MemoryJournal journal = new MemoryJournal();
    HttpAction hanging = new HttpAction("notify", "POST", "http://127.0.0.1:" + server.actualPort() + "/hang/{version}",
        Map.of(), null, Set.of(), Duration.ofMinutes(5));
    vertx.setPeriodic(20, id -> {
      if (!received.isEmpty()) {
        vertx.cancelTimer(id);
        journal.abort();
      }
    });
    runner.run(hanging, context(journal)).onComplete(ctx.succeeding(outcome -> ctx.verify(() -> {
      assertFalse(outcome.passed());
      assertEquals("POST http://127.0.0.1:" + server.actualPort() + "/hang/v1.2.3 was sent; its answer was not "
          + "awaited: the run was aborted", outcome.summary());
      ctx.completeNow();
    })));
  }

  @Test
  void anAbortDuringThePauseBeforeTheNextAttemptSendsNoMore(Vertx vertx, VertxTestContext ctx) {
    MemoryJournal journal = new MemoryJournal();
    HttpActionRunner slowRetries = new HttpActionRunner(vertx, WebClient.create(vertx), Duration.ofSeconds(2));
    failFirst.set(10);
    // The 503 is in the runner's hands long before this: it waits 2 s before its next attempt.
    afterAnswer = () -> vertx.setTimer(200, id -> journal.abort());
    slowRetries.run(hook("PUT", Set.of(202)), context(journal)).onComplete(ctx.succeeding(outcome -> ctx.verify(() -> {
      assertFalse(outcome.passed());
      assertEquals("PUT http://127.0.0.1:" + server.actualPort() + "/deploys/v1.2.3 was not sent again: the run was "
          + "aborted", outcome.summary());
      assertEquals(1, received.size(), "no attempt after the abort: " + received);
      ctx.completeNow();
    })));
  }

  @Test
  void aPostAlreadySentBeforeARestartIsNotSentAgain(VertxTestContext ctx) {
    runner.run(hook("POST", Set.of()), context(new MemoryJournal(Map.of(HttpActionRunner.SENT, "1"))))
        .onComplete(ctx.succeeding(outcome -> ctx.verify(() -> {
          assertFalse(outcome.passed());
          assertTrue(outcome.summary().contains("its outcome is unknown"), outcome.summary());
          assertTrue(outcome.unknown(), "not a failure that a rollback acts on");
          assertEquals(List.of(), received);
          ctx.completeNow();
        })));
  }
}
