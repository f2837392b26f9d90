package dev.preflight.deploy.runbook;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One run of a runbook.
 *
 * @param parameters as given, in the runbook's order
 * @param startedBy the Slack user id of who ran it
 * @param channel the channel id it was started from, where its message lives
 * @param messageTs the message's timestamp once posted, or null
 * @param approvals who approved it, in order
 */
public record RunbookRun(
    String id,
    String runbook,
    String title,
    Map<String, String> parameters,
    String startedBy,
    String channel,
    String messageTs,
    RunbookStatus status,
    List<StepState> steps,
    List<Approval> approvals,
    Instant createdAt,
    Instant updatedAt) {

  public RunbookRun {
    parameters = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(parameters));
    steps = List.copyOf(steps);
    approvals = List.copyOf(approvals);
  }

  /** @param roles the approver's roles among those the sign-off asks for */
  public record Approval(String user, List<String> roles, Instant at) {
    public Approval {
      roles = List.copyOf(roles);
    }
  }

  /** The first step that has not passed, or -1 when every step passed. */
  public int nextStep() {
    for (int i = 0; i < steps.size(); i++) {
      if (steps.get(i).phase() != StepState.Phase.PASSED) {
        return i;
      }
    }
    return -1;
  }
}
