package dev.preflight.deploy.action;

import dev.preflight.checklists.config.CommandAction;
import dev.preflight.checklists.deploy.Placeholders;
import dev.preflight.checklists.secret.Variables;
import dev.preflight.deploy.process.Program;
import dev.preflight.deploy.runner.FollowRunner;
import dev.preflight.deploy.target.CommandRollout;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Runs a {@code command} step as the command target runs its deploy: from its argv, never
 * through a shell, without the bot's own secrets, killed with its whole process tree on abort or
 * timeout. Its start is recorded before it runs, so a command a crash interrupted is reported as
 * of unknown outcome and never run twice.
 */
public final class CommandActionRunner implements ActionRunner<CommandAction> {

  private final Vertx vertx;
  private final FollowRunner runner;

  /** @param progressInterval how often the newest line of output is looked at */
  public CommandActionRunner(Vertx vertx, Duration progressInterval) {
    this.vertx = vertx;
    this.runner = new FollowRunner(vertx, progressInterval);
  }

  @Override
  public Future<ActionOutcome> run(CommandAction spec, ActionContext context) {
    Program program;
    try {
      program = program(spec, context);
    } catch (Variables.MissingVariableException e) {
      return Future.succeededFuture(ActionOutcome.failed(e.getMessage(), null, null));
    }
    return runner.run(new CommandRollout(vertx, program, spec.timeout(), context.journal(), context.redactor()),
        context.journal())
        .map(outcome -> new ActionOutcome(outcome.succeeded(), outcome.summary(), outcome.detail(), null,
            outcome.unknown()));
  }

  /** Placeholders in the argv only; {@code ${NAME}} anywhere; the run's names in PREFLIGHT_* variables. */
  private static Program program(CommandAction spec, ActionContext context) {
    Fill fill = new Fill(context);
    Map<String, String> env = new LinkedHashMap<>();
    spec.env().forEach((name, value) -> env.put(name, fill.variables(value)));
    Map<String, String> p = context.placeholders();
    env.put("PREFLIGHT_SERVICE", Objects.requireNonNullElse(p.get("service"), ""));
    env.put("PREFLIGHT_VERSION", Objects.requireNonNullElse(p.get("version"), ""));
    env.put("PREFLIGHT_ENVIRONMENT", Objects.requireNonNullElse(p.get("environment"), ""));
    // The name as the run's message shows it: a runbook step's name may hold placeholders.
    env.put("PREFLIGHT_STEP", Placeholders.fill(spec.name(), p));
    return new Program(fill.texts(spec.argv()), fill.variables(spec.workdir()), env);
  }
}
