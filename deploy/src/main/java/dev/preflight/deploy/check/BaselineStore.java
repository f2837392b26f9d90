package dev.preflight.deploy.check;

import io.vertx.core.Future;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where a run's metric baselines are kept: measured once, then read back, so neither a restart
 * nor another replica measures a different one. The first value kept for a key wins.
 */
public interface BaselineStore {

  Future<OptionalDouble> find(String runId, String key);

  /** Keeps {@code value} unless one is already kept, and answers the value kept. */
  Future<Double> keep(String runId, String key, double value);

  /** Lives as long as the process: for the command line and tests without a database. */
  static BaselineStore inMemory() {
    Map<String, Double> kept = new ConcurrentHashMap<>();
    return new BaselineStore() {
      @Override
      public Future<OptionalDouble> find(String runId, String key) {
        Double value = kept.get(runId + "\n" + key);
        return Future.succeededFuture(value == null ? OptionalDouble.empty() : OptionalDouble.of(value));
      }

      @Override
      public Future<Double> keep(String runId, String key, double value) {
        return Future.succeededFuture(kept.computeIfAbsent(runId + "\n" + key, k -> value));
      }
    };
  }
}
