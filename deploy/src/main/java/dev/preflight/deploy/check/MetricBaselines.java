package dev.preflight.deploy.check;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.OptionalDouble;
import java.util.UUID;

/** {@link BaselineStore} in PostgreSQL (table {@code metric_baselines}, migration V14). */
public final class MetricBaselines implements BaselineStore {

  private final Pool pool;

  public MetricBaselines(Pool pool) {
    this.pool = pool;
  }

  @Override
  public Future<OptionalDouble> find(String runId, String key) {
    return pool.preparedQuery("select value from metric_baselines where run_id = $1 and key = $2")
        .execute(Tuple.of(UUID.fromString(runId), key))
        .map(rows -> {
          for (Row row : rows) {
            return OptionalDouble.of(row.getDouble("value"));
          }
          return OptionalDouble.empty();
        });
  }

  @Override
  public Future<Double> keep(String runId, String key, double value) {
    // Two replicas measuring at once both insert; the one that lost reads the winner's value.
    return pool.preparedQuery("insert into metric_baselines (run_id, key, value) values ($1, $2, $3) "
            + "on conflict (run_id, key) do nothing")
        .execute(Tuple.of(UUID.fromString(runId), key, value))
        .compose(inserted -> find(runId, key))
        .map(found -> found.orElse(value));
  }
}
