package dev.preflight.deploy.run;

import dev.preflight.checklists.deploy.LockCause;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Lock causes and rollback reasons to and from their text columns. A lock a person set keeps
 * their reason as they wrote it, as it always was; a rollback's lock is a small JSON object.
 * Rows written before causes were values hold a sentence, which is read back into the value it
 * described.
 */
final class StoredCauses {

  private static final String ROLLBACK = "rollback";
  private static final String MANUAL = "manual";
  private static final String INTERRUPTED = "interrupted";
  /** The sentence earlier versions stored for a rollback's lock. */
  private static final Pattern OLD_ROLLBACK_LOCK =
      Pattern.compile("Rolled back from (\\S+) \\((.*)\\)\\. Unlock when the cause is understood\\.", Pattern.DOTALL);
  private static final String OLD_AUTOMATIC = "automatic: ";
  private static final String OLD_ASKED = "asked for by ";

  private StoredCauses() {}

  static String lockReason(LockCause cause) {
    if (cause instanceof LockCause.RolledBack rolledBack) {
      JsonObject json = new JsonObject().put("cause", ROLLBACK).put("from", rolledBack.fromVersion())
          .put("automatic", rolledBack.automaticReason());
      return (rolledBack.failed() ? json.put("failed", true) : json).encode();
    }
    if (cause instanceof LockCause.Interrupted interrupted) {
      return new JsonObject().put("cause", INTERRUPTED).put("version", interrupted.version())
          .put("step", interrupted.step()).put("beforeDeploy", interrupted.beforeDeploy()).encode();
    }
    String reason = ((LockCause.Manual) cause).reason();
    return reason.startsWith("{") ? new JsonObject().put("cause", MANUAL).put("reason", reason).encode() : reason;
  }

  static LockCause lockCause(String column) {
    String text = column == null ? "" : column;
    if (text.startsWith("{")) {
      try {
        JsonObject json = new JsonObject(text);
        if (ROLLBACK.equals(json.getString("cause"))) {
          return new LockCause.RolledBack(json.getString("from"), json.getString("automatic"),
              json.getBoolean("failed", false));
        }
        if (INTERRUPTED.equals(json.getString("cause"))) {
          return new LockCause.Interrupted(json.getString("version"), json.getString("step"),
              json.getBoolean("beforeDeploy", false));
        }
        if (MANUAL.equals(json.getString("cause"))) {
          return new LockCause.Manual(json.getString("reason", ""));
        }
      } catch (DecodeException | ClassCastException e) {
        return new LockCause.Manual(text);
      }
    }
    Matcher old = OLD_ROLLBACK_LOCK.matcher(text);
    if (old.matches()) {
      return new LockCause.RolledBack(old.group(1), rollbackReason(old.group(2)));
    }
    return new LockCause.Manual(text);
  }

  /**
   * The automatic reason of a rollback, from its column: null when a person asked. Earlier
   * versions stored "automatic: why", or "asked for by" and the asker, who is also in rollback_by.
   */
  static String rollbackReason(String column) {
    if (column == null || column.startsWith(OLD_ASKED)) {
      return null;
    }
    return column.startsWith(OLD_AUTOMATIC) ? column.substring(OLD_AUTOMATIC.length()) : column;
  }
}
