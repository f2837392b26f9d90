package dev.preflight.bot;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The bot as a separate process, started with {@code PORT=0} so it binds a port nobody else can
 * take first; the port it got is read from its log.
 */
final class BotProcess {

  private static final Pattern LISTENING = Pattern.compile("Preflight is listening on port (\\d+)");
  private static final int POLLS = 480;
  private static final long POLL_MS = 250;

  private final Process process;
  private final Path log;

  private BotProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /** @param command the java command line; {@code PORT} is set to 0 whatever {@code env} says */
  static BotProcess start(List<String> command, Map<String, String> env, Path workdir, Path log) throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command)
        .directory(workdir.toFile())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile());
    builder.environment().keySet().removeIf(name -> name.startsWith("SLACK_") || name.equals("DATABASE_URL"));
    builder.environment().putAll(env);
    builder.environment().put("PORT", "0");
    return new BotProcess(builder.start(), log);
  }

  static String java() {
    return ProcessHandle.current().info().command().orElse("java");
  }

  /** Completes with the bound port once the bot says it listens; fails with its log if it dies first. */
  Future<Integer> awaitListening(Vertx vertx) {
    return poll(vertx, POLLS);
  }

  private Future<Integer> poll(Vertx vertx, int pollsLeft) {
    Matcher matcher = LISTENING.matcher(log());
    if (matcher.find()) {
      return Future.succeededFuture(Integer.parseInt(matcher.group(1)));
    }
    if (pollsLeft == 0 || !process.isAlive()) {
      return Future.failedFuture("the bot did not start listening:\n" + log());
    }
    Promise<Integer> later = Promise.promise();
    vertx.setTimer(POLL_MS, id -> poll(vertx, pollsLeft - 1).onComplete(later));
    return later.future();
  }

  /** SIGKILL: no shutdown hook runs, the embedded PostgreSQL is left behind. */
  Future<Integer> kill(Vertx vertx) {
    process.destroyForcibly();
    return exit(vertx);
  }

  /** SIGTERM: the bot stops through its shutdown hook. */
  Future<Integer> stop(Vertx vertx) {
    process.destroy();
    return exit(vertx);
  }

  /** The exit status, once the process ends by itself (on a signal the test sent otherwise). */
  Future<Integer> exited(Vertx vertx) {
    return exit(vertx);
  }

  /** The bot's process, to see what it started and whether that outlives it. */
  ProcessHandle handle() {
    return process.toHandle();
  }

  void destroy() {
    process.destroyForcibly();
  }

  String log() {
    try {
      return Files.exists(log) ? Files.readString(log) : "";
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  private Future<Integer> exit(Vertx vertx) {
    return Future.fromCompletionStage(process.onExit(), vertx.getOrCreateContext()).map(Process::exitValue);
  }

  /** Whatever a test's bots left running on {@code dir} (a killed bot's PostgreSQL) goes too. */
  static void killLeftovers(Path dir) {
    ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine().map(line -> line.contains(dir.toString())).orElse(false))
        .forEach(ProcessHandle::destroyForcibly);
  }
}
