package dev.preflight.deploy.run;

import dev.preflight.checklists.analysis.Verdict;
import dev.preflight.checklists.deploy.Deployment;
import dev.preflight.checklists.deploy.Release;
import dev.preflight.checklists.deploy.Verification;
import dev.preflight.checklists.deploy.VerifyResult;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Deployments, releases and verification results to and from their columns. */
public final class DeploymentJson {

  private DeploymentJson() {}

  static JsonObject state(Map<String, String> state) {
    JsonObject json = new JsonObject();
    state.forEach(json::put);
    return json;
  }

  static Map<String, String> state(JsonObject json) {
    Map<String, String> state = new LinkedHashMap<>();
    if (json != null) {
      json.forEach(e -> state.put(e.getKey(), e.getValue() == null ? null : String.valueOf(e.getValue())));
    }
    return state;
  }

  static JsonArray results(List<VerifyResult> results) {
    JsonArray array = new JsonArray();
    for (VerifyResult result : results) {
      JsonArray steps = new JsonArray();
      result.steps().forEach(step -> steps.add(new JsonObject()
          .put("name", step.name()).put("evidence", EvidenceJson.toJson(step.evidence()))));
      array.add(new JsonObject()
          .put("id", result.id())
          .put("title", result.title())
          .put("kind", result.kind().name())
          .put("evidence", EvidenceJson.toJson(result.evidence()))
          .put("steps", steps)
          .put("verdict", result.verdict().name()));
    }
    return array;
  }

  static List<VerifyResult> results(JsonArray array) {
    List<VerifyResult> results = new ArrayList<>();
    if (array == null) {
      return results;
    }
    for (int i = 0; i < array.size(); i++) {
      JsonObject json = array.getJsonObject(i);
      List<VerifyResult.StepResult> steps = new ArrayList<>();
      JsonArray stepArray = json.getJsonArray("steps", new JsonArray());
      for (int s = 0; s < stepArray.size(); s++) {
        JsonObject step = stepArray.getJsonObject(s);
        steps.add(new VerifyResult.StepResult(step.getString("name"),
            EvidenceJson.fromJson(step.getJsonObject("evidence"))));
      }
      results.add(new VerifyResult(json.getString("id"), json.getString("title"),
          Verification.Kind.valueOf(json.getString("kind")), EvidenceJson.fromJson(json.getJsonObject("evidence")),
          steps, json.containsKey("verdict") ? Verdict.valueOf(json.getString("verdict")) : null));
    }
    return results;
  }

  static JsonObject release(Release release) {
    if (release == null) {
      return null;
    }
    return new JsonObject()
        .put("service", release.service())
        .put("environment", release.environment())
        .put("version", release.version())
        .put("revision", release.revision())
        .put("runId", release.runId())
        .put("by", release.by())
        .put("at", release.at() == null ? null : release.at().toString())
        .put("kind", release.kind());
  }

  static Release release(JsonObject json) {
    if (json == null) {
      return null;
    }
    String at = json.getString("at");
    return new Release(json.getString("service"), json.getString("environment"), json.getString("version"),
        json.getString("revision"), json.getString("runId"), json.getString("by"),
        at == null ? null : Instant.parse(at), json.getString("kind"));
  }

  static Deployment fromRow(Row row) {
    return new Deployment(
        row.getString("service"),
        row.getString("environment"),
        row.getString("version"),
        row.getString("step"),
        row.getString("progress"),
        state((JsonObject) row.getValue("deploy_state")),
        state((JsonObject) row.getValue("rollback_state")),
        results((JsonArray) row.getValue("verification")),
        results((JsonArray) row.getValue("rollback_verification")),
        release((JsonObject) row.getValue("previous")),
        row.getString("launched_by"),
        instant(row.getOffsetDateTime("launched_at")),
        row.getString("failure"),
        row.getString("rollback_by"),
        instant(row.getOffsetDateTime("rollback_at")),
        StoredCauses.rollbackReason(row.getString("rollback_reason")),
        instant(row.getOffsetDateTime("finished_at")));
  }

  /** A row of the releases table. */
  public static Release releaseFromRow(Row row) {
    java.util.UUID runId = row.getUUID("run_id");
    return new Release(row.getString("service"), row.getString("environment"), row.getString("version"),
        row.getString("revision"), runId == null ? null : runId.toString(), row.getString("released_by"),
        instant(row.getOffsetDateTime("released_at")), row.getString("kind"));
  }

  static Instant instant(OffsetDateTime time) {
    return time == null ? null : time.toInstant();
  }
}
