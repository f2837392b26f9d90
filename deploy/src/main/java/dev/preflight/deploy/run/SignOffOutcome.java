package dev.preflight.deploy.run;

import dev.preflight.checklists.run.SignOffDecision;

/** What a sign-off attempt did: the decision, and the run as it stands afterwards. */
public record SignOffOutcome(SignOffDecision decision, TrackedRun run) {

  public boolean accepted() {
    return decision instanceof SignOffDecision.Accepted;
  }
}
