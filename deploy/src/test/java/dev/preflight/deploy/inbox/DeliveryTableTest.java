package dev.preflight.deploy.inbox;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.preflight.deploy.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class DeliveryTableTest {

  private Pool pool;
  private DeliveryTable ids;

  @BeforeEach
  void setUp(Vertx vertx) {
    pool = PgBuilder.pool().connectingTo(TestDatabase.create().connectOptions()).using(vertx).build();
    ids = new DeliveryTable(pool);
  }

  @AfterEach
  void tearDown(VertxTestContext test) {
    pool.close().onComplete(test.succeedingThenComplete());
  }

  @Test
  void anIdIsNewOnlyTheFirstTime(VertxTestContext test) {
    ids.add("Ev1")
        .compose(first -> ids.add("Ev1").map(second -> List.of(first, second)))
        .compose(seen -> ids.add("Ev2").map(other -> List.of(seen.get(0), seen.get(1), other)))
        .onComplete(test.succeeding(seen -> test.verify(() -> {
          assertEquals(List.of(true, false, true), seen);
          test.completeNow();
        })));
  }

  @Test
  void concurrentAddsOfOneIdGiveExactlyOneTrue(VertxTestContext test) {
    List<Future<Boolean>> adds = List.of(ids.add("Ev1"), ids.add("Ev1"), ids.add("Ev1"), ids.add("Ev1"));
    Future.all(adds).onComplete(test.succeeding(all -> test.verify(() -> {
      assertEquals(1, adds.stream().filter(Future::result).count());
      test.completeNow();
    })));
  }

  @Test
  void aRemovedIdIsNewAgain(VertxTestContext test) {
    ids.add("Ev1")
        .compose(first -> ids.remove("Ev1"))
        .compose(removed -> ids.add("Ev1"))
        .onComplete(test.succeeding(again -> test.verify(() -> {
          assertEquals(true, again);
          test.completeNow();
        })));
  }

  @Test
  void onlyIdsOlderThanADayAreDropped(VertxTestContext test) {
    ids.add("old")
        .compose(v -> ids.add("recent"))
        .compose(v -> pool.query("update slack_events set received_at = now() - interval '25 hours' "
            + "where event_id = 'old'").execute())
        .compose(v -> ids.removeOlderThanADay())
        .compose(dropped -> ids.add("old").compose(old -> ids.add("recent").map(recent -> List.of(dropped, old,
            recent))))
        .onComplete(test.succeeding(seen -> test.verify(() -> {
          assertEquals(List.<Object>of(1, true, false), seen);
          test.completeNow();
        })));
  }
}
