package dev.preflight.deploy.run;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

/** Remembers the Slack event ids already handled, so a redelivered event is handled once. */
public final class ProcessedEvents {

  private final Pool pool;

  public ProcessedEvents(Pool pool) {
    this.pool = pool;
  }

  /** True the first time an event id is seen, false for every redelivery. */
  public Future<Boolean> firstSeen(String eventId) {
    return pool.preparedQuery("insert into slack_events (event_id) values ($1) on conflict do nothing")
        .execute(Tuple.of(eventId))
        .map(rows -> rows.rowCount() == 1);
  }

  /** Forgets an event whose handling failed, so Slack's redelivery is handled. */
  public Future<Void> forget(String eventId) {
    return pool.preparedQuery("delete from slack_events where event_id = $1").execute(Tuple.of(eventId)).mapEmpty();
  }

  /** Slack stops redelivering after minutes; ids older than a day only take space. */
  public Future<Integer> forgetOlderThanADay() {
    return pool.query("delete from slack_events where received_at < now() - interval '1 day'")
        .execute()
        .map(rows -> rows.rowCount());
  }
}
