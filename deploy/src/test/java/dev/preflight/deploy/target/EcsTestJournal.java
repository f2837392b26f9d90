package dev.preflight.deploy.target;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An in-memory journal that can die the way the bot does: after storing an entry (the process
 * was killed right after the commit) or before (killed right before it). Keeps every record call
 * and progress line for the test to read, and lets the test wait for a progress line.
 */
final class EcsTestJournal implements TargetJournal {

  private final Map<String, String> state = new HashMap<>();
  private final List<Map<String, String>> records = new CopyOnWriteArrayList<>();
  private final List<String> progress = new CopyOnWriteArrayList<>();
  private final List<Waiter> waiters = new ArrayList<>();
  private final Promise<Void> aborted = Promise.promise();
  private String dieAfterStoring;
  private String dieBeforeStoring;

  EcsTestJournal() {}

  /** A journal as the repository would load it after a restart. */
  EcsTestJournal(Map<String, String> stored) {
    state.putAll(stored);
  }

  /** The record call carrying {@code key} is stored, and then the bot "dies". */
  EcsTestJournal dieAfterStoring(String key) {
    this.dieAfterStoring = key;
    return this;
  }

  /** The record call carrying {@code key} never reaches the database. */
  EcsTestJournal dieBeforeStoring(String key) {
    this.dieBeforeStoring = key;
    return this;
  }

  @Override
  public synchronized Map<String, String> state() {
    return Map.copyOf(state);
  }

  @Override
  public synchronized Future<Void> record(Map<String, String> entries) {
    if (dieBeforeStoring != null && entries.containsKey(dieBeforeStoring)) {
      return Future.failedFuture("the bot died before storing " + dieBeforeStoring);
    }
    records.add(Map.copyOf(entries));
    state.putAll(entries);
    if (dieAfterStoring != null && entries.containsKey(dieAfterStoring)) {
      return Future.failedFuture("the bot died after storing " + dieAfterStoring);
    }
    return Future.succeededFuture();
  }

  @Override
  public synchronized void progress(String step, String detail) {
    String line = step + ": " + detail;
    progress.add(line);
    waiters.removeIf(waiter -> {
      if (line.contains(waiter.fragment())) {
        waiter.promise().tryComplete();
        return true;
      }
      return false;
    });
  }

  @Override
  public Future<Void> aborted() {
    return aborted.future();
  }

  void abort() {
    aborted.tryComplete();
  }

  /** Completes once a progress line contains {@code fragment} (at once if one already did). */
  synchronized Future<Void> progressed(String fragment) {
    if (progress.stream().anyMatch(line -> line.contains(fragment))) {
      return Future.succeededFuture();
    }
    Promise<Void> promise = Promise.promise();
    waiters.add(new Waiter(fragment, promise));
    return promise.future();
  }

  List<String> progress() {
    return List.copyOf(progress);
  }

  List<Map<String, String>> records() {
    return List.copyOf(records);
  }

  private record Waiter(String fragment, Promise<Void> promise) {}
}
