package dev.preflight.handlers.render;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.preflight.checklists.deploy.Deployment;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The pipeline steps' lines in a run's message, as a person reads them. */
class StepsPartTest {

  private static final Instant NOW = Instant.parse("2026-12-06T10:02:05Z");

  @Test
  void eachStartedStepIsOneLineRunningPassedFailedOrSkipped() {
    Map<String, String> deploy = new LinkedHashMap<>();
    deploy.put("before.0.name", "backup");
    deploy.put("before.0.began", "2026-12-06T10:00:00Z");
    deploy.put("before.0.outcome", "passed");
    deploy.put("before.0.summary", "Snapshot pre-v1-2-3 of reservas-prod available after 40s");
    deploy.put("outcome", "succeeded");
    deploy.put("after.0.name", "migration");
    deploy.put("after.0.began", "2026-12-06T10:01:00Z");
    deploy.put("after.0.outcome", "failed");
    deploy.put("after.0.summary", "Task 1f2e: app exited 3 after 12s");
    deploy.put("after.0.link", "https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#logs");
    Map<String, String> rollback = new LinkedHashMap<>();
    rollback.put("before.0.name", "notify");
    rollback.put("before.0.outcome", "skipped");
    rollback.put("before.0.summary", "migration did not fail");
    rollback.put("after.0.name", "restore");
    rollback.put("after.0.began", "2026-12-06T10:01:00Z");
    Deployment d = Deployment.requested("api", "production", "v1.2.3").withDeployState(deploy)
        .withRollbackState(rollback);

    assertEquals(Optional.of("""
        ✅ *step backup* passed: Snapshot pre-v1-2-3 of reservas-prod available after 40s
        ❌ *step migration* failed: Task 1f2e: app exited 3 after 12s · \
        <https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#logs|logs>
        ⏭️ *rollback step notify* skipped: migration did not fail
        ⏳ *rollback step restore* running for 1m 5s"""), StepsPart.lines(d, NOW));
  }

  @Test
  void aRunWithoutStepsShowsNoLine() {
    assertEquals(Optional.empty(), StepsPart.lines(Deployment.requested("api", "production", "v1.2.3")
        .withDeployState(Map.of("outcome", "succeeded")), NOW));
  }
}
