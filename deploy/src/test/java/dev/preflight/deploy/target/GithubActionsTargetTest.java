package dev.preflight.deploy.target;

import static dev.preflight.deploy.fake.FakeGithub.OWNER;
import static dev.preflight.deploy.fake.FakeGithub.REPO;
import static dev.preflight.deploy.fake.FakeGithub.WORKFLOW;
import static dev.preflight.deploy.target.CommandTargetTest.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.preflight.checklists.deploy.Target;
import dev.preflight.checklists.secret.Variables;
import dev.preflight.deploy.fake.FakeGithub;
import dev.preflight.deploy.fake.FakeGithub.Dispatch;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class GithubActionsTargetTest {

  private static final String TOKEN = "ghp_R3alLookingT0kenForTheDeployBot";
  private static final Duration POLL = Duration.ofMillis(50);
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final Map<String, String> INPUTS = inputs("version", "{version}", "environment", "{environment}");

  private FakeGithub github;
  private GithubActionsTarget target;

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    github = await(FakeGithub.start(vertx, TOKEN));
    target = new GithubActionsTarget(vertx, POLL);
  }

  @AfterEach
  void stop() throws Exception {
    target.close();
    await(github.close());
  }

  private Target.GithubActions workflow(String ref, Duration timeout) {
    return new Target.GithubActions(github.apiUrl(), "${GITHUB_TOKEN}", OWNER, REPO, WORKFLOW, ref, INPUTS, timeout);
  }

  private static DeployJob job(Target target, String version, String token) {
    return new DeployJob("run-12", "klk", "production", version, null, target, Variables.of(Map.of("GITHUB_TOKEN", token)));
  }

  private static DeployJob job(Target target, String version) {
    return job(target, version, TOKEN);
  }

  @Test
  void whatRunsNowIsTheCommitOfTheNewestSuccessfulRunOnTheRef() throws Exception {
    Instant now = Instant.now();
    github.finishedRun("main", now.minusSeconds(600), "success", "1111111111111111111111111111111111111111");
    long good = github.finishedRun("main", now.minusSeconds(300), "success", "2222222222222222222222222222222222222222");
    github.finishedRun("main", now.minusSeconds(60), "failure", "3333333333333333333333333333333333333333");

    LiveVersion live = await(target.live(job(workflow("main", TIMEOUT), "v2.0.1"))).orElseThrow();

    assertEquals("2222222222222222222222222222222222222222", live.version(), "the failed run after it does not count");
    assertEquals(FakeGithub.htmlUrl(good), live.revision());
    assertTrue(github.dispatches().isEmpty(), "reading starts nothing");
  }

  @Test
  void withoutASuccessfulRunWhatRunsNowIsUnknown() throws Exception {
    github.finishedRun("main", Instant.now().minusSeconds(60), "failure", "3333333333333333333333333333333333333333");
    assertTrue(await(target.live(job(workflow("main", TIMEOUT), "v2.0.1"))).isEmpty());
    assertTrue(await(target.live(job(workflow("main", TIMEOUT), "v2.0.1", "ghp_wrong"))).isEmpty(),
        "a refused token reads as unknown, not as a failure");
  }

  @Test
  void dispatchesTheVersionAndFollowsTheRunToSuccess() throws Exception {
    MemoryJournal journal = new MemoryJournal();

    TargetOutcome outcome = await(target.deploy(job(workflow("main", TIMEOUT), "v2.0.1"), journal));

    long runId = github.runIds().get(0);
    String url = FakeGithub.htmlUrl(runId);
    assertTrue(outcome.succeeded(), outcome::toString);
    assertEquals("Workflow deploy.yml concluded success", outcome.summary());
    assertEquals(url, outcome.revision());
    assertEquals(List.of(new Dispatch(OWNER, REPO, WORKFLOW, "main",
        new JsonObject().put("version", "v2.0.1").put("environment", "production"))), github.dispatches());
    assertEquals("true", journal.state().get("dispatched"));
    assertEquals(String.valueOf(runId), journal.state().get("runId"));
    assertEquals(url, journal.state().get("runUrl"));
    assertTrue(journal.progress().contains("Following the workflow | status queued · " + url), journal.progress()::toString);
    assertTrue(journal.progress().contains("Following the workflow | status in_progress · " + url), journal.progress()::toString);
    Map<String, String> headers = github.headers().get(0);
    assertEquals("Bearer " + TOKEN, headers.get("authorization"));
    assertEquals("application/vnd.github+json", headers.get("accept"));
    assertEquals("2022-11-28", headers.get("x-github-api-version"));
    assertEquals("preflight", headers.get("user-agent"));
  }

  @Test
  void aFailedRunFailsNamingItsConclusion() throws Exception {
    github.conclusion("failure");

    TargetOutcome outcome = await(target.deploy(job(workflow("main", TIMEOUT), "v2.0.1"), new MemoryJournal()));

    assertFalse(outcome.succeeded());
    assertEquals("Workflow deploy.yml concluded failure", outcome.summary());
    assertEquals(FakeGithub.htmlUrl(github.runIds().get(0)), outcome.detail());
  }

  @Test
  void aBadTokenFailsWithGithubsMessageAndTheTokenIsNeverShown() throws Exception {
    String wrong = "ghp_ExpiredTokenThatGithubRejects";

    TargetOutcome outcome = await(target.deploy(job(workflow("main", TIMEOUT), "v2.0.1", wrong), new MemoryJournal()));

    assertFalse(outcome.succeeded());
    assertEquals("GitHub refused to start deploy.yml: 401 Bad credentials", outcome.summary());
    assertTrue(outcome.neverStarted(), "a refused dispatch started nothing");
    assertFalse(String.valueOf(outcome).contains(wrong));
    assertEquals(List.of(), github.dispatches());
  }

  @Test
  void anUnknownRefIsRefusedWithGithubs422Message() throws Exception {
    TargetOutcome outcome = await(target.deploy(job(workflow("release/9.9", TIMEOUT), "v2.0.1"), new MemoryJournal()));

    assertFalse(outcome.succeeded());
    assertEquals("GitHub refused to start deploy.yml: 422 No ref found for: release/9.9", outcome.summary());
    assertTrue(outcome.neverStarted(), "a refused dispatch started nothing");
    assertEquals(List.of(), github.dispatches());
  }

  @Test
  void anUnknownWorkflowIsRefusedAsNotFound() throws Exception {
    Target.GithubActions missing = new Target.GithubActions(github.apiUrl(), "${GITHUB_TOKEN}", OWNER, REPO, "nope.yml",
        "main", INPUTS, TIMEOUT);

    TargetOutcome outcome = await(target.deploy(job(missing, "v2.0.1"), new MemoryJournal()));

    assertEquals("GitHub refused to start nope.yml: 404 Not Found", outcome.summary());
  }

  @Test
  void aRunStillGoingAtTheTimeoutIsCancelledAndFails() throws Exception {
    github.conclusion(null);

    TargetOutcome outcome = await(target.deploy(job(workflow("main", Duration.ofSeconds(1)), "v2.0.1"), new MemoryJournal()));

    long runId = github.runIds().get(0);
    assertFalse(outcome.succeeded());
    assertEquals("timed out after 1s", outcome.summary());
    assertEquals("Cancelled the workflow run " + FakeGithub.htmlUrl(runId), outcome.detail());
    assertEquals(List.of(runId), github.cancelled());
  }

  @Test
  void abortCancelsTheRun(Vertx vertx) throws Exception {
    github.conclusion(null);
    MemoryJournal journal = new MemoryJournal();
    journal.onProgress((step, detail) -> {
      if (detail != null && detail.startsWith("status in_progress")) {
        vertx.runOnContext(v -> journal.abort());
      }
    });

    TargetOutcome outcome = await(target.deploy(job(workflow("main", TIMEOUT), "v2.0.1"), journal));

    long runId = github.runIds().get(0);
    assertFalse(outcome.succeeded());
    assertEquals("Aborted", outcome.summary());
    assertEquals("Cancelled the workflow run " + FakeGithub.htmlUrl(runId), outcome.detail());
    assertEquals(List.of(runId), github.cancelled());
  }

  @Test
  void aRunAbortedWhileNoBotFollowedItIsCancelledByTheNextAttempt(Vertx vertx) throws Exception {
    github.conclusion(null);
    MemoryJournal first = new MemoryJournal();
    // The bot shuts down while following: the run is left going and recorded for a successor.
    first.onProgress((step, detail) -> {
      if (detail != null && detail.startsWith("status in_progress")) {
        vertx.runOnContext(v -> first.stop());
      }
    });
    await(target.deploy(job(workflow("main", TIMEOUT), "v2.0.1"), first));
    long runId = github.runIds().get(0);
    assertEquals(List.of(), github.cancelled());

    MemoryJournal resumed = new MemoryJournal(first.state());
    resumed.abort();
    TargetOutcome outcome = await(target.deploy(job(workflow("main", TIMEOUT), "v2.0.1"), resumed));

    assertEquals("Aborted", outcome.summary());
    assertEquals("Cancelled the workflow run " + FakeGithub.htmlUrl(runId), outcome.detail());
    assertEquals(List.of(runId), github.cancelled());
    assertEquals(1, github.dispatches().size());
  }

  @Test
  void aRestartBetweenTheDispatchAndRecordingItFindsTheRunAndDispatchesOnce(Vertx vertx) throws Exception {
    // The bot dies right after GitHub accepted the dispatch, before it could record that.
    MemoryJournal dying = new MemoryJournal().failingOn(entries -> entries.containsKey("dispatched"));
    await(target.deploy(job(workflow("main", TIMEOUT), "v2.0.1"), dying));
    assertTrue(dying.state().containsKey("dispatchedAt"));
    assertFalse(dying.state().containsKey("dispatched"));

    GithubActionsTarget restarted = new GithubActionsTarget(vertx, POLL);
    try {
      TargetOutcome outcome = await(restarted.deploy(job(workflow("main", TIMEOUT), "v2.0.1"), new MemoryJournal(dying.state())));

      assertTrue(outcome.succeeded(), outcome::toString);
      assertEquals(1, github.dispatches().size());
      assertEquals(FakeGithub.htmlUrl(github.runIds().get(0)), outcome.revision());
    } finally {
      restarted.close();
    }
  }

  @Test
  void aRestartBeforeTheDispatchWasSentDispatchesAndIgnoresOlderRuns() throws Exception {
    long older = github.existingRun("main", Instant.now().minus(Duration.ofHours(1)));
    MemoryJournal journal = new MemoryJournal(Map.of("dispatchedAt", Instant.now().toString()));

    TargetOutcome outcome = await(target.deploy(job(workflow("main", TIMEOUT), "v2.0.1"), journal));

    assertTrue(outcome.succeeded(), outcome::toString);
    assertEquals(1, github.dispatches().size());
    assertNotEquals(FakeGithub.htmlUrl(older), outcome.revision());
    assertEquals(FakeGithub.htmlUrl(github.runIds().get(0)), outcome.revision());
  }

  @Test
  void aDeployAskedAgainAfterItsRunWasRecordedNeverDispatchesAgain(Vertx vertx) throws Exception {
    MemoryJournal journal = new MemoryJournal();
    TargetOutcome first = await(target.deploy(job(workflow("main", TIMEOUT), "v2.0.1"), journal));

    GithubActionsTarget restarted = new GithubActionsTarget(vertx, POLL);
    try {
      TargetOutcome again = await(restarted.deploy(job(workflow("main", TIMEOUT), "v2.0.1"), new MemoryJournal(journal.state())));

      assertEquals(first, again);
      assertEquals(1, github.dispatches().size());
    } finally {
      restarted.close();
    }
  }

  @Test
  void aRunGithubListsOnlyAfterAWhileIsStillFound() throws Exception {
    github.hiddenFromList(3);

    TargetOutcome outcome = await(target.deploy(job(workflow("main", TIMEOUT), "v2.0.1"), new MemoryJournal()));

    assertTrue(outcome.succeeded(), outcome::toString);
    assertEquals(1, github.dispatches().size());
  }

  @Test
  void twoDeploysOfTheSameWorkflowNeverTakeTheSameRun() throws Exception {
    Target.GithubActions deploy = workflow("main", TIMEOUT);

    List<TargetOutcome> outcomes = await(Future.all(
            target.deploy(job(deploy, "v2.0.1"), new MemoryJournal()),
            target.deploy(job(deploy, "v2.0.2"), new MemoryJournal())))
        .list();

    assertTrue(outcomes.get(0).succeeded(), outcomes::toString);
    assertTrue(outcomes.get(1).succeeded(), outcomes::toString);
    assertNotEquals(outcomes.get(0).revision(), outcomes.get(1).revision());
    assertEquals(2, github.dispatches().size());
  }

  @Test
  void rateLimitedRequestsAreRetriedAfterTheReset() throws Exception {
    github.rateLimit(2);

    TargetOutcome outcome = await(target.deploy(job(workflow("main", TIMEOUT), "v2.0.1"), new MemoryJournal()));

    assertTrue(outcome.succeeded(), outcome::toString);
    assertEquals(1, github.dispatches().size());
    assertTrue(github.requests().get(0).startsWith("POST "));
    assertTrue(github.requests().get(1).startsWith("POST "));
    assertTrue(github.requests().get(2).startsWith("POST "));
  }

  @Test
  void aDispatchRefusedForItsInputsStartedNothingAndSaysWhatGithubSaid() throws Exception {
    github.refuseDispatches(422, "Unexpected inputs provided: [\"image_tag\"]");

    TargetOutcome outcome = await(target.deploy(job(workflow("main", TIMEOUT), "v2.3.0"), new MemoryJournal()));

    assertFalse(outcome.succeeded());
    assertTrue(outcome.neverStarted(), "GitHub said no: no run was started");
    assertEquals("GitHub refused to start deploy.yml: 422 Unexpected inputs provided: [\"image_tag\"]",
        outcome.summary());
    assertEquals(List.of(), github.dispatches());
    assertEquals(1, github.requests().size(), "refused once, and not looked for: " + github.requests());
  }

  @Test
  void aDispatchAnsweredWithAServerErrorMayHaveStartedARunSoItIsLookedFor() throws Exception {
    github.refuseDispatches(502, "Server Error");

    TargetOutcome outcome = await(target.deploy(job(workflow("main", TIMEOUT), "v2.3.0"), new MemoryJournal()));

    assertFalse(outcome.succeeded());
    assertFalse(outcome.neverStarted(), "a 5xx may have been taken: not known to have started nothing");
    assertEquals("Could not reach GitHub to start deploy.yml: 502 Server Error", outcome.summary());
    assertTrue(github.requests().stream().anyMatch(r -> r.startsWith("GET ")), "looked for the run: "
        + github.requests());
  }

  @Test
  void anUnreachableGithubFailsSayingSo() throws Exception {
    Target.GithubActions nowhere = new Target.GithubActions("http://127.0.0.1:1", "${GITHUB_TOKEN}", OWNER, REPO, WORKFLOW,
        "main", INPUTS, TIMEOUT);

    TargetOutcome outcome = await(target.deploy(job(nowhere, "v2.0.1"), new MemoryJournal()));

    assertFalse(outcome.succeeded());
    assertEquals("Could not reach GitHub to start deploy.yml: connection refused", outcome.summary());
  }

  @Test
  void rollbackDispatchesTheVersionBeingRestored() throws Exception {
    TargetOutcome outcome = await(target.rollback(job(workflow("main", TIMEOUT), "v2.0.0"), new MemoryJournal()));

    assertTrue(outcome.succeeded(), outcome::toString);
    assertEquals(List.of(new Dispatch(OWNER, REPO, WORKFLOW, "main",
        new JsonObject().put("version", "v2.0.0").put("environment", "production"))), github.dispatches());
  }

  @Test
  void rollbackWithoutAnEarlierVersionFailsWithoutAskingGithub() throws Exception {
    TargetOutcome outcome = await(target.rollback(job(workflow("main", TIMEOUT), null), new MemoryJournal()));

    assertFalse(outcome.succeeded());
    assertEquals("No earlier version on record to roll back to", outcome.summary());
    assertNull(outcome.revision());
    assertEquals(List.of(), github.requests());
  }

  private static Map<String, String> inputs(String... namesAndValues) {
    Map<String, String> inputs = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      inputs.put(namesAndValues[i], namesAndValues[i + 1]);
    }
    return inputs;
  }
}
