package dev.preflight.deploy.target;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.function.Predicate;

/**
 * A journal kept in memory, as the orchestrator's would be stored. It can "die" when asked to
 * record chosen entries: that record and every later one fail, and what was recorded before
 * survives in {@link #state()} for the attempt after the restart.
 */
public final class MemoryJournal implements TargetJournal {

  private final Map<String, String> state = new ConcurrentHashMap<>();
  private final List<String> progress = new CopyOnWriteArrayList<>();
  private final Promise<Void> aborted = Promise.promise();
  private final Promise<Void> stopping = Promise.promise();
  private volatile Predicate<Map<String, String>> failing = entries -> false;
  private volatile boolean dead;
  private volatile BiConsumer<String, String> onProgress = (step, detail) -> {};

  public MemoryJournal() {}

  public MemoryJournal(Map<String, String> stored) {
    state.putAll(stored);
  }

  public MemoryJournal failingOn(Predicate<Map<String, String>> entries) {
    this.failing = entries;
    return this;
  }

  public void onProgress(BiConsumer<String, String> listener) {
    this.onProgress = listener;
  }

  public void abort() {
    aborted.tryComplete();
  }

  /** The bot is shutting down. */
  public void stop() {
    stopping.tryComplete();
  }

  /** Every progress report as "step | detail". */
  public List<String> progress() {
    return List.copyOf(progress);
  }

  @Override
  public Map<String, String> state() {
    return Map.copyOf(state);
  }

  @Override
  public Future<Void> record(Map<String, String> entries) {
    if (dead || failing.test(entries)) {
      dead = true;
      return Future.failedFuture("the bot died before recording " + entries.keySet());
    }
    state.putAll(entries);
    return Future.succeededFuture();
  }

  @Override
  public void progress(String step, String detail) {
    progress.add(step + " | " + detail);
    onProgress.accept(step, detail);
  }

  @Override
  public Future<Void> aborted() {
    return aborted.future();
  }

  @Override
  public Future<Void> stopping() {
    return stopping.future();
  }
}
