package dev.preflight.deploy.run;

import dev.preflight.checklists.run.Refusal;
import dev.preflight.checklists.run.RunRuleException;

/**
 * A change to a run whose checklist was removed from the config since it started: refused, since
 * the rules the change would be judged by are gone. The run can still be shown and reported.
 */
public final class ChecklistGoneException extends RunRuleException {
  private static final long serialVersionUID = 1L;

  private final String runId;
  private final String checklistId;

  public ChecklistGoneException(String runId, String checklistId) {
    super(Refusal.checklistGone(checklistId));
    this.runId = runId;
    this.checklistId = checklistId;
  }

  public String runId() {
    return runId;
  }

  public String checklistId() {
    return checklistId;
  }
}
