package dev.preflight.deploy.inbox;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

/** Delivery ids in PostgreSQL, one row each; the primary key makes {@link #add} atomic. */
public final class DeliveryTable implements DeliveryIds {

  private final Pool pool;

  public DeliveryTable(Pool pool) {
    this.pool = pool;
  }

  @Override
  public Future<Boolean> add(String id) {
    return pool.preparedQuery("insert into slack_events (event_id) values ($1) on conflict do nothing")
        .execute(Tuple.of(id))
        .map(rows -> rows.rowCount() == 1);
  }

  @Override
  public Future<Void> remove(String id) {
    return pool.preparedQuery("delete from slack_events where event_id = $1").execute(Tuple.of(id)).mapEmpty();
  }

  @Override
  public Future<Integer> removeOlderThanADay() {
    return pool.query("delete from slack_events where received_at < now() - interval '1 day'")
        .execute()
        .map(rows -> rows.rowCount());
  }
}
