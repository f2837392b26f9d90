package dev.preflight.deploy.target;

import dev.preflight.deploy.process.ProcessOutput;
import dev.preflight.deploy.process.ProcessTree;
import dev.preflight.deploy.process.Program;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs a program that ends quickly (one that reads the version running now, or sets a canary's
 * weight) to its end: the process and its output file are handled on a worker, the timeout is a
 * Vert.x timer that kills the process with everything it started.
 */
final class ShortProgram {

  /** How a program ended: its exit code (meaningless when it timed out) and its last lines of output. */
  record Ended(boolean timedOut, int exitCode, List<String> lastLines) {
    boolean succeeded() {
      return !timedOut && exitCode == 0;
    }
  }

  private final Vertx vertx;

  ShortProgram(Vertx vertx) {
    this.vertx = vertx;
  }

  /** Fails only when the program could not start. */
  Future<Ended> run(Program program, Duration timeout, int lastLines, String outputPrefix) {
    Context context = vertx.getOrCreateContext();
    return vertx.executeBlocking(() -> {
          ProcessOutput output = ProcessOutput.create(outputPrefix);
          try {
            return new Running(program.start(output), output);
          } catch (IOException e) {
            output.delete();
            throw e;
          }
        }, false)
        .compose(running -> {
          AtomicBoolean timedOut = new AtomicBoolean();
          long timer = vertx.setTimer(timeout.toMillis(), id -> {
            timedOut.set(true);
            vertx.executeBlocking(() -> ProcessTree.kill(running.process().toHandle(), Program.KILL_WAIT_LIMIT), false);
          });
          return Future.fromCompletionStage(running.process().onExit(), context)
              .andThen(exited -> vertx.cancelTimer(timer))
              .compose(process -> vertx.executeBlocking(() -> {
                try {
                  return new Ended(timedOut.get(), process.exitValue(), running.output().lastLines(lastLines));
                } finally {
                  running.output().delete();
                }
              }, false));
        });
  }

  private record Running(Process process, ProcessOutput output) {}
}
