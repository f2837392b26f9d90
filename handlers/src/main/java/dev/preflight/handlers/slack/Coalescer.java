package dev.preflight.handlers.slack;

import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Collapses bursts of work per key, e.g. the edits of one run's Slack message: while an execution
 * for a key is in flight, further requests only replace the pending one, which runs once after it.
 * So a key never has two executions at once, and the latest request always runs last: whatever it
 * reads when it starts is the newest state, which is what gets published.
 *
 * <p>A minimum gap between the end of one execution of a key and the start of the next batches
 * bursts further: with a gap of a second, two edits of one message reach Slack at least a second
 * apart however long each waited for its turn. A failed execution is logged and the key moves on;
 * one that never completes is given up after {@code maxRun}. Keys are forgotten once idle.
 *
 * <p>All state lives on one Vert.x context; {@link #request} may be called from any thread.
 */
public final class Coalescer {

  private static final Logger log = LoggerFactory.getLogger(Coalescer.class);

  /** At most one edit of a message a second. */
  public static final Duration DEFAULT_MIN_GAP = Duration.ofSeconds(1);
  /**
   * Longer than SlackApi's worst case (its two-minute policy plus one last 20 s attempt and the
   * wait for budget), so a slow publish is never overtaken by the next one.
   */
  public static final Duration DEFAULT_MAX_RUN = Duration.ofMinutes(10);

  private enum State { IDLE, WAITING, RUNNING }

  private static final class Slot {
    State state = State.IDLE;
    Supplier<Future<?>> pending;
    long lastEndMillis = Long.MIN_VALUE;
    long run;
    long timer = -1;
  }

  private final Context context;
  private final long minGapMillis;
  private final long maxRunMillis;
  // Mutated only on the context; concurrent so that activeKeys() may be read from anywhere.
  private final Map<String, Slot> slots = new ConcurrentHashMap<>();
  // Completed once no key has work running or waiting; touched only on the context.
  private final List<Promise<Void>> drains = new ArrayList<>();

  public Coalescer(Context context, Duration minGap, Duration maxRun) {
    if (minGap.isNegative() || maxRun.isNegative() || maxRun.isZero()) {
      throw new IllegalArgumentException("minGap must be >= 0 and maxRun > 0");
    }
    this.context = context;
    this.minGapMillis = minGap.toMillis();
    this.maxRunMillis = maxRun.toMillis();
  }

  public Coalescer(Context context, Duration minGap) {
    this(context, minGap, DEFAULT_MAX_RUN);
  }

  public Coalescer(Context context) {
    this(context, DEFAULT_MIN_GAP, DEFAULT_MAX_RUN);
  }

  /**
   * Asks for {@code work} to run for {@code key}: now if the key is idle and its gap has passed,
   * otherwise once, after what is in flight or waiting, replacing any request not yet started.
   */
  public void request(String key, Supplier<Future<?>> work) {
    // Always hop, even from the context itself: requests keep their order, and a worker thread
    // running for this context never touches the slots.
    context.runOnContext(v -> enqueue(key, work));
  }

  /**
   * Completes once every request made before it has run (a key's waiting request included),
   * e.g. to publish the last edits before the process stops.
   */
  public Future<Void> drain() {
    Promise<Void> drained = Promise.promise();
    context.runOnContext(v -> {
      drains.add(drained);
      completeDrainsIfIdle();
    });
    return drained.future();
  }

  private void completeDrainsIfIdle() {
    boolean busy = slots.values().stream().anyMatch(slot -> slot.state != State.IDLE || slot.pending != null);
    if (!busy && !drains.isEmpty()) {
      List<Promise<Void>> waiting = List.copyOf(drains);
      drains.clear();
      waiting.forEach(Promise::tryComplete);
    }
  }

  /** Keys with work running, waiting for their gap, or still within it. */
  public int activeKeys() {
    return slots.size();
  }

  private void enqueue(String key, Supplier<Future<?>> work) {
    Slot slot = slots.computeIfAbsent(key, k -> new Slot());
    slot.pending = work;
    if (slot.state == State.IDLE) {
      schedule(key, slot);
    }
  }

  private void schedule(String key, Slot slot) {
    cancelTimer(slot);
    long wait = slot.lastEndMillis == Long.MIN_VALUE ? 0 : slot.lastEndMillis + minGapMillis - now();
    if (wait <= 0) {
      start(key, slot);
      return;
    }
    slot.state = State.WAITING;
    slot.timer = context.owner().setTimer(wait, id -> {
      slot.timer = -1;
      start(key, slot);
    });
  }

  private void start(String key, Slot slot) {
    Supplier<Future<?>> work = slot.pending;
    slot.pending = null;
    slot.state = State.RUNNING;
    long run = ++slot.run;
    slot.timer = context.owner().setTimer(maxRunMillis, id -> finished(key, slot, run,
        Future.failedFuture(new TimeoutException("still running after " + maxRunMillis + " ms; giving up on it"))));
    Future<?> execution;
    try {
      execution = work.get();
    } catch (RuntimeException e) {
      execution = Future.failedFuture(e);
    }
    if (execution == null) {
      execution = Future.succeededFuture();
    }
    execution.onComplete(done -> context.runOnContext(v -> finished(key, slot, run, done)));
  }

  private void finished(String key, Slot slot, long run, AsyncResult<?> done) {
    if (slot.state != State.RUNNING || slot.run != run) {
      return; // the watchdog already gave up on this execution, or it gave up after it completed
    }
    cancelTimer(slot);
    slot.lastEndMillis = now();
    if (done.failed()) {
      log.warn("Coalesced work for {} failed", key, done.cause());
    }
    slot.state = State.IDLE;
    if (slot.pending != null) {
      schedule(key, slot);
    } else {
      forgetWhenIdle(key, slot);
      completeDrainsIfIdle();
    }
  }

  // The slot remembers its last end until the gap has passed; after that a new slot is equivalent.
  private void forgetWhenIdle(String key, Slot slot) {
    long remaining = slot.lastEndMillis + minGapMillis - now();
    if (remaining <= 0) {
      slots.remove(key, slot);
      return;
    }
    slot.timer = context.owner().setTimer(remaining, id -> {
      slot.timer = -1;
      if (slot.state == State.IDLE && slot.pending == null) {
        slots.remove(key, slot);
      }
    });
  }

  private void cancelTimer(Slot slot) {
    if (slot.timer != -1) {
      context.owner().cancelTimer(slot.timer);
      slot.timer = -1;
    }
  }

  private static long now() {
    return System.nanoTime() / 1_000_000;
  }
}
