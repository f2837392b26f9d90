package dev.preflight.deploy.target;

import dev.preflight.checklists.deploy.Placeholders;
import dev.preflight.checklists.deploy.Target;
import dev.preflight.checklists.secret.Redactor;
import dev.preflight.checklists.secret.Variables;
import dev.preflight.checklists.secret.Variables.MissingVariableException;
import dev.preflight.checklists.time.Spans;
import dev.preflight.deploy.check.CheckFailures;
import dev.preflight.deploy.check.CommandCheck;
import dev.preflight.deploy.check.ProcessTree;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.io.File;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deploys by running the team's own program (seed 002's {@code deploy.sh deploy}) straight from
 * its argv, never through a shell, so nothing in a version or a variable can become
 * {@code ;} or {@code $(...)}. The exit code decides. The program gets none of the bot's own
 * secrets, and a timeout, an abort or the bot's own shutdown kills it together with everything
 * it started.
 *
 * <p>A command cannot be picked up again after a restart: it died with the bot, or it belongs to
 * nobody now. So the start is recorded before the program runs and the end before the outcome
 * is returned; a start with no end is reported as unknown and never run a second time.
 */
public final class CommandTarget implements DeployTarget {

  public static final Duration DEFAULT_PROGRESS_INTERVAL = Duration.ofSeconds(2);

  static final String STARTED_AT = "startedAt";
  static final String FINISHED_AT = "finishedAt";
  static final String EXIT_CODE = "exitCode";
  /** Why the command ended without an exit code of its own: killed, or it never started. */
  static final String ENDING = "ending";
  /** The process id and start instant of the command, so a restarted bot can find and stop it. */
  static final String PID = "pid";
  static final String PID_STARTED = "pidStartedAt";

  static final String ABORTED = "Aborted";
  /** Recorded as the ending of a command the bot killed because it was shutting down. */
  static final String STOPPED = "Preflight was shut down while the command ran, so it was stopped and the deploy's "
      + "outcome is unknown";
  /** What the run's thread shows of the output. */
  static final int DETAIL_LINES = 30;
  static final int DETAIL_LIMIT = 3000;
  private static final int PROGRESS_LINE_LIMIT = 200;

  private static final Logger LOG = LoggerFactory.getLogger(CommandTarget.class);

  private final Vertx vertx;
  private final Duration progressInterval;

  public CommandTarget(Vertx vertx) {
    this(vertx, DEFAULT_PROGRESS_INTERVAL);
  }

  /** @param progressInterval how often the newest line of output is passed on to the run's message */
  public CommandTarget(Vertx vertx, Duration progressInterval) {
    this.vertx = vertx;
    this.progressInterval = progressInterval;
  }

  @Override
  public Future<TargetOutcome> deploy(DeployJob job, TargetJournal journal) {
    Target.Command target = command(job);
    if (target.deploy().isEmpty()) {
      return Future.succeededFuture(TargetOutcome.failure("This environment has no deploy command", null));
    }
    return run(target.deploy(), job, job.placeholders(), journal);
  }

  /** Runs the rollback argv, where {@code {version}} is the version being restored. */
  @Override
  public Future<TargetOutcome> rollback(DeployJob job, TargetJournal journal) {
    Target.Command target = command(job);
    if (target.rollback().isEmpty()) {
      return Future.succeededFuture(TargetOutcome.failure("This environment has no rollback command", null));
    }
    String restored = job.version() == null ? "" : job.version();
    return run(target.rollback(), job, Placeholders.of(job.service(), restored, job.environment()), journal);
  }

  private static Target.Command command(DeployJob job) {
    if (job.target() instanceof Target.Command command) {
      return command;
    }
    throw new IllegalArgumentException("CommandTarget cannot deploy a " + job.target().kind() + " target");
  }

  private Future<TargetOutcome> run(List<String> argv, DeployJob job, Map<String, String> placeholders,
      TargetJournal journal) {
    Redactor redactor = new Redactor();
    Invocation invocation;
    try {
      invocation = Invocation.resolve(argv, job, placeholders, redactor);
    } catch (MissingVariableException e) {
      return Future.succeededFuture(TargetOutcome.failure(e.getMessage(), null));
    }
    String program = redactor.redact(invocation.program());
    Map<String, String> state = journal.state();
    if (state.containsKey(EXIT_CODE)) {
      return Future.succeededFuture(exited(program, Integer.parseInt(state.get(EXIT_CODE)), recordedElapsed(state), null));
    }
    if (state.containsKey(ENDING)) {
      return Future.succeededFuture(TargetOutcome.failure(state.get(ENDING), null));
    }
    if (state.containsKey(STARTED_AT)) {
      // A command outlives a bot killed with SIGKILL. It must be gone before anything else (a
      // rollback, say) runs against the same environment.
      return vertx.executeBlocking(() -> stopLeftover(state), false)
          .otherwise(false)
          .map(stopped -> TargetOutcome.failure("The bot restarted while the command was running; its outcome is "
              + "unknown" + (stopped ? " and the command, still running, was stopped" : "") + ". Check " + program
              + " by hand.", null));
    }
    if (journal.aborted().isComplete()) {
      return Future.succeededFuture(TargetOutcome.failure(ABORTED, null));
    }
    if (journal.stopping().isComplete()) {
      return Future.succeededFuture(TargetOutcome.failure(STOPPED, null));
    }
    Instant startedAt = Instant.now();
    return journal.record(Map.of(STARTED_AT, startedAt.toString()))
        .transform(stored -> stored.succeeded()
            ? execute(invocation, program, job.target().timeout(), startedAt, journal, redactor)
            : Future.succeededFuture(TargetOutcome.failure("Could not record the start of " + program
                + ", so it was not run: " + redactor.redact(stored.cause().getMessage()), null)));
  }

  private Future<TargetOutcome> execute(Invocation invocation, String program, Duration timeout, Instant startedAt,
      TargetJournal journal, Redactor redactor) {
    Context context = vertx.getOrCreateContext();
    journal.progress("Running " + program, null);
    return vertx.executeBlocking(() -> start(invocation), false)
        .onSuccess(running -> {
          Map<String, String> entries = new java.util.HashMap<>();
          entries.put(PID, String.valueOf(running.process().pid()));
          running.startedAt().ifPresent(at -> entries.put(PID_STARTED, at.toString()));
          journal.record(entries).onFailure(e -> LOG.warn("Could not record the process id of {}: {}", program,
              redactor.redact(String.valueOf(e.getMessage()))));
        })
        .compose(
            running -> watch(running, program, timeout, journal, redactor, context)
                .eventually(() -> vertx.executeBlocking(() -> {
                  running.output().delete();
                  return null;
                }, false)),
            failure -> Future.succeededFuture(Ending.killed(cannotStart(program, failure, redactor), List.of())))
        .compose(ending -> finish(ending, program, startedAt, journal, redactor))
        .recover(failure -> {
          String reason = redactor.redact(String.valueOf(failure.getMessage()));
          LOG.warn("Running {} failed unexpectedly: {} {}", program, failure.getClass().getName(), reason);
          return Future.succeededFuture(TargetOutcome.failure(program + " failed: " + reason, null));
        });
  }

  /**
   * Kills the command a previous bot started, if that very process (same id, same start time)
   * is still running. Answers whether it was.
   */
  private static boolean stopLeftover(Map<String, String> state) {
    String pid = state.get(PID);
    String started = state.get(PID_STARTED);
    if (pid == null || started == null) {
      return false;
    }
    return ProcessHandle.of(Long.parseLong(pid))
        .filter(ProcessHandle::isAlive)
        .filter(handle -> handle.info().startInstant().map(at -> at.toString().equals(started)).orElse(false))
        .map(handle -> {
          ProcessTree.kill(handle, CommandCheck.KILL_WAIT_LIMIT);
          return true;
        })
        .orElse(false);
  }

  private static Running start(Invocation invocation) throws IOException {
    CommandOutput output = CommandOutput.create();
    ProcessBuilder builder = new ProcessBuilder(invocation.argv())
        .redirectErrorStream(true)
        .redirectOutput(output.file().toFile());
    if (invocation.workdir() != null) {
      builder.directory(new File(invocation.workdir()));
    }
    // The deploy script is the team's program, not the bot: it gets none of the bot's own secrets.
    builder.environment().keySet().removeAll(CommandCheck.WITHHELD);
    builder.environment().putAll(invocation.env());
    try {
      Process process = builder.start();
      // A script that asks a question would otherwise wait for an answer until it is killed.
      process.getOutputStream().close();
      // Read here, on a worker: the process's start time comes from /proc.
      return new Running(process, output, process.toHandle().info().startInstant());
    } catch (IOException e) {
      output.delete();
      throw e;
    }
  }

  /**
   * Waits for the exit without holding a thread. The first of exit, timeout and abort wins; the
   * latter two kill the whole tree and wait until it is gone, so nothing of the deploy outlives
   * the outcome.
   */
  private Future<Ending> watch(Running running, String program, Duration timeout, TargetJournal journal,
      Redactor redactor, Context context) {
    Stop stop = new Stop();
    Promise<Void> killed = Promise.promise();
    Runnable kill = () -> vertx.executeBlocking(() -> ProcessTree.kill(running.process().toHandle(), CommandCheck.KILL_WAIT_LIMIT), false)
        .<Void>mapEmpty()
        .onComplete(killed);
    long timer = vertx.setTimer(timeout.toMillis(), id -> {
      if (stop.kill("timed out after " + Spans.format(timeout))) {
        kill.run();
      }
    });
    journal.aborted().onSuccess(v -> {
      if (stop.kill(ABORTED)) {
        kill.run();
      }
    });
    journal.stopping().onSuccess(v -> {
      if (stop.kill(STOPPED + "; check " + program + " by hand")) {
        kill.run();
      }
    });
    AtomicBoolean done = new AtomicBoolean();
    followOutput(running.output(), "Running " + program, journal, redactor, done, null);
    return Future.fromCompletionStage(running.process().onExit(), context)
        .compose(process -> {
          vertx.cancelTimer(timer);
          done.set(true);
          return stop.exitedOnItsOwn() ? Future.succeededFuture() : killed.future();
        })
        .compose(v -> vertx.executeBlocking(() -> {
          List<String> lines = running.output().lastLines(DETAIL_LINES);
          return stop.reason() == null
              ? Ending.exited(running.process().exitValue(), lines)
              : Ending.killed(stop.reason(), lines);
        }, false));
  }

  /** Passes the newest line of output to the run's message now and then, while the command runs. */
  private void followOutput(CommandOutput output, String step, TargetJournal journal, Redactor redactor,
      AtomicBoolean done, String shown) {
    vertx.setTimer(progressInterval.toMillis(), id -> {
      if (done.get()) {
        return;
      }
      vertx.executeBlocking(output::lastLine, false).onComplete(read -> {
        if (done.get() || read.failed()) {
          return;
        }
        String line = read.result() == null ? null : CheckFailures.clip(redactor.redact(read.result()), PROGRESS_LINE_LIMIT);
        if (line != null && !line.equals(shown)) {
          journal.progress(step, line);
        }
        followOutput(output, step, journal, redactor, done, line == null ? shown : line);
      });
    });
  }

  /** Records the end before anyone hears of it, so a restart never mistakes it for a run in flight. */
  private static Future<TargetOutcome> finish(Ending ending, String program, Instant startedAt, TargetJournal journal,
      Redactor redactor) {
    Instant finishedAt = Instant.now();
    String detail = detail(ending.lastLines(), redactor);
    Map<String, String> entries = new HashMap<>();
    entries.put(FINISHED_AT, finishedAt.toString());
    TargetOutcome outcome;
    if (ending.exitCode() != null) {
      entries.put(EXIT_CODE, String.valueOf(ending.exitCode()));
      outcome = exited(program, ending.exitCode(), Duration.between(startedAt, finishedAt), detail);
    } else {
      String reason = redactor.redact(ending.reason());
      entries.put(ENDING, reason);
      outcome = TargetOutcome.failure(reason, detail);
    }
    return journal.record(entries)
        .otherwise(failure -> {
          LOG.warn("Could not record how {} ended: {}", program, redactor.redact(failure.getMessage()));
          return null;
        })
        .map(outcome);
  }

  private static TargetOutcome exited(String program, int exitCode, Duration elapsed, String detail) {
    String summary = program + " exited with code " + exitCode + (elapsed == null ? "" : " after " + Spans.format(elapsed));
    return exitCode == 0 ? TargetOutcome.success(summary, null, detail) : TargetOutcome.failure(summary, detail);
  }

  private static Duration recordedElapsed(Map<String, String> state) {
    try {
      return Duration.between(Instant.parse(state.get(STARTED_AT)), Instant.parse(state.get(FINISHED_AT)));
    } catch (DateTimeParseException | NullPointerException e) {
      return null;
    }
  }

  /** The end of the output is where a failing deploy says why; masked before it is cut. */
  private static String detail(List<String> lines, Redactor redactor) {
    if (lines.isEmpty()) {
      return null;
    }
    String text = redactor.redact(String.join("\n", lines));
    return text.length() <= DETAIL_LIMIT ? text : "…" + text.substring(text.length() - (DETAIL_LIMIT - 1));
  }

  private static String cannotStart(String program, Throwable failure, Redactor redactor) {
    String reason = failure.getCause() != null ? failure.getCause().getMessage() : failure.getMessage();
    return "cannot start " + program + ": " + redactor.redact(reason);
  }

  /** The argv, working directory and environment with every placeholder and {@code ${NAME}} filled in. */
  private record Invocation(List<String> argv, String workdir, Map<String, String> env) {

    static Invocation resolve(List<String> argv, DeployJob job, Map<String, String> placeholders, Redactor redactor) {
      Target.Command target = (Target.Command) job.target();
      Variables variables = job.variables();
      // Placeholders first: the version has passed the service's pattern, so it holds no ${...} to resolve.
      UnaryOperator<String> fill = text -> variables.resolve(Placeholders.fill(text, placeholders), redactor);
      Map<String, String> env = new LinkedHashMap<>();
      target.env().forEach((name, value) -> env.put(name, fill.apply(value)));
      env.put("PREFLIGHT_SERVICE", Objects.requireNonNullElse(job.service(), ""));
      env.put("PREFLIGHT_VERSION", Objects.requireNonNullElse(placeholders.get("version"), ""));
      env.put("PREFLIGHT_ENVIRONMENT", Objects.requireNonNullElse(job.environment(), ""));
      env.put("PREFLIGHT_RUN_ID", Objects.requireNonNullElse(job.runId(), ""));
      return new Invocation(argv.stream().map(fill).toList(), fill.apply(target.workdir()), env);
    }

    String program() {
      return argv.get(0);
    }
  }

  private record Running(Process process, CommandOutput output, java.util.Optional<Instant> startedAt) {}

  /** @param exitCode null when the command was killed or never started; then the reason says why */
  private record Ending(Integer exitCode, String reason, List<String> lastLines) {

    static Ending exited(int exitCode, List<String> lastLines) {
      return new Ending(exitCode, null, lastLines);
    }

    static Ending killed(String reason, List<String> lastLines) {
      return new Ending(null, reason, lastLines);
    }
  }

  /** Who ended the command first: the command itself, the timeout or an abort. */
  private static final class Stop {

    private static final String EXITED = "exited";
    private final AtomicReference<String> reason = new AtomicReference<>();

    /** True when this call decided the command is to be killed. */
    boolean kill(String why) {
      return reason.compareAndSet(null, why);
    }

    /** True when the command ended before anyone decided to kill it. */
    boolean exitedOnItsOwn() {
      return reason.compareAndSet(null, EXITED) || EXITED.equals(reason.get());
    }

    String reason() {
      String why = reason.get();
      return EXITED.equals(why) ? null : why;
    }
  }
}
