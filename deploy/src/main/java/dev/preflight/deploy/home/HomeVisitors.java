package dev.preflight.deploy.home;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * The people who have opened the bot's Home tab, kept in PostgreSQL so every replica knows them
 * and a restart forgets nobody. Only they have a tab worth keeping current.
 */
public final class HomeVisitors {

  private final Pool pool;

  public HomeVisitors(Pool pool) {
    this.pool = pool;
  }

  /** Records that {@code userId} opened the tab at {@code at}; opening again only moves the date. */
  public Future<Void> opened(String userId, Instant at) {
    return pool.preparedQuery("insert into home_visitors (user_id, first_opened_at, last_opened_at) "
            + "values ($1, $2, $2) on conflict (user_id) do update set last_opened_at = excluded.last_opened_at")
        .execute(Tuple.of(userId, at.atOffset(ZoneOffset.UTC)))
        .mapEmpty();
  }

  /** Everyone who has opened the tab, in the order they first did. */
  public Future<List<String>> all() {
    return pool.query("select user_id from home_visitors order by first_opened_at, user_id").execute()
        .map(rows -> {
          List<String> users = new ArrayList<>();
          rows.forEach(row -> users.add(row.getString("user_id")));
          return users;
        });
  }
}
