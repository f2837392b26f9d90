package dev.preflight.bot;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the database holds for the one run a test started: its status and message, item states,
 * sign-offs ({@code role:user}), audit lines ({@code action actor source}) and Slack event ids.
 */
final class StoredRun {

  String status;
  String messageTs;
  final Map<String, String> items = new HashMap<>();
  final List<String> signOffs = new ArrayList<>();
  final List<String> audit = new ArrayList<>();
  final List<String> events = new ArrayList<>();

  static Future<StoredRun> read(Pool db) {
    StoredRun stored = new StoredRun();
    return db.query("select id, status, message_ts from runs").execute()
        .compose(runs -> {
          Row run = runs.iterator().next();
          stored.status = run.getString("status");
          stored.messageTs = run.getString("message_ts");
          return db.query("select item_id, state from run_items order by position").execute();
        })
        .compose(items -> {
          items.forEach(row -> stored.items.put(row.getString("item_id"), row.getString("state")));
          return db.query("select role, user_id from sign_offs order by role").execute();
        })
        .compose(signOffs -> {
          signOffs.forEach(row -> stored.signOffs.add(row.getString("role") + ":" + row.getString("user_id")));
          return db.query("select event_id from slack_events order by event_id").execute();
        })
        .compose(events -> {
          events.forEach(row -> stored.events.add(row.getString("event_id")));
          return db.query("select action, actor, source from audit_log order by id").execute();
        })
        .map(audit -> {
          audit.forEach(row -> stored.audit.add(row.getString("action") + " " + row.getString("actor") + " "
              + row.getString("source")));
          return stored;
        });
  }

  /** How many audit lines start with {@code prefix}. */
  long audited(String prefix) {
    return audit.stream().filter(line -> line.startsWith(prefix)).count();
  }
}
