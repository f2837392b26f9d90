package dev.preflight.deploy.target;

import dev.preflight.checklists.deploy.Placeholders;
import dev.preflight.checklists.deploy.Target;
import dev.preflight.checklists.secret.Redactor;
import dev.preflight.checklists.secret.Variables;
import dev.preflight.checklists.secret.Variables.MissingVariableException;
import dev.preflight.deploy.process.Program;
import dev.preflight.deploy.runner.FollowRunner;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Deploys by running the team's own program (seed 002's {@code deploy.sh deploy}) straight from
 * its argv, never through a shell, so nothing in a version or a variable can become
 * {@code ;} or {@code $(...)}. The exit code decides. The program gets none of the bot's own
 * secrets, and a timeout, an abort or the bot's own shutdown kills it together with everything
 * it started.
 *
 * <p>A command cannot be picked up again after a restart: it died with the bot, or it belongs to
 * nobody now. So the start is recorded before the program runs and the end before the outcome
 * is returned; a start with no end is reported as unknown and never run a second time. The
 * journal's entries are listed below; {@link CommandRollout} writes them and
 * {@link FollowRunner} drives it.
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
  /**
   * What a command the bot killed because it was shutting down is told by; the ending recorded
   * for it names the command first. Said of a deploy, a rollback, a step or a runbook step alike.
   */
  static final String STOPPED = "stopped part-way when Preflight shut down; what it had done by then is unknown";
  /** Recorded with an ending Preflight cannot judge: nothing may act on it as a failure. */
  static final String UNKNOWN = "outcomeUnknown";
  /** How versions before {@link #UNKNOWN} worded a command stopped by a shutdown, read as unknown too. */
  static final String OLD_STOPPED = "Preflight was shut down while the command ran";
  /** What the run's thread shows of the output. */
  static final int DETAIL_LINES = 30;
  static final int DETAIL_LIMIT = 3000;

  private final Vertx vertx;
  private final FollowRunner runner;
  private final CommandCanary canary;

  public CommandTarget(Vertx vertx) {
    this(vertx, DEFAULT_PROGRESS_INTERVAL);
  }

  /** @param progressInterval how often the newest line of output is passed on to the run's message */
  public CommandTarget(Vertx vertx, Duration progressInterval) {
    this.vertx = vertx;
    this.runner = new FollowRunner(vertx, progressInterval);
    this.canary = new CommandCanary(vertx);
  }

  /** Runs the rollout's {@code traffic.weight} argv at each stage, with {@code {weight}} filled in. */
  @Override
  public Optional<Canary> canary() {
    return Optional.of(canary);
  }

  @Override
  public Future<TargetOutcome> deploy(DeployJob job, TargetJournal journal) {
    Target.Command target = command(job);
    if (target.deploy().isEmpty()) {
      return Future.succeededFuture(TargetOutcome.failure("This environment has no deploy command", null));
    }
    return run(target.deploy(), job, job.placeholders(), journal);
  }

  /**
   * Runs the {@code previousVersion} argv, when configured; its last line of output is the version
   * running now. {@code {version}} in it is the version about to be deployed.
   */
  @Override
  public Future<Optional<LiveVersion>> live(DeployJob job) {
    Target.Command target = command(job);
    if (target.previousVersion().isEmpty()) {
      return Future.succeededFuture(Optional.empty());
    }
    Program program;
    try {
      program = resolve(target.previousVersion(), job, job.placeholders(), new Redactor());
    } catch (MissingVariableException e) {
      return Future.succeededFuture(Optional.empty());
    }
    return new CommandVersionReader(vertx).read(program)
        .map(version -> version.map(v -> new LiveVersion(v, null)));
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
    Program program;
    try {
      program = resolve(argv, job, placeholders, redactor);
    } catch (MissingVariableException e) {
      return Future.succeededFuture(TargetOutcome.failure(e.getMessage(), null));
    }
    return runner.run(new CommandRollout(vertx, program, job.target().timeout(), journal, redactor), journal);
  }

  /** The argv, working directory and environment with every placeholder and {@code ${NAME}} filled in. */
  private static Program resolve(List<String> argv, DeployJob job, Map<String, String> placeholders,
      Redactor redactor) {
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
    return new Program(argv.stream().map(fill).toList(), fill.apply(target.workdir()), env);
  }
}
