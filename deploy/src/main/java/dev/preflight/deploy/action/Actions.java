package dev.preflight.deploy.action;

import dev.preflight.checklists.config.ActionSpec;
import io.vertx.core.Future;
import java.util.LinkedHashMap;
import java.util.Map;

/** Every kind of action the bot can run, by the class of its spec. */
public final class Actions {

  private final Map<Class<? extends ActionSpec>, ActionRunner<?>> runners;

  private Actions(Map<Class<? extends ActionSpec>, ActionRunner<?>> runners) {
    this.runners = Map.copyOf(runners);
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Runs the action with the runner of its kind. The future fails only when the action could not
   * run at all (no runner for its kind, or the runner could not start it).
   */
  @SuppressWarnings("unchecked")
  public <S extends ActionSpec> Future<ActionOutcome> run(S spec, ActionContext context) {
    ActionRunner<S> runner = (ActionRunner<S>) runners.get(spec.getClass());
    if (runner == null) {
      return Future.failedFuture(new IllegalStateException("no runner for actions of kind " + spec.kind()));
    }
    try {
      return runner.run(spec, context);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  public static final class Builder {

    private final Map<Class<? extends ActionSpec>, ActionRunner<?>> runners = new LinkedHashMap<>();

    public <S extends ActionSpec> Builder with(Class<S> kind, ActionRunner<S> runner) {
      runners.put(kind, runner);
      return this;
    }

    public Actions build() {
      return new Actions(runners);
    }
  }
}
