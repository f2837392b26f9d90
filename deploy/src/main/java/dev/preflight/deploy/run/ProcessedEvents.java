package dev.preflight.deploy.run;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Remembers the Slack event ids already handled, so a redelivered event is handled once.
 *
 * <p>While the database does not answer, ids are remembered in memory (the most recent
 * {@value #REMEMBERED} of them) and written when it returns, so an event that arrives during an
 * outage is still handled, once: a reaction then becomes a sign-off kept for later instead of a
 * 503 that Slack may or may not redeliver after the outage.
 */
public final class ProcessedEvents {

  static final int REMEMBERED = 10_000;
  private static final String KEY = "slack-events";

  private final Pool pool;
  private final PendingWrites pending;
  private final Set<String> seenMeanwhile = Collections.newSetFromMap(Collections.synchronizedMap(
      new LinkedHashMap<>(64, 0.75f, false) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
          return size() > REMEMBERED;
        }
      }));

  /** Without a place to keep ids for later: while the database is away, firstSeen fails. */
  public ProcessedEvents(Pool pool) {
    this(pool, null);
  }

  /** @param pending where ids seen during an outage wait to be written; null to refuse them instead */
  public ProcessedEvents(Pool pool, PendingWrites pending) {
    this.pool = pool;
    this.pending = pending;
  }

  /** True the first time an event id is seen, false for every redelivery. */
  public Future<Boolean> firstSeen(String eventId) {
    if (seenMeanwhile.contains(eventId)) {
      return Future.succeededFuture(false);
    }
    return insert(eventId).recover(e -> {
      if (pending == null || !PendingWrites.unreachable(e)) {
        return Future.failedFuture(e);
      }
      if (!seenMeanwhile.add(eventId)) {
        return Future.succeededFuture(false);
      }
      // Written later so that a redelivery after the outage, or to another replica, is still told apart.
      pending.submit(KEY, () -> insert(eventId));
      return Future.succeededFuture(true);
    });
  }

  private Future<Boolean> insert(String eventId) {
    return pool.preparedQuery("insert into slack_events (event_id) values ($1) on conflict do nothing")
        .execute(Tuple.of(eventId))
        .map(rows -> rows.rowCount() == 1);
  }

  /** Forgets an event whose handling failed, so Slack's redelivery is handled. */
  public Future<Void> forget(String eventId) {
    seenMeanwhile.remove(eventId);
    return pool.preparedQuery("delete from slack_events where event_id = $1").execute(Tuple.of(eventId)).mapEmpty();
  }

  /** Slack stops redelivering after minutes; ids older than a day only take space. */
  public Future<Integer> forgetOlderThanADay() {
    return pool.query("delete from slack_events where received_at < now() - interval '1 day'")
        .execute()
        .map(rows -> rows.rowCount());
  }
}
