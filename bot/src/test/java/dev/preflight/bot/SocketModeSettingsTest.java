package dev.preflight.bot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What SLACK_APP_TOKEN changes in the settings: the signing secret is no longer needed. */
class SocketModeSettingsTest {

  @Test
  void anAppTokenStandsInForTheSigningSecret() {
    BotSettings settings = BotSettings.fromEnvironment(Map.of(
        "SLACK_BOT_TOKEN", "xoxb-bot-token-value",
        "SLACK_APP_TOKEN", "xapp-1-A0PREFLIGHT-1-app-token-value"));
    assertTrue(settings.socketMode());
    assertTrue(settings.slackConfigured(), settings.missingForSlack().toString());
    assertFalse(settings.toString().contains("app-token-value"), settings.toString());
  }

  @Test
  void aBotTokenGivenAsTheAppTokenIsExplainedWithoutEchoingIt() {
    BotSettings settings = BotSettings.fromEnvironment(Map.of(
        "SLACK_BOT_TOKEN", "xoxb-bot-token-value",
        "SLACK_APP_TOKEN", "xoxb-pasted-in-the-wrong-place"));
    List<String> missing = settings.missingForSlack();
    assertFalse(settings.slackConfigured());
    assertEquals(1, missing.size(), missing.toString());
    assertTrue(missing.get(0).contains("xapp-") && missing.get(0).contains("connections:write"), missing.get(0));
    assertFalse(missing.get(0).contains("wrong-place"), missing.get(0));
  }

  @Test
  void withoutEitherTheMissingSecretMentionsSocketMode() {
    BotSettings settings = BotSettings.fromEnvironment(Map.of("SLACK_BOT_TOKEN", "xoxb-bot-token-value"));
    assertFalse(settings.socketMode());
    assertEquals(1, settings.missingForSlack().size());
    assertTrue(settings.missingForSlack().get(0).contains("SLACK_APP_TOKEN"), settings.missingForSlack().get(0));
  }
}
