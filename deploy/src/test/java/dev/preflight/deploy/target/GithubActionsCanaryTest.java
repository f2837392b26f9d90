package dev.preflight.deploy.target;

import static dev.preflight.deploy.fake.FakeGithub.OWNER;
import static dev.preflight.deploy.fake.FakeGithub.REPO;
import static dev.preflight.deploy.fake.FakeGithub.WORKFLOW;
import static dev.preflight.deploy.target.CommandTargetTest.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.preflight.checklists.config.RolloutPlan;
import dev.preflight.checklists.deploy.Target;
import dev.preflight.checklists.secret.Variables;
import dev.preflight.deploy.fake.FakeGithub;
import dev.preflight.deploy.fake.FakeGithub.Dispatch;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A GitHub Actions canary against the local GitHub fake: one dispatch per stage with the weight input. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class GithubActionsCanaryTest {

  private static final String TOKEN = "ghp_CanaryTokenForTheDeployBot0001";
  private static final RolloutPlan.Traffic WEIGHT = new RolloutPlan.Traffic.WorkflowInput("traffic_weight");

  private FakeGithub github;
  private GithubActionsTarget target;
  private DeployJob job;

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    github = await(FakeGithub.start(vertx, TOKEN));
    target = new GithubActionsTarget(vertx, Duration.ofMillis(50));
    job = new DeployJob("run-7", "klk", "production", "v2.0.1", null,
        new Target.GithubActions(github.apiUrl(), "${GITHUB_TOKEN}", OWNER, REPO, WORKFLOW, "main",
            Map.of("version", "{version}"), Duration.ofSeconds(30)),
        Variables.of(Map.of("GITHUB_TOKEN", TOKEN)));
  }

  @AfterEach
  void stop() throws Exception {
    target.close();
    await(github.close());
  }

  @Test
  void eachStageDispatchesTheWorkflowWithItsWeightAndAnAbortWithZero() throws Exception {
    Canary canary = target.canary().orElseThrow();

    TargetOutcome five = await(canary.shift(job, WEIGHT, 5));
    TargetOutcome back = await(canary.abort(job, WEIGHT));

    assertTrue(five.succeeded(), five::toString);
    assertEquals("Traffic at 5%", five.summary());
    assertEquals("Traffic back on the stable version", back.summary());
    assertEquals(List.of(
        new Dispatch(OWNER, REPO, WORKFLOW, "main", new JsonObject().put("version", "v2.0.1").put("traffic_weight", "5")),
        new Dispatch(OWNER, REPO, WORKFLOW, "main", new JsonObject().put("version", "v2.0.1").put("traffic_weight", "0"))),
        github.dispatches());
  }

  @Test
  void aStageWhoseRunFailsFailsNamingTheConclusion() throws Exception {
    github.conclusion("failure");

    TargetOutcome outcome = await(target.canary().orElseThrow().shift(job, WEIGHT, 25));

    assertFalse(outcome.succeeded());
    assertEquals("Workflow deploy.yml concluded failure", outcome.summary());
  }
}
