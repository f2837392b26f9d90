package dev.preflight.deploy.runner;

import dev.preflight.deploy.runner.Rollout.Halt;
import dev.preflight.deploy.target.TargetJournal;
import dev.preflight.deploy.target.TargetOutcome;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one loop every deploy target runs in. It starts a {@link Rollout}, looks at it every
 * interval until it ends, and owns what is the same for ECS, GitHub Actions and a command:
 * <ul>
 *   <li>the deadline: once it has passed, one more look, and only then a timeout;
 *   <li>transient failures: a look that fails is tried again after a backoff that doubles from
 *       the interval up to a cap, and is never an outcome by itself;
 *   <li>abort ({@link TargetJournal#aborted()}): the rollout is asked to stop or cancel and its
 *       answer is the outcome; shutdown ({@link TargetJournal#stopping()}): the same, but the
 *       rollout acts on nothing;
 *   <li>progress: each new line a look produces goes to the journal.
 * </ul>
 * A runner {@linkplain #onRounds on rounds} makes every look but the one at the deadline on a
 * {@link PollRounds} instant, the first look after the start included, so that rollouts of one
 * target look together and their looks can share calls.
 *
 * <p>The rollout is called one method at a time on one Vert.x context. An abort that arrives while
 * a call is under way is acted on when the call answers; an end the call reports wins over it.
 * The returned future never fails.
 */
public final class FollowRunner {

  public static final Duration DEFAULT_BACKOFF_CAP = Duration.ofMinutes(1);

  private static final Logger LOG = LoggerFactory.getLogger(FollowRunner.class);

  private final Vertx vertx;
  private final Duration interval;
  private final Duration backoffCap;
  /** Where looks land when they are aligned; null for a look one interval after the last answer. */
  private final PollRounds rounds;

  public FollowRunner(Vertx vertx, Duration interval) {
    this(vertx, interval, DEFAULT_BACKOFF_CAP);
  }

  /** A runner whose looks land on the rounds of {@code interval}, for rollouts whose looks are batched. */
  public static FollowRunner onRounds(Vertx vertx, Duration interval) {
    return new FollowRunner(vertx, interval, DEFAULT_BACKOFF_CAP, new PollRounds(interval));
  }

  /**
   * @param interval time between two looks at a rollout under way
   * @param backoffCap the longest wait after repeated failed looks (at least the interval)
   */
  public FollowRunner(Vertx vertx, Duration interval, Duration backoffCap) {
    this(vertx, interval, backoffCap, null);
  }

  private FollowRunner(Vertx vertx, Duration interval, Duration backoffCap, PollRounds rounds) {
    this.rounds = rounds;
    this.vertx = Objects.requireNonNull(vertx);
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("the poll interval must be positive: " + interval);
    }
    this.interval = interval;
    this.backoffCap = backoffCap.compareTo(interval) < 0 ? interval : backoffCap;
  }

  public Future<TargetOutcome> run(Rollout rollout, TargetJournal journal) {
    Context context = vertx.getOrCreateContext();
    Follow follow = new Follow(context, rollout, journal);
    context.runOnContext(v -> follow.begin());
    return follow.outcome.future();
  }

  /** Wait before the next look after {@code failures} failed looks in a row. */
  Duration pause(int failures) {
    if (failures == 0) {
      return interval;
    }
    long millis = interval.toMillis();
    for (int i = 1; i < failures && millis < backoffCap.toMillis(); i++) {
      millis *= 2;
    }
    return Duration.ofMillis(Math.min(millis, backoffCap.toMillis()));
  }

  /** One rollout followed to its end. Touched only on its context. */
  private final class Follow {

    private final Context context;
    private final Rollout rollout;
    private final TargetJournal journal;
    private final Promise<TargetOutcome> outcome = Promise.promise();
    private boolean calling;
    private boolean stopping;
    private boolean changed;
    private Halt halt;
    private long timer = -1;
    private Instant deadline;
    private int failures;
    private String step = "Under way";
    private String shown;

    Follow(Context context, Rollout rollout, TargetJournal journal) {
      this.context = context;
      this.rollout = rollout;
      this.journal = journal;
    }

    void begin() {
      if (journal.stopping().isComplete()) {
        stop(Halt.STOPPING);
        return;
      }
      if (journal.aborted().isComplete()) {
        stop(Halt.ABORTED);
        return;
      }
      journal.aborted().onSuccess(v -> context.runOnContext(x -> halt(Halt.ABORTED)));
      journal.stopping().onSuccess(v -> context.runOnContext(x -> halt(Halt.STOPPING)));
      call(rollout::start).onComplete(this::started);
    }

    private void started(AsyncResult<Observation> start) {
      calling = false;
      if (start.failed()) {
        // Nothing was judged; whatever the start left behind is the rollout's to say.
        finish(rollout.failed(start.cause()));
        return;
      }
      deadline = rollout.deadline();
      rollout.changed().onSuccess(v -> context.runOnContext(x -> lookNow()));
      // The first look comes at once (on rounds, in the next round), even past the deadline: after a
      // restart the rollout may have ended meanwhile.
      seen(start.result(), rounds == null ? this::look : this::lookInNextRound);
    }

    private void lookInNextRound() {
      long now = System.currentTimeMillis();
      timer = vertx.setTimer(Math.max(1, rounds.after(now) - now), id -> look());
    }

    private void look() {
      timer = -1;
      call(rollout::observe).onComplete(this::looked);
    }

    private void looked(AsyncResult<Observation> look) {
      calling = false;
      if (look.succeeded()) {
        failures = 0;
        seen(look.result(), this::next);
        return;
      }
      failures++;
      if (halt != null) {
        stop(halt);
        return;
      }
      String why = rollout.failed(look.cause()).summary();
      LOG.debug("A look at the rollout failed ({} in a row): {}", failures, why);
      show(step, why + "; trying again");
      next();
    }

    /** An end wins over a pending halt: it is what happened. */
    private void seen(Observation observation, Runnable otherwise) {
      if (outcome.future().isComplete()) {
        return;
      }
      if (observation.ended()) {
        finish(observation.outcome());
      } else if (halt != null) {
        stop(halt);
      } else {
        Observation.Running running = (Observation.Running) observation;
        show(running.step(), running.progress());
        otherwise.run();
      }
    }

    /** Polls once more at the deadline, so a timeout is only called after a look at or past it. */
    private void next() {
      Duration untilDeadline = Duration.between(Instant.now(), deadline);
      if (untilDeadline.isNegative() || untilDeadline.isZero()) {
        stop(Halt.TIMED_OUT);
        return;
      }
      // Rounded up, so that the last look lands at the deadline or just after it, never just before.
      long left = (untilDeadline.toNanos() + 999_999) / 1_000_000;
      long pause = pause(failures).toMillis();
      if (rounds != null) {
        pause = rounds.wait(System.currentTimeMillis(), pause);
      }
      long wait = changed ? 1 : Math.max(1, Math.min(pause, left));
      changed = false;
      timer = vertx.setTimer(wait, id -> look());
    }

    /** The rollout has news: look now, or as soon as the look under way has answered. */
    private void lookNow() {
      changed = true;
      if (timer != -1 && !calling && !stopping && vertx.cancelTimer(timer)) {
        changed = false;
        look();
      }
    }

    private void halt(Halt why) {
      if (halt != null || stopping || outcome.future().isComplete()) {
        return;
      }
      halt = why;
      if (!calling) {
        stop(why);
      }
    }

    private void stop(Halt why) {
      if (stopping) {
        return;
      }
      stopping = true;
      if (timer != -1) {
        vertx.cancelTimer(timer);
        timer = -1;
      }
      call(() -> rollout.stop(why)).onComplete(stopped -> finish(stopped.succeeded()
          ? stopped.result()
          : rollout.failed(stopped.cause())));
    }

    private void show(String step, String progress) {
      if (step == null) {
        return;
      }
      this.step = step;
      String line = step + "\n" + progress;
      if (!line.equals(shown)) {
        shown = line;
        journal.progress(step, progress);
      }
    }

    private void finish(TargetOutcome result) {
      calling = false;
      outcome.tryComplete(result);
    }

    /**
     * A rollout method that throws is a failed future, like any other failure. The answer is
     * handled on this follow's context, whichever thread completed it (a database client's, say).
     */
    private <T> Future<T> call(Supplier<Future<T>> method) {
      calling = true;
      Future<T> answer;
      try {
        answer = Objects.requireNonNull(method.get(), "a rollout answered null");
      } catch (RuntimeException e) {
        answer = Future.failedFuture(e);
      }
      Promise<T> here = Promise.promise();
      answer.onComplete(result -> context.runOnContext(v -> here.handle(result)));
      return here.future();
    }
  }
}
