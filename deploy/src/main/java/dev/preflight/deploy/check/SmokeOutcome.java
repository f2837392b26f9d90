package dev.preflight.deploy.check;

import dev.preflight.checklists.deploy.VerifyResult;
import dev.preflight.checklists.run.Evidence;
import java.util.List;

/**
 * A smoke test's verdict together with what each of its steps saw, because after a deploy
 * "validate: expected 200, got 401" is only half the story: the steps before it passed and the
 * ones after it never ran, and the run keeps that per-step evidence.
 *
 * @param evidence the whole test, as a checklist item would show it
 * @param steps every step in order, from the last attempt; a step after the failing one reads "not run"
 */
public record SmokeOutcome(Evidence evidence, List<VerifyResult.StepResult> steps) {

  public SmokeOutcome {
    steps = List.copyOf(steps);
  }
}
