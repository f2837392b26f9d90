package dev.preflight.deploy.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.preflight.deploy.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class RunPublicationsTest {

  private static final String RUN = "6f1c0d3e-0000-4000-8000-000000000001";
  private static final Duration HOLD = Duration.ofMinutes(1);
  /** A deploy state whose target started and finished. */
  private static final String DEPLOYED = "'{\"outcome\": \"succeeded\", \"summary\": \"deployed\"}'::jsonb";

  private Pool pool;
  private RunPublications publications;

  @BeforeEach
  void setUp(Vertx vertx, VertxTestContext test) {
    pool = PgBuilder.pool().connectingTo(TestDatabase.create().connectOptions()).using(vertx).build();
    publications = new RunPublications(pool);
    sql("insert into runs (id, kind, checklist_id, started_by, started_at, status, channel_id, service, environment) "
        + "values ($1, 'deploy', 'predeploy', 'U0STARTER', now(), 'PREPARING', 'C0DEPLOYS', 'backend', 'production')")
        .compose(v -> sql("insert into deployments (run_id, service, environment, version) "
            + "values ($1, 'backend', 'production', 'v1.4.2')"))
        .onComplete(test.succeedingThenComplete());
  }

  @AfterEach
  void tearDown(VertxTestContext test) {
    pool.close().onComplete(test.succeedingThenComplete());
  }

  private Future<Void> sql(String statement) {
    return pool.preparedQuery(statement).execute(Tuple.of(UUID.fromString(RUN))).mapEmpty();
  }

  /** Runs {@code change}, then answers whether the run's state version moved. */
  private Future<Boolean> moves(String change) {
    return publications.version(RUN)
        .compose(before -> sql(change).compose(v -> publications.version(RUN)).map(after -> after > before));
  }

  @Test
  void whatTheMessageShowsMovesTheVersionAndBookkeepingDoesNot(VertxTestContext test) {
    Future<Boolean> status = moves("update runs set status = 'READY', updated_at = now() where id = $1");
    Future<Boolean> item = status.compose(v -> moves("update runs set updated_at = now() + interval '1 second' "
        + "where id = $1"));
    Future<Boolean> step = item.compose(v -> moves("update deployments set step = 'Waiting for the rollout' "
        + "where run_id = $1"));
    Future<Boolean> lease = step.compose(v -> moves("update runs set lease_owner = 'replica-a/1', "
        + "lease_until = now() + interval '30 seconds' where id = $1"));
    Future<Boolean> message = lease.compose(v -> moves("update runs set channel_id = 'C0DEPLOYS', "
        + "message_ts = '1700000000.000100', updated_at = now() where id = $1"));
    message.onComplete(test.succeeding(v -> test.verify(() -> {
      assertTrue(status.result(), "a status change is a new state");
      assertTrue(item.result(), "an item or sign-off change (which touches updated_at) is a new state");
      assertTrue(step.result(), "a deploy step is a new state");
      assertFalse(lease.result(), "renewing a lease shows nothing new");
      assertFalse(message.result(), "recording where the message is shows nothing new");
      test.completeNow();
    })));
  }

  @Test
  void aRunBeingPostedIsLeftToItsReplicaForAWhileThenClaimed(VertxTestContext test) {
    publications.intendToPost(RUN)
        .compose(since -> publications.claimBehind("replica-b", HOLD, 10))
        .compose(fresh -> {
          test.verify(() -> assertEquals(List.of(), fresh, "its first post is under way elsewhere"));
          return sql("update run_publications set posting_since = now() - interval '2 minutes' where run_id = $1")
              .compose(v -> sql("update runs set started_at = now() - interval '2 minutes' where id = $1"));
        })
        .compose(v -> publications.claimBehind("replica-b", HOLD, 10))
        .onComplete(test.succeeding(stale -> test.verify(() -> {
          assertEquals(List.of(RUN), stale, "a post that never finished is taken over");
          test.completeNow();
        })));
  }

  @Test
  void aRunBehindIsClaimedByOneReplicaUntilItsMessageShowsItsState(VertxTestContext test) {
    sql("update runs set message_ts = '1700000000.000100' where id = $1")
        .compose(posted -> publications.claimBehind("replica-a", HOLD, 10))
        .compose(byA -> publications.claimBehind("replica-b", HOLD, 10).map(byB -> List.of(byA, byB)))
        .compose(claims -> {
          test.verify(() -> {
            assertEquals(List.of(RUN), claims.get(0), "a message never edited is behind its run");
            assertEquals(List.of(), claims.get(1), "held by replica-a");
          });
          return publications.version(RUN).compose(version -> publications.shown(RUN, version));
        })
        .compose(v -> publications.claimBehind("replica-a", HOLD, 10))
        .compose(caughtUp -> {
          test.verify(() -> assertEquals(List.of(), caughtUp, "its message shows its state"));
          return sql("update deployments set progress = '2/3 tasks running' where run_id = $1");
        })
        .compose(v -> publications.claimBehind("replica-a", HOLD, 10))
        .onComplete(test.succeeding(behindAgain -> test.verify(() -> {
          assertEquals(List.of(RUN), behindAgain, "a later change puts it behind again");
          test.completeNow();
        })));
  }

  @Test
  void theFirstPostsIntentKeepsItsEarliestMomentUntilTheMessageIsKnown(VertxTestContext test) {
    publications.postingSince(RUN)
        .compose(none -> {
          test.verify(() -> assertTrue(none.isEmpty()));
          return publications.intendToPost(RUN);
        })
        .compose(first -> publications.intendToPost(RUN).map(second -> List.of(first, second)))
        .compose(both -> {
          test.verify(() -> assertEquals(both.get(0), both.get(1), "a second try looks back to the first"));
          return publications.postingIn("C0DEPLOYS");
        })
        .compose(posting -> {
          test.verify(() -> assertTrue(posting, "a run of the channel is being posted"));
          return sql("update runs set message_ts = '1700000000.000100' where id = $1")
              .compose(v -> publications.postingIn("C0DEPLOYS"));
        })
        .onComplete(test.succeeding(posting -> test.verify(() -> {
          assertFalse(posting, "its message is known now");
          test.completeNow();
        })));
  }

  @Test
  void onlyTheNewestLaunchedRunKeepsRollbackAndOlderOnesStillShowingItAreFound(VertxTestContext test) {
    String second = "6f1c0d3e-0000-4000-8000-000000000002";
    String other = "6f1c0d3e-0000-4000-8000-000000000003";
    Tuple ids = Tuple.of(UUID.fromString(second), UUID.fromString(other));
    sql("update deployments set launched_at = now() - interval '1 hour' where run_id = $1")
        .compose(v -> pool.preparedQuery("insert into runs (id, kind, checklist_id, started_by, started_at, status, "
            + "channel_id, service, environment) values ($1, 'deploy', 'predeploy', 'U0STARTER', now(), 'SUCCEEDED', "
            + "'C0DEPLOYS', 'backend', 'production'), ($2, 'deploy', 'predeploy', 'U0STARTER', now(), 'SUCCEEDED', "
            + "'C0DEPLOYS', 'backend', 'staging')").execute(ids))
        .compose(v -> pool.preparedQuery("insert into deployments (run_id, service, environment, version, launched_at, "
            + "deploy_state) values ($1, 'backend', 'production', 'v1.4.3', now(), " + DEPLOYED + "), "
            + "($2, 'backend', 'staging', 'v1.4.1', now() - interval '2 hours', " + DEPLOYED + ")").execute(ids))
        .compose(v -> publications.newestLaunched(RUN))
        .compose(first -> {
          test.verify(() -> assertFalse(first, "a newer run of production launched"));
          return publications.newestLaunched(second);
        })
        .compose(newest -> {
          test.verify(() -> assertTrue(newest));
          return publications.newestLaunched(other);
        })
        .compose(otherEnvironment -> {
          test.verify(() -> assertTrue(otherEnvironment, "staging has its own newest run"));
          return publications.shown(RUN, 1, true).compose(v -> publications.shown(other, 1, true))
              .compose(v -> publications.olderOfferingRollback(second));
        })
        .compose(older -> {
          test.verify(() -> assertEquals(List.of(RUN), older, "the older production run still shows Rollback"));
          return publications.shown(RUN, 1, false).compose(v -> publications.olderOfferingRollback(second));
        })
        .onComplete(test.succeeding(older -> test.verify(() -> {
          assertEquals(List.of(), older, "republished without it, it is not found again");
          test.completeNow();
        })));
  }

  @Test
  void newerRunsThatDeployedNothingLeaveTheOlderRunNewestAndItsRollbackInPlace(VertxTestContext test) {
    String badBackup = "6f1c0d3e-0000-4000-8000-000000000005";
    String refused = "6f1c0d3e-0000-4000-8000-000000000006";
    String cancelled = "6f1c0d3e-0000-4000-8000-000000000007";
    Tuple ids = Tuple.of(UUID.fromString(badBackup), UUID.fromString(refused), UUID.fromString(cancelled));
    sql("update runs set status = 'ROLLBACK_FAILED', message_ts = '1700000000.000100' where id = $1")
        .compose(v -> sql("update deployments set launched_at = now() - interval '1 hour', deploy_state = "
            + DEPLOYED + " where run_id = $1"))
        .compose(v -> pool.preparedQuery("insert into runs (id, kind, checklist_id, started_by, started_at, status, "
            + "channel_id, message_ts, service, environment) values "
            + "($1, 'deploy', 'predeploy', 'U0STARTER', now(), 'FAILED', 'C0DEPLOYS', '1700000000.000200', "
            + "'backend', 'production'), "
            + "($2, 'deploy', 'predeploy', 'U0STARTER', now(), 'FAILED', 'C0DEPLOYS', '1700000000.000300', "
            + "'backend', 'production'), "
            + "($3, 'deploy', 'predeploy', 'U0STARTER', now(), 'CANCELLED', 'C0DEPLOYS', '1700000000.000400', "
            + "'backend', 'production')").execute(ids))
        // A before step failed; GitHub refused the dispatch; a run cancelled before launch.
        .compose(v -> pool.preparedQuery("insert into deployments (run_id, service, environment, version, launched_at, "
            + "deploy_state) values "
            + "($1, 'backend', 'production', 'v1.9.0-badbackup', now() - interval '10 minutes', "
            + "'{\"before.0.name\": \"backup\", \"before.0.outcome\": \"failed\"}'::jsonb), "
            + "($2, 'backend', 'production', 'v2.3.0', now(), '{\"dispatchedAt\": \"2026-12-07T02:00:00Z\", "
            + "\"outcome\": \"failed\", \"refused\": \"true\"}'::jsonb), "
            + "($3, 'backend', 'production', 'v2.4.0', null, '{}'::jsonb)").execute(ids))
        .compose(v -> publications.shown(RUN, 1, true))
        .compose(v -> publications.newestLaunched(RUN))
        .compose(newest -> {
          test.verify(() -> assertTrue(newest, "nothing newer changed production"));
          return publications.olderOfferingRollback(badBackup).compose(older -> {
            test.verify(() -> assertEquals(List.of(), older, "a run that deployed nothing retires no button"));
            return publications.olderOfferingRollback(refused);
          });
        })
        .compose(older -> {
          test.verify(() -> assertEquals(List.of(), older, "nor does a refused dispatch"));
          return new DeploymentStore(pool).latestLaunchedRun("backend", "production");
        })
        .onComplete(test.succeeding(latest -> test.verify(() -> {
          assertEquals(Optional.of(RUN), latest, "/rollback acts on the newest run whose target started");
          test.completeNow();
        })));
  }

  @Test
  void anOlderRunStillOfferingRollbackIsClaimedUntilItIsRepublishedWithoutIt(VertxTestContext test) {
    String newer = "6f1c0d3e-0000-4000-8000-000000000004";
    Tuple id = Tuple.of(UUID.fromString(newer));
    sql("update runs set status = 'SUCCEEDED', message_ts = '1700000000.000100' where id = $1")
        .compose(v -> sql("update deployments set launched_at = now() - interval '1 hour' where run_id = $1"))
        .compose(v -> publications.version(RUN))
        // Its message is up to date and shows Rollback, as the newest release's did.
        .compose(version -> publications.shown(RUN, version, true))
        .compose(v -> publications.claimBehind("replica-a", HOLD, 10))
        .compose(claimed -> {
          test.verify(() -> assertEquals(List.of(), claimed, "the newest release keeps its button"));
          // A newer run lands; whoever published it did not retire the older message's button.
          return pool.preparedQuery("insert into runs (id, kind, checklist_id, started_by, started_at, status, "
                  + "channel_id, message_ts, service, environment) values ($1, 'deploy', 'predeploy', 'U0STARTER', "
                  + "now(), 'SUCCEEDED', 'C0DEPLOYS', '1700000000.000200', 'backend', 'production')").execute(id)
              .compose(v -> pool.preparedQuery("insert into deployments (run_id, service, environment, version, "
                  + "launched_at, deploy_state) values ($1, 'backend', 'production', 'v1.4.3', now(), " + DEPLOYED
                  + ")").execute(id))
              .compose(v -> publications.version(newer))
              .compose(version -> publications.shown(newer, version, true));
        })
        .compose(v -> publications.claimBehind("replica-a", HOLD, 10))
        .compose(claimed -> {
          test.verify(() -> assertEquals(List.of(RUN), claimed,
              "the older run's message is behind: it offers a Rollback a click would refuse"));
          return publications.version(RUN).compose(version -> publications.shown(RUN, version, false));
        })
        .compose(v -> publications.claimBehind("replica-a", HOLD, 10))
        .onComplete(test.succeeding(claimed -> test.verify(() -> {
          assertEquals(List.of(), claimed, "republished without the button, it is up to date");
          test.completeNow();
        })));
  }
}
