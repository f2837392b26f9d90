package dev.preflight.deploy.target;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * A workflow run as GitHub reports it, reduced to what finding and following one needs.
 *
 * @param conclusion null until the run is completed
 * @param createdAt null if GitHub left it out; such a run is never taken for one the bot started
 * @param headSha the commit the run ran on, or null if GitHub left it out
 */
record GithubActionsRun(long id, String status, String conclusion, String htmlUrl, String event, Instant createdAt,
    String headSha) {

  static final String COMPLETED = "completed";
  static final String SUCCESS = "success";

  static GithubActionsRun from(JsonObject json) {
    return new GithubActionsRun(json.getLong("id", 0L), json.getString("status", "unknown"),
        json.getString("conclusion"), json.getString("html_url", ""), json.getString("event", ""),
        instant(json.getString("created_at")), json.getString("head_sha"));
  }

  boolean completed() {
    return COMPLETED.equals(status);
  }

  boolean succeeded() {
    return SUCCESS.equals(conclusion);
  }

  private static Instant instant(String text) {
    try {
      return text == null ? null : Instant.parse(text);
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
