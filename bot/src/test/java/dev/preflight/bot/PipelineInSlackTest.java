package dev.preflight.bot;

import static dev.preflight.bot.BotInProcess.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.preflight.deploy.fake.FakeEcs;
import dev.preflight.handlers.ActionIds;
import dev.preflight.handlers.fake.FakeSlack;
import dev.preflight.handlers.fake.SlackRequests;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seed 002's procedure end to end over signed Slack requests: a backup step before the deploy,
 * the migration as a one-off ECS task after it, and a rollback that restores the backup only
 * when the migration failed. The steps' lines in the run's message, their notes in its thread,
 * the calls ECS saw and the commands that ran come out.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PipelineInSlackTest {

  static final Path CONFIG = Path.of("src/test/resources/e2e-pipeline/preflight.yaml");
  static final String DEPLOYS = DeployInSlackTest.DEPLOYS;
  static final String DEPLOYER = DeployInSlackTest.DEPLOYER;

  @TempDir
  Path dir;

  private final SlackRequests slack = new SlackRequests();
  private BotInProcess bot;
  private FakeSlack fake;
  private FakeEcs ecs;
  private Path stepsLog;

  @BeforeEach
  void start() throws Exception {
    BotInProcess.fakeAwsCredentials();
    bot = BotInProcess.create();
    fake = bot.fake;
    ecs = await(FakeEcs.start(bot.vertx));
    seed(ecs);
    stepsLog = dir.resolve("steps.log");
    Files.writeString(stepsLog, "");
    bot.start(CONFIG, Map.of(
        "SLACK_BOT_TOKEN", "xoxb-e2e-pipeline-token",
        "AWS_ENDPOINT_URL", ecs.endpoint().toString(),
        "PREFLIGHT_POLL_INTERVAL", "200ms"), Map.of("STEPS_LOG", stepsLog.toString()));
  }

  @AfterEach
  void stop() throws Exception {
    bot.close();
  }

  @Test
  void aFailedMigrationRollsBackAndRestoresTheBackup() throws Exception {
    ecs.tasks(Duration.ofMillis(600), 3);
    Run run = openReadyRun("v2.0.0");
    click(ActionIds.LAUNCH, run.runId, run.ts);
    JsonObject done = awaitMessage(run.ts, text -> text.contains("*Rolled back*")
        && text.contains("rollback step restore* passed"));

    String text = Blocks.text(done);
    assertTrue(text.contains("✅ *step backup* passed: sh exited with code 0"), text);
    assertTrue(text.matches("(?s).*❌ \\*step migration\\* failed: Task \\w+: app exited 3 after [^\\n]*"
        + " · <https://us-east-1\\.console\\.aws\\.amazon\\.com/cloudwatch/home\\?region=us-east-1"
        + "#logsV2:log-groups/log-group/\\$252Fecs\\$252Fmigrate/log-events/ecs\\$252Fapp\\$252F\\w+\\|logs>.*"), text);
    assertTrue(text.contains("✅ *rollback step restore* passed: sh exited with code 0"), text);
    // The backup ran before the deploy, the restore after its rollback; each once.
    assertEquals(List.of("backup v2.0.0", "restore v2.0.0"), Files.readAllLines(stepsLog));
    List<FakeEcs.RunTaskCall> tasks = ecs.runTaskCalls();
    assertEquals(1, tasks.size());
    assertEquals(new JsonArray().add("alembic").add("upgrade").add("head"), tasks.get(0).command());
    List<FakeEcs.UpdateServiceCall> updates = ecs.updateServiceCalls();
    assertEquals(2, updates.size(), "the deploy, then its rollback");
    JsonObject note = await(fake.awaitCall("chat.postMessage", call -> run.ts.equals(call.getString("thread_ts"))
        && call.getString("text", "").startsWith("Step migration failed")));
    assertTrue(note.getString("text").contains("app exited 3"), note.encode());
    JsonObject backupNote = await(fake.awaitCall("chat.postMessage", call -> run.ts.equals(call.getString("thread_ts"))
        && call.getString("text", "").startsWith("Step backup passed")));
    assertTrue(backupNote.getString("text").contains("backup of v2.0.0 done"), backupNote.encode());
    assertEquals("ROLLED_BACK", bot.one("select status from runs").getString("status"));
    // The report in the thread lists the steps with their outcomes.
    await(fake.awaitCall("files.completeUploadExternal", call -> run.ts.equals(call.getString("thread_ts"))));
    String report = new String(fake.filesInThread(DEPLOYS, run.ts).get(0).bytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(report.contains("- Step backup (before): **PASSED** sh exited with code 0"), report);
    assertTrue(report.matches("(?s).*- Step migration \\(after\\): \\*\\*FAILED\\*\\* Task \\w+: app exited 3.*"), report);
    assertTrue(report.contains("- Step restore (after): **PASSED** sh exited with code 0"), report);
  }

  @Test
  void aFailedBackupStopsTheRunWithNothingDeployed() throws Exception {
    Run run = openReadyRun("v6.6.6");
    click(ActionIds.LAUNCH, run.runId, run.ts);
    JsonObject done = awaitMessage(run.ts, text -> text.contains("*Failed*"));

    String text = Blocks.text(done);
    assertTrue(text.contains("❌ *step backup* failed: sh exited with code 2"), text);
    assertEquals(List.of(), ecs.updateServiceCalls(), "nothing was deployed");
    assertEquals(List.of(), ecs.runTaskCalls(), "no step after the deploy ran");
    assertEquals(List.of("backup v6.6.6"), Files.readAllLines(stepsLog), "and no rollback step either");
    JsonObject note = await(fake.awaitCall("chat.postMessage", call -> run.ts.equals(call.getString("thread_ts"))
        && call.getString("text", "").startsWith("Step backup failed")));
    assertTrue(note.getString("text").contains("pg_dump: connection refused"), note.encode());
    assertEquals("FAILED", bot.one("select status from runs").getString("status"));
    // Nothing was deployed, so the failed run offers no Rollback, and a click from an older copy is refused.
    assertEquals(Optional.empty(), Blocks.button(done, ActionIds.ROLLBACK));
    click(ActionIds.ROLLBACK, run.runId, run.ts);
    JsonObject refused = await(fake.awaitResponse(ActionIds.ROLLBACK, answer -> true));
    assertEquals("This run stopped in a step before the deploy of *api* in *production* started, so nothing was "
        + "deployed and there is nothing to roll back.", refused.getString("text"), refused.encode());
    assertEquals("FAILED", bot.one("select status from runs").getString("status"));
    assertEquals(List.of(), ecs.updateServiceCalls(), "still nothing deployed");
  }

  @Test
  void afterARunThatDeployedNothingRollbackActsOnTheRunBeforeIt() throws Exception {
    ecs.tasks(Duration.ofMillis(300), 0);
    String before = ecs.serviceTaskDefinition(DeployInSlackTest.CLUSTER, "api");
    Run good = openReadyRun("v2.1.0");
    click(ActionIds.LAUNCH, good.runId, good.ts);
    awaitMessage(good.ts, text -> text.contains("*Succeeded*"));
    Run bad = openReadyRun("v6.6.6");
    click(ActionIds.LAUNCH, bad.runId, bad.ts);
    awaitMessage(bad.ts, text -> text.contains("*Failed*"));
    assertEquals(1, ecs.updateServiceCalls().size(), "the failed backup deployed nothing");

    // v2.1.0 is still what production runs: /rollback rolls its run back, not the one that changed nothing.
    HttpResponse<Buffer> ack = await(send(slack.slashCommand("/rollback", "api production", DEPLOYER, DEPLOYS,
        fake.responseUrl("rollback-cmd"))));
    assertEquals(200, ack.statusCode());
    JsonObject rolledBack = awaitMessage(good.ts, text -> text.contains("*Rolled back*"));
    assertTrue(Blocks.text(rolledBack).contains("↩️ Rollback asked for by <@" + DEPLOYER + ">"),
        Blocks.text(rolledBack));
    List<FakeEcs.UpdateServiceCall> updates = ecs.updateServiceCalls();
    assertEquals(2, updates.size(), "the deploy of v2.1.0, then its rollback: " + updates);
    assertEquals(before, updates.get(1).taskDefinition(), "back on the task definition before v2.1.0");
    assertEquals("ROLLED_BACK,FAILED", bot.one("select string_agg(status, ',' order by started_at) as s from runs "
        + "where kind = 'deploy'").getString("s"));
  }

  @Test
  void aRunbookRunsAPipelineKindThroughTheBotsOneRegistry() throws Exception {
    ecs.tasks(Duration.ofMillis(300), 0);
    HttpResponse<Buffer> ack = await(send(slack.slashCommand("/run", "migrate-by-hand", DEPLOYER, DEPLOYS,
        fake.responseUrl("run-migrate"))));
    assertEquals("Starting *Run the migrations by hand*. Its message follows in this channel.",
        ack.bodyAsJsonObject().getString("text"));
    JsonObject done = await(fake.awaitCall("chat.update", call -> call.getString("text", "").contains("*Succeeded*")));
    assertTrue(done.getString("text").contains(":white_check_mark: 1. Migrate "), done.getString("text"));
    // The step's name "Migrate {date}" shows with the day filled in, as config.md says names may.
    assertTrue(done.getString("text").matches("(?s).*1\\. Migrate 20\\d{6}\\b.*"), done.getString("text"));
    assertEquals(1, ecs.runTaskCalls().size());
    assertEquals(new JsonArray().add("alembic").add("upgrade").add("head"), ecs.runTaskCalls().get(0).command());
    assertEquals(List.of(), ecs.updateServiceCalls(), "a runbook deploys nothing");
  }

  @Test
  void aPassingPipelineEndsSucceededWithEveryStepPassed() throws Exception {
    ecs.tasks(Duration.ofMillis(300), 0);
    Run run = openReadyRun("v2.1.0");
    click(ActionIds.LAUNCH, run.runId, run.ts);
    JsonObject done = awaitMessage(run.ts, text -> text.contains("*Succeeded*"));
    String text = Blocks.text(done);
    assertTrue(text.contains("✅ *step backup* passed"), text);
    assertTrue(text.contains("✅ *step migration* passed: Task "), text);
    assertEquals(1, ecs.updateServiceCalls().size());
    assertEquals(List.of("backup v2.1.0"), Files.readAllLines(stepsLog), "the restore runs only after a failed migration");
  }

  /** The api service on ECS, and the migrate task definition whose app container logs with awslogs. */
  static void seed(FakeEcs ecs) {
    ecs.cluster(DeployInSlackTest.CLUSTER);
    String first = ecs.registerTaskDefinition("api", Map.of("app", DeployInSlackTest.FIRST_IMAGE));
    ecs.service(DeployInSlackTest.CLUSTER, "api", first, 2);
    ecs.registerTaskDefinition(new JsonObject().put("family", "migrate").put("networkMode", "awsvpc")
        .put("containerDefinitions", new JsonArray().add(new JsonObject().put("name", "app")
            .put("image", DeployInSlackTest.FIRST_IMAGE).put("essential", true)
            .put("logConfiguration", new JsonObject().put("logDriver", "awslogs").put("options", new JsonObject()
                .put("awslogs-group", "/ecs/migrate").put("awslogs-region", "us-east-1")
                .put("awslogs-stream-prefix", "ecs"))))));
  }

  private record Run(String ts, String runId) {}

  /** /deploy, the blocker ticked and the sign-off given: the run's message offers Launch. */
  private Run openReadyRun(String version) throws Exception {
    await(send(slack.slashCommand("/deploy", "api " + version + " to production", DEPLOYER,
        DeployInSlackTest.TYPED_IN, fake.responseUrl("deploy-" + version))));
    JsonObject posted = await(fake.awaitCall("chat.postMessage",
        call -> DEPLOYS.equals(call.getString("channel")) && Blocks.text(call).contains(version)));
    String tick = Blocks.buttonValue(posted, ActionIds.TICK, "migrations").orElseThrow();
    await(send(slack.blockAction(ActionIds.TICK, tick, DEPLOYER, DEPLOYS, "0", fake.responseUrl("tick"))));
    // This run's message: an earlier run's in the same channel was ticked too.
    String ts = await(fake.awaitCall("chat.update", call -> DEPLOYS.equals(call.getString("channel"))
        && Blocks.text(call).contains("Ticked by") && Blocks.text(call).contains(version))).getString("ts");
    await(send(slack.reactionAdded("Ev" + Math.abs(version.hashCode()), DeployInSlackTest.SRE, "white_check_mark",
        DEPLOYS, ts)));
    JsonObject ready = awaitMessage(ts, text -> true, message -> Blocks.button(message, ActionIds.LAUNCH).isPresent());
    return new Run(ts, Blocks.button(ready, ActionIds.LAUNCH).orElseThrow().getString("value"));
  }

  private void click(String actionId, String value, String ts) throws Exception {
    HttpResponse<Buffer> ack = await(send(slack.blockAction(actionId, value, DEPLOYER, DEPLOYS, ts,
        fake.responseUrl(actionId))));
    assertEquals(200, ack.statusCode());
  }

  private JsonObject awaitMessage(String ts, Predicate<String> text) throws Exception {
    return awaitMessage(ts, text, message -> true);
  }

  private JsonObject awaitMessage(String ts, Predicate<String> text, Predicate<JsonObject> message) throws Exception {
    return bot.awaitEdit(null, ts, text, message);
  }

  private Future<HttpResponse<Buffer>> send(SlackRequests.Signed request) {
    return bot.send(request);
  }
}
