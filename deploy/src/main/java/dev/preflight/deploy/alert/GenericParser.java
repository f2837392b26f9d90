package dev.preflight.deploy.alert;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Preflight's own small shape for anything that has no webhook of its own (a cron job, a
 * script, an uptime checker): see docs/alerts.md. Only {@code key} and {@code summary} are
 * required; {@code service}, {@code environment} and every entry of {@code fields} can be matched
 * by a route, and a service and environment from the config route the alert on their own.
 */
public final class GenericParser implements AlertParser {

  public static final String SOURCE = "generic";

  private static final Set<String> STATUSES = Set.of("firing", "resolved");
  private static final Set<String> SEVERITIES = Set.of("critical", "warning", "info");

  @Override
  public String source() {
    return SOURCE;
  }

  @Override
  public AlertBatch parse(String body) {
    JsonObject json = Json.object(body, "a Preflight generic alert (see docs/alerts.md)");
    String key = Json.requireString(json, "key", "");
    String summary = Json.requireString(json, "summary", "");
    String status = Json.string(json, "status", "");
    if (status != null && !STATUSES.contains(status)) {
      throw new AlertFormatException("status must be firing or resolved, not " + Json.clip(status));
    }
    String severity = Json.string(json, "severity", "");
    if (severity != null && !SEVERITIES.contains(severity)) {
      throw new AlertFormatException("severity must be critical, warning or info, not " + Json.clip(severity));
    }
    Map<String, String> labels = new LinkedHashMap<>();
    JsonObject fields = Json.object(json, "fields", "", false);
    if (fields != null) {
      fields.forEach(entry -> {
        Object value = entry.getValue();
        if (value instanceof JsonObject || value instanceof JsonArray) {
          throw new AlertFormatException("fields." + entry.getKey() + " must be a string, a number or a boolean");
        }
        if (value != null) {
          labels.put(entry.getKey(), value.toString());
        }
      });
    }
    String service = Json.string(json, "service", "");
    String environment = Json.string(json, "environment", "");
    if (service != null) {
      labels.put("service", service);
    }
    if (environment != null) {
      labels.put("environment", environment);
    }
    List<Alert.Link> links = new ArrayList<>();
    JsonArray given = Json.array(json, "links", "", false);
    for (int i = 0; i < given.size(); i++) {
      links.add(link(given.getValue(i), "links[" + i + "]"));
    }
    return AlertBatch.of(List.of(new Alert(SOURCE, key, Alert.Status.fromWire(status),
        severity == null ? Alert.Severity.WARNING : Alert.Severity.lenient(severity), summary,
        Json.string(json, "description", ""), links, labels, Json.instant(json, "startsAt", ""),
        Json.instant(json, "endsAt", ""))));
  }

  /** A link is a URL, or {@code {"title": …, "url": …}}. */
  private static Alert.Link link(Object value, String where) {
    if (value instanceof String url && !url.isBlank()) {
      return new Alert.Link(url, url);
    }
    if (value instanceof JsonObject object) {
      String url = Json.requireString(object, "url", where + ".");
      String title = Json.string(object, "title", where + ".");
      return new Alert.Link(title == null || title.isBlank() ? url : title, url);
    }
    throw new AlertFormatException(where + " must be a URL or an object with url and title");
  }
}
