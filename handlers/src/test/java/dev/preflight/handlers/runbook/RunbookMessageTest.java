package dev.preflight.handlers.runbook;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.preflight.deploy.runbook.RunbookRun;
import dev.preflight.deploy.runbook.RunbookStatus;
import dev.preflight.deploy.runbook.StepState;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How a runbook run reads in its message and thread. */
class RunbookMessageTest {

  private static final Instant T0 = Instant.parse("2026-02-09T14:00:00Z");

  @Test
  void aFailedStepShowsItsSummaryAndTheStepsAfterItDidNotRun() {
    RunbookRun run = run(RunbookStatus.FAILED, List.of(
        new StepState("Scale to 3", StepState.Phase.PASSED, T0, T0.plusSeconds(42), "backend steady at 3 tasks", null,
            null, Map.of()),
        new StepState("New deployment", StepState.Phase.FAILED, T0.plusSeconds(42), T0.plusSeconds(102),
            "New deployment FAILED: circuit breaker", "task exited 1", null, Map.of()),
        StepState.pending("Scale back to 2")));

    assertEquals(String.join("\n",
            ":x: *Ops &lt;fix&gt;* (`ops-fix`), run by <@U0SRE00001>",
            "Parameters: `ticket=a&lt;b`",
            ":white_check_mark: 1. Scale to 3 passed in 42s: backend steady at 3 tasks",
            ":x: 2. New deployment failed after 1m: New deployment FAILED: circuit breaker",
            ":white_circle: 3. Scale back to 2 (not run)",
            "*Failed*: the run stopped at the failed step; later steps did not run."),
        RunbookMessage.text(run, null, T0.plusSeconds(200)));
    assertEquals(":x: Step 2, New deployment: New deployment FAILED: circuit breaker\n```task exited 1```",
        RunbookMessage.threadNote(2, run.steps().get(1)));
  }

  @Test
  void aStepWithALinkNamesItsLogsInTheThread() {
    StepState etl = new StepState("ETL etl_inventario.py", StepState.Phase.PASSED, T0, T0.plusSeconds(90),
        "Task abc exited 0", null, "https://console.aws.amazon.com/cloudwatch/home#logsV2:x", Map.of());
    assertEquals(":white_check_mark: Step 1, ETL etl_inventario.py: Task abc exited 0 · "
        + "<https://console.aws.amazon.com/cloudwatch/home#logsV2:x|logs>", RunbookMessage.threadNote(1, etl));
  }

  @Test
  void aRunningStepShowsHowLongItHasRun() {
    RunbookRun run = run(RunbookStatus.RUNNING, List.of(
        new StepState("Scale to 3", StepState.Phase.RUNNING, T0, null, null, null, null, Map.of())));

    assertEquals(":arrows_counterclockwise: 1. Scale to 3 running for 1m 5s",
        RunbookMessage.text(run, null, T0.plusSeconds(65)).split("\n")[2]);
  }

  private static RunbookRun run(RunbookStatus status, List<StepState> steps) {
    return new RunbookRun("0b6c2f1e-0000-4000-8000-000000000001", "ops-fix", "Ops <fix>", Map.of("ticket", "a<b"),
        "U0SRE00001", "C0OPS00001", "1.2", status, steps, List.of(), T0, T0);
  }
}
