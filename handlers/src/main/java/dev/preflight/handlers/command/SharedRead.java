package dev.preflight.handlers.command;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.function.Supplier;

/**
 * A read that is the same for everyone who asks (the {@code /deploys} overview), shared by the
 * requests that come while one is under way. Nobody gets a result older than their request: who
 * asks while a read runs waits for the next one, which starts when that read ends and serves
 * everyone who asked in the meantime. So at most two reads are in flight, however many people
 * (or a load test) ask at once, instead of one per request queueing for the database pool.
 *
 * <p>Safe to call from any event loop.
 */
final class SharedRead<T> {

  private final Supplier<Future<T>> read;
  private boolean running;
  private Promise<T> next;

  SharedRead(Supplier<Future<T>> read) {
    this.read = read;
  }

  /** A result read after this call: a read starting now, or the one after the read under way. */
  Future<T> get() {
    synchronized (this) {
      if (running) {
        if (next == null) {
          next = Promise.promise();
        }
        return next.future();
      }
      running = true;
    }
    return run();
  }

  private Future<T> run() {
    Future<T> result;
    try {
      result = read.get();
    } catch (RuntimeException e) {
      result = Future.failedFuture(e);
    }
    result.onComplete(done -> {
      Promise<T> waiting;
      synchronized (this) {
        waiting = next;
        next = null;
        running = waiting != null;
      }
      if (waiting != null) {
        run().onComplete(waiting);
      }
    });
    return result;
  }
}
