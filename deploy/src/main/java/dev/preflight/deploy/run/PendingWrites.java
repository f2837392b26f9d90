package dev.preflight.deploy.run;

import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.ClosedConnectionException;
import io.vertx.sqlclient.DatabaseException;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes that wait out a database outage. Every write is queued under a key (a run id). While
 * the database answers, a write is made at once (alongside others; the run's row lock orders
 * them) and its future carries the result. When the database does not answer, the write is kept,
 * its future fails with {@link ChangeHeldException} (whose {@code applied()} completes once it is
 * written), and every later write of its key waits behind it. One retry timer with capped
 * backoff probes the database with the oldest kept write; once one succeeds, each key's kept
 * writes are made one at a time in the order they came, and then writes go straight through
 * again. Nothing here blocks: waits are Vert.x timers, and everything runs on one context.
 *
 * <p>A write given here must be safe to make twice (a commit whose answer was lost is tried
 * again): {@link ChecklistRuns} stamps each change with an id checked in its transaction. The
 * queue is bounded; beyond {@code capacity}, and for writes waiting longer than
 * {@code maxHold}, the future fails with {@link DatabaseUnavailableException}.
 */
public final class PendingWrites {

  private static final Logger LOG = LoggerFactory.getLogger(PendingWrites.class);

  public static final int DEFAULT_CAPACITY = 10_000;
  public static final Duration DEFAULT_MAX_HOLD = Duration.ofMinutes(30);
  static final long FIRST_RETRY_MS = 500;
  static final long MAX_RETRY_MS = 5_000;
  /** A write that neither succeeds nor fails in this time is treated as a database that does not answer. */
  static final long ATTEMPT_TIMEOUT_MS = 15_000;

  private final Vertx vertx;
  private final Context context;
  private final int capacity;
  private final Duration maxHold;
  private final Clock clock;

  // Touched only on the context.
  private final Map<String, Deque<Entry<?>>> queues = new LinkedHashMap<>();
  private int size;
  private boolean down;
  private long retryTimer = -1;
  private long backoff = FIRST_RETRY_MS;
  private volatile int heldCount;
  private volatile boolean downFlag;

  public PendingWrites(Vertx vertx) {
    this(vertx, DEFAULT_CAPACITY, DEFAULT_MAX_HOLD, Clock.systemUTC());
  }

  public PendingWrites(Vertx vertx, int capacity, Duration maxHold, Clock clock) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.capacity = capacity;
    this.maxHold = maxHold;
    this.clock = clock;
  }

  /**
   * Makes {@code write} after every earlier write of {@code key}. Completes with its result when
   * it was made now; fails with {@link ChangeHeldException} when it waits for the database, with
   * {@link DatabaseUnavailableException} when it cannot even wait, and with the write's own
   * failure when the database refused it.
   */
  public <T> Future<T> submit(String key, Supplier<Future<T>> write) {
    Entry<T> entry = new Entry<>(key, write, clock.instant());
    context.runOnContext(v -> enqueue(entry));
    return entry.answer.future();
  }

  /** How many writes are waiting for the database (or being written). */
  public int waiting() {
    return heldCount;
  }

  /** True from a write that found the database unreachable until one succeeds again. */
  public boolean databaseDown() {
    return downFlag;
  }

  /**
   * True when {@code failure} says the database could not be reached or went away mid-write, as
   * opposed to the database answering with an error (a constraint, a bad statement).
   */
  public static boolean unreachable(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof DatabaseException db) {
        return unreachableState(db.getSqlState());
      }
      if (t instanceof IOException || t instanceof ClosedConnectionException || t instanceof TimeoutException) {
        return true;
      }
      if (poolWait(t)) {
        return true;
      }
      String message = t.getMessage();
      // A connection closed under a query.
      if (t instanceof io.vertx.core.VertxException && message != null && message.toLowerCase().contains("closed")) {
        return true;
      }
    }
    return false;
  }

  /**
   * True when {@code failure} is a wait that ran out: for one of the pool's connections (all of
   * them busy, or a new one not yet connected) or for an answer. The database was slow or busy,
   * or did not answer at all; from here the two cannot be told apart.
   */
  public static boolean timedOut(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof DatabaseException) {
        return false;
      }
      if (t instanceof TimeoutException || poolWait(t)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The pool's own failures for a caller that waited too long for a connection: "Timeout" (the
   * caller's wait ran out) and "Timeout waiting for connection".
   */
  private static boolean poolWait(Throwable t) {
    String message = t.getMessage();
    return t instanceof io.vertx.core.VertxException && message != null && message.contains("Timeout");
  }

  /** Connection exceptions (class 08), shutdowns and restarts (57P01–57P03), and a full server. */
  private static boolean unreachableState(String sqlState) {
    return sqlState != null && (sqlState.startsWith("08") || sqlState.equals("57P01") || sqlState.equals("57P02")
        || sqlState.equals("57P03") || sqlState.equals("53300"));
  }

  private void enqueue(Entry<?> entry) {
    if (size >= capacity) {
      entry.fail(new DatabaseUnavailableException(
          "The database is unreachable and " + capacity + " changes already wait for it; this one was not kept."));
      return;
    }
    queues.computeIfAbsent(entry.key, k -> new ArrayDeque<>()).addLast(entry);
    size++;
    heldCount = size;
    if (down) {
      entry.hold();
      return;
    }
    startEligible(entry.key);
  }

  /** Starts the key's writes in order, up to and including the first one that was kept; the rest wait for it. */
  private void startEligible(String key) {
    Deque<Entry<?>> queue = queues.get(key);
    if (down || queue == null) {
      return;
    }
    for (Entry<?> entry : List.copyOf(queue)) {
      if (!entry.started) {
        start(entry);
      }
      if (entry.held) {
        break;
      }
    }
  }

  private void start(Entry<?> entry) {
    entry.started = true;
    attempt(entry).onComplete(done -> settle(entry, done));
  }

  private Future<?> attempt(Entry<?> entry) {
    Future<?> started;
    try {
      started = entry.write.get();
    } catch (RuntimeException e) {
      started = Future.failedFuture(e);
    }
    Promise<Object> done = Promise.promise();
    started.timeout(ATTEMPT_TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .onComplete(result -> context.runOnContext(v -> done.handle(result.map(x -> (Object) x))));
    return done.future();
  }

  private void settle(Entry<?> entry, AsyncResult<?> done) {
    if (done.failed() && unreachable(done.cause())) {
      entry.started = false;
      if (!down) {
        LOG.warn("The database does not answer ({}); changes are kept in memory until it does",
            done.cause().getMessage());
      }
      down = true;
      downFlag = true;
      queues.values().forEach(queue -> queue.forEach(waiting -> {
        if (!waiting.started) {
          waiting.hold();
        }
      }));
      scheduleRetry();
      return;
    }
    remove(entry);
    entry.finish(done);
    if (down) {
      // The database answered the probe: write everything out, each key in its order.
      LOG.info("The database answers again; writing {} kept changes", size);
      down = false;
      downFlag = false;
      backoff = FIRST_RETRY_MS;
      if (retryTimer >= 0) {
        vertx.cancelTimer(retryTimer);
        retryTimer = -1;
      }
      new ArrayList<>(queues.keySet()).forEach(this::startEligible);
    } else {
      startEligible(entry.key);
    }
  }

  private void scheduleRetry() {
    if (retryTimer >= 0) {
      return;
    }
    long delay = backoff + ThreadLocalRandom.current().nextLong(backoff / 5 + 1);
    backoff = Math.min(MAX_RETRY_MS, backoff * 2);
    retryTimer = vertx.setTimer(delay, id -> context.runOnContext(v -> {
      retryTimer = -1;
      probe();
    }));
  }

  /** Drops writes kept too long, then tries the oldest one left; its outcome decides what follows. */
  private void probe() {
    expire();
    Entry<?> oldest = null;
    boolean inFlight = false;
    for (Deque<Entry<?>> queue : queues.values()) {
      Entry<?> head = queue.peekFirst();
      inFlight |= queue.stream().anyMatch(entry -> entry.started);
      if (head != null && !head.started && (oldest == null || head.since.isBefore(oldest.since))) {
        oldest = head;
      }
    }
    if (oldest == null) {
      if (!inFlight) {
        down = false;
        downFlag = false;
        backoff = FIRST_RETRY_MS;
      } else {
        scheduleRetry();
      }
      return;
    }
    start(oldest);
  }

  private void expire() {
    Instant limit = clock.instant().minus(maxHold);
    List<Entry<?>> dropped = new ArrayList<>();
    for (Deque<Entry<?>> queue : queues.values()) {
      for (Iterator<Entry<?>> it = queue.iterator(); it.hasNext(); ) {
        Entry<?> entry = it.next();
        if (entry.since.isBefore(limit) && !entry.started) {
          it.remove();
          size--;
          dropped.add(entry);
        }
      }
    }
    queues.values().removeIf(Deque::isEmpty);
    heldCount = size;
    for (Entry<?> entry : dropped) {
      LOG.error("A change to {} waited {} for the database and was dropped", entry.key, maxHold);
      entry.fail(new DatabaseUnavailableException("The database stayed unreachable for " + maxHold.toMinutes()
          + " minutes, so the change was dropped."));
    }
  }

  private void remove(Entry<?> entry) {
    Deque<Entry<?>> queue = queues.get(entry.key);
    if (queue != null && queue.remove(entry)) {
      size--;
      if (queue.isEmpty()) {
        queues.remove(entry.key);
      }
    }
    heldCount = size;
  }

  private static final class Entry<T> {
    final String key;
    final Supplier<Future<T>> write;
    final Instant since;
    final Promise<T> answer = Promise.promise();
    final Promise<Object> applied = Promise.promise();
    boolean started;
    /** Once kept, the writes after it in its key wait until it is written. */
    boolean held;

    Entry(String key, Supplier<Future<T>> write, Instant since) {
      this.key = key;
      this.write = write;
      this.since = since;
    }

    /** Tells the caller, once, that its write waits for the database. */
    void hold() {
      held = true;
      answer.tryFail(new ChangeHeldException(applied.future()));
    }

    @SuppressWarnings("unchecked")
    void finish(AsyncResult<?> done) {
      if (done.succeeded()) {
        answer.tryComplete((T) done.result());
        applied.tryComplete(done.result());
      } else {
        fail(done.cause());
      }
    }

    void fail(Throwable cause) {
      answer.tryFail(cause);
      applied.tryFail(cause);
    }
  }
}
