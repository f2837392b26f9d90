package dev.preflight.deploy.target;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The journal of one traffic shift of a canary stage, kept in memory only: a shift sets a weight,
 * and setting it again after a restart does no harm, so what it started need not outlive the bot.
 * A shift is short and is not aborted half way; the stage sends the traffic back after it.
 */
final class StageJournal implements TargetJournal {

  private final Map<String, String> state = new ConcurrentHashMap<>();

  @Override
  public Map<String, String> state() {
    return Map.copyOf(state);
  }

  @Override
  public Future<Void> record(Map<String, String> entries) {
    state.putAll(entries);
    return Future.succeededFuture();
  }

  @Override
  public void progress(String step, String detail) {
    // The stage's own line in the run's message says what it does.
  }

  @Override
  public Future<Void> aborted() {
    return Promise.<Void>promise().future();
  }
}
