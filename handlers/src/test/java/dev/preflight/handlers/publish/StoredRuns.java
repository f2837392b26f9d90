package dev.preflight.handlers.publish;

import dev.preflight.checklists.deploy.EnvLock;
import dev.preflight.deploy.run.RunNote;
import dev.preflight.deploy.run.RunRepository;
import dev.preflight.deploy.run.TrackedRun;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The run services as the publisher sees them, kept in memory: this module may not reach a
 * database. Changes and notes are announced the way ChecklistRuns and DeployRuns announce them.
 */
final class StoredRuns implements RunSource {

  private final Map<String, TrackedRun> runs = new ConcurrentHashMap<>();
  private final Map<String, EnvLock> locks = new ConcurrentHashMap<>();
  private final List<Consumer<TrackedRun>> changeListeners = new CopyOnWriteArrayList<>();
  private final List<Consumer<RunNote>> noteListeners = new CopyOnWriteArrayList<>();
  private final Map<String, Promise<String>> attached = new ConcurrentHashMap<>();
  private volatile boolean locksFail;
  private final Map<String, dev.preflight.deploy.watch.WatchState> watches = new ConcurrentHashMap<>();

  /** Stores a run as it would be after a committed change, and announces it. */
  TrackedRun change(TrackedRun tracked) {
    TrackedRun stored = runs.compute(tracked.id(), (id, before) -> before == null || tracked.posted()
        ? tracked
        : new TrackedRun(tracked.run(), before.channelId(), before.messageTs(), tracked.deployment()));
    changeListeners.forEach(listener -> listener.accept(stored));
    return stored;
  }

  /** Stores a run without announcing it. */
  void put(TrackedRun tracked) {
    runs.put(tracked.id(), tracked);
  }

  /** Completes with the message's ts once the publisher has recorded where it posted the run. */
  Future<String> attached(String runId) {
    return attached.computeIfAbsent(runId, id -> Promise.promise()).future();
  }

  void note(RunNote note) {
    noteListeners.forEach(listener -> listener.accept(note));
  }

  void lock(EnvLock lock) {
    locks.put(lock.service() + "/" + lock.environment(), lock);
  }

  void watch(dev.preflight.deploy.watch.WatchState watch) {
    watches.put(watch.runId(), watch);
  }

  @Override
  public Future<Optional<dev.preflight.deploy.watch.WatchState>> watchOf(String runId) {
    return Future.succeededFuture(Optional.ofNullable(watches.get(runId)));
  }

  void failLockLookups() {
    locksFail = true;
  }

  Optional<TrackedRun> stored(String runId) {
    return Optional.ofNullable(runs.get(runId));
  }

  @Override
  public void onChange(Consumer<TrackedRun> listener) {
    changeListeners.add(listener);
  }

  @Override
  public void onNote(Consumer<RunNote> listener) {
    noteListeners.add(listener);
  }

  @Override
  public Future<TrackedRun> find(String runId) {
    TrackedRun tracked = runs.get(runId);
    return tracked == null ? Future.failedFuture(new RunRepository.NoSuchRunException(runId))
        : Future.succeededFuture(tracked);
  }

  @Override
  public Future<Void> attachMessage(String runId, String channelId, String messageTs) {
    runs.computeIfPresent(runId, (id, t) -> new TrackedRun(t.run(), channelId, messageTs, t.deployment()));
    attached.computeIfAbsent(runId, id -> Promise.promise()).tryComplete(messageTs);
    return Future.succeededFuture();
  }

  @Override
  public Future<Optional<EnvLock>> lockOf(String service, String environment) {
    if (locksFail) {
      return Future.failedFuture(new IllegalStateException("database unreachable"));
    }
    return Future.succeededFuture(Optional.ofNullable(locks.get(service + "/" + environment)));
  }
}
