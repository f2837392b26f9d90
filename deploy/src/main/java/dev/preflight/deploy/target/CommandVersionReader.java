package dev.preflight.deploy.target;

import dev.preflight.checklists.deploy.DeployRules;
import dev.preflight.deploy.process.Program;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a command target's {@code previousVersion} argv and takes the last line it prints as the
 * version running now. Exit code 0 and a line that could be a version are required; anything
 * else (a failure, a timeout, a line with spaces) reads as "cannot tell".
 */
final class CommandVersionReader {

  /** How long the program may take; it only reads, so this is short. */
  static final Duration TIMEOUT = Duration.ofSeconds(30);

  private static final Logger LOG = LoggerFactory.getLogger(CommandVersionReader.class);
  /** No whitespace, control characters or quotes: the line becomes one argument of the rollback. */
  private static final Pattern VERSION = Pattern.compile("[^\\s\\p{Cntrl}`'\"]+");

  private final Vertx vertx;

  CommandVersionReader(Vertx vertx) {
    this.vertx = vertx;
  }

  Future<Optional<String>> read(Program program) {
    return new ShortProgram(vertx).run(program, TIMEOUT, 1, "preflight-version-")
        .map(ended -> {
          if (!ended.succeeded()) {
            LOG.info("{} ended {}", program.name(), ended.timedOut() ? "at its timeout" : "with exit " + ended.exitCode());
            return Optional.<String>empty();
          }
          return version(ended.lastLines().isEmpty() ? null : ended.lastLines().get(0));
        })
        .recover(failure -> {
          LOG.info("{} did not tell the version running now: {}", program.name(), failure.getMessage());
          return Future.succeededFuture(Optional.empty());
        });
  }

  /** The line as a version, if it can be one. */
  static Optional<String> version(String line) {
    if (line == null) {
      return Optional.empty();
    }
    String version = line.strip();
    return !version.isEmpty() && version.length() <= DeployRules.VERSION_LIMIT && !version.startsWith("-")
        && VERSION.matcher(version).matches() ? Optional.of(version) : Optional.empty();
  }

}
