package dev.preflight.deploy.run;

import dev.preflight.checklists.deploy.Deployment;
import io.vertx.core.Handler;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.MDC;

/**
 * Puts the run being worked on into the logging MDC ({@code run_id}, and {@code service} and
 * {@code environment} for a deploy run), so every line logged meanwhile, and every error report
 * made from one, names the run. The MDC belongs to a thread and Vert.x callbacks run wherever
 * their future completes, so it is set around one piece of work at a time ({@link #enter},
 * {@link #around}, {@link #run}) and what was there before is put back afterwards.
 */
public final class RunMdc {

  public static final String RUN_ID = "run_id";
  public static final String SERVICE = "service";
  public static final String ENVIRONMENT = "environment";
  /** The keys this class sets, in the order they are usually read. */
  public static final List<String> KEYS = List.of(RUN_ID, SERVICE, ENVIRONMENT);

  private RunMdc() {}

  /** Restores the MDC as it was before {@link #enter}; closing twice does nothing more. */
  public interface Scope extends AutoCloseable {
    @Override
    void close();
  }

  public static Scope enter(TrackedRun run) {
    return enter(run.id(), run.deployment());
  }

  /** @param deployment the run's deployment, or null for a checklist run or when it is not known */
  public static Scope enter(String runId, Deployment deployment) {
    Map<String, String> values = new LinkedHashMap<>();
    values.put(RUN_ID, runId);
    // Work on the same run that does not know its deployment keeps what an outer scope knew.
    if (deployment != null || !runId.equals(MDC.get(RUN_ID))) {
      values.put(SERVICE, deployment == null ? null : deployment.service());
      values.put(ENVIRONMENT, deployment == null ? null : deployment.environment());
    }
    Map<String, String> before = new LinkedHashMap<>();
    values.forEach((key, value) -> {
      before.put(key, MDC.get(key));
      put(key, value);
    });
    boolean[] closed = {false};
    return () -> {
      if (!closed[0]) {
        closed[0] = true;
        before.forEach(RunMdc::put);
      }
    };
  }

  /** {@code handler} with the run in the MDC while it runs, on whichever thread calls it. */
  public static <T> Handler<T> around(String runId, Deployment deployment, Handler<T> handler) {
    return value -> run(runId, deployment, () -> handler.handle(value));
  }

  /** Runs {@code work} now with the run in the MDC. */
  public static void run(String runId, Deployment deployment, Runnable work) {
    Scope scope = enter(runId, deployment);
    try {
      work.run();
    } finally {
      scope.close();
    }
  }

  private static void put(String key, String value) {
    if (value == null) {
      MDC.remove(key);
    } else {
      MDC.put(key, value);
    }
  }
}
