package dev.preflight.bot.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import dev.preflight.bot.BotSettings;
import dev.preflight.checklists.config.ConfigLoader;
import dev.preflight.checklists.config.PreflightConfig;
import dev.preflight.checklists.deploy.Deployment;
import dev.preflight.checklists.secret.Variables;
import dev.preflight.deploy.run.RunMdc;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.MDC;

/**
 * What the bot's log lines look like, written by the encoder the shipped {@link LogConfiguration}
 * configures (logstash-logback-encoder) into a captured stream: one JSON object per line with
 * the fields a log shipper indexes, the run in the MDC, and every kind of secret masked.
 */
class JsonLogLinesTest {

  private static final String BOT_TOKEN = "xoxb-1111-2222-abcdefABCDEF";
  private static final String SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
  private static final String DB_PASSWORD = "pg-pass-W0rd!";
  private static final String CONFIG_SECRET = "jwt-from-the-environment-123";

  private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
  private LoggerContext context;
  private Logger log;
  private OutputStreamAppender<ILoggingEvent> appender;

  @BeforeEach
  void captureLogs() {
    context = ShippedLogging.load();
    Encoder<ILoggingEvent> encoder =
        ((ConsoleAppender<ILoggingEvent>) ShippedLogging.appender(context, "STDOUT")).getEncoder();
    OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
    appender.setContext(context);
    appender.setEncoder(encoder);
    appender.setOutputStream(captured);
    appender.start();
    this.appender = appender;
    log = context.getLogger("dev.preflight.test.json");
    log.setLevel(Level.INFO);
    log.setAdditive(false);
    log.addAppender(appender);
  }

  @AfterEach
  void reset() {
    SecretMask.install(SecretMask.of(List.of()));
    MDC.clear();
    appender.stop();
    context.stop();
  }

  @Test
  void writesOneJsonObjectPerLineWithTheStandardFieldsAndTheRunFromTheMdc() {
    RunMdc.Scope scope = RunMdc.enter("run-42", Deployment.requested("api", "production", "1.2.3"));
    try {
      log.warn("Deploy {} is slow", "api");
    } finally {
      scope.close();
    }
    log.info("Between runs");

    List<JsonObject> lines = lines();
    assertEquals(2, lines.size(), lines::toString);
    JsonObject line = lines.get(0);
    assertEquals(Set.of("time", "level", "logger", "thread", "message", "run_id", "service", "environment"),
        line.fieldNames(), line.encode());
    assertEquals("WARN", line.getString("level"));
    assertEquals("dev.preflight.test.json", line.getString("logger"));
    assertEquals(Thread.currentThread().getName(), line.getString("thread"));
    assertEquals("Deploy api is slow", line.getString("message"));
    assertEquals("run-42", line.getString("run_id"));
    assertEquals("api", line.getString("service"));
    assertEquals("production", line.getString("environment"));
    String time = line.getString("time");
    assertTrue(time.endsWith("Z"), "UTC: " + time);
    assertTrue(Duration.between(Instant.parse(time), Instant.now()).abs().compareTo(Duration.ofMinutes(1)) < 0, time);
    assertEquals(Set.of("time", "level", "logger", "thread", "message"), lines.get(1).fieldNames(),
        "the run left the MDC with its scope: " + lines.get(1).encode());
  }

  @Test
  void slackAndBearerTokensAreMaskedEvenBeforeTheBotInstallsItsMask() {
    log.info("Calling Slack with {} and header Authorization: Bearer abc.DEF-123_xyz; app token xapp-1-A0-99",
        BOT_TOKEN);

    String message = lines().get(0).getString("message");
    assertFalse(message.contains(BOT_TOKEN), message);
    assertFalse(message.contains("abc.DEF-123_xyz"), message);
    assertFalse(message.contains("xapp-1-A0-99"), message);
    assertTrue(message.contains("Calling Slack with ••• and header Authorization: Bearer •••"), message);
  }

  @Test
  void theBotsSecretsAndConfiguredValuesAreMaskedInMessagesAndStackTraces(@TempDir Path dir) throws IOException {
    Path config = dir.resolve("preflight.yaml");
    Files.writeString(config, """
        roles:
          sre: { users: [U0000000002] }
        channels:
          deploys: C0000000001
        checklists:
          - checklists
        """);
    Files.createDirectories(dir.resolve("checklists"));
    Files.writeString(dir.resolve("checklists/gate.yaml"), """
        id: gate
        title: Gate
        sections:
          - title: Checks
            items:
              - id: api
                title: API answers with the staging JWT
                check:
                  kind: http
                  url: https://staging.example.com/api
                  headers: { Authorization: "Token ${STAGING_JWT}" }
        """);
    PreflightConfig loaded = ConfigLoader.load(config);
    BotSettings settings = BotSettings.fromEnvironment(Map.of(
        "SLACK_BOT_TOKEN", BOT_TOKEN,
        "SLACK_SIGNING_SECRET", SIGNING_SECRET,
        "DATABASE_URL", "postgresql://preflight:" + DB_PASSWORD + "@db.internal:5432/preflight"));
    SecretMask.install(SecretMask.of(settings, loaded, Variables.of(Map.of("STAGING_JWT", CONFIG_SECRET))));

    log.error("Check failed: the server echoed {} (signing secret {})", CONFIG_SECRET, SIGNING_SECRET,
        new IllegalStateException("could not connect to postgresql://preflight:" + DB_PASSWORD + "@db.internal"));

    MDC.put("request", "retry with " + BOT_TOKEN);
    Thread.currentThread().setName(Thread.currentThread().getName() + " " + SIGNING_SECRET);
    try {
      log.warn("Second line");
    } finally {
      Thread.currentThread().setName(Thread.currentThread().getName().replace(" " + SIGNING_SECRET, ""));
    }

    String written = captured.toString(StandardCharsets.UTF_8);
    JsonObject line = lines().get(0);
    JsonObject second = lines().get(1);
    assertEquals("retry with •••", second.getString("request"), "an MDC value is masked too");
    assertTrue(second.getString("thread").endsWith(" •••"), second.getString("thread"));
    assertEquals("Check failed: the server echoed ••• (signing secret •••)", line.getString("message"));
    assertTrue(line.getString("exception").contains("IllegalStateException"), line.getString("exception"));
    assertTrue(line.getString("exception").contains("postgresql://preflight:•••@db.internal"),
        line.getString("exception"));
    for (String secret : List.of(CONFIG_SECRET, SIGNING_SECRET, DB_PASSWORD, BOT_TOKEN)) {
      assertFalse(written.contains(secret), secret + " leaked into: " + written);
    }
  }

  private List<JsonObject> lines() {
    return captured.toString(StandardCharsets.UTF_8).lines().map(JsonObject::new).toList();
  }
}
