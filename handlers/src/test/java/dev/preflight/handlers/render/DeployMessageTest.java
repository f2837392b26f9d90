package dev.preflight.handlers.render;

import static dev.preflight.handlers.render.Fixtures.LATER;
import static dev.preflight.handlers.render.Fixtures.LAUNCHED;
import static dev.preflight.handlers.render.Fixtures.LAUNCHER;
import static dev.preflight.handlers.render.Fixtures.automated;
import static dev.preflight.handlers.render.Fixtures.checklist;
import static dev.preflight.handlers.render.Fixtures.deployRun;
import static dev.preflight.handlers.render.Fixtures.health;
import static dev.preflight.handlers.render.Fixtures.launched;
import static dev.preflight.handlers.render.Fixtures.lock;
import static dev.preflight.handlers.render.Fixtures.manual;
import static dev.preflight.handlers.render.Fixtures.needs;
import static dev.preflight.handlers.render.Fixtures.pass;
import static dev.preflight.handlers.render.Fixtures.requested;
import static dev.preflight.handlers.render.Fixtures.section;
import static dev.preflight.handlers.render.Fixtures.smoke;
import static dev.preflight.handlers.render.Fixtures.start;
import static dev.preflight.handlers.render.Fixtures.step;
import static dev.preflight.handlers.render.Fixtures.tick;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.preflight.checklists.checklist.Checklist;
import dev.preflight.checklists.deploy.Deployment;
import dev.preflight.checklists.deploy.EnvLock;
import dev.preflight.checklists.deploy.LockCause;
import dev.preflight.checklists.deploy.Release;
import dev.preflight.checklists.deploy.Verification;
import dev.preflight.checklists.deploy.VerifyResult;
import dev.preflight.checklists.run.ChecklistRun;
import dev.preflight.checklists.run.Evidence;
import dev.preflight.checklists.run.RunStatus;
import dev.preflight.checklists.run.SignOff;
import dev.preflight.deploy.run.TrackedRun;
import dev.preflight.deploy.target.EcsTarget;
import dev.preflight.handlers.ActionIds;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DeployMessageTest {

  private static final String BACKUP = ActionIds.itemValue("r-1", "backup");
  /** Three minutes twenty after launch: what a running deploy's clock should read. */
  private static final Instant NOW = LAUNCHED.plus(Duration.ofSeconds(200));
  private static final Instant FINISHED = LAUNCHED.plus(Duration.ofMinutes(12));

  private static Checklist predeploy() {
    return checklist("Pre-deploy Fluxion",
        List.of(section("Database", manual("backup", "Backup taken", true), automated("health", "API healthy", true))),
        needs("sre", 1), List.of("sre"));
  }

  private static ChecklistRun preparing() {
    return start(predeploy());
  }

  private static ChecklistRun ready() {
    return pass(tick(preparing(), "backup", "U0ALICE"), "health", "200 OK in 84 ms")
        .withSignOff(new SignOff("U0BOB", "sre", LATER));
  }

  private static Deployment deploying() {
    return launched().withStep("Waiting for the rollout", "2 of 3 new tasks running");
  }

  private static Deployment succeeded() {
    return deploying()
        .withVerification(List.of(health("api", true, "200 OK in 84 ms"),
            smoke("chat", step("greeting", true, "200 OK in 90 ms"), step("chat", true, "200 OK in 1200 ms"))))
        .withStep("Verified", "3 of 3 new tasks running")
        .finished(FINISHED);
  }

  private static Rendered render(ChecklistRun run, Deployment deployment) {
    return render(run, deployment, Optional.empty());
  }

  private static Rendered render(ChecklistRun run, Deployment deployment, Optional<EnvLock> lock) {
    Rendered message = Rendered.of(RunMessage.render(deployRun(run, deployment), lock, "white_check_mark", NOW));
    SlackLimits.assertWithinSlackLimits(message);
    return message;
  }

  /** The section right after the header and context: what the deploy is doing. */
  private static String status(Rendered message) {
    return message.blocks.get(2).getJsonObject("text").getString("text");
  }

  static Stream<Arguments> buttonsPerState() {
    return Stream.of(
        Arguments.of(RunStatus.PREPARING, List.of(ActionIds.CANCEL)),
        Arguments.of(RunStatus.READY, List.of(ActionIds.LAUNCH, ActionIds.CANCEL)),
        Arguments.of(RunStatus.DEPLOYING, List.of(ActionIds.ABORT)),
        Arguments.of(RunStatus.VERIFYING, List.of(ActionIds.ABORT)),
        Arguments.of(RunStatus.ABORTING, List.of()),
        Arguments.of(RunStatus.SUCCEEDED, List.of(ActionIds.ROLLBACK)),
        Arguments.of(RunStatus.FAILED, List.of(ActionIds.ROLLBACK)),
        Arguments.of(RunStatus.ROLLBACK_FAILED, List.of(ActionIds.ROLLBACK)),
        Arguments.of(RunStatus.ROLLING_BACK, List.of()),
        Arguments.of(RunStatus.ROLLED_BACK, List.of()),
        Arguments.of(RunStatus.CANCELLED, List.of()));
  }

  @ParameterizedTest
  @MethodSource("buttonsPerState")
  void eachStateOffersOnlyTheRunButtonsThatApplyAndEachCarriesTheRunId(RunStatus status, List<String> expected) {
    ChecklistRun run = status == RunStatus.PREPARING ? preparing() : ready().withStatus(status);
    Deployment deployment = status.open() || status == RunStatus.CANCELLED ? requested() : succeeded();

    Rendered message = render(run, deployment);

    assertEquals(expected, message.runActions());
    message.runButtons().forEach(button -> assertEquals("r-1", button.getString("value")));
    assertEquals(expected.isEmpty(), message.block(ActionIds.RUN_ACTIONS_BLOCK) == null);
    boolean itemButtons = message.buttons().stream()
        .anyMatch(b -> !ActionIds.RUN_ACTIONS_BLOCK.equals(b.getString("block_id")));
    assertEquals(status.open(), itemButtons, "item buttons exist exactly while the checklist is open");
  }

  static Stream<Arguments> buttonsPerStateWithoutTheChecklist() {
    return Stream.of(
        Arguments.of(RunStatus.PREPARING, List.of(ActionIds.CANCEL)),
        Arguments.of(RunStatus.READY, List.of(ActionIds.CANCEL)),
        Arguments.of(RunStatus.DEPLOYING, List.of(ActionIds.ABORT)),
        Arguments.of(RunStatus.SUCCEEDED, List.of(ActionIds.ROLLBACK)),
        Arguments.of(RunStatus.CANCELLED, List.of()));
  }

  /**
   * A run whose checklist left the config: no item button and no Launch (both would be refused),
   * but Cancel, Abort and Rollback stay, and the context line says why.
   */
  @ParameterizedTest
  @MethodSource("buttonsPerStateWithoutTheChecklist")
  void aRunWhoseChecklistLeftTheConfigKeepsOnlyItsLifecycleButtons(RunStatus status, List<String> expected) {
    ChecklistRun run = status == RunStatus.PREPARING ? preparing() : ready().withStatus(status);
    Deployment deployment = status.open() || status == RunStatus.CANCELLED ? requested() : succeeded();
    TrackedRun tracked = deployRun(run, deployment);
    TrackedRun gone = new TrackedRun(tracked.run(), tracked.channelId(), tracked.messageTs(), deployment, true);

    Rendered message = Rendered.of(RunMessage.render(gone, Optional.empty(), "white_check_mark", NOW));

    SlackLimits.assertWithinSlackLimits(message);
    assertEquals(expected, message.runActions());
    assertEquals(expected.size(), message.buttons().size(), "no item button: " + message.buttons());
    assertTrue(message.texts().contains("⚠️ This run's checklist `" + run.checklist().id()
        + "` was removed from the config" + (status.open() ? ", so its items and sign-offs can no longer change" : "")
        + ". Items are shown as stored, by their ids."), message.texts().toString());
    assertEquals(render(run, deployment).blocks.size(), message.blocks.size(), "the same number of blocks");
  }

  static Stream<Arguments> headerPerState() {
    return Stream.of(
        Arguments.of(RunStatus.PREPARING, "Preparing backend v1.4.2 for production"),
        Arguments.of(RunStatus.READY, "Ready to deploy backend v1.4.2 to production"),
        Arguments.of(RunStatus.DEPLOYING, "Deploying backend v1.4.2 to production"),
        Arguments.of(RunStatus.VERIFYING, "Verifying backend v1.4.2 in production"),
        Arguments.of(RunStatus.ABORTING, "Aborting the deploy of backend v1.4.2 to production"),
        Arguments.of(RunStatus.SUCCEEDED, "Deployed backend v1.4.2 to production"),
        Arguments.of(RunStatus.FAILED, "Failed to deploy backend v1.4.2 to production"),
        Arguments.of(RunStatus.ROLLING_BACK, "Rolling back backend v1.4.2 in production"),
        Arguments.of(RunStatus.ROLLED_BACK, "Rolled back backend v1.4.2 in production"),
        Arguments.of(RunStatus.ROLLBACK_FAILED, "Rollback of backend v1.4.2 in production failed"),
        Arguments.of(RunStatus.CANCELLED, "Cancelled: backend v1.4.2 to production"));
  }

  @ParameterizedTest
  @MethodSource("headerPerState")
  void theHeaderSaysTheStateAndNoTextShowsTheRunIdOrAStatusName(RunStatus status, String header) {
    String uuid = "3f2a9c1e-7b4d-4e8f-9a6b-1c2d3e4f5a6b";
    ChecklistRun run = status == RunStatus.PREPARING ? preparing() : ready().withStatus(status);
    Deployment deployment = status.open() || status == RunStatus.CANCELLED ? requested() : succeeded();
    TrackedRun tracked = deployRun(run, deployment);
    TrackedRun withUuid = new TrackedRun(new ChecklistRun(uuid, run.checklist(), run.startedBy(),
        run.startedAt(), run.status(), run.items(), run.signOffs()), tracked.channelId(), tracked.messageTs(), deployment);

    Rendered message = Rendered.of(RunMessage.render(withUuid, Optional.empty(), "white_check_mark", NOW));

    assertEquals(header, message.blocks.get(0).getJsonObject("text").getString("text"));
    String text = message.allText() + "\n" + message.content.text();
    assertFalse(text.contains(uuid) || text.contains(uuid.substring(0, 8)), text);
    // An enum name reads as itself in capitals, or lower-cased with its underscore ("rolled_back").
    assertFalse(text.contains(status.name()), text);
    assertFalse(status.name().contains("_") && text.contains(status.name().toLowerCase()), text);
  }

  @Test
  void preparingShowsTheDeployInTheHeaderTheChecklistAndOnlyCancel() {
    Rendered message = render(preparing(), requested());

    assertEquals("header", message.blocks.get(0).getString("type"));
    assertEquals("Preparing backend v1.4.2 for production", message.blocks.get(0).getJsonObject("text").getString("text"));
    assertTrue(status(message).startsWith("📝 *Preparing*"), status(message));
    assertFalse(status(message).contains("since launch"), "nothing has launched: " + status(message));
    String text = message.allText();
    assertEquals("Started by <@U0STARTER> · Checklist: Pre-deploy Fluxion", message.blocks.get(1)
        .getJsonArray("elements").getJsonObject(0).getString("text"), "no run id and no date before launch");
    assertFalse(text.contains("r-1"), "the run's id is not for readers: " + text);
    assertTrue(text.contains("Checklist: Pre-deploy Fluxion"), text);
    assertTrue(text.contains("0/2 done · 2 blockers open"), text);
    assertTrue(text.contains("Needs 1 more sign-off from *sre*"), text);
    assertTrue(text.contains("React with :white_check_mark: to sign off"), text);
    assertFalse(text.contains("Summary"), text);
    assertEquals(List.of(ActionIds.TICK, ActionIds.WAIVE), message.actionsFor(BACKUP));
    JsonObject cancel = message.runButton(ActionIds.CANCEL);
    assertNull(cancel.getString("style"), "only the confirm is red");
    JsonObject confirm = cancel.getJsonObject("confirm");
    assertNotNull(confirm, "Cancel cannot be undone, so it asks first");
    assertEquals("Cancel this deploy?", confirm.getJsonObject("title").getString("text"));
    assertEquals("Closes this run for good: v1.4.2 is not deployed to production, and its checklist and sign-offs "
        + "cannot be used again. A new /deploy starts over.", confirm.getJsonObject("text").getString("text"));
    assertEquals("Cancel the deploy", confirm.getJsonObject("confirm").getString("text"));
    assertEquals("Keep it", confirm.getJsonObject("deny").getString("text"));
    assertEquals("actions", message.blocks.get(message.blocks.size() - 1).getString("type"),
        "the run's buttons come last");
    assertTrue(message.content.text().startsWith("Deploy backend v1.4.2 → production: preparing"),
        message.content.text());
    assertTrue(text.contains("⏳ *Launch waits for* 2 open blockers (*Backup taken*, *API healthy*): tick, re-run or "
        + "waive them below."), text);
    assertFalse(message.runActions().contains(ActionIds.LAUNCH), message.runActions().toString());
  }

  @Test
  void aMissingSignOffHoldsLaunchAndTheMessageNamesTheRoleAndHowToSign() {
    ChecklistRun waiting = pass(tick(preparing(), "backup", "U0ALICE"), "health", "200 OK in 84 ms");

    Rendered message = render(waiting, requested());

    assertTrue(message.texts().contains("⏳ *Launch waits for* 1 more sign-off from *sre*: react with "
        + ":white_check_mark: to sign off."), message.texts().toString());
    assertEquals(List.of(ActionIds.CANCEL), message.runActions());
  }

  @Test
  void readyOffersLaunchAsThePrimaryButtonBesideCancel() {
    Rendered message = render(ready(), requested());

    assertTrue(status(message).startsWith("🟢 *Ready to launch*"), status(message));
    JsonObject launch = message.runButton(ActionIds.LAUNCH);
    assertEquals("primary", launch.getString("style"));
    assertEquals("Launch", launch.getJsonObject("text").getString("text"));
    assertEquals("r-1", launch.getString("value"));
    assertNull(launch.getJsonObject("confirm"), "launching is what the gates were for; no second question");
    assertTrue(message.allText().contains("<@U0BOB> for *sre*"));
    assertFalse(message.allText().contains("Launch waits"), "nothing holds it");
    assertEquals("Ready to deploy backend v1.4.2 to production",
        message.blocks.get(0).getJsonObject("text").getString("text"));
  }

  @Test
  void deployingShowsStepRolloutProgressAndTimeSinceLaunchAndAbortAsksFirst() {
    Rendered message = render(ready().withStatus(RunStatus.DEPLOYING), deploying());

    String status = status(message);
    assertTrue(status.startsWith("🚀 *Deploying* `v1.4.2` to *production* — Waiting for the rollout"), status);
    assertFalse(status.contains("📊"), "the rollout has a line of its own: " + status);
    assertEquals("📊 *Rollout:* 2 of 3 new tasks running", message.blocks.get(3).getJsonObject("text").getString("text"));
    assertTrue(status.contains("⏱️ 3m 20s since launch"), status);
    assertEquals("Deploying backend v1.4.2 to production", message.blocks.get(0).getJsonObject("text").getString("text"));
    JsonObject abort = message.runButton(ActionIds.ABORT);
    assertEquals("danger", abort.getString("style"));
    JsonObject confirm = abort.getJsonObject("confirm");
    assertNotNull(confirm, "Abort asks first");
    assertEquals("danger", confirm.getString("style"));
    assertTrue(confirm.getJsonObject("text").getString("text").contains("v1.4.2"), confirm.encode());
    String text = message.allText();
    assertTrue(message.texts().contains("📋 Checklist passed 2/2 · signed off by <@U0BOB>"), text);
    assertFalse(text.contains("Backup taken"), "after launch the checklist is one line: " + text);
    assertFalse(text.contains("*Sign-offs*"), "sign-offs are in the checklist line, not listed again: " + text);
    assertEquals(1, text.split("U0BOB", -1).length - 1, "one mention of the sign-off: " + text);
    assertFalse(text.contains("<!date"), "no timestamps while deploying: " + text);
    assertTrue(message.actionsFor(BACKUP).isEmpty(), "no item buttons once launched");
    assertFalse(text.contains("React with"), "sign-offs are closed");
    assertTrue(message.content.text().contains("deploying · Waiting for the rollout"), message.content.text());
  }

  @Test
  void verifyingShowsEachResultAndEveryStepOfASmokeTest() {
    Deployment verifying = deploying().withStep("Running smoke tests", null).withVerification(List.of(
        health("api", true, "200 OK in 84 ms"),
        smoke("chat", step("greeting", true, "200 OK in 90 ms"), step("validate", true, "200 OK in 40 ms"),
            step("chat", false, "200 in 2400 ms"))));

    Rendered message = render(ready().withStatus(RunStatus.VERIFYING), verifying);

    assertTrue(status(message).startsWith("🔎 *Verifying* `v1.4.2` in *production* — Running smoke tests"));
    assertFalse(status(message).contains("📊"), "no progress line when there is none");
    String text = message.allText();
    assertTrue(text.contains("*Verification* — 1/2 passed"), text);
    assertTrue(text.contains("✅ *Health api* · health — 200 OK in 84 ms"), text);
    assertTrue(text.contains("❌ *Smoke chat* · smoke — a step failed — see the failed step"), text);
    assertTrue(text.contains("      ✅ greeting — 200 OK in 90 ms"), text);
    assertTrue(text.contains("      ✅ validate — 200 OK in 40 ms"), text);
    assertTrue(text.contains("      ❌ chat — 200 in 2400 ms — took 2400 ms, more than 2000 ms"), text);
    assertTrue(text.indexOf("*Verification*") < text.indexOf("📋 Checklist passed"), "what the deploy saw comes first");
    assertEquals(List.of(ActionIds.ABORT), message.runActions());
  }

  @Test
  void succeededShowsASummaryAndARollbackThatNamesTheVersionItRestores() {
    Rendered message = render(ready().withStatus(RunStatus.SUCCEEDED), succeeded());

    String status = status(message);
    assertEquals("✅ *Succeeded* — `v1.4.2` is live in *production*", status);
    String text = message.allText();
    assertTrue(text.contains("*Summary*"), text);
    assertTrue(text.contains("⏱️ Took *12m* · launched by <@" + LAUNCHER + "> " + Mrkdwn.date(LAUNCHED)
        + " · finished " + Mrkdwn.date(FINISHED)), text);
    assertEquals(2, text.split("<!date", -1).length - 1, "only the launch and the finish carry a date: " + text);
    assertTrue(text.contains("📋 Checklist passed 2/2 · signed off by <@U0BOB>"), text);
    assertEquals(1, text.split("U0BOB", -1).length - 1, "sign-offs are not shown twice: " + text);
    assertTrue(text.contains("📦 Before this: `v1.4.1`, deployed by <@U0PREV>"), text);
    assertEquals("Deployed backend v1.4.2 to production", message.blocks.get(0).getJsonObject("text").getString("text"));
    JsonObject rollback = message.runButton(ActionIds.ROLLBACK);
    assertNull(rollback.getString("style"), "the button is plain; only its confirm dialog is red");
    assertEquals("Rollback", rollback.getJsonObject("text").getString("text"));
    JsonObject confirm = rollback.getJsonObject("confirm");
    assertEquals("danger", confirm.getString("style"));
    assertTrue(confirm.getJsonObject("text").getString("text").contains("back to v1.4.1"), confirm.encode());
    assertEquals("Roll back", confirm.getJsonObject("confirm").getString("text"));
  }

  @Test
  void rollbackWithoutAReleaseOnRecordRestoresThePreviousTaskDefinitionOnEcs() {
    Deployment first = requested().launched(LAUNCHER, LAUNCHED, null)
        .withDeployState(Map.of(EcsTarget.PREVIOUS_TASK_DEFINITION, "arn:aws:ecs:eu-west-1:1:task-definition/api:6",
            EcsTarget.TASK_DEFINITION, "arn:aws:ecs:eu-west-1:1:task-definition/api:7"))
        .finished(FINISHED);

    Rendered message = render(ready().withStatus(RunStatus.SUCCEEDED), first);

    String confirm = message.runButton(ActionIds.ROLLBACK).getJsonObject("confirm").getJsonObject("text").getString("text");
    assertTrue(confirm.contains("back to the previous task definition"), confirm);
    assertTrue(message.allText().contains("📦 Before this: no release on record"), message.allText());
  }

  @Test
  void aCommandOrWorkflowTargetSpeaksOfVersionsNotTaskDefinitions() {
    Deployment first = requested().launched(LAUNCHER, LAUNCHED, null)
        .withDeployState(Map.of("pid", "4242", "exitCode", "0")).finished(FINISHED);

    Rendered succeeded = render(ready().withStatus(RunStatus.SUCCEEDED), first);
    Rendered rolledBack = render(ready().withStatus(RunStatus.ROLLED_BACK),
        first.rollbackRequested("U0SRE", FINISHED, null).finished(FINISHED.plusSeconds(60)));

    String confirm = succeeded.runButton(ActionIds.ROLLBACK).getJsonObject("confirm").getJsonObject("text")
        .getString("text");
    assertEquals("Rolls backend in production back to the previous version, then checks its health again. "
        + "production stays locked until someone unlocks it.", confirm);
    assertTrue(status(rolledBack).startsWith("↩️ *Rolled back* — *production* is back on the previous version"),
        status(rolledBack));
    assertFalse(succeeded.allText().contains("task definition") || rolledBack.allText().contains("task definition")
        || confirm.contains("task definition"));
  }

  @Test
  void failedShowsWhatWentWrongAndOffersRollback() {
    Deployment failed = deploying().withVerification(List.of(health("api", false, "503 Service Unavailable")))
        .failed("Health check api failed 5 times").finished(FINISHED);

    Rendered message = render(ready().withStatus(RunStatus.FAILED), failed);

    String status = status(message);
    assertTrue(status.startsWith("❌ *Failed* — `v1.4.2` did not go live in *production*"), status);
    assertTrue(status.contains("*What went wrong:* Health check api failed 5 times"), status);
    assertFalse(status.contains("since launch"), "the clock stops when the deploy does: " + status);
    assertFalse(status.contains("📊"), status);
    assertTrue(message.allText().contains("❌ *Health api* · health — 503 Service Unavailable — upstream connect error"));
    assertEquals(List.of(ActionIds.ROLLBACK), message.runActions());
    assertTrue(message.allText().contains("⏱️ Took *12m*"));
  }

  @Test
  void aFailedChecksEvidenceIsPrintedOnceWhenItsErrorRepeatsTheSummary() {
    Evidence same = new Evidence(false, "expected 200, got 500", 500, 40L, null, "expected 200, got 500", 1);
    Evidence longer = new Evidence(false, "connection refused", null, null, null,
        "Connection refused: api.internal/10.0.0.7:443", 1);
    Deployment failed = deploying().withVerification(List.of(
            new VerifyResult("api", "Health api", Verification.Kind.HEALTH, same, List.of()),
            new VerifyResult("db", "Health db", Verification.Kind.HEALTH, longer, List.of())))
        .failed("Health check api failed").finished(FINISHED);

    Rendered message = render(ready().withStatus(RunStatus.FAILED), failed);

    String text = message.allText();
    assertTrue(text.contains("❌ *Health api* · health — expected 200, got 500\n"), text);
    assertFalse(text.contains("expected 200, got 500 — expected 200, got 500"), text);
    assertTrue(text.contains("❌ *Health db* · health — Connection refused: api.internal/10.0.0.7:443"), text);
    assertFalse(text.toLowerCase().contains("connection refused — connection refused"), text);
  }

  @Test
  void aRunWhoseBeforeStepFailedDeployedNothingAndOffersNoRollback() {
    Deployment failed = launched().withDeployState(Map.of("before.0.name", "backup", "before.0.outcome", "failed",
            "before.0.summary", "sh exited with code 2"))
        .failed("Step backup failed: sh exited with code 2").finished(FINISHED);

    Rendered message = render(ready().withStatus(RunStatus.FAILED), failed);

    assertTrue(message.allText().contains("❌ *step backup* failed: sh exited with code 2"), message.allText());
    assertTrue(status(message).contains("Nothing was deployed, so nothing is rolled back."), status(message));
    assertEquals(List.of(), message.runActions());
  }

  @Test
  void aDispatchGithubRefusedSaysSoAndThatNothingWasDeployed() {
    Deployment refused = launched().withDeployState(Map.of("dispatchedAt", "2026-12-07T02:00:00Z",
            "outcome", "failed", "summary", "GitHub refused to start deploy.yml: 422 Unexpected inputs provided: "
                + "[\"image_tag\"]", "refused", "true"))
        .failed("GitHub refused to start deploy.yml: 422 Unexpected inputs provided: [\"image_tag\"]")
        .finished(FINISHED);

    Rendered message = render(ready().withStatus(RunStatus.FAILED), refused);

    assertTrue(status(message).contains("*What went wrong:* GitHub refused to start deploy.yml: 422 Unexpected "
        + "inputs provided: [\"image_tag\"]\nNothing was deployed, so nothing is rolled back."), status(message));
    assertFalse(message.allText().contains("Rollback failed"), message.allText());
    assertEquals(List.of(), message.runActions(), "nothing to roll back");
  }

  @Test
  void aRunThatFailedAfterItsTargetStartedStillOffersRollback() {
    Deployment failed = launched().withDeployState(Map.of("before.0.name", "backup", "before.0.outcome", "passed",
            "before.0.summary", "sh exited with code 0", "taskDefinition", "arn:aws:ecs:task-definition/api:8"))
        .failed("Health check api failed 5 times").finished(FINISHED);

    Rendered message = render(ready().withStatus(RunStatus.FAILED), failed);

    assertEquals(List.of(ActionIds.ROLLBACK), message.runActions());
  }

  @Test
  void rollingBackShowsWhoAskedAndForHowLongAndOffersNothing() {
    Instant asked = LAUNCHED.plus(Duration.ofMinutes(2));
    Deployment rolling = succeeded().rollbackRequested("U0SRE", asked, "error rate doubled")
        .withStep("Waiting for the rollback to settle", "1 of 3 new tasks running");

    Rendered message = render(ready().withStatus(RunStatus.ROLLING_BACK), rolling);

    String status = status(message);
    assertTrue(status.startsWith("↩️ *Rolling back* *production* to `v1.4.1` — Waiting for the rollback to settle"),
        status);
    assertTrue(message.texts().contains("📊 *Rollout:* 1 of 3 new tasks running"), message.texts().toString());
    assertTrue(status.contains("⏱️ 1m 20s since the rollback started"), status);
    assertTrue(status.contains("↩️ Rollback asked for by <@U0SRE>: “error rate doubled”"), status);
    assertEquals("Rolling back backend v1.4.2 in production",
        message.blocks.get(0).getJsonObject("text").getString("text"));
    assertTrue(message.runActions().isEmpty());
    assertFalse(message.allText().contains("*Summary*"), "not over yet");
  }

  @Test
  void rolledBackShowsTheVerificationAfterTheRollbackAndNoButtons() {
    Deployment failed = deploying().withVerification(List.of(health("api", false, "503 Service Unavailable")))
        .failed("Health check api failed 5 times");
    Deployment rolledBack = failed.rollbackRequested(null, LAUNCHED.plus(Duration.ofMinutes(3)), "health aborts")
        .withRollbackVerification(List.of(health("api", true, "200 OK in 70 ms")))
        .finished(FINISHED);

    Rendered message = render(ready().withStatus(RunStatus.ROLLED_BACK), rolledBack);

    String status = status(message);
    assertTrue(status.startsWith("↩️ *Rolled back* — *production* is back on `v1.4.1`"), status);
    assertTrue(status.contains("↩️ Rollback started automatically"), status);
    String text = message.allText();
    assertTrue(text.contains("*Verification* — 0/1 passed"), text);
    assertTrue(text.contains("*Verification after the rollback* — 1/1 passed"), text);
    assertTrue(text.contains("✅ *Health api* · health — 200 OK in 70 ms"), text);
    assertTrue(text.contains("*Summary*"), text);
    assertTrue(message.buttons().isEmpty(), message.buttons().toString());
  }

  @Test
  void aFailureThatIsNoCheckIsToldInWhatWentWrongAndNotAgainByTheAutomaticRollback() {
    Deployment failed = deploying().failed("migration failed: step.sh exited with code 3 after 88 ms");
    Deployment rolling = failed.rollbackRequested(null, LATER, failed.failure());

    Rendered message = render(ready().withStatus(RunStatus.ROLLING_BACK), rolling);

    String status = status(message);
    assertTrue(status.contains("*What went wrong:* migration failed: step.sh exited with code 3 after 88 ms"), status);
    assertTrue(status.endsWith("↩️ Rollback started automatically"), status);
    assertEquals(1, status.split("exited with code 3", -1).length - 1, status);
  }

  @Test
  void aFailedCheckIsNamedInWhatWentWrongAndToldByItsOwnLine() {
    Deployment failed = deploying().withVerification(List.of(health("api", false, "503 Service Unavailable")))
        .failed("Health api: 503 Service Unavailable").finished(FINISHED);

    Rendered message = render(ready().withStatus(RunStatus.FAILED), failed);

    assertTrue(status(message).contains("*What went wrong:* *Health api* failed (see *Verification* below)"),
        status(message));
    assertEquals(1, message.allText().split("503 Service Unavailable", -1).length - 1, message.allText());
  }

  @Test
  void rollbackFailedSaysSoAndOffersRollbackAgain() {
    Deployment broken = succeeded().rollbackRequested("U0SRE", FINISHED, "bad release").failed("Rollback timed out")
        .finished(FINISHED.plus(Duration.ofMinutes(10)));

    Rendered message = render(ready().withStatus(RunStatus.ROLLBACK_FAILED), broken);

    assertTrue(status(message).startsWith("🔥 *Rollback failed*"), status(message));
    assertTrue(status(message).contains("*What went wrong:* Rollback timed out"), status(message));
    assertEquals(List.of(ActionIds.ROLLBACK), message.runActions());
  }

  @Test
  void cancelledBeforeLaunchKeepsTheRecordWithoutButtonsOrSummary() {
    Rendered message = render(tick(preparing(), "backup", "U0ALICE").cancel(), requested());

    assertTrue(status(message).startsWith("🚫 *Cancelled* — nothing was deployed"), status(message));
    assertTrue(message.buttons().isEmpty());
    assertTrue(message.allText().contains("Ticked by <@U0ALICE>"));
    assertFalse(message.allText().contains("*Summary*"));
  }

  @Test
  void aLockHoldsLaunchAndTheMessageSaysWhoWhyAndHowToUnlock() {
    Rendered message = render(ready(), requested(), Optional.of(lock("U0SRE", "Black Friday freeze.")));

    assertEquals("Waiting to deploy backend v1.4.2 to production",
        message.blocks.get(0).getJsonObject("text").getString("text"));
    assertEquals("🔒 *Held* — the checklist and sign-offs are in, but *production* is locked", status(message));
    assertEquals("🔒 *Launch is held:* *production* is locked by <@U0SRE>: Black Friday freeze. "
        + "`/unlock backend production` opens it again; Launch then appears here.",
        message.blocks.get(3).getJsonObject("text").getString("text"));
    assertFalse(message.allText().contains("Ready to launch"), message.allText());
    assertFalse(message.allText().contains(".."), message.allText());
    assertEquals(List.of(ActionIds.RUN_UNLOCK, ActionIds.CANCEL), message.runActions(),
        "no Launch a click on would refuse; Unlock in its place");
    assertEquals("Deploy backend v1.4.2 → production: launch held", message.content.text(),
        "the notification does not promise a launch either");
  }

  @Test
  void theLockThatHoldsLaunchCanBeUnlockedFromTheMessageAfterAConfirm() {
    Rendered message = render(ready(), requested(), Optional.of(lock("U0SRE", "Black Friday freeze.")));

    JsonObject unlock = message.runButton(ActionIds.RUN_UNLOCK);
    assertEquals("Unlock", unlock.getJsonObject("text").getString("text"));
    assertNull(unlock.getString("style"), "a plain button");
    assertEquals(Optional.of(java.util.Map.entry("backend", "production")),
        HomeView.readUnlockValue(unlock.getString("value")), "it names the environment, as Home's Unlock does");
    JsonObject confirm = unlock.getJsonObject("confirm");
    assertEquals("Unlock backend in production?", confirm.getJsonObject("title").getString("text"));
    assertEquals("Deploys can launch in backend in production again, this one first. Make sure the reason for the "
        + "lock is settled.", confirm.getJsonObject("text").getString("text"));
    assertEquals("Unlock", confirm.getJsonObject("confirm").getString("text"));
    assertEquals("Keep it locked", confirm.getJsonObject("deny").getString("text"));
    // Once unlocked the same run offers Launch and no Unlock.
    assertEquals(List.of(ActionIds.LAUNCH, ActionIds.CANCEL), render(ready(), requested()).runActions());
  }

  @Test
  void abortingSaysTheStepIsStoppingAndOffersNothingMore() {
    Rendered message = render(ready().withStatus(RunStatus.ABORTING), deploying());

    assertTrue(status(message).startsWith("🛑 *Aborting* `v1.4.2` in *production* — waiting for the step to stop"),
        status(message));
    assertTrue(message.runActions().isEmpty(), "no second abort, no cancel, no rollback while it stops");
  }

  @Test
  void aRollbackAskedForByAPersonMentionsThemInTheRollbackLineAndTheLockLine() {
    Instant asked = LAUNCHED.plus(Duration.ofMinutes(2));
    Deployment rolling = succeeded().rollbackRequested("U0SRE", asked, null);
    EnvLock lock = EnvLock.rolledBack("backend", "production", "v1.4.2", "U0SRE", null, LATER);

    Rendered message = render(ready().withStatus(RunStatus.ROLLING_BACK), rolling, Optional.of(lock));

    assertTrue(status(message).endsWith("↩️ Rollback asked for by <@U0SRE>"), status(message));
    assertEquals("🔒 *production* is locked by <@U0SRE>: Rolled back from `v1.4.2`, asked for by <@U0SRE>. Unlock "
        + "when the cause is understood. `/unlock backend production` opens it again.", lockBlock(message));
    assertFalse(message.allText().contains("&lt;@"), "a mention is a mention, not escaped text");
  }

  @Test
  void anAutomaticRollbackLocksInTheBotsNameWithItsReasonEscaped() {
    Deployment rolling = succeeded().rollbackRequested(null, LATER, "health <api> & db failed");
    EnvLock lock = EnvLock.rolledBack("backend", "production", "v1.4.2", null, "health <api> & db failed", LATER);

    Rendered message = render(ready().withStatus(RunStatus.ROLLING_BACK), rolling, Optional.of(lock));

    assertTrue(status(message).contains("↩️ Rollback started automatically: “health &lt;api&gt; &amp; db failed”"),
        status(message));
    assertEquals("🔒 *production* is locked by Preflight: Rolled back from `v1.4.2` automatically: health "
        + "&lt;api&gt; &amp; db failed. Unlock when the cause is understood. `/unlock backend production` opens it "
        + "again.", lockBlock(message));
  }

  @Test
  void aFailedAutomaticRollbackLocksSayingItFailedNotThatItRolledBack() {
    Deployment rolling = succeeded().failed("health <api> failed").rollbackRequested(null, LATER, "health <api> failed");
    EnvLock started = EnvLock.rolledBack("backend", "production", "v1.4.2", null, "health <api> failed", LATER);
    EnvLock lock = new EnvLock(started.service(), started.environment(),
        ((LockCause.RolledBack) started.cause()).failedNow(), started.by(), started.at());

    Rendered message = render(ready().withStatus(RunStatus.ROLLBACK_FAILED), rolling, Optional.of(lock));

    assertTrue(status(message).contains("🔥 *Rollback failed*"), status(message));
    assertEquals("🔒 *production* is locked by Preflight: The rollback from `v1.4.2`, started automatically, failed. "
        + "Check the environment by hand, then unlock. `/unlock backend production` opens it again.",
        lockBlock(message));
    assertFalse(message.allText().contains("Rolled back from"), message.allText());
  }

  @Test
  void aFailedRollbackAPersonAskedForNamesThemAndSaysItFailed() {
    EnvLock started = EnvLock.rolledBack("backend", "production", "v1.4.2", "U0SRE", null, LATER);
    EnvLock lock = new EnvLock(started.service(), started.environment(),
        ((LockCause.RolledBack) started.cause()).failedNow(), started.by(), started.at());

    assertEquals("The rollback from `v1.4.2`, asked for by <@U0SRE>, failed. Check the environment by hand, then "
        + "unlock", LockText.cause(lock));
  }

  @Test
  void aRunInterruptedByAShutdownSaysNothingWasRolledBackAndStillOffersRollback() {
    String stopped = "sleep was stopped part-way when Preflight shut down; what it had done by then is unknown. "
        + "Check it by hand";
    Deployment held = launched().withDeployState(Map.of("before.0.name", "backup", "before.0.outcome", "passed",
            "before.0.summary", "sh exited with code 0", "exitCode", "0", "after.0.name", "migration",
            "after.0.outcome", "unknown", "after.0.summary", stopped))
        .failed("migration was interrupted: " + stopped).finished(FINISHED);
    EnvLock lock = EnvLock.interrupted("backend", "production", "v1.4.2", "migration", false, LATER);

    Rendered message = render(ready().withStatus(RunStatus.FAILED), held, Optional.of(lock));

    String status = status(message);
    assertTrue(status.startsWith("⚠️ *Interrupted* — Preflight stopped while deploying `v1.4.2` to *production*; "
        + "nothing was rolled back\n"), status);
    assertFalse(status.contains("did not go live"), "nobody knows that: " + status);
    assertTrue(status.contains("*What went wrong:* migration was interrupted: " + stopped), status);
    assertTrue(message.allText().contains("⚠️ *step migration* was interrupted, so how it ended is unknown: "
        + stopped), message.allText());
    assertFalse(message.allText().contains("failed: sleep"), message.allText());
    assertEquals("🔒 *production* is locked by Preflight: *step migration* of the deploy of `v1.4.2` was "
        + "interrupted when Preflight stopped, so how it ended is unknown. Nothing was rolled back: check it, then "
        + "Roll back or Unlock. `/unlock backend production` opens it again.", lockBlock(message));
    assertEquals(List.of(ActionIds.ROLLBACK), message.runActions(), "a deployer may still roll back by hand");
  }

  @Test
  void aStepBeforeTheDeployInterruptedOffersOnlyUnlockAndSaysTheVersionWasNotDeployed() {
    Deployment held = launched().withDeployState(Map.of("before.0.name", "backup", "before.0.outcome", "unknown",
            "before.0.summary", "pg_dump was stopped part-way when Preflight shut down"))
        .failed("backup was interrupted: pg_dump was stopped part-way when Preflight shut down").finished(FINISHED);
    EnvLock lock = EnvLock.interrupted("backend", "production", "v1.4.2", "backup", true, LATER);

    Rendered message = render(ready().withStatus(RunStatus.FAILED), held, Optional.of(lock));

    assertEquals("🔒 *production* is locked by Preflight: *step backup* of the deploy of `v1.4.2` was interrupted "
        + "when Preflight stopped, so how it ended is unknown. The version was not deployed: check what the step did, "
        + "then Unlock. `/unlock backend production` opens it again.", lockBlock(message));
    assertEquals(List.of(), message.runActions(), "nothing was deployed, so there is nothing to roll back");
  }

  private static String lockBlock(Rendered message) {
    return message.texts().stream().filter(text -> text.startsWith("🔒")).findFirst()
        .orElseThrow(() -> new AssertionError("no lock line in " + message.texts()));
  }

  @Test
  void aChecklistRunRendersExactlyAsItDidWithoutADeploy() {
    ChecklistRun run = tick(preparing(), "backup", "U0ALICE");
    TrackedRun tracked = new TrackedRun(run, Fixtures.CHANNEL, Fixtures.MESSAGE_TS);

    Rendered viaTracked = Rendered.of(RunMessage.render(tracked, Optional.of(lock("U0SRE", "freeze")), "rocket", NOW));
    Rendered direct = Rendered.of(RunMessage.render(run, "rocket"));

    assertEquals(direct.blocks, viaTracked.blocks);
    assertEquals(direct.content.text(), viaTracked.content.text());
    assertFalse(viaTracked.allText().contains("Locked"), "a checklist run has no environment to lock");
  }

  @Test
  void textFromConfigAndTargetsIsEscaped() {
    Deployment odd = launched().withStep("Running <!channel> & friends", "<@U0EVIL> 1/2")
        .failed("exit 1: <script> & more");
    Rendered message = render(ready().withStatus(RunStatus.DEPLOYING), odd,
        Optional.of(lock("U0SRE", "freeze <b> & <!here>")));

    String text = message.allText();
    assertTrue(text.contains("Running &lt;!channel&gt; &amp; friends"), text);
    assertTrue(text.contains("&lt;@U0EVIL&gt; 1/2"), text);
    assertTrue(text.contains("exit 1: &lt;script&gt; &amp; more"), text);
    assertTrue(text.contains("freeze &lt;b&gt; &amp; &lt;!here&gt;"), text);
    assertFalse(text.contains("<!channel>") || text.contains("<!here>") || text.contains("<@U0EVIL>"), text);
  }

  @Test
  void aPreviousReleaseThatWasItselfARollbackSaysSo() {
    Release restored = new Release("backend", "production", "v1.3.9", null, "r-0", "U0SRE", Fixtures.PREVIOUS_AT,
        Release.ROLLBACK);
    Deployment deployment = requested().launched(LAUNCHER, LAUNCHED, restored).finished(FINISHED);

    Rendered message = render(ready().withStatus(RunStatus.SUCCEEDED), deployment);

    assertTrue(message.allText().contains("📦 Before this: `v1.3.9`, restored by a rollback by <@U0SRE>"),
        message.allText());
  }
}
