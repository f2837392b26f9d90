package dev.preflight.deploy.process;

import java.io.File;
import java.io.IOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A team's program as a check or a deploy runs it: straight from its argv, never through a
 * shell, so {@code $(...)} and {@code ;} in an argument stay text; without the bot's own secrets;
 * with nothing to read on stdin.
 *
 * @param argv with every placeholder and {@code ${NAME}} already filled in
 * @param workdir the working directory, or null for the bot's own
 * @param env added to the bot's environment, minus {@link #WITHHELD}
 */
public record Program(List<String> argv, String workdir, Map<String, String> env) {

  /** The bot's own credentials (see the README's settings), never passed on to a program. */
  public static final Set<String> WITHHELD = Set.of("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN",
      "DATABASE_URL", "ALERTS_TOKEN", "SENTRY_DSN");
  /** How long a killed process tree is given to disappear. */
  public static final Duration KILL_WAIT_LIMIT = Duration.ofSeconds(5);

  public Program {
    argv = List.copyOf(argv);
    env = Collections.unmodifiableMap(new LinkedHashMap<>(env));
  }

  public String name() {
    return argv.get(0);
  }

  /** Starts the program with its output going to {@code output}. Blocking: call from a worker. */
  public Process start(ProcessOutput output) throws IOException {
    ProcessBuilder builder = new ProcessBuilder(argv)
        .redirectErrorStream(true)
        .redirectOutput(output.file().toFile());
    if (workdir != null) {
      builder.directory(new File(workdir));
    }
    // The program is the team's, not the bot's: it gets none of the bot's own secrets.
    builder.environment().keySet().removeAll(WITHHELD);
    builder.environment().putAll(env);
    Process process = builder.start();
    // A program that asks a question would otherwise wait for an answer until it is killed.
    process.getOutputStream().close();
    return process;
  }
}
