package dev.preflight.bot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.pgclient.PgConnectOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BotSettingsTest {

  @Test
  void defaultsFollowTheRuntimeContract() {
    BotSettings settings = BotSettings.fromEnvironment(Map.of());
    assertEquals(Path.of("./preflight.yaml"), settings.configPath());
    assertEquals(3000, settings.port());
    assertEquals("https://slack.com/api/", settings.slackApiUrl());
    assertEquals(Path.of("./data"), settings.dataDir());
    assertFalse(settings.slackConfigured());
    assertEquals(2, settings.missingForSlack().size());
  }

  @Test
  void secretsNeverAppearInTheSettingsDescription() {
    BotSettings settings = BotSettings.fromEnvironment(Map.of(
        "SLACK_BOT_TOKEN", "xoxb-not-a-real-token-value",
        "SLACK_SIGNING_SECRET", "signing-secret-value",
        "DATABASE_URL", "postgresql://app:hunter2hunter2@db:5432/preflight"));
    String text = settings.toString();
    assertTrue(settings.slackConfigured());
    assertFalse(text.contains("xoxb-not-a-real-token-value"), text);
    assertFalse(text.contains("signing-secret-value"), text);
    assertFalse(text.contains("hunter2hunter2"), text);
  }

  @Test
  void aBadPortIsExplained() {
    IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
        () -> BotSettings.fromEnvironment(Map.of("PORT", "http")));
    assertTrue(error.getMessage().contains("PORT"), error.getMessage());
  }

  @Test
  void theSlackRateShareIsThisReplicasPartAndANonsenseShareIsExplained() {
    assertEquals(1.0, BotSettings.fromEnvironment(Map.of()).slackRateShare());
    assertEquals(0.5, BotSettings.fromEnvironment(Map.of("SLACK_RATE_SHARE", "0.5")).slackRateShare());
    for (String bad : new String[] {"0", "-1", "half", "NaN"}) {
      IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
          () -> BotSettings.fromEnvironment(Map.of("SLACK_RATE_SHARE", bad)));
      assertTrue(error.getMessage().contains("SLACK_RATE_SHARE") && error.getMessage().contains(bad),
          error.getMessage());
    }
  }

  @Test
  void httpIsServedByAnEventLoopPerCpuUnlessToldAndANonsenseCountIsExplained() {
    assertEquals(Math.max(2, Runtime.getRuntime().availableProcessors()),
        BotSettings.fromEnvironment(Map.of()).httpLoops());
    assertEquals(3, BotSettings.fromEnvironment(Map.of("PREFLIGHT_HTTP_LOOPS", "3")).httpLoops());
    for (String bad : new String[] {"0", "-2", "65", "two", "1.5"}) {
      IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
          () -> BotSettings.fromEnvironment(Map.of("PREFLIGHT_HTTP_LOOPS", bad)));
      assertTrue(error.getMessage().contains("PREFLIGHT_HTTP_LOOPS") && error.getMessage().contains(bad),
          error.getMessage());
    }
  }

  @Test
  void theSlackApiUrlAlwaysEndsWithASlash() {
    assertEquals("http://127.0.0.1:9/api/",
        BotSettings.fromEnvironment(Map.of("SLACK_API_URL", "http://127.0.0.1:9/api")).slackApiUrl());
  }

  @Test
  void aDatabaseUrlIsParsedAndItsPasswordNeverEchoed() {
    PgConnectOptions options = DatabaseUrl.parse("postgresql://app:s3cr%40t@db.internal:6543/deploys").connectOptions();
    assertEquals("db.internal", options.getHost());
    assertEquals(6543, options.getPort());
    assertEquals("deploys", options.getDatabase());
    assertEquals("app", options.getUser());
    assertEquals("s3cr@t", options.getPassword());
    IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
        () -> DatabaseUrl.parse("mysql://app:topsecretpw@db/x"));
    assertFalse(error.getMessage().contains("topsecretpw"));
  }

  @Test
  void thePoolSizeAndConnectTimeoutAreSettings() {
    BotSettings defaults = BotSettings.fromEnvironment(Map.of());
    assertEquals(8, defaults.databasePoolSize());
    assertEquals(Duration.ofSeconds(5), defaults.databaseConnectTimeout());
    BotSettings set = BotSettings.fromEnvironment(Map.of("DATABASE_POOL_SIZE", "3", "DATABASE_CONNECT_TIMEOUT", "750ms"));
    assertEquals(3, set.databasePoolSize());
    assertEquals(Duration.ofMillis(750), set.databaseConnectTimeout());
    IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
        () -> BotSettings.fromEnvironment(Map.of("DATABASE_POOL_SIZE", "0")));
    assertTrue(error.getMessage().contains("DATABASE_POOL_SIZE"), error.getMessage());
    error = assertThrows(IllegalArgumentException.class,
        () -> BotSettings.fromEnvironment(Map.of("DATABASE_CONNECT_TIMEOUT", "soon")));
    assertTrue(error.getMessage().contains("DATABASE_CONNECT_TIMEOUT"), error.getMessage());
  }
}
