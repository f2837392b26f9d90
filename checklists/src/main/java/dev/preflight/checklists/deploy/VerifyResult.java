package dev.preflight.checklists.deploy;

import dev.preflight.checklists.run.Evidence;
import java.util.List;

/**
 * What one verification check saw.
 *
 * @param steps for a smoke test, what each step saw, in order; empty otherwise
 */
public record VerifyResult(String id, String title, Verification.Kind kind, Evidence evidence, List<StepResult> steps) {

  public VerifyResult {
    steps = List.copyOf(steps);
  }

  public boolean passed() {
    return evidence.passed();
  }

  /** One step of a smoke test: its name and what it saw. */
  public record StepResult(String name, Evidence evidence) {}
}
