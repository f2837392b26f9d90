package dev.preflight.handlers.alert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.slack.api.util.json.GsonFactory;
import dev.preflight.checklists.deploy.Release;
import dev.preflight.deploy.alert.Alert;
import dev.preflight.deploy.alert.AlertRecord;
import dev.preflight.deploy.alert.AlertRollback;
import dev.preflight.handlers.render.MessageContent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The alert message as its channel reads it (the blocks as Slack receives them): before a
 * rollback, while one runs, after it ends either way, and for a warning.
 */
class AlertMessageTest {

  private static final Gson GSON = GsonFactory.createSnakeCase();
  private static final Instant FIRED = Instant.parse("2026-12-06T14:00:00Z");
  private static final String RUN = "5a8e2f0c-1b7d-4c3e-9a6f-2d4b8c0e1f3a";
  private static final List<Release> RELEASES = List.of(
      new Release("api", "prod", "v1.4.2", null, RUN, "U0SHIPPER", FIRED.minus(Duration.ofMinutes(12)).minusSeconds(31),
          Release.DEPLOY),
      new Release("api", "prod", "v1.0.0", null, null, "U0EARLIER", FIRED.minus(Duration.ofDays(3)), Release.DEPLOY));

  @Test
  void aCriticalAlertSaysWhenTheReleaseShippedAndOffersAPlainRollbackWithARedConfirm() {
    JsonObject message = render(alert(Alert.Severity.CRITICAL, "alertmanager", null), RELEASES);
    String text = text(message);
    assertTrue(text.contains("Critical · *api in prod* · Alertmanager"), text);
    assertTrue(text.contains("*Last release:* `v1.4.2` by <@U0SHIPPER>"), text);
    assertTrue(text.contains("`v1.4.2` shipped 12m before this fired"), text);
    JsonObject button = button(message);
    assertEquals("Rollback", button.getAsJsonObject("text").get("text").getAsString());
    assertNull(button.get("style"), "the button is not red: " + button);
    JsonObject confirm = button.getAsJsonObject("confirm");
    assertEquals("danger", confirm.get("style").getAsString());
    assertTrue(confirm.getAsJsonObject("text").get("text").getAsString()
        .startsWith("Rolls api in prod back from v1.4.2 to v1.0.0, then checks its health again."), confirm.toString());
    assertEquals("api/prod/" + RUN, button.get("value").getAsString());
  }

  @Test
  void aWarningOrInfoAlertCarriesNoRollback() {
    for (Alert.Severity severity : List.of(Alert.Severity.WARNING, Alert.Severity.INFO)) {
      JsonObject message = render(alert(severity, "cloudwatch", null), RELEASES);
      assertTrue(text(message).contains(" · *api in prod* · CloudWatch"), text(message));
      assertTrue(buttons(message).isEmpty(), severity + " shows " + buttons(message));
    }
  }

  @Test
  void noRollbackWhenTheCurrentReleaseIsNotAPreflightDeploy() {
    Release bySomeoneElse = new Release("api", "prod", "v1.4.2", null, null, "U0SHIPPER", FIRED.minusSeconds(40),
        Release.DEPLOY);
    JsonObject message = render(alert(Alert.Severity.CRITICAL, "generic", null), List.of(bySomeoneElse));
    assertTrue(buttons(message).isEmpty(), text(message));
    assertTrue(text(message).contains("`v1.4.2` shipped 40s before this fired"), text(message));
    assertTrue(text(message).contains("· Webhook"), "never the internal name 'generic': " + text(message));
    Release restored = new Release("api", "prod", "v1.0.0", null, RUN, "U0SHIPPER", FIRED.plusSeconds(300),
        Release.ROLLBACK);
    JsonObject afterRollback = render(alert(Alert.Severity.CRITICAL, "sentry", null), List.of(restored));
    assertTrue(buttons(afterRollback).isEmpty(), text(afterRollback));
    assertTrue(text(afterRollback).contains("`v1.0.0` restored 5m after this started firing"), text(afterRollback));
  }

  @Test
  void aReleaseShippedAfterTheAlertStartedIsNoSuspect() {
    Release later = new Release("api", "prod", "v1.2.0", null, RUN, "U0SHIPPER",
        FIRED.plus(Duration.ofMinutes(74)).plusSeconds(8), Release.DEPLOY);
    JsonObject message = render(alert(Alert.Severity.CRITICAL, "alertmanager", null), List.of(later, RELEASES.get(1)));
    assertTrue(text(message).contains("`v1.2.0` shipped 1h 14m after this started firing"), text(message));
    assertTrue(buttons(message).isEmpty(), "a release after the start is not offered as its cause: " + text(message));

    Release atTheStart = new Release("api", "prod", "v1.2.0", null, RUN, "U0SHIPPER", FIRED, Release.DEPLOY);
    JsonObject same = render(alert(Alert.Severity.CRITICAL, "alertmanager", null), List.of(atTheStart, RELEASES.get(1)));
    assertEquals("Rollback", button(same).getAsJsonObject("text").get("text").getAsString());
  }

  @Test
  void aStartedRollbackReplacesTheButtonWithWhoStartedItAndALinkToTheRun() {
    AlertRollback running = new AlertRollback(RUN, "U0RESPONDER", "v1.0.0", "https://slack.example/archives/C1/p1",
        FIRED.plusSeconds(60), AlertRollback.Outcome.RUNNING, null, null);
    JsonObject message = render(alert(Alert.Severity.CRITICAL, "alertmanager", running), RELEASES);
    String text = text(message);
    assertTrue(text.contains("*Rollback to `v1.0.0` started* by <@U0RESPONDER> · <https://slack.example/archives/C1/p1|the run>"),
        text);
    assertTrue(text.contains("Probe failure"), "the alert itself stays: " + text);
    assertTrue(buttons(message).isEmpty(), "a second responder sees who is on it, not a button: " + text);
  }

  @Test
  void anEndedRollbackSaysHowItEnded() {
    AlertRollback done = new AlertRollback(RUN, "U0RESPONDER", "v1.0.0", null, FIRED.plusSeconds(60),
        AlertRollback.Outcome.ROLLED_BACK, null, FIRED.plusSeconds(60 + 72));
    String rolledBack = text(render(alert(Alert.Severity.CRITICAL, "alertmanager", done), RELEASES));
    assertTrue(rolledBack.contains("*Rolled back to `v1.0.0`* in 1m 12s · started by <@U0RESPONDER>"), rolledBack);

    AlertRollback failed = new AlertRollback(RUN, "U0RESPONDER", "v1.0.0", null, FIRED.plusSeconds(60),
        AlertRollback.Outcome.FAILED, "UpdateService was refused: service api is draining", FIRED.plusSeconds(90));
    JsonObject message = render(alert(Alert.Severity.CRITICAL, "alertmanager", failed), RELEASES);
    assertTrue(text(message).contains("*Rollback failed:* UpdateService was refused: service api is draining"
        + " · started by <@U0RESPONDER>"), text(message));
    assertTrue(buttons(message).isEmpty(), text(message));
  }

  private static AlertRecord alert(Alert.Severity severity, String source, AlertRollback rollback) {
    return new AlertRecord(source, "key-1", "api", "prod", "C0ALERTS01", "1700000000.000100", Alert.Status.FIRING,
        severity, "Probe failure on api", 1, FIRED, FIRED, null, "", List.of(), rollback);
  }

  private static JsonObject render(AlertRecord alert, List<Release> releases) {
    MessageContent content = AlertMessage.render(alert, releases, true);
    JsonObject message = new JsonObject();
    message.add("blocks", GSON.toJsonTree(content.blocks()));
    return message;
  }

  private static String text(JsonObject message) {
    List<String> texts = new ArrayList<>();
    collect(message, texts);
    return String.join("\n", texts);
  }

  private static void collect(JsonElement node, List<String> texts) {
    if (node.isJsonObject()) {
      JsonObject object = node.getAsJsonObject();
      if (object.has("type") && "mrkdwn".equals(object.get("type").getAsString())) {
        texts.add(object.get("text").getAsString());
      }
      object.entrySet().forEach(e -> collect(e.getValue(), texts));
    } else if (node.isJsonArray()) {
      node.getAsJsonArray().forEach(e -> collect(e, texts));
    }
  }

  private static List<JsonObject> buttons(JsonObject message) {
    List<JsonObject> found = new ArrayList<>();
    for (JsonElement block : message.getAsJsonArray("blocks")) {
      JsonArray elements = block.getAsJsonObject().getAsJsonArray("elements");
      if ("actions".equals(block.getAsJsonObject().get("type").getAsString()) && elements != null) {
        elements.forEach(e -> found.add(e.getAsJsonObject()));
      }
    }
    return found;
  }

  private static JsonObject button(JsonObject message) {
    List<JsonObject> found = buttons(message);
    assertEquals(1, found.size(), found.toString());
    assertFalse(found.get(0).has("url"));
    return found.get(0);
  }
}
