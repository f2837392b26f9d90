package dev.preflight.bot;

import static dev.preflight.bot.BotInProcess.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.preflight.handlers.ActionIds;
import dev.preflight.handlers.fake.FakeSlack;
import dev.preflight.handlers.fake.SlackRequests;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Files;
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
import org.junit.jupiter.api.io.TempDir;

/**
 * Canary stages from {@code /deploy} in Slack: signed commands and clicks go in; the bot deploys
 * through a command whose script records every call, shifts traffic stage by stage, runs the
 * analysis check against a local endpoint, and edits the run's one message. The test reads the
 * message as a person would and the calls the script saw.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CanaryInSlackTest {

  static final Path CONFIG = Path.of("src/test/resources/e2e-canary/preflight.yaml");
  static final String DEPLOYS = "C0DEPLOYS1";
  static final String DEPLOYER = "U0DEPLOY1";
  static final String VIEWER = "U0VIEWER1";
  /** The canary tests' bot: its token, and a poll quick enough for their stages. */
  static final Map<String, String> SETTINGS = Map.of(
      "SLACK_BOT_TOKEN", "xoxb-e2e-canary-token",
      "PREFLIGHT_POLL_INTERVAL", "400ms");

  @TempDir
  Path dir;
  private final SlackRequests slack = new SlackRequests();
  private BotInProcess bot;
  private FakeSlack fake;
  private HealthTarget health;
  private Path calls;

  @BeforeEach
  void start() throws Exception {
    bot = BotInProcess.create();
    fake = bot.fake;
    health = await(HealthTarget.start(bot.vertx));
    calls = dir.resolve("calls.log");
    bot.start(CONFIG, SETTINGS,
        Map.of("E2E_BASE_URL", health.baseUrl(), "CANARY_SCRIPT", recordingScript(dir, calls).toString()));
  }

  /** A script that appends its arguments, one call a line, to {@code calls}. */
  static Path recordingScript(Path dir, Path calls) throws Exception {
    Path script = dir.resolve("canary.sh");
    Files.writeString(calls, "");
    Files.writeString(script, "echo \"$*\" >> '" + calls + "'\n");
    return script;
  }

  @AfterEach
  void stop() throws Exception {
    bot.close();
  }

  @Test
  void aHealthyCanaryShowsItsStageAndIsPromotedThroughEveryStage() throws Exception {
    String ts = deploy("v2.0.0", "production");

    JsonObject stageTwo = awaitMessage(ts, text -> text.contains("Canary stage 2 of 3") && text.contains("✅"));
    String text = Blocks.text(stageTwo);
    assertTrue(text.matches("(?s).*🐤 \\*Canary stage 2 of 3\\* · 50% of traffic · \\ds of the hold left.*"), text);
    assertTrue(text.matches("(?s).*\\*Analysis\\* \\(\\ds ago\\):\n✅ 5xx rate below 0.5%: 200 in \\d+ ms.*"),
        "the last analysis values: " + text);
    assertEquals(List.of(ActionIds.CANARY_PROMOTE, ActionIds.CANARY_PAUSE, ActionIds.CANARY_ROLLBACK,
        ActionIds.ABORT), Blocks.actionIds(stageTwo));

    awaitMessage(ts, t -> t.contains("*Succeeded*"));
    assertEquals(List.of("deploy v2.0.0", "weight v2.0.0 10", "weight v2.0.0 50", "weight v2.0.0 100",
        "promote v2.0.0"), calls());
    assertTrue(health.hits("/errors") >= 2, "the analysis ran during the holds: " + health.hits("/errors"));
  }

  @Test
  void anAnalysisFailureInStageTwoSendsTrafficBackAndRollsBack() throws Exception {
    String ts = deploy("v2.0.0", "production");
    awaitMessage(ts, text -> text.contains("Canary stage 2 of 3"));
    health.failNext("/errors", 1000);

    JsonObject rolledBack = awaitMessage(ts, text -> text.contains("*Rolled back*"));

    String text = Blocks.text(rolledBack);
    assertTrue(text.contains("Canary stage 2 of 3: 5xx rate below 0.5%: expected 200, got 503"), text);
    assertEquals(List.of("deploy v2.0.0", "weight v2.0.0 10", "weight v2.0.0 50", "abort v2.0.0", "rollback"),
        calls(), "the traffic goes back to the stable version at once, then the target rolls back");
  }

  @Test
  void promotePauseAndResumeAreDeployerClicksThatAreAudited() throws Exception {
    String ts = deploy("v3.0.0", "staging");
    JsonObject holding = awaitMessage(ts, text -> text.contains("Canary stage 1 of 2"));
    String runId = Blocks.button(holding, ActionIds.CANARY_PROMOTE).orElseThrow().getString("value");
    assertTrue(Blocks.text(holding).contains("10% of traffic · 59m"), Blocks.text(holding));

    click(ActionIds.CANARY_PAUSE, runId, DEPLOYER, ts);
    JsonObject paused = awaitMessage(ts, text -> text.contains("⏸️ paused with"));
    assertEquals(List.of(ActionIds.CANARY_PROMOTE, ActionIds.CANARY_RESUME, ActionIds.CANARY_ROLLBACK,
        ActionIds.ABORT), Blocks.actionIds(paused));

    click(ActionIds.CANARY_PROMOTE, runId, VIEWER, ts);
    JsonObject refused = await(fake.awaitResponse(ActionIds.CANARY_PROMOTE + VIEWER, answer -> true));
    assertTrue(refused.getString("text").contains("deployer"), refused.encode());

    click(ActionIds.CANARY_RESUME, runId, DEPLOYER, ts);
    awaitAudited("canary.resumed");
    click(ActionIds.CANARY_PROMOTE, runId, DEPLOYER, ts);
    awaitMessage(ts, text -> text.contains("*Succeeded*"));

    assertEquals(List.of("deploy v3.0.0", "weight v3.0.0 10", "weight v3.0.0 100", "promote v3.0.0"), calls());
    List<String> audited = new ArrayList<>();
    await(bot.db.query("select action, actor from audit_log where action in ('canary.paused', 'canary.resumed', "
        + "'canary.promoted') order by id").execute())
        .forEach(row -> audited.add(row.getString("action") + " by " + row.getString("actor")));
    assertEquals(List.of("canary.paused by " + DEPLOYER, "canary.resumed by " + DEPLOYER,
        "canary.promoted by " + DEPLOYER), audited, "the viewer's refused click changed nothing");
  }

  /** /deploy of the version; the environment launches by itself. Answers the version, which names the run's message. */
  private String deploy(String version, String environment) throws Exception {
    bot.postedAfter(slack.slashCommand("/deploy", "api " + version + " to " + environment, DEPLOYER, DEPLOYS,
        fake.responseUrl("deploy-" + version)), DEPLOYS, version);
    return version;
  }

  /** Reads the audit log every 50 ms until it holds {@code action}. */
  private void awaitAudited(String action) throws Exception {
    bot.awaitTrue("select count(*) > 0 from audit_log where action = '" + action + "'");
  }

  private List<String> calls() throws Exception {
    return Files.readAllLines(calls).stream().map(String::strip).toList();
  }

  private void click(String actionId, String value, String user, String ts) throws Exception {
    HttpResponse<Buffer> ack = await(send(slack.blockAction(actionId, value, user, DEPLOYS, messageTs(ts),
        fake.responseUrl(actionId + user))));
    assertEquals(200, ack.statusCode());
  }

  /** The first edit of the run's message (the one naming {@code version}) whose text passes. */
  private JsonObject awaitMessage(String version, Predicate<String> text) throws Exception {
    return bot.awaitEdit(DEPLOYS, null, t -> t.contains(version) && text.test(t), message -> true);
  }

  /** The ts of the message that names {@code version}. */
  private String messageTs(String version) {
    return fake.messages(DEPLOYS).stream().filter(m -> Blocks.text(m).contains(version)).findFirst().orElseThrow()
        .getString("ts");
  }

  private Future<HttpResponse<Buffer>> send(SlackRequests.Signed request) {
    return bot.send(request);
  }
}
