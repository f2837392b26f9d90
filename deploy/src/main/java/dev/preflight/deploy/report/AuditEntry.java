package dev.preflight.deploy.report;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * One row of the audit log as a report shows it: who did what to a run and when.
 *
 * @param actor the Slack user id, or null when the bot acted
 * @param detail what the action recorded (an item id, a waiver's reason, a status change); never
 *     a secret, since only masked summaries are written there
 * @param source what carried the request, e.g. {@code button:launch}
 */
public record AuditEntry(Instant at, String actor, String action, JsonObject detail, String source) {

  public AuditEntry {
    detail = detail == null ? new JsonObject() : detail.copy();
  }

  @Override
  public JsonObject detail() {
    return detail.copy();
  }
}
