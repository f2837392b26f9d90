package dev.preflight.deploy.alert;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Prometheus Alertmanager's webhook (version 4). One delivery is a group of alerts; each becomes
 * its own {@link Alert}, keyed by its fingerprint (or, from an Alertmanager too old to send one,
 * by the group key and its sorted labels), so every alert keeps one message across repeats.
 */
public final class AlertmanagerParser implements AlertParser {

  public static final String SOURCE = "alertmanager";

  @Override
  public String source() {
    return SOURCE;
  }

  @Override
  public AlertBatch parse(String body) {
    JsonObject payload = Json.object(body, "an Alertmanager webhook (version 4)");
    String version = Json.string(payload, "version", "");
    if (version == null) {
      throw new AlertFormatException("version is missing; expected an Alertmanager webhook (version 4)");
    }
    if (!"4".equals(version)) {
      throw new AlertFormatException("version " + Json.clip(version) + " is not supported; Preflight reads version 4");
    }
    String groupKey = Json.requireString(payload, "groupKey", "");
    JsonArray alerts = Json.array(payload, "alerts", "", true);
    JsonObject common = Json.object(payload, "commonAnnotations", "", false);
    String externalUrl = Json.string(payload, "externalURL", "");
    List<Alert> parsed = new ArrayList<>();
    for (int i = 0; i < alerts.size(); i++) {
      String where = "alerts[" + i + "].";
      if (!(alerts.getValue(i) instanceof JsonObject alert)) {
        throw new AlertFormatException("alerts[" + i + "] must be an object");
      }
      parsed.add(alert(alert, where, groupKey, common, externalUrl));
    }
    if (parsed.isEmpty()) {
      return AlertBatch.nothing("the group carried no alerts");
    }
    return AlertBatch.of(parsed);
  }

  private static Alert alert(JsonObject alert, String where, String groupKey, JsonObject common, String externalUrl) {
    String status = Json.requireString(alert, "status", where);
    if (!status.equals("firing") && !status.equals("resolved")) {
      throw new AlertFormatException(where + "status must be firing or resolved, not " + Json.clip(status));
    }
    Map<String, String> labels = strings(Json.object(alert, "labels", where, true), where + "labels.");
    Map<String, String> annotations = strings(Json.object(alert, "annotations", where, false), where + "annotations.");
    Map<String, String> shared = strings(common, "commonAnnotations.");
    String fingerprint = Json.string(alert, "fingerprint", where);
    String key = fingerprint != null && !fingerprint.isBlank()
        ? fingerprint
        : groupKey + new TreeMap<>(labels);
    String summary = first(annotations.get("summary"), annotations.get("title"), shared.get("summary"),
        labels.get("alertname"), "Alertmanager alert");
    String description = first(annotations.get("description"), annotations.get("message"),
        shared.get("description"), "");
    List<Alert.Link> links = new ArrayList<>();
    String generator = Json.string(alert, "generatorURL", where);
    if (generator != null && !generator.isBlank()) {
      links.add(new Alert.Link("Graph", generator));
    }
    String runbook = first(annotations.get("runbook_url"), annotations.get("runbook"), shared.get("runbook_url"), null);
    if (runbook != null) {
      links.add(new Alert.Link("Runbook", runbook));
    }
    if (externalUrl != null && !externalUrl.isBlank()) {
      links.add(new Alert.Link("Alertmanager", externalUrl));
    }
    return new Alert(SOURCE, key, Alert.Status.fromWire(status), Alert.Severity.lenient(labels.get("severity")),
        summary, description, links, labels, Json.instant(alert, "startsAt", where),
        Json.instant(alert, "endsAt", where));
  }

  private static Map<String, String> strings(JsonObject json, String where) {
    Map<String, String> values = new LinkedHashMap<>();
    if (json == null) {
      return values;
    }
    json.forEach(entry -> {
      if (entry.getValue() instanceof String text) {
        values.put(entry.getKey(), text);
      } else if (entry.getValue() != null) {
        throw new AlertFormatException(where + entry.getKey() + " must be a string");
      }
    });
    return values;
  }

  private static String first(String... candidates) {
    for (String candidate : candidates) {
      if (candidate != null && !candidate.isBlank()) {
        return candidate;
      }
    }
    return candidates[candidates.length - 1];
  }
}
