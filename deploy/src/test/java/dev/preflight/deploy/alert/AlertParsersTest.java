package dev.preflight.deploy.alert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.preflight.checklists.alert.AlertRoute;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Each source's documented payload read into alerts, malformed bodies refused with their reason, and routing. */
class AlertParsersTest {

  private final AlertParsers parsers = AlertParsers.standard();

  @Test
  void alertmanagerGroupBecomesOneAlertPerFingerprint() {
    AlertBatch batch = parsers.parse("alertmanager", AlertSamples.read("alertmanager-firing.json"));
    assertEquals(2, batch.alerts().size());
    Alert probe = batch.alerts().get(0);
    assertEquals("1a30ba71cca2921f", probe.groupKey());
    assertEquals(Alert.Status.FIRING, probe.status());
    assertEquals(Alert.Severity.CRITICAL, probe.severity());
    assertEquals("BlackBox Probe Failure: https://api.example.org", probe.summary());
    assertTrue(probe.description().startsWith("Instance https://api.example.org has been down"));
    assertEquals("api", probe.labels().get("service"));
    assertEquals(Instant.parse("2023-02-06T13:08:45.828Z"), probe.startsAt());
    assertNull(probe.endsAt(), "Go's zero time means it has not ended");
    assertEquals(List.of("Graph", "Runbook", "Alertmanager"), probe.links().stream().map(Alert.Link::title).toList());
    assertEquals(Alert.Severity.WARNING, batch.alerts().get(1).severity());

    Alert resolved = parsers.parse("alertmanager", AlertSamples.read("alertmanager-resolved.json")).alerts().get(0);
    assertEquals(Alert.Status.RESOLVED, resolved.status());
    assertEquals(probe.groupKey(), resolved.groupKey());
  }

  @Test
  void cloudwatchAlarmInsideSnsFiresAndOkResolvesTheSameKey() {
    Alert alarm = parsers.parse("cloudwatch", AlertSamples.read("cloudwatch-alarm.json")).alerts().get(0);
    assertEquals(Alert.Status.FIRING, alarm.status());
    assertEquals(Alert.Severity.CRITICAL, alarm.severity());
    assertEquals("api-prod-5xx", alarm.labels().get("alarmName"));
    assertEquals("api-prod-5xx", alarm.summary(), "no state in it: a resolved message keeps the summary it fired with");
    assertEquals("arn:aws:cloudwatch:eu-west-1:123456789012:alarm:api-prod-5xx", alarm.groupKey());
    assertTrue(alarm.description().contains("Threshold Crossed"), alarm.description());
    assertEquals(Instant.parse("2023-02-06T13:10:05.123Z"), alarm.startsAt());
    assertTrue(alarm.links().get(0).url().startsWith("https://eu-west-1.console.aws.amazon.com/cloudwatch/"));

    Alert ok = parsers.parse("cloudwatch", AlertSamples.read("cloudwatch-ok.json")).alerts().get(0);
    assertEquals(Alert.Status.RESOLVED, ok.status());
    assertEquals(alarm.groupKey(), ok.groupKey());
  }

  @Test
  void snsSubscriptionConfirmationAsksForTheSubscribeUrlAndCarriesNoAlert() {
    AlertBatch batch = parsers.parse("cloudwatch", AlertSamples.read("sns-subscription-confirmation.json"));
    assertTrue(batch.alerts().isEmpty());
    assertTrue(batch.subscribeUrl().startsWith("https://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription"));
  }

  @Test
  void sentryIssueAlertFiresAndTheIssueResolutionResolvesIt() {
    Alert triggered = parsers.parse("sentry", AlertSamples.read("sentry-event-alert.json")).alerts().get(0);
    assertEquals("issue:1117540176", triggered.groupKey());
    assertEquals(Alert.Status.FIRING, triggered.status());
    assertEquals(Alert.Severity.CRITICAL, triggered.severity());
    assertEquals("ReferenceError: heck is not defined", triggered.summary());
    assertEquals("front-end", triggered.labels().get("project"), "the slug, read from the event's API URL");
    assertEquals("1", triggered.labels().get("project_id"));
    assertEquals("prod", triggered.labels().get("environment"));
    assertTrue(triggered.description().contains("Very Important Alert Rule!"));

    Alert resolved = parsers.parse("sentry", AlertSamples.read("sentry-issue-resolved.json")).alerts().get(0);
    assertEquals(triggered.groupKey(), resolved.groupKey());
    assertEquals(Alert.Status.RESOLVED, resolved.status());
    assertEquals("front-end", resolved.labels().get("project"));
    assertEquals("1", resolved.labels().get("project_id"));
  }

  @Test
  void aNewSentryIssueStartedAtItsFirstSeenAndAReturningOneAtItsReturn() {
    String resolved = AlertSamples.read("sentry-issue-resolved.json");
    Alert created = parsers.parse("sentry", resolved.replace("\"action\": \"resolved\"", "\"action\": \"created\""))
        .alerts().get(0);
    assertEquals(Instant.parse("2019-08-19T21:06:17.905753Z"), created.startsAt());
    Alert back = parsers.parse("sentry", resolved.replace("\"action\": \"resolved\"", "\"action\": \"unresolved\""))
        .alerts().get(0);
    assertTrue(back.firing());
    assertNull(back.startsAt(), "its firstSeen is when the issue first appeared, long before it came back");
  }

  @ParameterizedTest(name = "startsAt {0} received at 12:00 began {1}")
  @CsvSource({
      "2026-12-06T11:00:00Z, 2026-12-06T11:00:00Z",
      "2026-12-06T12:00:00Z, 2026-12-06T12:00:00Z",
      "2026-12-05T12:00:00Z, 2026-12-05T12:00:00Z",
      "2026-12-05T11:59:59Z, 2026-12-06T12:00:00Z",
      "2026-12-06T12:00:01Z, 2026-12-06T12:00:00Z",
      ", 2026-12-06T12:00:00Z"})
  void anAlertBeganWhenItsSenderSaysUnlessThatIsInTheFutureOrOverADayBack(String startsAt, String began) {
    Alert alert = new Alert("generic", "k", Alert.Status.FIRING, Alert.Severity.CRITICAL, "s", "", List.of(), Map.of(),
        startsAt == null ? null : Instant.parse(startsAt), null);
    assertEquals(Instant.parse(began), alert.began(Instant.parse("2026-12-06T12:00:00Z")));
  }

  @Test
  void sentryMetricAlertFiresWithItsSeverityAndResolvesTheSameIncident() {
    Alert critical = parsers.parse("sentry", AlertSamples.read("sentry-metric-alert.json")).alerts().get(0);
    assertEquals("metric_alert:4", critical.groupKey());
    assertEquals(Alert.Status.FIRING, critical.status());
    assertEquals(Alert.Severity.CRITICAL, critical.severity());
    assertEquals("Too many errors", critical.summary());
    assertEquals("front-end", critical.labels().get("project"));
    assertTrue(critical.description().startsWith("1000 events in the last 10 minutes"), critical.description());
    assertEquals(List.of("Sentry alert"), critical.links().stream().map(Alert.Link::title).toList());

    String warning = AlertSamples.read("sentry-metric-alert.json").replace("\"action\": \"critical\"",
        "\"action\": \"warning\"");
    assertEquals(Alert.Severity.WARNING, parsers.parse("sentry", warning).alerts().get(0).severity());

    Alert resolved = parsers.parse("sentry", AlertSamples.read("sentry-metric-resolved.json")).alerts().get(0);
    assertEquals(critical.groupKey(), resolved.groupKey());
    assertEquals(Alert.Status.RESOLVED, resolved.status());
  }

  @Test
  void sentryRouteByProjectMatchesTheSlugAndTheIdOfEveryShape() {
    AlertRouter bySlug = new AlertRouter(List.of(
        new AlertRoute("sentry", Map.of("project", "front-end"), "web", "prod", null)));
    AlertRouter byId = new AlertRouter(List.of(new AlertRoute("sentry", Map.of("project", "1"), "web", "prod", null)));
    for (String sample : List.of("sentry-event-alert.json", "sentry-issue-resolved.json", "sentry-metric-alert.json")) {
      Alert alert = parsers.parse("sentry", AlertSamples.read(sample)).alerts().get(0);
      assertEquals("web", bySlug.route(alert).orElseThrow(() -> new AssertionError(sample + " by slug")).service());
    }
    for (String sample : List.of("sentry-event-alert.json", "sentry-issue-resolved.json")) {
      Alert alert = parsers.parse("sentry", AlertSamples.read(sample)).alerts().get(0);
      assertTrue(byId.route(alert).isPresent(), sample + " by id");
    }
    Alert other = parsers.parse("sentry", AlertSamples.read("sentry-event-alert.json").replace("front-end", "billing"))
        .alerts().get(0);
    assertTrue(bySlug.route(other).isEmpty(), "another project's slug does not match");
    Alert alertmanager = parsers.parse("alertmanager", AlertSamples.read("alertmanager-firing.json")).alerts().get(0);
    assertTrue(new AlertRouter(List.of(new AlertRoute(null, Map.of("project", "1"), "web", "prod", null)))
        .route(alertmanager).isEmpty(), "only Sentry's project matches by id");
  }

  @Test
  void genericShapeCarriesItsFieldsAndLinks() {
    Alert alert = parsers.parse("generic", AlertSamples.read("generic-firing.json")).alerts().get(0);
    assertEquals("nightly-backup-api-prod", alert.groupKey());
    assertEquals(Alert.Severity.CRITICAL, alert.severity());
    assertEquals("3", alert.labels().get("attempt"));
    assertEquals("prod", alert.labels().get("environment"));
    assertEquals(List.of("https://ci.example.org/jobs/backup/812", "Runbook"),
        alert.links().stream().map(Alert.Link::title).toList());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "alertmanager | not json                                   | the body is not JSON",
      "alertmanager | {\"version\":\"3\",\"groupKey\":\"g\",\"alerts\":[]} | version 3 is not supported",
      "alertmanager | {\"version\":\"4\",\"alerts\":[]}              | groupKey is missing",
      "alertmanager | {\"version\":\"4\",\"groupKey\":\"g\",\"alerts\":[{\"status\":\"firing\"}]} | alerts[0].labels is missing",
      "alertmanager | {\"version\":\"4\",\"groupKey\":\"g\",\"alerts\":[{\"status\":\"odd\",\"labels\":{}}]} | alerts[0].status must be firing or resolved",
      "cloudwatch   | {\"Type\":\"Notification\",\"Message\":\"hello\"} | Message is not a CloudWatch alarm",
      "cloudwatch   | {\"Type\":\"Notification\",\"Message\":\"{\\\"AlarmName\\\":\\\"a\\\",\\\"NewStateValue\\\":\\\"MAYBE\\\"}\"} | Message.NewStateValue must be ALARM, OK or INSUFFICIENT_DATA",
      "cloudwatch   | {\"Type\":\"Surprise\"}                          | Type Surprise is not an SNS message type",
      "cloudwatch   | {\"Type\":\"SubscriptionConfirmation\"}          | SubscribeURL is missing",
      "sentry       | {\"action\":\"triggered\",\"data\":{}}           | data.event, data.issue or data.metric_alert is missing",
      "sentry       | {\"action\":\"critical\",\"data\":{\"metric_alert\":{\"title\":\"t\"}}} | data.metric_alert.id is missing",
      "sentry       | {\"action\":\"triggered\",\"data\":{\"event\":{}}} | data.event.title is missing",
      "generic      | []                                         | the body is not a JSON object",
      "generic      | {\"key\":\"k\"}                                 | summary is missing",
      "generic      | {\"key\":\"k\",\"summary\":\"s\",\"severity\":\"loud\"} | severity must be critical, warning or info",
      "nagios       | {}                                         | unknown alert source 'nagios'",
  })
  void malformedBodiesAreRefusedWithTheReason(String source, String body, String reason) {
    AlertFormatException refused = assertThrows(AlertFormatException.class, () -> parsers.parse(source, body));
    assertTrue(refused.getMessage().startsWith(reason), refused.getMessage());
  }

  @Test
  void firstMatchingRouteWinsAndGenericAlertsRouteThemselves() {
    AlertRouter router = new AlertRouter(List.of(
        new AlertRoute("cloudwatch", Map.of("alarmName", "api-prod-5xx"), "api", "prod", "alerts"),
        new AlertRoute("alertmanager", Map.of("service", "api", "env", "staging"), "api", "staging", null),
        new AlertRoute("alertmanager", Map.of("service", "api"), "api", "prod", null),
        new AlertRoute(null, Map.of("project", "front-end"), "web", "prod", null)));
    Alert probe = parsers.parse("alertmanager", AlertSamples.read("alertmanager-firing.json")).alerts().get(0);
    assertEquals("prod", router.route(probe).orElseThrow().environment());
    Alert alarm = parsers.parse("cloudwatch", AlertSamples.read("cloudwatch-alarm.json")).alerts().get(0);
    assertEquals("alerts", router.route(alarm).orElseThrow().channel());
    Alert sentry = parsers.parse("sentry", AlertSamples.read("sentry-issue-resolved.json")).alerts().get(0);
    assertEquals("web", router.route(sentry).orElseThrow().service());
    Alert unrouted = parsers.parse("sentry", AlertSamples.read("sentry-event-alert.json").replace("front-end", "mobile"))
        .alerts().get(0);
    assertTrue(router.route(unrouted).isEmpty(), "project mobile has no route");
    Alert generic = parsers.parse("generic", AlertSamples.read("generic-firing.json")).alerts().get(0);
    assertEquals(new AlertRoute("generic", Map.of(), "api", "prod", null), router.route(generic).orElseThrow());
  }
}
