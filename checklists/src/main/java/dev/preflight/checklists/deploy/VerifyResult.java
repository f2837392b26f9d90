package dev.preflight.checklists.deploy;

import dev.preflight.checklists.analysis.Verdict;
import dev.preflight.checklists.run.Evidence;
import java.util.List;

/**
 * What one verification check saw.
 *
 * @param steps for a smoke test, what each step saw, in order; empty otherwise
 * @param verdict pass or fail as the evidence says; {@link Verdict#INCONCLUSIVE} when a metric
 *     check had no data and its {@code noData} policy leaves the decision to a person (its
 *     evidence then reads as failed)
 */
public record VerifyResult(String id, String title, Verification.Kind kind, Evidence evidence, List<StepResult> steps,
    Verdict verdict) {

  public VerifyResult {
    steps = List.copyOf(steps);
    if (verdict == null) {
      verdict = evidence.passed() ? Verdict.PASS : Verdict.FAIL;
    }
  }

  /** A result whose verdict is what its evidence says. */
  public VerifyResult(String id, String title, Verification.Kind kind, Evidence evidence, List<StepResult> steps) {
    this(id, title, kind, evidence, steps, null);
  }

  public boolean passed() {
    return evidence.passed();
  }

  /** The check could not decide: neither a pass nor a failure. */
  public boolean inconclusive() {
    return verdict == Verdict.INCONCLUSIVE;
  }

  /** One step of a smoke test: its name and what it saw. */
  public record StepResult(String name, Evidence evidence) {}
}
