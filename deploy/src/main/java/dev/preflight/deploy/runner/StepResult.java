package dev.preflight.deploy.runner;

import dev.preflight.checklists.deploy.AbortDecision;
import dev.preflight.checklists.deploy.Deployment;
import dev.preflight.checklists.deploy.Release;
import java.util.function.UnaryOperator;

/**
 * How a step ended.
 *
 * @param summary one line: what the target reported, or which check failed
 * @param evidence what the step saw, written into the deployment as it is stored when the result
 *     is; applied inside the driver's transaction, after the lease (and any abort) was checked
 * @param release the release the step made live, to record with the result; or null
 * @param failure for a failed deploy or verification, what went wrong, so the driver can decide
 *     between failing and rolling back; null for a pass and for a rollback's own steps
 * @param unknown whether the step's end is not known: Preflight's shutdown (or a crash) cut its
 *     command short. The run then ends held, never rolled back by itself
 */
public record StepResult(boolean passed, String summary, UnaryOperator<Deployment> evidence, Release release,
    AbortDecision.Outcome failure, boolean unknown) {

  public StepResult(boolean passed, String summary, UnaryOperator<Deployment> evidence, Release release,
      AbortDecision.Outcome failure) {
    this(passed, summary, evidence, release, failure, false);
  }

  public static StepResult passed(String summary, UnaryOperator<Deployment> evidence, Release release) {
    return new StepResult(true, summary, evidence, release, null);
  }

  public static StepResult failed(String summary, UnaryOperator<Deployment> evidence,
      AbortDecision.Outcome failure) {
    return new StepResult(false, summary, evidence, null, failure);
  }

  /** A deploy step whose command was cut short by a shutdown or a crash: it neither passed nor failed. */
  public static StepResult unknown(String summary, UnaryOperator<Deployment> evidence) {
    return new StepResult(false, summary, evidence, null, null, true);
  }
}
