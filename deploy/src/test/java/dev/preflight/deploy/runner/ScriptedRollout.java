package dev.preflight.deploy.runner;

import dev.preflight.deploy.target.TargetOutcome;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * A rollout that answers from a script and writes down every call the runner makes: "start",
 * "observe", "stop ABORTED". Once the script for looks runs out, the last answer repeats.
 */
final class ScriptedRollout implements Rollout {

  static final RuntimeException TRANSIENT = new IllegalStateException("503 Service Unavailable");

  private final List<String> calls = new CopyOnWriteArrayList<>();
  private final Queue<Supplier<Future<Observation>>> looks = new ArrayDeque<>();
  private final Promise<Void> changed = Promise.promise();
  private Supplier<Future<Observation>> lastLook = () -> Future.succeededFuture(Observation.running("Working", "…"));
  private Supplier<Future<Observation>> start = () -> Future.succeededFuture(Observation.running("Starting", null));
  private Instant deadline = Instant.now().plusSeconds(60);
  private Runnable onLook = () -> {};

  ScriptedRollout startsWith(Supplier<Future<Observation>> answer) {
    this.start = answer;
    return this;
  }

  ScriptedRollout deadline(Instant deadline) {
    this.deadline = deadline;
    return this;
  }

  ScriptedRollout then(Observation observation) {
    return thenAnswer(() -> Future.succeededFuture(observation));
  }

  ScriptedRollout thenFail(RuntimeException failure) {
    return thenAnswer(() -> Future.failedFuture(failure));
  }

  ScriptedRollout thenAnswer(Supplier<Future<Observation>> answer) {
    looks.add(answer);
    return this;
  }

  /** Runs before every look is answered, on the runner's context. */
  ScriptedRollout onLook(Runnable action) {
    this.onLook = action;
    return this;
  }

  void change() {
    changed.tryComplete();
  }

  List<String> calls() {
    return List.copyOf(calls);
  }

  long count(String call) {
    return calls.stream().filter(call::equals).count();
  }

  @Override
  public Future<Observation> start() {
    calls.add("start");
    return start.get();
  }

  @Override
  public Instant deadline() {
    return deadline;
  }

  @Override
  public synchronized Future<Observation> observe() {
    calls.add("observe");
    onLook.run();
    Supplier<Future<Observation>> next = looks.poll();
    if (next != null) {
      lastLook = next;
    }
    return lastLook.get();
  }

  @Override
  public Future<TargetOutcome> stop(Halt why) {
    calls.add("stop " + why);
    return Future.succeededFuture(TargetOutcome.failure("stopped: " + why, null));
  }

  @Override
  public TargetOutcome failed(Throwable failure) {
    return TargetOutcome.failure("failed: " + failure.getMessage(), null);
  }

  @Override
  public Future<Void> changed() {
    return changed.future();
  }
}
