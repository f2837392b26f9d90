package dev.preflight.checklists.deploy;

import java.util.List;

/**
 * What becomes of a deploy that did not go through: it fails and stays as it is, or the bot
 * rolls it back by itself. One function of the environment's abort rule, what went wrong and
 * whether there is anything to roll back to; the driver asks it for a failed deploy and for a
 * failed verification alike.
 *
 * @param basis why, as a value a message or a log can name
 */
public record AbortDecision(Action action, Basis basis) {

  /** What the bot does next. */
  public enum Action { FAIL, ROLL_BACK }

  /** Why the action was chosen. */
  public enum Basis {
    /** What failed is an abort criterion and the environment rolls back by itself. */
    CRITERION_MET,
    /** The run was aborted (by someone, or by Preflight) and the environment rolls back by itself. */
    ABORTED,
    /** What failed is not among the environment's abort criteria, so nothing more happens. */
    NOT_A_CRITERION,
    /** The environment does not roll back unasked ({@code automaticRollback: false}). */
    NO_AUTOMATIC_ROLLBACK,
    /** No earlier release (or rollback command) is on record to go back to. */
    NOTHING_TO_ROLL_BACK_TO,
    /** The run failed before the target started (a step before the deploy), so nothing changed. */
    NOTHING_DEPLOYED
  }

  /** What went wrong with the deploy. */
  public sealed interface Outcome {

    /** The target failed or timed out; {@code summary} is its one line. */
    record DeployFailed(String summary) implements Outcome {}

    /** Verification ran and these checks failed (at least one). */
    record VerificationFailed(List<VerifyResult> failed) implements Outcome {
      public VerificationFailed {
        failed = List.copyOf(failed);
        if (failed.isEmpty()) {
          throw new IllegalArgumentException("a failed verification names the checks that failed");
        }
      }
    }

    /**
     * A pipeline step failed; {@code step} is its name, {@code summary} its one line.
     * {@code beforeDeploy} when it ran before the target, which then never started.
     */
    record StepFailed(String step, String summary, boolean beforeDeploy) implements Outcome {}

    /** Someone stopped the run in flight; {@code by} is their user id, null when Preflight stopped it. */
    record Aborted(String by) implements Outcome {}
  }

  public boolean rollsBack() {
    return action == Action.ROLL_BACK;
  }

  /**
   * @param rule the environment's abort rule
   * @param rollbackPossible whether the environment has something to roll back to
   */
  public static AbortDecision decide(AbortRule rule, Outcome outcome, boolean rollbackPossible) {
    return decide(rule, outcome, rollbackPossible, !(outcome instanceof Outcome.StepFailed s && s.beforeDeploy()));
  }

  /**
   * @param targetStarted whether the target's deploy started; a run that failed or was aborted
   *     before it did changed nothing, so there is nothing to roll back
   */
  public static AbortDecision decide(AbortRule rule, Outcome outcome, boolean rollbackPossible,
      boolean targetStarted) {
    if (!targetStarted) {
      return new AbortDecision(Action.FAIL, Basis.NOTHING_DEPLOYED);
    }
    boolean aborted = outcome instanceof Outcome.Aborted;
    boolean criterion = aborted
        || outcome instanceof Outcome.DeployFailed && rule.abortsOnDeployFailure()
        || outcome instanceof Outcome.VerificationFailed v && v.failed().stream().anyMatch(rule::abortsOn)
        || outcome instanceof Outcome.StepFailed s && rule.abortsOnStep(s.step());
    if (!criterion) {
      return new AbortDecision(Action.FAIL, Basis.NOT_A_CRITERION);
    }
    if (!rule.automaticRollback()) {
      return new AbortDecision(Action.FAIL, Basis.NO_AUTOMATIC_ROLLBACK);
    }
    if (!rollbackPossible) {
      return new AbortDecision(Action.FAIL, Basis.NOTHING_TO_ROLL_BACK_TO);
    }
    return new AbortDecision(Action.ROLL_BACK, aborted ? Basis.ABORTED : Basis.CRITERION_MET);
  }
}
