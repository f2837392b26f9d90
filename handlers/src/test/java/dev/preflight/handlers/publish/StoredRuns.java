package dev.preflight.handlers.publish;

import dev.preflight.checklists.deploy.EnvLock;
import dev.preflight.deploy.run.RunNote;
import dev.preflight.deploy.run.TrackedRun;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The run services as the publisher sees them, kept in memory: this module may not reach a
 * database. Changes and notes are announced the way ChecklistRuns and DeployRuns announce them.
 * State versions, shown versions, post intents and claims behave as RunPublications keeps them in
 * PostgreSQL (whose own test is RunPublicationsTest), except that a run not yet posted is behind
 * at once, without the minute's grace its first post gets there.
 */
final class StoredRuns implements RunSource {

  private final Map<String, TrackedRun> runs = new ConcurrentHashMap<>();
  private final Map<String, EnvLock> locks = new ConcurrentHashMap<>();
  private final List<Consumer<TrackedRun>> changeListeners = new CopyOnWriteArrayList<>();
  private final List<Consumer<RunNote>> noteListeners = new CopyOnWriteArrayList<>();
  private final Map<String, Promise<String>> attached = new ConcurrentHashMap<>();
  private volatile boolean locksFail;
  private final Map<String, dev.preflight.deploy.watch.WatchState> watches = new ConcurrentHashMap<>();
  private final AtomicLong versions = new AtomicLong();
  private final Map<String, Long> version = new ConcurrentHashMap<>();
  private final Map<String, Long> shown = new ConcurrentHashMap<>();
  private final Map<String, Instant> postingSince = new ConcurrentHashMap<>();
  private final Map<String, String> claims = new ConcurrentHashMap<>();
  private final AtomicInteger attachFailures = new AtomicInteger();

  /** Stores a run as it would be after a committed change, and announces it. */
  TrackedRun change(TrackedRun tracked) {
    TrackedRun stored = runs.compute(tracked.id(), (id, before) -> {
      version.put(id, versions.incrementAndGet());
      return before == null || tracked.posted()
          ? tracked
          : new TrackedRun(tracked.run(), before.channelId(), before.messageTs(), tracked.deployment());
    });
    changeListeners.forEach(listener -> listener.accept(stored));
    return stored;
  }

  /** Stores a run without announcing it. */
  void put(TrackedRun tracked) {
    runs.put(tracked.id(), tracked);
    version.put(tracked.id(), versions.incrementAndGet());
  }

  /** The next {@code times} attempts to record a message's place fail, as when the process dies first. */
  void failAttaching(int times) {
    attachFailures.addAndGet(times);
  }

  @Override
  public Future<Long> version(String runId) {
    return Future.succeededFuture(version.getOrDefault(runId, 0L));
  }

  @Override
  public Future<Void> shown(String runId, long shownVersion) {
    shown.merge(runId, shownVersion, Math::max);
    return Future.succeededFuture();
  }

  private final Map<String, Boolean> offersRollback = new ConcurrentHashMap<>();

  @Override
  public Future<Void> shown(String runId, long shownVersion, boolean offers) {
    offersRollback.put(runId, offers);
    return shown(runId, shownVersion);
  }

  /** As RunPublications answers it from the deployments table: no run of the environment launched later. */
  @Override
  public Future<Boolean> newestLaunched(String runId) {
    TrackedRun me = runs.get(runId);
    return Future.succeededFuture(me == null || me.deployment() == null || !me.deployment().launched()
        || runs.values().stream().noneMatch(other -> sameEnvironment(me, other)
            && other.deployment().launchedAt().isAfter(me.deployment().launchedAt())));
  }

  /** How many times older runs of an environment were looked up. */
  int olderLookups() {
    return olderLookups.get();
  }

  private final AtomicInteger olderLookups = new AtomicInteger();

  @Override
  public Future<List<String>> olderOfferingRollback(String runId) {
    olderLookups.incrementAndGet();
    TrackedRun me = runs.get(runId);
    if (me == null || me.deployment() == null || !me.deployment().launched()) {
      return Future.succeededFuture(List.of());
    }
    return Future.succeededFuture(runs.values().stream()
        .filter(other -> sameEnvironment(me, other) && other.deployment().launchedAt().isBefore(me.deployment().launchedAt())
            && offersRollback.getOrDefault(other.id(), false))
        .map(TrackedRun::id)
        .toList());
  }

  private static boolean sameEnvironment(TrackedRun me, TrackedRun other) {
    return other.deployment() != null && other.deployment().launched()
        && other.deployment().service().equals(me.deployment().service())
        && other.deployment().environment().equals(me.deployment().environment());
  }

  @Override
  public Future<Instant> intendToPost(String runId) {
    return Future.succeededFuture(postingSince.computeIfAbsent(runId, id -> Instant.now()));
  }

  @Override
  public Future<Optional<Instant>> postingSince(String runId) {
    return Future.succeededFuture(Optional.ofNullable(postingSince.get(runId)));
  }

  @Override
  public synchronized Future<List<String>> claimBehind(String owner, Duration hold, int limit) {
    List<String> behind = runs.values().stream()
        .filter(run -> run.channelId() != null)
        .filter(run -> version.getOrDefault(run.id(), 0L) > shown.getOrDefault(run.id(), -1L))
        .map(TrackedRun::id)
        .limit(limit)
        .toList();
    behind.forEach(id -> claims.put(id, owner));
    return Future.succeededFuture(behind);
  }

  /** Runs whose message shows less than they store, as the reconciler would find them. */
  List<String> behind() {
    return runs.keySet().stream()
        .filter(id -> version.getOrDefault(id, 0L) > shown.getOrDefault(id, -1L))
        .sorted()
        .toList();
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
    return tracked == null ? Future.failedFuture(new dev.preflight.deploy.api.NoSuchRunException(runId))
        : Future.succeededFuture(tracked);
  }

  @Override
  public Future<Void> attachMessage(String runId, String channelId, String messageTs) {
    if (attachFailures.getAndUpdate(left -> Math.max(0, left - 1)) > 0) {
      return Future.failedFuture(new IllegalStateException("the process stopped before the ts was stored"));
    }
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
