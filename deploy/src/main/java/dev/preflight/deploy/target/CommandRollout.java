package dev.preflight.deploy.target;

import static dev.preflight.deploy.target.CommandTarget.ABORTED;
import static dev.preflight.deploy.target.CommandTarget.DETAIL_LIMIT;
import static dev.preflight.deploy.target.CommandTarget.DETAIL_LINES;
import static dev.preflight.deploy.target.CommandTarget.ENDING;
import static dev.preflight.deploy.target.CommandTarget.EXIT_CODE;
import static dev.preflight.deploy.target.CommandTarget.FINISHED_AT;
import static dev.preflight.deploy.target.CommandTarget.OLD_STOPPED;
import static dev.preflight.deploy.target.CommandTarget.PID;
import static dev.preflight.deploy.target.CommandTarget.PID_STARTED;
import static dev.preflight.deploy.target.CommandTarget.STARTED_AT;
import static dev.preflight.deploy.target.CommandTarget.STOPPED;
import static dev.preflight.deploy.target.CommandTarget.UNKNOWN;

import dev.preflight.checklists.secret.Redactor;
import dev.preflight.deploy.failure.Failures;
import dev.preflight.checklists.time.Spans;
import dev.preflight.deploy.process.ProcessOutput;
import dev.preflight.deploy.process.ProcessTree;
import dev.preflight.deploy.process.Program;
import dev.preflight.deploy.runner.FollowRunner;
import dev.preflight.deploy.runner.Observation;
import dev.preflight.deploy.runner.Rollout;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of a deploy or rollback command, as {@link FollowRunner} drives it: start records the
 * start and launches the program (or finds in the journal that an earlier attempt did), each look
 * is "has it exited?" plus the newest line of output, and stopping kills the whole process tree.
 * The exit wakes the runner at once rather than at the next look.
 */
public final class CommandRollout implements Rollout {

  private static final int PROGRESS_LINE_LIMIT = 200;
  private static final Logger LOG = LoggerFactory.getLogger(CommandRollout.class);

  private final Vertx vertx;
  private final Program program;
  /** The program's name as the run's message may show it (masked). */
  private final String name;
  private final String step;
  private final Duration timeout;
  private final TargetJournal journal;
  private final Redactor redactor;
  private final Promise<Void> exited = Promise.promise();
  private Instant startedAt;
  private Process process;
  private ProcessOutput output;

  public CommandRollout(Vertx vertx, Program program, Duration timeout, TargetJournal journal, Redactor redactor) {
    this.vertx = vertx;
    this.program = program;
    this.name = redactor.redact(program.name());
    this.step = "Running " + name;
    this.timeout = timeout;
    this.journal = journal;
    this.redactor = redactor;
  }

  /**
   * A command cannot be picked up again after a restart: it died with the bot, or it belongs to
   * nobody now. So a recorded end is the outcome, and a start with no end is reported as unknown
   * and never run a second time.
   */
  @Override
  public Future<Observation> start() {
    Map<String, String> state = journal.state();
    Optional<TargetOutcome> recorded = recorded(state);
    if (recorded.isPresent()) {
      return Future.succeededFuture(Observation.of(recorded.get()));
    }
    if (state.containsKey(STARTED_AT)) {
      // A command outlives a bot killed with SIGKILL. It must be gone before anything else (a
      // rollback, say) runs against the same environment.
      return vertx.executeBlocking(() -> stopLeftover(state), false)
          .otherwise(false)
          .map(stopped -> Observation.unknown("The bot restarted while " + name + " was running, so whether it "
              + "finished is unknown" + (stopped ? "; it was still running and was stopped" : "") + ". Check it by "
              + "hand.", null));
    }
    startedAt = Instant.now();
    return journal.record(Map.of(STARTED_AT, startedAt.toString()))
        .transform(stored -> stored.succeeded()
            ? launch()
            : Future.succeededFuture(Observation.failed("Could not record the start of " + name
                + ", so it was not run: " + redactor.redact(stored.cause().getMessage()), null)));
  }

  @Override
  public Instant deadline() {
    return (startedAt == null ? Instant.now() : startedAt).plus(timeout);
  }

  @Override
  public Future<Void> changed() {
    return exited.future();
  }

  @Override
  public Future<Observation> observe() {
    if (process.isAlive()) {
      return vertx.executeBlocking(output::lastLine, false).map(line -> Observation.running(step,
          line == null ? null : Failures.clip(redactor.redact(line), PROGRESS_LINE_LIMIT)));
    }
    int exitCode = process.exitValue();
    return vertx.executeBlocking(this::lastLinesAndDiscard, false)
        .compose(lines -> finish(exitCode, null, lines, false))
        .map(Observation::of);
  }

  /** Kills the whole tree and waits until it is gone, so nothing of the deploy outlives the outcome. */
  @Override
  public Future<TargetOutcome> stop(Halt why) {
    if (process == null) {
      Map<String, String> state = journal.state();
      Optional<TargetOutcome> recorded = recorded(state);
      if (recorded.isPresent() || !state.containsKey(STARTED_AT) || why == Halt.STOPPING) {
        return Future.succeededFuture(recorded.orElse(why == Halt.STOPPING
            ? TargetOutcome.unknown(name + " was " + STOPPED, null) : TargetOutcome.failure(ABORTED, null)));
      }
      // Aborted before this attempt started, after a bot killed mid-command: its command may still be running.
      return vertx.executeBlocking(() -> stopLeftover(state), false)
          .otherwise(false)
          .map(stopped -> TargetOutcome.failure(ABORTED, stopped ? "The command an earlier attempt started was still "
              + "running and was stopped." : null));
    }
    String reason = switch (why) {
      case ABORTED -> ABORTED;
      case TIMED_OUT -> "timed out after " + Spans.format(timeout);
      case STOPPING -> name + " was " + STOPPED + ". Check it by hand";
    };
    return vertx.executeBlocking(() -> {
      ProcessTree.kill(process.toHandle(), Program.KILL_WAIT_LIMIT);
      return lastLinesAndDiscard();
    }, false).compose(lines -> finish(null, reason, lines, why == Halt.STOPPING));
  }

  @Override
  public TargetOutcome failed(Throwable failure) {
    String reason = redactor.redact(String.valueOf(failure.getMessage()));
    LOG.warn("Running {} failed unexpectedly: {} {}", name, failure.getClass().getName(), reason);
    return TargetOutcome.failure(name + " failed: " + reason, null);
  }

  private Future<Observation> launch() {
    return vertx.executeBlocking(this::startProcess, false).transform(started -> {
      if (started.failed()) {
        return finish(null, cannotStart(started.cause()), List.of(), false).map(Observation::of);
      }
      Map<String, String> entries = new HashMap<>();
      entries.put(PID, String.valueOf(process.pid()));
      started.result().ifPresent(at -> entries.put(PID_STARTED, at.toString()));
      journal.record(entries).onFailure(e -> LOG.warn("Could not record the process id of {}: {}", name,
          redactor.redact(String.valueOf(e.getMessage()))));
      return Future.succeededFuture(Observation.running(step, null));
    });
  }

  /** Answers the process's start instant, read here on a worker because it comes from /proc. */
  private Optional<Instant> startProcess() throws IOException {
    ProcessOutput file = ProcessOutput.create("preflight-deploy-");
    try {
      process = program.start(file);
    } catch (IOException e) {
      file.delete();
      throw e;
    }
    output = file;
    process.onExit().thenRun(() -> exited.tryComplete());
    return process.toHandle().info().startInstant();
  }

  private List<String> lastLinesAndDiscard() throws IOException {
    try {
      return output.lastLines(DETAIL_LINES);
    } finally {
      output.delete();
    }
  }

  /** Records the end before anyone hears of it, so a restart never mistakes it for a run in flight. */
  private Future<TargetOutcome> finish(Integer exitCode, String killedBecause, List<String> lastLines,
      boolean unknown) {
    Instant finishedAt = Instant.now();
    String detail = detail(lastLines);
    Map<String, String> entries = new HashMap<>();
    entries.put(FINISHED_AT, finishedAt.toString());
    TargetOutcome outcome;
    if (exitCode != null) {
      entries.put(EXIT_CODE, String.valueOf(exitCode));
      outcome = exited(exitCode, Duration.between(startedAt, finishedAt), detail);
    } else {
      String reason = redactor.redact(killedBecause);
      entries.put(ENDING, reason);
      if (unknown) {
        entries.put(UNKNOWN, "true");
      }
      outcome = unknown ? TargetOutcome.unknown(reason, detail) : TargetOutcome.failure(reason, detail);
    }
    return journal.record(entries)
        .otherwise(failure -> {
          LOG.warn("Could not record how {} ended: {}", name, redactor.redact(failure.getMessage()));
          return null;
        })
        .map(outcome);
  }

  /** The end an earlier attempt recorded, if there is one. */
  private Optional<TargetOutcome> recorded(Map<String, String> state) {
    if (state.containsKey(EXIT_CODE)) {
      return Optional.of(exited(Integer.parseInt(state.get(EXIT_CODE)), recordedElapsed(state), null));
    }
    return Optional.ofNullable(state.get(ENDING)).map(ending -> "true".equals(state.get(UNKNOWN))
        || ending.startsWith(OLD_STOPPED) ? TargetOutcome.unknown(ending, null) : TargetOutcome.failure(ending, null));
  }

  private TargetOutcome exited(int exitCode, Duration elapsed, String detail) {
    String summary = name + " exited with code " + exitCode + (elapsed == null ? "" : " after " + Spans.format(elapsed));
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
  private String detail(List<String> lines) {
    if (lines.isEmpty()) {
      return null;
    }
    String text = redactor.redact(String.join("\n", lines));
    return text.length() <= DETAIL_LIMIT ? text : "…" + text.substring(text.length() - (DETAIL_LIMIT - 1));
  }

  private String cannotStart(Throwable failure) {
    String reason = failure.getCause() != null ? failure.getCause().getMessage() : failure.getMessage();
    return "cannot start " + name + ": " + redactor.redact(reason);
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
          ProcessTree.kill(handle, Program.KILL_WAIT_LIMIT);
          return true;
        })
        .orElse(false);
  }
}
