package dev.preflight.deploy.run;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** The runner tests' launch of a run, and their waits for it as the database stores it. */
final class StoredRuns {

  private StoredRuns() {
  }

  /** Reads the stored run every 50 ms until {@code until} holds, for up to 30 s. */
  static TrackedRun await(Vertx vertx, ChecklistRuns runs, String runId, Predicate<TrackedRun> until)
      throws Exception {
    Promise<TrackedRun> seen = Promise.promise();
    long[] timer = new long[1];
    timer[0] = vertx.setPeriodic(50, id -> runs.find(runId).onSuccess(run -> {
      if (until.test(run)) {
        vertx.cancelTimer(timer[0]);
        seen.tryComplete(run);
      }
    }));
    try {
      return seen.future().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } finally {
      vertx.cancelTimer(timer[0]);
    }
  }

  /** Opens a run of api in prod as U1, ticks its one item ("ready") and launches it; answers its id. */
  static String launch(DeployRuns deploys, ChecklistRuns runs, String version) throws Exception {
    Origin deployer = new Origin("U1", "test");
    Set<String> roles = Set.of("deployer");
    TrackedRun run = get(deploys.open("api", version, "prod", roles, deployer));
    get(runs.tick(run.id(), "ready", deployer));
    get(deploys.launch(run.id(), roles, deployer));
    return run.id();
  }

  /** The run's status changes after its launch, as the audit log recorded them, oldest first, as {@code FROM>TO}. */
  static List<String> statusChanges(Pool pool, String runId) throws Exception {
    List<String> changes = new ArrayList<>();
    get(pool.preparedQuery("select detail->>'from' as f, detail->>'to' as t from audit_log where run_id = $1 "
            + "and detail ? 'to' order by id").execute(Tuple.of(UUID.fromString(runId))))
        .forEach(row -> changes.add(row.getString("f") + ">" + row.getString("t")));
    return changes.subList(Math.max(0, changes.indexOf("READY>DEPLOYING") + 1), changes.size());
  }

  private static <T> T get(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }
}
