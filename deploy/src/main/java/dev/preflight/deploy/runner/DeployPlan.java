package dev.preflight.deploy.runner;

import dev.preflight.checklists.config.ActionSpec;
import dev.preflight.checklists.config.Service;
import dev.preflight.deploy.action.Actions;
import java.util.ArrayList;
import dev.preflight.checklists.deploy.Deployment;
import dev.preflight.checklists.run.RunEvent;
import dev.preflight.deploy.run.TrackedRun;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntFunction;

/**
 * The order of a run's steps, and which one is next. DEPLOYING runs the actions before the
 * deploy, the target's deploy, the canary stages and the actions after it, one after another;
 * then VERIFYING verifies. ROLLING_BACK runs the rollback's actions before, the target's
 * rollback and its actions after, then the rollback's verification.
 *
 * <p>A step is done once its key is in the run's deploy state (rollback state for a rollback's
 * steps): the step writes it with its result. So a restarted bot, or another replica, picks up at
 * the first step without its key. Only the last step of DEPLOYING moves the run on to
 * VERIFYING; the others pass and leave the run where it is.
 */
final class DeployPlan {

  /** The key the target's deploy or rollback writes when it ends. */
  static final String TARGET_DONE = "outcome";

  private final Step deploy;
  private final Step verify;
  private final Step rollback;
  private final Step verifyRollback;
  private final Actions actions;
  private final IntFunction<Step> canaryStage;

  /**
   * @param actions runs the pipeline's actions
   * @param canaryStage the step of the canary stage with this index, counted from 0
   */
  DeployPlan(Step deploy, Step verify, Step rollback, Step verifyRollback, Actions actions,
      IntFunction<Step> canaryStage) {
    this.actions = actions;
    this.canaryStage = canaryStage;
    this.deploy = deploy;
    this.verify = verify;
    this.rollback = rollback;
    this.verifyRollback = verifyRollback;
  }

  /** The key a canary stage writes when it ends. */
  static String stageDone(int stage) {
    return CanaryStageState.key(stage, "outcome");
  }

  /** A step of DEPLOYING or ROLLING_BACK and the state key that marks it done. */
  record Planned(Step step, String doneKey) {}

  /** The steps of DEPLOYING in the environment, in order. */
  List<Planned> deploying(Service.Environment env) {
    List<Planned> steps = new ArrayList<>();
    steps.addAll(pipeline(env.pipeline().before(), PipelineStep.BEFORE, false));
    steps.add(new Planned(deploy, TARGET_DONE));
    for (int i = 0; i < env.rollout().stages().size(); i++) {
      steps.add(new Planned(canaryStage.apply(i), stageDone(i)));
    }
    steps.addAll(pipeline(env.pipeline().after(), PipelineStep.AFTER, false));
    return steps;
  }

  /** The pipeline's actions as steps, each done once its {@code <phase>.<i>.outcome} is stored. */
  private List<Planned> pipeline(List<ActionSpec> specs, String phase, boolean rollback) {
    List<Planned> steps = new ArrayList<>();
    for (int i = 0; i < specs.size(); i++) {
      PipelineStep step = new PipelineStep(actions, specs.get(i), phase, i, rollback);
      steps.add(new Planned(step, step.doneKey()));
    }
    return steps;
  }

  /** The steps of ROLLING_BACK in the environment, in order; its verification follows them. */
  List<Planned> rollingBack(Service.Environment env) {
    List<Planned> steps = new ArrayList<>();
    steps.addAll(pipeline(env.pipeline().rollbackBefore(), PipelineStep.BEFORE, true));
    steps.add(new Planned(rollback, TARGET_DONE));
    steps.addAll(pipeline(env.pipeline().rollbackAfter(), PipelineStep.AFTER, true));
    return steps;
  }

  /** The step the run is at, from its stored status and state; null when it is not in flight. */
  Step next(TrackedRun tracked, Service.Environment env) {
    Deployment d = tracked.deployment();
    return switch (tracked.run().status()) {
      case DEPLOYING -> pending(deploying(env), d.deployState(), RunEvent.DEPLOYED).orElse(verify);
      case VERIFYING -> verify;
      // The step the abort stops: the one under way, or the verification once they all ended.
      case ABORTING -> pending(deploying(env), d.deployState(), RunEvent.DEPLOYED).orElse(verify);
      case ROLLING_BACK -> pending(rollingBack(env), d.rollbackState(), null).orElse(verifyRollback);
      default -> null;
    };
  }

  /**
   * The first step without its key. The last step of the list passes with {@code lastPasses}
   * (DEPLOYED for a deploy); an earlier one passes with no event, as the run stays where it is.
   */
  private static Optional<Step> pending(List<Planned> steps, Map<String, String> state, RunEvent lastPasses) {
    for (int i = 0; i < steps.size(); i++) {
      Planned planned = steps.get(i);
      if (state.containsKey(planned.doneKey())) {
        continue;
      }
      boolean last = i == steps.size() - 1;
      return Optional.of(last || planned.step().passes().isEmpty() ? planned.step()
          : new Staying(planned.step()));
    }
    return Optional.empty();
  }

  /** A step that passes without moving the run: another step of the same status follows it. */
  private record Staying(Step step) implements Step {

    @Override
    public String name() {
      return step.name();
    }

    @Override
    public String finishedAction() {
      return step.finishedAction();
    }

    @Override
    public Optional<RunEvent> passes() {
      return Optional.empty();
    }

    @Override
    public boolean rollback() {
      return step.rollback();
    }

    @Override
    public io.vertx.core.Future<StepResult> run(StepContext context) {
      return step.run(context);
    }
  }
}
