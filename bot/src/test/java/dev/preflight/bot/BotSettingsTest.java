package dev.preflight.bot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
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
  void theSlackApiUrlAlwaysEndsWithASlash() {
    assertEquals("http://127.0.0.1:9/api/",
        BotSettings.fromEnvironment(Map.of("SLACK_API_URL", "http://127.0.0.1:9/api")).slackApiUrl());
  }

  @Test
  void aDatabaseUrlIsParsedAndItsPasswordNeverEchoed() {
    Database database = Database.external("postgresql://app:s3cr%40t@db.internal:6543/deploys");
    assertEquals("db.internal", database.connectOptions().getHost());
    assertEquals(6543, database.connectOptions().getPort());
    assertEquals("deploys", database.connectOptions().getDatabase());
    assertEquals("app", database.connectOptions().getUser());
    assertEquals("s3cr@t", database.connectOptions().getPassword());
    IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
        () -> Database.external("mysql://app:topsecretpw@db/x"));
    assertFalse(error.getMessage().contains("topsecretpw"));
  }
}
