package dev.preflight.deploy.run;

import dev.preflight.checklists.run.Evidence;
import io.vertx.core.json.JsonObject;

/** Evidence to and from the jsonb column that keeps it. */
final class EvidenceJson {

  private EvidenceJson() {}

  static JsonObject toJson(Evidence evidence) {
    if (evidence == null) {
      return null;
    }
    return new JsonObject()
        .put("passed", evidence.passed())
        .put("summary", evidence.summary())
        .put("status", evidence.status())
        .put("latencyMillis", evidence.latencyMillis())
        .put("excerpt", evidence.excerpt())
        .put("error", evidence.error())
        .put("attempts", evidence.attempts());
  }

  static Evidence fromJson(JsonObject json) {
    if (json == null) {
      return null;
    }
    return new Evidence(
        json.getBoolean("passed", false),
        json.getString("summary"),
        json.getInteger("status"),
        json.getLong("latencyMillis"),
        json.getString("excerpt"),
        json.getString("error"),
        json.getInteger("attempts", 0));
  }
}
