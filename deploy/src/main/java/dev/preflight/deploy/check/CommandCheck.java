package dev.preflight.deploy.check;

import dev.preflight.checklists.checklist.CheckSpec;
import dev.preflight.checklists.run.Evidence;
import dev.preflight.checklists.secret.Redactor;
import dev.preflight.checklists.secret.Variables;
import dev.preflight.checklists.time.Spans;
import dev.preflight.deploy.process.ProcessOutput;
import dev.preflight.deploy.process.ProcessTree;
import dev.preflight.deploy.process.Program;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs a program directly from its argv (never through a shell, so {@code $(...)} and
 * {@code ;} in an argument stay text) and judges its exit code and output.
 *
 * <p>Output (stdout and stderr interleaved) goes to a private temporary file rather than a
 * pipe: a background child that inherits the pipe would keep a reader blocked long after the
 * program itself exited. Only the last {@link #OUTPUT_LIMIT} bytes are ever read back.
 */
public final class CommandCheck implements Check<CheckSpec.Command> {

  static final int OUTPUT_LIMIT = 64 * 1024;

  private final Vertx vertx;

  CommandCheck(Vertx vertx) {
    this.vertx = vertx;
  }

  @Override
  public Future<Evidence> attempt(CheckSpec.Command written, Variables variables, Redactor redactor) {
    Program program = resolve(written, variables, redactor);
    CheckSpec.Command spec = new CheckSpec.Command(written.argv(), written.workdir(), written.env(),
        written.expectExitCode(), variables.resolve(written.outputContains(), redactor), written.timing());
    Duration timeout = CheckRunner.timeout(spec);
    Context context = vertx.getOrCreateContext();
    return vertx.executeBlocking(() -> start(program), false)
        .recover(failure -> Future.failedFuture(failure instanceof IOException ? cannotStart(program, failure) : failure))
        .compose(running -> watch(running, timeout, context).eventually(() -> discard(running)))
        .map(result -> judge(spec, result, timeout, redactor));
  }

  private static Running start(Program program) throws IOException {
    ProcessOutput output = ProcessOutput.create("preflight-check-");
    try {
      return new Running(program.start(output), output, System.nanoTime());
    } catch (IOException e) {
      output.delete();
      throw e;
    }
  }

  /** Waits for the exit without holding a thread; at the timeout, kills the whole tree. */
  private Future<Result> watch(Running running, Duration timeout, Context context) {
    AtomicBoolean timedOut = new AtomicBoolean();
    Promise<Integer> killed = Promise.promise();
    long timer = vertx.setTimer(timeout.toMillis(), id -> {
      timedOut.set(true);
      vertx.executeBlocking(() -> ProcessTree.kill(running.process().toHandle(), Program.KILL_WAIT_LIMIT), false)
          .onComplete(killed);
    });
    return Future.fromCompletionStage(running.process().onExit(), context)
        .andThen(exited -> vertx.cancelTimer(timer))
        .compose(process -> timedOut.get() ? killed.future().mapEmpty() : Future.succeededFuture())
        .compose(v -> vertx.executeBlocking(() -> collect(running, timedOut.get()), false));
  }

  private static Result collect(Running running, boolean timedOut) throws IOException {
    long latencyMillis = Latency.millisSince(running.startedNanos());
    Integer exitCode = timedOut ? null : running.process().exitValue();
    return new Result(exitCode, running.output().tail(OUTPUT_LIMIT).text(), latencyMillis);
  }

  private Future<Void> discard(Running running) {
    return vertx.executeBlocking(() -> {
      running.output().delete();
      return null;
    }, false).mapEmpty();
  }

  private static Evidence judge(CheckSpec.Command spec, Result result, Duration timeout, Redactor redactor) {
    String output = redactor.redact(result.output());
    String excerpt = output.isEmpty() ? null : lastChars(output);
    String program = redactor.redact(spec.argv().isEmpty() ? "" : spec.argv().get(0));
    if (result.exitCode() == null) {
      return new Evidence(false, CheckFailures.timedOut(timeout), null, result.latencyMillis(), excerpt,
          "killed " + program + " and its child processes after " + Spans.format(timeout), 1);
    }
    List<String> problems = new ArrayList<>();
    if (result.exitCode() != spec.expectExitCode()) {
      problems.add("expected exit " + spec.expectExitCode() + ", got " + result.exitCode());
    }
    if (spec.outputContains() != null && !result.output().contains(spec.outputContains())) {
      problems.add("output does not contain \"" + redactor.redact(spec.outputContains()) + "\"");
    }
    String summary = problems.isEmpty()
        ? "exit " + result.exitCode() + " in " + result.latencyMillis() + " ms"
        : problems.get(0);
    return new Evidence(problems.isEmpty(), redactor.redact(summary), result.exitCode(), result.latencyMillis(),
        excerpt, problems.isEmpty() ? null : redactor.redact(String.join("; ", problems)), 1);
  }

  /** The end of the output is where a failing command says why. */
  private static String lastChars(String output) {
    int limit = Evidence.EXCERPT_LIMIT - 1;
    return output.length() <= Evidence.EXCERPT_LIMIT ? output : "…" + output.substring(output.length() - limit);
  }

  private static Throwable cannotStart(Program program, Throwable failure) {
    String reason = failure.getCause() != null ? failure.getCause().getMessage() : failure.getMessage();
    return new InvalidSpecException("cannot start " + program.name() + ": " + reason);
  }

  /** The spec with every {@code ${NAME}} substituted. */
  private static Program resolve(CheckSpec.Command spec, Variables variables, Redactor redactor) {
    if (spec.argv().isEmpty()) {
      throw new InvalidSpecException("the command check has an empty argv");
    }
    List<String> argv = spec.argv().stream().map(arg -> variables.resolve(arg, redactor)).toList();
    Map<String, String> env = new LinkedHashMap<>();
    spec.env().forEach((name, value) -> env.put(name, variables.resolve(value, redactor)));
    return new Program(argv, variables.resolve(spec.workdir(), redactor), env);
  }

  private record Running(Process process, ProcessOutput output, long startedNanos) {}

  /** @param exitCode null when the command was killed at the timeout */
  private record Result(Integer exitCode, String output, long latencyMillis) {}
}
