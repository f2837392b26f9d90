package dev.preflight.deploy.alert;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sentry's integration-platform webhooks: the issue alert ({@code event_alert}: {@code action}
 * "triggered", the event under {@code data.event}) fires, and the issue webhook
 * ({@code issue}: {@code data.issue}) fires again on "created"/"unresolved" and resolves on
 * "resolved"/"ignored"/"archived". Both are keyed by the Sentry issue id, so the issue's
 * resolution resolves the message its alert posted. Other issue actions (an assignment) carry
 * nothing to post. The metric alert ({@code metric_alert}: "critical", "warning", "resolved")
 * is keyed by its incident.
 *
 * <p>Every alert carries the project's slug as {@code project} and, where the payload has it,
 * the numeric id as {@code project_id}. An issue alert's event names only the numeric project;
 * its slug is read from a {@code project_slug} field when there is one, else from the event's API
 * URL ({@code /projects/<org>/<slug>/events/…}).
 */
public final class SentryParser implements AlertParser {

  public static final String SOURCE = "sentry";

  private static final Set<String> FIRES = Set.of("triggered", "created", "unresolved");
  private static final Set<String> RESOLVES = Set.of("resolved", "ignored", "archived");
  private static final Set<String> METRIC_ACTIONS = Set.of("critical", "warning", "resolved");
  private static final Pattern PROJECT_IN_URL = Pattern.compile("/projects/[^/]+/([^/]+)/");

  @Override
  public String source() {
    return SOURCE;
  }

  @Override
  public AlertBatch parse(String body) {
    JsonObject payload = Json.object(body, "a Sentry webhook");
    String action = Json.requireString(payload, "action", "");
    JsonObject data = Json.object(payload, "data", "", true);
    JsonObject event = Json.object(data, "event", "data.", false);
    JsonObject issue = Json.object(data, "issue", "data.", false);
    JsonObject metric = Json.object(data, "metric_alert", "data.", false);
    if (event == null && issue == null && metric == null) {
      throw new AlertFormatException("data.event, data.issue or data.metric_alert is missing; Preflight reads "
          + "Sentry's issue alert, metric alert and issue webhooks");
    }
    if (metric != null) {
      return metric(action, metric, data);
    }
    boolean fires = FIRES.contains(action);
    if (!fires && !RESOLVES.contains(action)) {
      return AlertBatch.nothing("Sentry action " + Json.clip(action) + " carries no alert");
    }
    Alert alert = event != null
        ? fromEvent(event, data, fires)
        : fromIssue(issue, fires, "created".equals(action));
    return AlertBatch.of(List.of(alert));
  }

  private static Alert fromEvent(JsonObject event, JsonObject data, boolean fires) {
    String where = "data.event.";
    String issueId = Json.string(event, "issue_id", where);
    String title = Json.requireString(event, "title", where);
    String level = Json.string(event, "level", where);
    Map<String, String> labels = new LinkedHashMap<>();
    String projectId = Json.string(event, "project", where);
    put(labels, "project", first(first(Json.string(event, "project_slug", where),
        slugIn(Json.string(event, "url", where))), projectId));
    put(labels, "project_id", projectId);
    put(labels, "level", level);
    put(labels, "issue_id", issueId);
    tags(Json.array(event, "tags", where, false), labels);
    String rule = Json.string(data, "triggered_rule", "data.");
    put(labels, "rule", rule);
    List<Alert.Link> links = new ArrayList<>();
    String web = Json.string(event, "web_url", where);
    if (web != null && !web.isBlank()) {
      links.add(new Alert.Link("Sentry event", web));
    }
    String key = issueId != null && !issueId.isBlank() ? "issue:" + issueId
        : "event:" + Json.requireString(event, "event_id", where);
    return new Alert(SOURCE, key, fires ? Alert.Status.FIRING : Alert.Status.RESOLVED, Alert.Severity.lenient(level),
        title, culprit(Json.string(event, "culprit", where), rule), links, labels,
        Json.instant(event, "datetime", where), null);
  }

  /**
   * @param created whether the issue is new: only then is its {@code firstSeen} when this firing
   *     began; an issue that comes back (unresolved) began long before its return
   */
  private static Alert fromIssue(JsonObject issue, boolean fires, boolean created) {
    String where = "data.issue.";
    String id = Json.requireString(issue, "id", where);
    String title = Json.requireString(issue, "title", where);
    String level = Json.string(issue, "level", where);
    Map<String, String> labels = new LinkedHashMap<>();
    JsonObject project = Json.object(issue, "project", where, false);
    if (project != null) {
      put(labels, "project", Json.string(project, "slug", where + "project."));
      put(labels, "project_id", Json.string(project, "id", where + "project."));
    }
    put(labels, "level", level);
    put(labels, "issue_id", id);
    put(labels, "short_id", Json.string(issue, "shortId", where));
    List<Alert.Link> links = new ArrayList<>();
    String web = first(Json.string(issue, "web_url", where), Json.string(issue, "permalink", where));
    if (web != null) {
      links.add(new Alert.Link("Sentry issue", web));
    }
    return new Alert(SOURCE, "issue:" + id, fires ? Alert.Status.FIRING : Alert.Status.RESOLVED,
        Alert.Severity.lenient(level), title, culprit(Json.string(issue, "culprit", where), null), links, labels,
        created ? Json.instant(issue, "firstSeen", where) : null, null);
  }

  /**
   * A metric alert: "critical" and "warning" fire with that severity, "resolved" resolves. Its
   * projects are slugs already; the first one is the alert's {@code project}.
   */
  private static AlertBatch metric(String action, JsonObject metric, JsonObject data) {
    String where = "data.metric_alert.";
    if (!METRIC_ACTIONS.contains(action)) {
      return AlertBatch.nothing("Sentry metric alert action " + Json.clip(action) + " carries no alert");
    }
    Alert.Status status = "resolved".equals(action) ? Alert.Status.RESOLVED : Alert.Status.FIRING;
    Alert.Severity severity = Alert.Severity.lenient(action);
    String id = Json.requireString(metric, "id", where);
    JsonObject rule = Json.object(metric, "alert_rule", where, false);
    String ruleName = rule == null ? null : Json.string(rule, "name", where + "alert_rule.");
    String title = first(Json.string(metric, "title", where), ruleName);
    if (title == null) {
      throw new AlertFormatException(where + "title is missing");
    }
    Map<String, String> labels = new LinkedHashMap<>();
    JsonArray projects = Json.array(metric, "projects", where, false);
    if (projects.isEmpty() && rule != null) {
      projects = Json.array(rule, "projects", where + "alert_rule.", false);
    }
    if (!projects.isEmpty() && projects.getValue(0) instanceof String slug) {
      put(labels, "project", slug);
    }
    put(labels, "rule", ruleName);
    put(labels, "alert_rule_id", rule == null ? null : Json.string(rule, "id", where + "alert_rule."));
    List<Alert.Link> links = new ArrayList<>();
    String web = Json.string(data, "web_url", "data.");
    if (web != null && !web.isBlank()) {
      links.add(new Alert.Link("Sentry alert", web));
    }
    String description = Json.string(data, "description_text", "data.");
    return AlertBatch.of(List.of(new Alert(SOURCE, "metric_alert:" + id, status, severity, title,
        description == null ? "" : description, links, labels, Json.instant(metric, "date_started", where), null)));
  }

  /** The project slug in an API URL such as {@code https://sentry.io/api/0/projects/acme/backend/events/…}. */
  static String slugIn(String url) {
    if (url == null) {
      return null;
    }
    Matcher matcher = PROJECT_IN_URL.matcher(url);
    return matcher.find() ? matcher.group(1) : null;
  }

  /** Sentry sends tags as [key, value] pairs; the environment and release tags help routing. */
  private static void tags(JsonArray tags, Map<String, String> labels) {
    for (Object tag : tags) {
      if (tag instanceof JsonArray pair && pair.size() == 2 && pair.getValue(0) instanceof String name
          && pair.getValue(1) instanceof String value) {
        labels.putIfAbsent(name, value);
      }
    }
  }

  private static String culprit(String culprit, String rule) {
    String text = culprit == null ? "" : "in " + culprit;
    return rule == null || rule.isBlank() ? text : (text.isEmpty() ? "" : text + "\n") + "Rule: " + rule;
  }

  private static void put(Map<String, String> labels, String key, String value) {
    if (value != null && !value.isBlank()) {
      labels.put(key, value);
    }
  }

  private static String first(String a, String b) {
    return a != null && !a.isBlank() ? a : b != null && !b.isBlank() ? b : null;
  }
}
