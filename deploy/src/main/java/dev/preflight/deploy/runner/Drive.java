package dev.preflight.deploy.runner;

import dev.preflight.checklists.deploy.Deployment;
import dev.preflight.deploy.run.RunMdc;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;

/** One run this replica is working on, under the lease named by its token. */
final class Drive {

  /** Who aborts when the abort was asked for without a user: the bot itself. */
  static final String PREFLIGHT = "preflight";

  final String runId;
  final String token;
  final Promise<Void> abort = Promise.promise();
  /** Completes when this replica stops: the target stops as it would on an abort, but nothing is decided. */
  final Promise<Void> stopping = Promise.promise();
  /** The step under way; the lease is given back once it has settled. */
  volatile Future<Void> step = Future.succeededFuture();
  volatile String abortedBy;
  /** Known once the run has been read; names the service in the log lines of this drive. */
  volatile Deployment deployment;
  long renewTimer = -1;
  /** Completes when someone changed the run's canary stage (promoted, paused, resumed) on this replica. */
  private Promise<Void> nudge = Promise.promise();

  Drive(String runId, String token) {
    this.runId = runId;
    this.token = token;
  }

  /** {@code handler} with this drive's run in the logging MDC. */
  <T> Handler<T> logged(Handler<T> handler) {
    return value -> RunMdc.around(runId, deployment, handler).handle(value);
  }

  void abort(String by) {
    if (abortedBy == null) {
      abortedBy = by == null ? PREFLIGHT : by;
    }
    abort.tryComplete();
  }

  /** Completes at the next {@link #nudge()}. */
  synchronized Future<Void> nudged() {
    return nudge.future();
  }

  /** Tells the step under way that the run was changed for it to look at. */
  void nudge() {
    Promise<Void> fired;
    synchronized (this) {
      fired = nudge;
      nudge = Promise.promise();
    }
    fired.tryComplete();
  }

  boolean aborted() {
    return abortedBy != null;
  }

  /** The user who aborted, or null when nobody did or Preflight did. */
  String abortingUser() {
    return PREFLIGHT.equals(abortedBy) ? null : abortedBy;
  }

  boolean stopping() {
    return stopping.future().isComplete();
  }

  /** What a target or a verification returned once this replica began to stop is no outcome. */
  <T> Future<T> unlessStopping(T value) {
    return stopping() ? Future.failedFuture(new Stopping(runId)) : Future.succeededFuture(value);
  }

  /** This replica is stopping: what the drive saw is left for the next drive, on another replica. */
  static final class Stopping extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Stopping(String runId) {
      super("this replica is stopping; run " + runId + " is left for another", null, false, false);
    }
  }

  /** Another drive holds the run's lease now; this one may write nothing more. */
  static final class LeaseLost extends RuntimeException {
    private static final long serialVersionUID = 1L;

    LeaseLost(String runId) {
      super("the lease of run " + runId + " is held by another replica now", null, false, false);
    }
  }
}
