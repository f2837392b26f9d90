package dev.preflight.bot.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import dev.preflight.checklists.checklist.Checklist;
import dev.preflight.checklists.checklist.Item;
import dev.preflight.checklists.checklist.Section;
import dev.preflight.checklists.checklist.SignOffRule;
import dev.preflight.checklists.deploy.Deployment;
import dev.preflight.checklists.run.ChecklistRun;
import dev.preflight.checklists.run.RunStatus;
import dev.preflight.deploy.run.RunMdc;
import dev.preflight.deploy.run.TrackedRun;
import io.sentry.Sentry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.MDC;

/**
 * Sentry's real client sending to a local HTTP server that stands in for Sentry's ingest
 * endpoint: the envelopes it receives carry the run's tags, and never a token.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class SentryReportingTest {

  private static final String TOKEN = "xoxb-9999-8888-sentrytesttoken";
  private static final String CONFIGURED_SECRET = "deploy-hook-secret-4242";
  private static final Checklist CHECKLIST = new Checklist("gate", "Gate", "gate.yaml", null,
      List.of(new Section("S", List.of(new Item("a", "A", false, null)))), SignOffRule.NONE, List.of());

  private FakeSentry sentry;

  @BeforeEach
  void startIngest(Vertx vertx, VertxTestContext ctx) {
    FakeSentry.start(vertx)
        .onSuccess(started -> {
          sentry = started;
          SecretMask.install(SecretMask.of(List.of(TOKEN, CONFIGURED_SECRET)));
          assertTrue(SentryReporting.init(Optional.of(sentry.dsn()), Optional.of("bot-test")));
        })
        .onComplete(ctx.succeedingThenComplete());
  }

  @AfterEach
  void stop() {
    Sentry.close();
    SecretMask.install(SecretMask.of(List.of()));
  }

  @Test
  void aFailedDeployIsReportedWithItsTagsAndWithoutSecrets(VertxTestContext ctx) {
    Deployment deployment = Deployment.requested("api", "production", "1.2.3")
        .failed("health check saw " + CONFIGURED_SECRET + " in a 500 from the service; Slack said " + TOKEN);
    TrackedRun run = new TrackedRun(ChecklistRun.start("run-77", CHECKLIST, "U0ALICE", Instant.now())
        .withStatus(RunStatus.FAILED), "C0DEPLOYS", "1.1", deployment);

    SentryReporting.failedRun(run);

    sentry.envelope(body -> body.contains("run-77")).onComplete(ctx.succeeding(body -> ctx.verify(() -> {
      JsonObject event = FakeSentry.eventOf(body);
      JsonObject tags = event.getJsonObject("tags");
      assertEquals("api", tags.getString("service"), body);
      assertEquals("production", tags.getString("environment"), body);
      assertEquals("run-77", tags.getString("run_id"), body);
      assertEquals("FAILED", tags.getString("status"), body);
      assertEquals("bot-test", event.getString("environment"), body);
      assertTrue(body.contains("Deploy of api 1.2.3 to production ended FAILED"), body);
      assertFalse(body.contains(TOKEN), body);
      assertFalse(body.contains(CONFIGURED_SECRET), body);
      ctx.completeNow();
    })));
  }

  @Test
  void runsThatEndedWellAreNotReported() {
    SentryReporting.failedRun(new TrackedRun(ChecklistRun.start("run-78", CHECKLIST, "U0ALICE", Instant.now())
        .withStatus(RunStatus.ROLLED_BACK), "C0DEPLOYS", "1.1", Deployment.requested("api", "production", "1.2.4")));
    SentryReporting.failedRun(new TrackedRun(ChecklistRun.start("run-79", CHECKLIST, "U0ALICE", Instant.now())
        .withStatus(RunStatus.SUCCEEDED), "C0DEPLOYS", "1.1", Deployment.requested("api", "production", "1.2.5")));
    // Closing Sentry flushes its queue, so whatever was captured has been sent by now.
    Sentry.close();
    assertTrue(sentry.envelopes().stream().noneMatch(body -> body.contains("run-78") || body.contains("run-79")),
        sentry.envelopes()::toString);
  }

  @Test
  void anErrorLoggedAtErrorIsReportedMaskedWithTheRunAsTags(VertxTestContext ctx) {
    // The shipped logging's appender (sentry-logback), on the Sentry started above.
    LoggerContext context = ShippedLogging.load(sentry.dsn());
    context.getLogger(Logger.ROOT_LOGGER_NAME).detachAppender("ASYNC");
    Logger log = context.getLogger("dev.preflight.bot.SomeListener");

    log.warn("Slack answered slowly for {}", CONFIGURED_SECRET);
    RunMdc.Scope scope = RunMdc.enter("run-80", Deployment.requested("api", "production", "1.2.6"));
    try {
      MDC.put("request", "the hook " + CONFIGURED_SECRET);
      log.error("Slack call with {} failed", TOKEN, new IllegalStateException("token " + TOKEN + " was revoked"));
    } finally {
      scope.close();
      MDC.remove("request");
    }

    sentry.envelope(body -> body.contains("SomeListener")).onComplete(ctx.succeeding(body -> ctx.verify(() -> {
      JsonObject event = FakeSentry.eventOf(body);
      assertEquals("error", event.getString("level"), body);
      assertTrue(body.contains("Slack call with ••• failed"), body);
      assertTrue(body.contains("IllegalStateException"), body);
      assertTrue(body.contains("token ••• was revoked"), body);
      assertTrue(body.contains("Slack answered slowly for •••"), "the warning before it, as a breadcrumb: " + body);
      assertTrue(body.contains("the hook •••"), "the rest of the MDC: " + body);
      JsonObject tags = event.getJsonObject("tags");
      assertEquals("run-80", tags.getString("run_id"), body);
      assertEquals("api", tags.getString("service"), body);
      assertEquals("production", tags.getString("environment"), body);
      assertFalse(body.contains(TOKEN), body);
      assertFalse(body.contains(CONFIGURED_SECRET), body);
      context.stop();
      ctx.completeNow();
    })));
  }

  @Test
  void setToADsnTheShippedAppenderStartsSentryItselfMaskedWithTheRunAsTags(VertxTestContext ctx) {
    // Before the bot has read its settings, the appender starts Sentry from SENTRY_DSN (which
    // LogConfiguration also reads from a system property) with the options it gives the appender.
    Sentry.close();
    LoggerContext context = ShippedLogging.load(sentry.dsn());
    assertTrue(Sentry.isEnabled(), "started by the appender");
    context.getLogger(Logger.ROOT_LOGGER_NAME).detachAppender("ASYNC");
    Logger log = context.getLogger("dev.preflight.bot.EarlyListener");
    RunMdc.Scope scope = RunMdc.enter("run-81", Deployment.requested("api", "staging", "1.2.7"));
    try {
      log.error("Early failure with {}", TOKEN, new IllegalStateException("hook " + CONFIGURED_SECRET));
    } finally {
      scope.close();
    }

    sentry.envelope(body -> body.contains("EarlyListener")).onComplete(ctx.succeeding(body -> ctx.verify(() -> {
      JsonObject tags = FakeSentry.eventOf(body).getJsonObject("tags");
      assertEquals("run-81", tags.getString("run_id"), body);
      assertEquals("api", tags.getString("service"), body);
      assertEquals("staging", tags.getString("environment"), body);
      assertTrue(body.contains("Early failure with •••"), body);
      assertTrue(body.contains("hook •••"), body);
      assertFalse(body.contains(TOKEN), body);
      assertFalse(body.contains(CONFIGURED_SECRET), body);
      context.stop();
      ctx.completeNow();
    })));
  }

  @Test
  void onlyErrorsBecomeEvents() {
    LoggerContext context = ShippedLogging.load(sentry.dsn());
    context.getLogger(Logger.ROOT_LOGGER_NAME).detachAppender("ASYNC");
    Logger log = context.getLogger("dev.preflight.bot.OtherListener");

    log.error("marker-error: the bot's own fault");
    log.info("marker-info: an ordinary line");
    log.warn("marker-warn: a warning is not an error");
    // Closing Sentry flushes its queue, so whatever was captured has been sent by now.
    Sentry.close();
    context.stop();

    List<String> sent = sentry.envelopes();
    assertEquals(1, sent.stream().filter(body -> body.contains("marker-error")).count(), sent::toString);
    assertTrue(sent.stream().noneMatch(body -> body.contains("marker-warn") || body.contains("marker-info")),
        sent::toString);
  }

  @Test
  void withoutADsnTheShippedLoggingHasNoSentryAppenderAndLeavesSentryAlone() {
    Sentry.close();
    LoggerContext context = ShippedLogging.load();
    assertEquals(null, context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("SENTRY"));
    context.getLogger("dev.preflight.bot.QuietListener").error("marker-no-dsn");
    assertFalse(Sentry.isEnabled());
    context.stop();
  }

  @Test
  void withoutADsnSentryStaysOff() {
    Sentry.close();
    assertFalse(SentryReporting.init(Optional.empty(), Optional.of("bot-test")));
    assertFalse(Sentry.isEnabled());
  }
}
