package dev.preflight.bot;

import static dev.preflight.bot.BotInProcess.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.preflight.deploy.fake.FakeEcs;
import dev.preflight.handlers.ActionIds;
import dev.preflight.handlers.fake.FakeSlack;
import dev.preflight.handlers.fake.SlackRequests;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Row;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Deploys end to end over HTTP: signed slash commands, clicks and reactions go in; the bot
 * deploys to a local ECS fake that moves its rollouts forward, verifies against a local health
 * endpoint, and every edit of the run's one message, the calls made to ECS and the rows stored
 * come out.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DeployInSlackTest {

  static final Path CONFIG = Path.of("src/test/resources/e2e-deploy/preflight.yaml");
  static final String DEPLOYS = "C0DEPLOYS1";
  static final String TYPED_IN = "C0TYPED01";
  static final String DEPLOYER = "U0DEPLOY1";
  static final String DEPLOYER_TWO = "U0DEPLOY2";
  static final String SRE = "U0SRE0001";
  static final String CLUSTER = "e2e-cluster";
  static final String FIRST_IMAGE = "registry.example/api:v1.0.0";
  static final String SIDECAR_IMAGE = "registry.example/proxy:2";
  static final String ALERTS_TOKEN = "alerts-e2e-token";

  private final SlackRequests slack = new SlackRequests();
  private BotInProcess bot;
  private FakeSlack fake;
  private FakeEcs ecs;
  private HealthTarget health;
  private String firstTaskDefinition;

  @BeforeEach
  void start() throws Exception {
    BotInProcess.fakeAwsCredentials();
    bot = BotInProcess.create();
    fake = bot.fake;
    health = await(HealthTarget.start(bot.vertx));
    ecs = await(FakeEcs.start(bot.vertx));
    ecs.cluster(CLUSTER);
    firstTaskDefinition = ecs.registerTaskDefinition("api", Map.of("app", FIRST_IMAGE, "proxy", SIDECAR_IMAGE));
    ecs.service(CLUSTER, "api", firstTaskDefinition, 4);
    bot.start(CONFIG, Map.of(
        "SLACK_BOT_TOKEN", "xoxb-e2e-deploy-token",
        "AWS_ENDPOINT_URL", ecs.endpoint().toString(),
        "PREFLIGHT_POLL_INTERVAL", "400ms",
        "ALERTS_TOKEN", ALERTS_TOKEN), Map.of("E2E_BASE_URL", health.baseUrl()));
  }

  @AfterEach
  void stop() throws Exception {
    bot.close();
  }

  @Test
  void aDeployGoesFromTheCommandThroughSignOffAndLaunchToSucceededInOneMessage() throws Exception {
    Run run = openReadyRun("v1.1.0");
    assertTrue(Blocks.text(run.ready).contains("<@" + SRE + "> for *sre*"), Blocks.text(run.ready));

    health.hold();
    // A message is edited at most once a second, so the rollout waits until its progress is shown.
    ecs.pace(0);
    click(ActionIds.LAUNCH, run.runId, DEPLOYER, run.ts);
    awaitMessage(run.ts, text -> text.matches("(?s).*\\d of 4 new tasks running.*"));
    ecs.pace(1);
    // Edits are coalesced; holding the health answer keeps the run verifying until it is shown.
    awaitMessage(run.ts, text -> text.contains("*Verifying*"));
    // While it verifies, the run is in flight and this bot holds its lease.
    String verifying = await(bot.client.get(bot.port(), "127.0.0.1", "/metrics").send()).bodyAsString();
    assertTrue(verifying.contains("\npreflight_runs_in_flight 1.0\n"), verifying);
    assertTrue(verifying.contains("\npreflight_leases_held 1.0\n"), verifying);
    health.release();
    JsonObject done = awaitMessage(run.ts, text -> text.contains("*Succeeded*"));

    List<String> states = statesShown(run.ts);
    assertEquals(List.of("Deploying", "Verifying", "Succeeded"),
        states.subList(Math.max(0, states.indexOf("Deploying")), states.size()), "every edit, in order: " + states);
    assertTrue(editsOf(run.ts).stream().map(Blocks::text)
            .anyMatch(text -> text.matches("(?s).*\\d of 4 new tasks running.*")),
        "the rollout's progress was shown in plain words while it moved");
    String text = Blocks.text(done);
    assertTrue(text.contains("API answers on /ready"), text);
    assertTrue(text.contains("<@" + DEPLOYER + ">"), "who launched: " + text);
    List<String> buttons = Blocks.actionIds(done);
    assertEquals(List.of(ActionIds.ROLLBACK), buttons, "only Rollback applies now");
    assertEquals(1, fake.messages(DEPLOYS).size(), "one message for the whole run");

    List<FakeEcs.UpdateServiceCall> updates = ecs.updateServiceCalls();
    assertEquals(1, updates.size());
    Map<String, String> images = ecs.images(updates.get(0).taskDefinition());
    assertEquals("registry.example/api:v1.1.0", images.get("app"), "the version became the image tag");
    assertEquals(SIDECAR_IMAGE, images.get("proxy"), "other containers are kept");

    Row release = one("select version, revision, released_by, kind from releases");
    assertEquals("v1.1.0", release.getString("version"));
    assertEquals(updates.get(0).taskDefinition(), release.getString("revision"));
    assertEquals(DEPLOYER, release.getString("released_by"));
    assertEquals("SUCCEEDED", one("select status from runs").getString("status"));

    // The run's report lands in its thread, and the bot counts the run.
    JsonObject shared = await(fake.awaitCall("files.completeUploadExternal",
        call -> run.ts.equals(call.getString("thread_ts"))));
    assertEquals(DEPLOYS, shared.getString("channel_id"));
    String report = new String(fake.filesInThread(DEPLOYS, run.ts).get(0).bytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(report.contains("v1.1.0") && report.contains("API answers on /ready"), report);
    String metrics = await(bot.client.get(bot.port(), "127.0.0.1", "/metrics").send()).bodyAsString();
    assertTrue(metrics.matches("(?s).*preflight_runs_finished_total\\{[^}]*SUCCEEDED[^}]*} 1\\.0.*"), metrics);
  }

  @Test
  void anAlertLandsBesideTheLastReleaseAndItsRollbackButtonRollsBack() throws Exception {
    Run run = openReadyRun("v1.1.0");
    click(ActionIds.LAUNCH, run.runId, DEPLOYER, run.ts);
    awaitMessage(run.ts, text -> text.contains("*Succeeded*"));

    assertEquals(401, await(sendAlert("nope")).statusCode());
    HttpResponse<Buffer> accepted = await(sendAlert(ALERTS_TOKEN));
    assertEquals(200, accepted.statusCode(), accepted.bodyAsString());
    JsonObject posted = await(fake.awaitCall("chat.postMessage", call -> Blocks.text(call).contains("5xx rate")));
    String text = Blocks.text(posted);
    assertTrue(text.contains("v1.1.0") && text.contains("<@" + DEPLOYER + ">"), "the last release and who shipped it: " + text);
    assertTrue(text.contains("Critical · *api in production* · Webhook"), text);
    assertTrue(text.contains("`v1.1.0` shipped "), "how long before the alert the release went out: " + text);
    JsonObject rollback = Blocks.button(posted, "alert_rollback").orElseThrow();
    assertFalse(rollback.containsKey("style"), "the button itself is not red: " + rollback);
    assertEquals("danger", rollback.getJsonObject("confirm").getString("style"));

    String alertTs = fake.messages(DEPLOYS).stream().filter(m -> Blocks.text(m).contains("5xx rate")).findFirst()
        .orElseThrow().getString("ts");
    await(send(slack.blockAction("alert_rollback", rollback.getString("value"), DEPLOYER, DEPLOYS, alertTs,
        fake.responseUrl("alert-rollback"))));
    // The alert says who is rolling back and links the run; the button is gone, so a second
    // responder sees the rollback in hand instead of a button to click.
    JsonObject started = awaitMessage(alertTs, t -> t.contains("started* by <@" + DEPLOYER + ">"));
    assertTrue(Blocks.text(started).contains("5xx rate above 5%"), "the alert itself stays: " + Blocks.text(started));
    assertTrue(Blocks.text(started).contains("|the run>"), "a link to the run: " + Blocks.text(started));
    assertTrue(Blocks.button(started, "alert_rollback").isEmpty(), "the button is replaced: " + Blocks.text(started));
    awaitMessage(run.ts, text2 -> text2.contains("*Rolled back*"));
    assertEquals(2, ecs.updateServiceCalls().size(), "the alert's button rolled the deploy back");
    // When the rollback ends the alert says so, with how long it took.
    JsonObject ended = awaitMessage(alertTs, t -> t.contains("*Rolled back"));
    String endedText = Blocks.text(ended);
    assertTrue(endedText.matches("(?s).*\\*Rolled back[^*]*\\* in \\d+(\\.\\d)?(s| ms).*"), endedText);
    assertTrue(endedText.contains("started by <@" + DEPLOYER + ">"), endedText);
    assertTrue(Blocks.button(ended, "alert_rollback").isEmpty(), endedText);
  }

  @Test
  void failingHealthRollsBackByItselfToThePreviousTaskDefinition() throws Exception {
    health.failNext("/ready", 3);
    Run run = openReadyRun("v2.0.0");
    health.hold();
    click(ActionIds.LAUNCH, run.runId, DEPLOYER, run.ts);
    awaitMessage(run.ts, text -> text.contains("*Verifying*"));
    health.release();
    JsonObject done = awaitMessage(run.ts, text -> text.contains("*Rolled back*"));

    List<String> states = statesShown(run.ts);
    assertEquals(List.of("Deploying", "Verifying", "Rolling back", "Rolled back"),
        states.subList(Math.max(0, states.indexOf("Deploying")), states.size()), "every edit, in order: " + states);
    assertTrue(Blocks.actionIds(done).isEmpty(), "nothing to click on a rolled back run: " + Blocks.actionIds(done));
    List<FakeEcs.UpdateServiceCall> updates = ecs.updateServiceCalls();
    assertEquals(2, updates.size());
    assertEquals(firstTaskDefinition, updates.get(1).taskDefinition(), "back to the task definition before");
    assertEquals(firstTaskDefinition, ecs.serviceTaskDefinition(CLUSTER, "api"));

    Row lock = one("select reason, locked_by from environment_locks");
    JsonObject cause = new JsonObject(lock.getString("reason"));
    assertEquals("rollback", cause.getString("cause"), cause.encode());
    assertEquals("v2.0.0", cause.getString("from"), cause.encode());
    JsonObject note = await(fake.awaitCall("chat.postMessage", call -> run.ts.equals(call.getString("thread_ts"))
        && call.getString("text", "").contains("Verification failed")));
    assertTrue(note.getString("text").contains("API answers on /ready"), note.encode());
    assertEquals("ROLLED_BACK", one("select status from runs").getString("status"));
    assertEquals("rollback", one("select kind from releases order by id desc limit 1").getString("kind"));
    // The first deploy of api: the version returned to was read from the task definition it ran before.
    String shown = Blocks.text(done);
    assertTrue(shown.contains("`v1.0.0`"), "the rollback names the version it returned to: " + shown);
    assertEquals("v1.0.0", one("select version from releases order by id desc limit 1").getString("version"),
        "what /deploys lists as the release restored");
  }

  @Test
  void aDoubleClickedRollbackRollsBackOnce() throws Exception {
    Run run = openReadyRun("v1.1.0");
    click(ActionIds.LAUNCH, run.runId, DEPLOYER, run.ts);
    JsonObject succeeded = awaitMessage(run.ts, text -> text.contains("*Succeeded*"));
    JsonObject button = Blocks.button(succeeded, ActionIds.ROLLBACK).orElseThrow();
    assertTrue(button.containsKey("confirm"), "Rollback asks before it acts");
    assertEquals("danger", button.getJsonObject("confirm").getString("style"), "the confirm is red, not the button");
    assertFalse(button.containsKey("style"), "the button itself is plain");

    await(Future.all(
        send(slack.blockAction(ActionIds.ROLLBACK, run.runId, DEPLOYER, DEPLOYS, run.ts, fake.responseUrl("r1"))),
        send(slack.blockAction(ActionIds.ROLLBACK, run.runId, DEPLOYER_TWO, DEPLOYS, run.ts, fake.responseUrl("r2")))));
    awaitMessage(run.ts, text -> text.contains("*Rolled back*"));
    // One of the two clickers is told, through their own click's response_url.
    JsonObject refusal = await(Future.any(
        fake.awaitResponse("r1", answer -> answer.getString("text", "").contains("already roll")),
        fake.awaitResponse("r2", answer -> answer.getString("text", "").contains("already roll")))
        .map(any -> any.succeeded(0) ? any.<JsonObject>resultAt(0) : any.<JsonObject>resultAt(1)));
    assertEquals("ephemeral", refusal.getString("response_type"), refusal.encode());

    assertEquals(2, ecs.updateServiceCalls().size(), "one deploy and exactly one rollback");
    assertEquals(1L, one("select count(*) from audit_log where action = 'rollback.started'").getLong(0));
  }

  @Test
  void twoSimultaneousLaunchClicksDeployOnce() throws Exception {
    Run run = openReadyRun("v1.1.0");
    await(Future.all(
        send(slack.blockAction(ActionIds.LAUNCH, run.runId, DEPLOYER, DEPLOYS, run.ts, fake.responseUrl("l1"))),
        send(slack.blockAction(ActionIds.LAUNCH, run.runId, DEPLOYER_TWO, DEPLOYS, run.ts, fake.responseUrl("l2")))));
    awaitMessage(run.ts, text -> text.contains("*Succeeded*"));
    java.util.function.Predicate<JsonObject> refused = answer -> answer.getString("text", "")
        .matches("(?s).*(already deploying|cannot be launched again).*");
    JsonObject refusal = await(Future.any(fake.awaitResponse("l1", refused), fake.awaitResponse("l2", refused))
        .map(any -> any.succeeded(0) ? any.<JsonObject>resultAt(0) : any.<JsonObject>resultAt(1)));
    assertEquals("ephemeral", refusal.getString("response_type"), refusal.encode());
    assertEquals(1, ecs.updateServiceCalls().size());
    assertEquals(1L, one("select count(*) from audit_log where action = 'deploy.launched'").getLong(0));
  }

  @Test
  void aLockedEnvironmentRefusesLaunchUntilUnlocked() throws Exception {
    HttpResponse<Buffer> locked = await(send(slack.slashCommand("/lock", "api production freeze for the audit",
        DEPLOYER_TWO, TYPED_IN, fake.responseUrl("lock"))));
    assertEquals(200, locked.statusCode());
    Run run = openReadyRun("v1.1.0");
    JsonObject message = awaitMessage(run.ts, text -> text.contains("freeze for the audit"));
    assertTrue(Blocks.text(message).contains("<@" + DEPLOYER_TWO + ">"), "who locked it: " + Blocks.text(message));
    assertTrue(Blocks.text(message).contains("`/unlock api production` opens it again"), Blocks.text(message));
    assertFalse(Blocks.button(message, ActionIds.LAUNCH).isPresent(), "no Launch that a click would refuse");

    click(ActionIds.LAUNCH, run.runId, DEPLOYER, run.ts);
    JsonObject refusal = await(fake.awaitResponse(ActionIds.LAUNCH + DEPLOYER,
        answer -> answer.getString("text", "").contains("is locked by")));
    assertTrue(refusal.getString("text").contains("freeze for the audit"), refusal.encode());
    assertTrue(ecs.updateServiceCalls().isEmpty());
    assertEquals("READY", one("select status from runs").getString("status"));

    // Someone who is not a deployer there is refused in words about unlocking, not deploying.
    await(send(slack.slashCommand("/unlock", "api production", SRE, TYPED_IN, fake.responseUrl("unlock-sre"))));
    assertEquals("Unlocking *api* in *production* needs the *deployer* role, and you do not hold it.",
        await(fake.awaitResponse("unlock-sre", answer -> true)).getString("text"));
    await(send(slack.slashCommand("/unlock", "api production", DEPLOYER_TWO, TYPED_IN, fake.responseUrl("unlock"))));
    awaitMessage(run.ts, text -> !text.contains("freeze for the audit"),
        unlocked -> Blocks.button(unlocked, ActionIds.LAUNCH).isPresent());
    click(ActionIds.LAUNCH, run.runId, DEPLOYER, run.ts);
    awaitMessage(run.ts, text -> text.contains("*Succeeded*"));
    assertEquals(1, ecs.updateServiceCalls().size());
  }

  @Test
  void aVersionWithShellMetacharactersIsRefusedAndNothingIsOpened() throws Exception {
    HttpResponse<Buffer> ack = await(send(slack.slashCommand("/deploy", "api v1;reboot to production", DEPLOYER,
        TYPED_IN, fake.responseUrl("bad"))));
    assertEquals(200, ack.statusCode());
    assertTrue(ack.bodyAsString().contains("is not a version"), ack.bodyAsString());
    assertEquals(0L, one("select count(*) from runs").getLong(0));
    assertTrue(fake.calls("chat.postMessage").isEmpty());
  }

  /**
   * The deploy form's late answer (the run it would open collides with one already open) comes
   * through the response_url of the /deploy that opened the form, where it was typed, not as an
   * ephemeral in a channel that may not have the bot.
   */
  @Test
  void aSecondDeployFromTheFormIsAnsweredThroughTheCommandsResponseUrl() throws Exception {
    Run run = openReadyRun("v1.1.0");
    await(send(slack.slashCommand("/deploy", "", DEPLOYER_TWO, TYPED_IN, fake.responseUrl("form"))));
    JsonObject form = await(fake.awaitCall("views.open")).getJsonObject("view");
    JsonObject values = new JsonObject()
        .put(ActionIds.DEPLOY_SERVICE_BLOCK, new JsonObject().put(ActionIds.DEPLOY_SERVICE_ACTION, selected("api")))
        .put(ActionIds.DEPLOY_ENVIRONMENT_BLOCK, new JsonObject()
            .put(ActionIds.DEPLOY_ENVIRONMENT_ACTION, selected("api/production")))
        .mergeIn(SlackRequests.textInput(ActionIds.DEPLOY_VERSION_BLOCK, ActionIds.DEPLOY_VERSION_ACTION, "v1.2.0"));
    HttpResponse<Buffer> submitted = await(send(slack.viewSubmission(ActionIds.DEPLOY_MODAL, DEPLOYER_TWO, values,
        form.getString("private_metadata"))));
    assertEquals("update", submitted.bodyAsJsonObject().getString("response_action"), submitted.bodyAsString());

    JsonObject answer = await(fake.awaitResponse("form", call -> true));
    assertEquals("ephemeral", answer.getString("response_type"));
    assertTrue(answer.getString("text").contains("already has an active run"), answer.encode());
    assertTrue(answer.getString("text").contains(run.ts.replace(".", "")), "a link to the active run: " + answer.encode());
    assertTrue(fake.calls("chat.postEphemeral").isEmpty(), "never an ephemeral first");
    assertEquals(1L, one("select count(*) from runs").getLong(0));
  }

  private static JsonObject selected(String value) {
    return new JsonObject().put("type", "static_select").put("selected_option", new JsonObject()
        .put("text", new JsonObject().put("type", "plain_text").put("text", value)).put("value", value));
  }

  @Test
  void aSecondDeployWhileOneIsOpenAnswersWithALinkToIt() throws Exception {
    Run run = openReadyRun("v1.1.0");
    await(send(slack.slashCommand("/deploy", "api v1.2.0 production", DEPLOYER_TWO, TYPED_IN,
        fake.responseUrl("second"))));
    JsonObject answer = await(fake.awaitResponse("second", call -> true));
    assertTrue(answer.getString("text").contains(run.ts.replace(".", "")), "a link to the active run: " + answer.encode());
    assertEquals(1L, one("select count(*) from runs").getLong(0));
  }

  @Test
  void aLockHoldingTheLaunchOffersUnlockWhichADeployerClicksToGetLaunch() throws Exception {
    await(send(slack.slashCommand("/lock", "api production freeze for the audit", DEPLOYER_TWO, TYPED_IN,
        fake.responseUrl("lock"))));
    Run run = openReadyRun("v1.1.0");
    JsonObject held = run.ready;
    assertTrue(Blocks.text(held).contains("*Launch is held:*"), Blocks.text(held));
    assertEquals(List.of(ActionIds.RUN_UNLOCK, ActionIds.CANCEL), runButtons(held),
        "Unlock stands where Launch will be: " + Blocks.text(held));
    JsonObject unlock = Blocks.button(held, ActionIds.RUN_UNLOCK).orElseThrow();
    assertEquals("Unlock", unlock.getJsonObject("text").getString("text"));
    JsonObject confirm = unlock.getJsonObject("confirm");
    assertEquals("Unlock api in production?", confirm.getJsonObject("title").getString("text"));
    assertEquals("Deploys can launch in api in production again, this one first. Make sure the reason for the lock "
        + "is settled.", confirm.getJsonObject("text").getString("text"));

    // Someone without the deployer role is refused through their click's response_url, or by DM once it expired.
    await(send(slack.blockAction(ActionIds.RUN_UNLOCK, unlock.getString("value"), SRE, DEPLOYS, run.ts,
        fake.responseUrl("sre-unlock"))));
    JsonObject refusal = await(fake.awaitResponse("sre-unlock", answer -> true));
    assertEquals("ephemeral", refusal.getString("response_type"), refusal.encode());
    assertEquals("Unlocking *api* in *production* needs the *deployer* role, and you do not hold it.",
        refusal.getString("text"), "an unlock is refused in the words of an unlock, not of a deploy");
    fake.expireResponseUrl("sre-unlock-late");
    await(send(slack.blockAction(ActionIds.RUN_UNLOCK, unlock.getString("value"), SRE, DEPLOYS, run.ts,
        fake.responseUrl("sre-unlock-late"))));
    JsonObject dm = await(fake.awaitCall("chat.postMessage", call -> FakeSlack.dmChannel(SRE)
        .equals(call.getString("channel"))));
    assertTrue(dm.getString("text").startsWith("Unlocking *api* in *production* needs the *deployer* role"),
        dm.encode());
    assertEquals(1L, one("select count(*) from environment_locks").getLong(0), "still locked");
    assertTrue(fake.calls("chat.postEphemeral").isEmpty(), "never an ephemeral first");

    click(ActionIds.RUN_UNLOCK, unlock.getString("value"), DEPLOYER, run.ts);
    JsonObject open = awaitMessage(run.ts, text -> !text.contains("freeze for the audit"),
        message -> Blocks.button(message, ActionIds.LAUNCH).isPresent());
    assertEquals(List.of(ActionIds.LAUNCH, ActionIds.CANCEL), runButtons(open), Blocks.text(open));
    JsonObject told = await(fake.awaitResponse(ActionIds.RUN_UNLOCK + DEPLOYER, answer -> true));
    assertTrue(told.getString("text").contains("*api* in *production* is open again. It had been locked by <@"
        + DEPLOYER_TWO + ">"), told.encode());
    assertEquals(0L, one("select count(*) from environment_locks").getLong(0));
    assertEquals(DEPLOYER + " button:" + ActionIds.RUN_UNLOCK,
        one("select actor || ' ' || source from audit_log where action = 'environment.unlocked'").getString(0),
        "audited as /unlock is, with the button as its source");
    click(ActionIds.LAUNCH, run.runId, DEPLOYER, run.ts);
    awaitMessage(run.ts, text -> text.contains("*Succeeded*"));
  }

  @Test
  void theReconcilerShowsTheEndOfAnAlertsRollbackThatTheRunListenerNeverRecorded() throws Exception {
    Run run = openReadyRun("v1.1.0");
    click(ActionIds.LAUNCH, run.runId, DEPLOYER, run.ts);
    awaitMessage(run.ts, text -> text.contains("*Succeeded*"));
    assertEquals(200, await(sendAlert(ALERTS_TOKEN)).statusCode());
    JsonObject posted = await(fake.awaitCall("chat.postMessage", call -> Blocks.text(call).contains("5xx rate")));
    String alertTs = fake.messages(DEPLOYS).stream().filter(m -> Blocks.text(m).contains("5xx rate")).findFirst()
        .orElseThrow().getString("ts");
    // The replica following the run dies before it records how the rollback ended: its write is lost.
    await(bot.db.query("create table lost_alert_writes (at timestamptz)").execute());
    await(bot.db.query("create function lose_alert_end() returns trigger language plpgsql as $$ begin "
        + "insert into lost_alert_writes values (now()); return null; end; $$").execute());
    await(bot.db.query("create trigger lose_alert_end before update on alerts for each row "
        + "when (new.rollback_outcome is distinct from old.rollback_outcome and new.rollback_outcome <> 'running') "
        + "execute function lose_alert_end()").execute());

    await(send(slack.blockAction("alert_rollback", Blocks.button(posted, "alert_rollback").orElseThrow()
        .getString("value"), DEPLOYER, DEPLOYS, alertTs, fake.responseUrl("alert-rollback"))));
    awaitMessage(alertTs, t -> t.contains("started* by <@" + DEPLOYER + ">"));
    awaitMessage(run.ts, text -> text.contains("*Rolled back*"));
    awaitTrue("select count(*) > 0 from lost_alert_writes");
    assertEquals("running", one("select rollback_outcome from alerts").getString(0), "the end was never stored");
    String stale = Blocks.text(fake.message(DEPLOYS, alertTs).orElseThrow());
    assertFalse(stale.contains("*Rolled back"), "the alert still says the rollback is running: " + stale);

    await(bot.db.query("drop trigger lose_alert_end on alerts").execute());
    // A reconcile round (every 15 s) finds the alert behind its run and draws the outcome.
    JsonObject ended = awaitMessage(alertTs, t -> t.contains("*Rolled back"));
    String text = Blocks.text(ended);
    assertTrue(text.contains("5xx rate above 5%"), "the alert itself stays: " + text);
    assertTrue(text.contains("started by <@" + DEPLOYER + ">"), text);
    assertTrue(Blocks.button(ended, "alert_rollback").isEmpty(), text);
    awaitTrue("select rollback_outcome = 'rolled_back' and rollback_shown = rollback_outcome from alerts");
  }

  @Test
  void theReconcilerTakesRollbackOffAnOlderRunsMessageThatANewerReleaseLeftBehind() throws Exception {
    Run first = openReadyRun("v1.1.0");
    click(ActionIds.LAUNCH, first.runId, DEPLOYER, first.ts);
    JsonObject succeeded = awaitMessage(first.ts, text -> text.contains("*Succeeded*"));
    assertTrue(Blocks.button(succeeded, ActionIds.ROLLBACK).isPresent(), "the current release offers Rollback");
    // The replica that publishes the newer release dies before it retires the older message's button:
    // while v1.2.0 lands, its look for older messages offering Rollback finds none.
    awaitShown(first.runId);
    String hide = "update run_publications set offers_rollback = %s where run_id = '" + first.runId + "'";
    await(bot.db.query(String.format(hide, "false")).execute());
    Run second = openReadyRun("v1.2.0");
    click(ActionIds.LAUNCH, second.runId, DEPLOYER, second.ts);
    awaitMessage(second.ts, text -> text.contains("*Succeeded*"));
    assertTrue(Blocks.button(fake.message(DEPLOYS, first.ts).orElseThrow(), ActionIds.ROLLBACK).isPresent(),
        "the older message still shows Rollback");
    awaitShown(second.runId);
    int editsBefore = editsOf(first.ts).size();
    await(bot.db.query(String.format(hide, "true")).execute());

    // A reconcile round (every 15 s) republishes it without the button; the rest of it stays.
    JsonObject retired = awaitMessage(first.ts, text -> text.contains("*Succeeded*"),
        message -> Blocks.button(message, ActionIds.ROLLBACK).isEmpty());
    assertTrue(editsOf(first.ts).size() > editsBefore);
    assertTrue(Blocks.text(retired).contains("v1.1.0"), Blocks.text(retired));
    assertTrue(Blocks.button(fake.message(DEPLOYS, second.ts).orElseThrow(), ActionIds.ROLLBACK).isPresent(),
        "the newest release keeps it");
    awaitTrue("select not offers_rollback from run_publications where run_id = '" + first.runId + "'");
  }

  // Helpers

  /** @param ready the edit that first showed every gate passed (Launch, or what holds it) */
  private record Run(String ts, String runId, JsonObject ready) {}

  /**
   * /deploy, the blocker ticked and the sign-off given: the run's message offers Launch, or, when
   * the environment is locked, says the lock holds it.
   */
  private Run openReadyRun(String version) throws Exception {
    HttpResponse<Buffer> ack = await(send(slack.slashCommand("/deploy", "api " + version + " to production", DEPLOYER,
        TYPED_IN, fake.responseUrl("deploy-" + version))));
    assertEquals(200, ack.statusCode());
    assertTrue(ack.bodyAsString().contains("Opening"), ack.bodyAsString());
    JsonObject posted = await(fake.awaitCall("chat.postMessage",
        call -> DEPLOYS.equals(call.getString("channel")) && Blocks.text(call).contains(version)));
    assertFalse(Blocks.button(posted, ActionIds.LAUNCH).isPresent(), "no Launch before the gates pass");
    String tick = Blocks.buttonValue(posted, ActionIds.TICK, "migrations").orElseThrow();
    await(send(slack.blockAction(ActionIds.TICK, tick, DEPLOYER, DEPLOYS, "0", fake.responseUrl("tick"))));
    // The tick's edit names the message; the sign-off reaction is on that message.
    String ts = await(fake.awaitCall("chat.update", call -> DEPLOYS.equals(call.getString("channel"))
        && Blocks.text(call).contains(version) && Blocks.text(call).contains("Ticked by"))).getString("ts");
    await(send(slack.reactionAdded("Ev" + Math.abs(version.hashCode()), SRE, "white_check_mark", DEPLOYS, ts)));
    JsonObject ready = awaitMessage(ts, text -> true, message -> Blocks.button(message, ActionIds.LAUNCH).isPresent()
        || Blocks.text(message).contains("*Launch is held:*"));
    return new Run(ts, Blocks.button(ready, ActionIds.CANCEL).orElseThrow().getString("value"), ready);
  }

  private void click(String actionId, String value, String user, String ts) throws Exception {
    HttpResponse<Buffer> ack = await(send(slack.blockAction(actionId, value, user, DEPLOYS, ts,
        fake.responseUrl(actionId + user))));
    assertEquals(200, ack.statusCode());
  }

  private JsonObject awaitMessage(String ts, Predicate<String> text) throws Exception {
    return awaitMessage(ts, text, message -> true);
  }

  private JsonObject awaitMessage(String ts, Predicate<String> text, Predicate<JsonObject> message) throws Exception {
    return bot.awaitEdit(null, ts, text, message);
  }

  /** The action ids of the run's own row of buttons (Launch or Unlock, Cancel, Abort, Rollback). */
  private static List<String> runButtons(JsonObject message) {
    return message.getJsonArray("blocks").stream().map(JsonObject.class::cast)
        .filter(block -> ActionIds.RUN_ACTIONS_BLOCK.equals(block.getString("block_id")))
        .flatMap(block -> block.getJsonArray("elements").stream().map(JsonObject.class::cast))
        .map(element -> element.getString("action_id")).toList();
  }

  /** A critical "5xx rate above 5%" alert about api in production, through the generic webhook. */
  private Future<HttpResponse<Buffer>> sendAlert(String token) {
    JsonObject alert = new JsonObject().put("key", "api-5xx").put("status", "firing").put("severity", "critical")
        .put("summary", "5xx rate above 5%").put("service", "api").put("environment", "production");
    return bot.client.post(bot.port(), "127.0.0.1", "/alerts/generic").putHeader("Authorization", "Bearer " + token)
        .sendJsonObject(alert);
  }

  /** Waits until the run's message is recorded as showing the run's stored state. */
  private void awaitShown(String runId) throws Exception {
    String shown = "select coalesce(p.shown_seq, -1) >= greatest(r.state_seq, coalesce(d.state_seq, 0), "
        + "coalesce(w.state_seq, 0)) from runs r left join deployments d on d.run_id = r.id "
        + "left join watches w on w.run_id = r.id left join run_publications p on p.run_id = r.id "
        + "where r.id = '" + runId + "'";
    awaitTrue(shown);
  }

  private void awaitTrue(String query) throws Exception {
    bot.awaitTrue(query);
  }

  private List<JsonObject> editsOf(String ts) {
    return fake.calls("chat.update").stream().filter(call -> ts.equals(call.getString("ts"))).toList();
  }

  /** The lifecycle states the message showed, edit by edit, without repeats. */
  private List<String> statesShown(String ts) {
    List<String> states = new ArrayList<>();
    for (JsonObject edit : editsOf(ts)) {
      String text = Blocks.text(edit);
      for (String state : List.of("Deploying", "Verifying", "Succeeded", "Rolling back", "Rolled back", "Failed")) {
        if (text.contains("*" + state + "*") && (states.isEmpty() || !states.get(states.size() - 1).equals(state))) {
          states.add(state);
        }
      }
    }
    return states;
  }

  private Row one(String sql) throws Exception {
    return bot.one(sql);
  }

  private Future<HttpResponse<Buffer>> send(SlackRequests.Signed request) {
    return bot.send(request);
  }
}
