package dev.preflight.deploy.run;

import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** The runner tests' wait for a run as the database stores it. */
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
}
