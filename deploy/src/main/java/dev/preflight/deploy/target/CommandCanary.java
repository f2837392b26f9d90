package dev.preflight.deploy.target;

import dev.preflight.checklists.config.RolloutPlan;
import dev.preflight.checklists.deploy.Placeholders;
import dev.preflight.checklists.deploy.Target;
import dev.preflight.checklists.secret.Redactor;
import dev.preflight.checklists.secret.Variables.MissingVariableException;
import dev.preflight.deploy.process.Program;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A command target's canary: the team's program is run with {@code {weight}} at each stage, and
 * its {@code promote} or {@code abort} argv at the end. Exit code 0 is success. A program that
 * fails (or outlives the target's timeout) is run again after a pause, up to {@link #ATTEMPTS}
 * times, since setting a weight twice does no harm; then the stage fails.
 */
final class CommandCanary implements Canary {

  static final int ATTEMPTS = 3;
  static final Duration RETRY_PAUSE = Duration.ofSeconds(1);
  private static final int DETAIL_LINES = 10;

  private final Vertx vertx;

  CommandCanary(Vertx vertx) {
    this.vertx = vertx;
  }

  @Override
  public Future<TargetOutcome> shift(DeployJob job, RolloutPlan.Traffic traffic, int weight) {
    return run(commands(traffic).weight(), job, weight, "Traffic at " + weight + "%");
  }

  @Override
  public Future<TargetOutcome> promote(DeployJob job, RolloutPlan.Traffic traffic) {
    List<String> argv = commands(traffic).promote();
    return argv.isEmpty() ? Future.succeededFuture(TargetOutcome.success("Promoted", null, null))
        : run(argv, job, 100, "Promoted");
  }

  @Override
  public Future<TargetOutcome> abort(DeployJob job, RolloutPlan.Traffic traffic) {
    RolloutPlan.Traffic.Command commands = commands(traffic);
    // Without an abort argv, the weight command takes the traffic back.
    return commands.abort().isEmpty() ? run(commands.weight(), job, 0, "Traffic back on the stable version")
        : run(commands.abort(), job, 0, "Traffic back on the stable version");
  }

  private static RolloutPlan.Traffic.Command commands(RolloutPlan.Traffic traffic) {
    if (traffic instanceof RolloutPlan.Traffic.Command command) {
      return command;
    }
    throw new IllegalArgumentException("a command target shifts traffic with traffic.weight, not " + traffic);
  }

  private Future<TargetOutcome> run(List<String> argv, DeployJob job, int weight, String done) {
    Target.Command target = (Target.Command) job.target();
    Redactor redactor = new Redactor();
    Program program;
    try {
      Map<String, String> placeholders = new LinkedHashMap<>(job.placeholders());
      placeholders.put("weight", Integer.toString(weight));
      Map<String, String> env = new LinkedHashMap<>();
      target.env().forEach((name, value) -> env.put(name,
          job.variables().resolve(Placeholders.fill(value, placeholders), redactor)));
      env.put("PREFLIGHT_SERVICE", job.service());
      env.put("PREFLIGHT_VERSION", job.version() == null ? "" : job.version());
      env.put("PREFLIGHT_ENVIRONMENT", job.environment());
      env.put("PREFLIGHT_RUN_ID", job.runId());
      env.put("PREFLIGHT_WEIGHT", Integer.toString(weight));
      program = new Program(argv.stream()
          .map(arg -> job.variables().resolve(Placeholders.fill(arg, placeholders), redactor)).toList(),
          target.workdir() == null ? null : job.variables().resolve(target.workdir(), redactor), env);
    } catch (MissingVariableException e) {
      return Future.succeededFuture(TargetOutcome.failure(e.getMessage(), null));
    }
    return attempt(program, target.timeout(), redactor, done, 1);
  }

  private Future<TargetOutcome> attempt(Program program, Duration timeout, Redactor redactor, String done, int n) {
    return once(program, timeout, redactor, done).compose(outcome -> {
      if (outcome.succeeded() || n >= ATTEMPTS) {
        return Future.succeededFuture(outcome);
      }
      Promise<Void> pause = Promise.promise();
      vertx.setTimer(RETRY_PAUSE.toMillis() * n, id -> pause.complete());
      return pause.future().compose(v -> attempt(program, timeout, redactor, done, n + 1));
    });
  }

  private Future<TargetOutcome> once(Program program, Duration timeout, Redactor redactor, String done) {
    return new ShortProgram(vertx).run(program, timeout, DETAIL_LINES, "preflight-canary-")
        .map(ended -> {
          String detail = redactor.redact(String.join("\n", ended.lastLines()));
          if (ended.timedOut()) {
            return TargetOutcome.failure(program.name() + " did not end within " + timeout.toSeconds() + " s", detail);
          }
          return ended.succeeded() ? TargetOutcome.success(done, null, detail.isBlank() ? null : detail)
              : TargetOutcome.failure(program.name() + " exited with " + ended.exitCode(), detail);
        })
        .recover(e -> Future.succeededFuture(TargetOutcome.failure(
            program.name() + " could not run: " + redactor.redact(String.valueOf(e.getMessage())), null)));
  }
}
