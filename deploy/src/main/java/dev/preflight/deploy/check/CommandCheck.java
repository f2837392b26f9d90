package dev.preflight.deploy.check;

import dev.preflight.checklists.checklist.CheckSpec;
import dev.preflight.checklists.run.Evidence;
import dev.preflight.checklists.secret.Redactor;
import dev.preflight.checklists.secret.Variables;
import dev.preflight.checklists.time.Spans;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
  public static final Duration KILL_WAIT_LIMIT = Duration.ofSeconds(5);

  private final Vertx vertx;

  CommandCheck(Vertx vertx) {
    this.vertx = vertx;
  }

  /** The bot's own credentials (see the README's settings), never passed on to a command. */
  public static final Set<String> WITHHELD = Set.of("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN",
      "DATABASE_URL", "ALERTS_TOKEN", "SENTRY_DSN");

  @Override
  public Future<Evidence> attempt(CheckSpec.Command written, Variables variables, Redactor redactor) {
    Invocation invocation = Invocation.resolve(written, variables, redactor);
    CheckSpec.Command spec = new CheckSpec.Command(written.argv(), written.workdir(), written.env(),
        written.expectExitCode(), variables.resolve(written.outputContains(), redactor), written.timing());
    Duration timeout = CheckRunner.timeout(spec);
    Context context = vertx.getOrCreateContext();
    return vertx.executeBlocking(() -> start(invocation), false)
        .recover(failure -> Future.failedFuture(failure instanceof IOException ? cannotStart(invocation, failure) : failure))
        .compose(running -> watch(running, timeout, context).eventually(() -> discard(running)))
        .map(result -> judge(spec, result, timeout, redactor));
  }

  private static Running start(Invocation invocation) throws IOException {
    Path output = Files.createTempFile("preflight-check-", ".out");
    ProcessBuilder builder = new ProcessBuilder(invocation.argv())
        .redirectErrorStream(true)
        .redirectOutput(output.toFile());
    if (invocation.workdir() != null) {
      builder.directory(new File(invocation.workdir()));
    }
    // A checked command is the team's script, not the bot: it gets none of the bot's own secrets.
    builder.environment().keySet().removeAll(WITHHELD);
    builder.environment().putAll(invocation.env());
    try {
      Process process = builder.start();
      // A check that waits for input would otherwise wait until it is killed.
      process.getOutputStream().close();
      return new Running(process, output, System.nanoTime());
    } catch (IOException e) {
      Files.deleteIfExists(output);
      throw e;
    }
  }

  /** Waits for the exit without holding a thread; at the timeout, kills the whole tree. */
  private Future<Result> watch(Running running, Duration timeout, Context context) {
    AtomicBoolean timedOut = new AtomicBoolean();
    Promise<Integer> killed = Promise.promise();
    long timer = vertx.setTimer(timeout.toMillis(), id -> {
      timedOut.set(true);
      vertx.executeBlocking(() -> ProcessTree.kill(running.process().toHandle(), KILL_WAIT_LIMIT), false)
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
    return new Result(exitCode, tail(running.output()), latencyMillis);
  }

  private Future<Void> discard(Running running) {
    return vertx.executeBlocking(() -> Files.deleteIfExists(running.output()), false).mapEmpty();
  }

  static String tail(Path file) throws IOException {
    return tail(file, OUTPUT_LIMIT).text();
  }

  /** The end of a file of output, and whether anything before it was left out. */
  public record Tail(String text, boolean cut) {}

  /** The last {@code limit} bytes of a file of output, as text. */
  public static Tail tail(Path file, int limit) throws IOException {
    try (RandomAccessFile output = new RandomAccessFile(file.toFile(), "r")) {
      long length = output.length();
      long from = Math.max(0, length - limit);
      byte[] bytes = new byte[(int) (length - from)];
      output.seek(from);
      output.readFully(bytes);
      return new Tail(new String(bytes, StandardCharsets.UTF_8), from > 0);
    }
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

  private static Throwable cannotStart(Invocation invocation, Throwable failure) {
    String reason = failure.getCause() != null ? failure.getCause().getMessage() : failure.getMessage();
    return new InvalidSpecException("cannot start " + invocation.program() + ": " + reason);
  }

  /** The spec with every {@code ${NAME}} substituted. */
  private record Invocation(List<String> argv, String workdir, Map<String, String> env) {

    static Invocation resolve(CheckSpec.Command spec, Variables variables, Redactor redactor) {
      if (spec.argv().isEmpty()) {
        throw new InvalidSpecException("the command check has an empty argv");
      }
      List<String> argv = spec.argv().stream().map(arg -> variables.resolve(arg, redactor)).toList();
      Map<String, String> env = new LinkedHashMap<>();
      spec.env().forEach((name, value) -> env.put(name, variables.resolve(value, redactor)));
      return new Invocation(argv, variables.resolve(spec.workdir(), redactor), env);
    }

    String program() {
      return argv.get(0);
    }
  }

  private record Running(Process process, Path output, long startedNanos) {}

  /** @param exitCode null when the command was killed at the timeout */
  private record Result(Integer exitCode, String output, long latencyMillis) {}
}
