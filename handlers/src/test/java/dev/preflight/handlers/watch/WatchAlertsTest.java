package dev.preflight.handlers.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.preflight.checklists.checklist.Checklist;
import dev.preflight.checklists.checklist.Item;
import dev.preflight.checklists.checklist.Section;
import dev.preflight.checklists.checklist.SignOffRule;
import dev.preflight.checklists.config.PreflightConfig;
import dev.preflight.checklists.config.Role;
import dev.preflight.checklists.config.Service;
import dev.preflight.checklists.deploy.AbortRule;
import dev.preflight.checklists.deploy.Deployment;
import dev.preflight.checklists.deploy.Release;
import dev.preflight.checklists.deploy.Target;
import dev.preflight.checklists.deploy.Verification;
import dev.preflight.checklists.deploy.VerifyResult;
import dev.preflight.checklists.deploy.Watch;
import dev.preflight.checklists.run.ChecklistRun;
import dev.preflight.checklists.run.Evidence;
import dev.preflight.checklists.run.RunRuleException;
import dev.preflight.checklists.run.RunStatus;
import dev.preflight.deploy.run.Origin;
import dev.preflight.deploy.run.TrackedRun;
import dev.preflight.deploy.watch.WatchEvents;
import dev.preflight.deploy.watch.WatchFailure;
import dev.preflight.deploy.watch.WatchRecovery;
import dev.preflight.deploy.watch.WatchState;
import dev.preflight.handlers.Roles;
import dev.preflight.handlers.command.SlackHarness;
import dev.preflight.handlers.render.Mrkdwn;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The Slack side of the post-deploy watch, against the fake Slack: a failure (built by hand, as
 * the watch would announce it) becomes an alert with a Rollback button in the alert channel and
 * a note in the run's thread; the recovery after it answers in the alert's thread; the button
 * rolls back the watched run with the clicker's roles.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class WatchAlertsTest {

  private static final String RUN_ID = "5b6c1d2e-3f40-4a51-8b62-7c8d9e0f1a2b";

  private static final String DEPLOYER = "U0DEPLOYER";
  private static final String DEPLOYS = "C0DEPLOYS01";
  private static final String ALERTS = "C0ALERTS001";
  private static final Instant AT = Instant.parse("2024-05-01T15:05:00Z");

  private final PreflightConfig config = config();
  private final AtomicReference<Consumer<WatchFailure>> listener = new AtomicReference<>();
  private final AtomicReference<Consumer<WatchRecovery>> recoveries = new AtomicReference<>();
  private final List<List<String>> alertsKept = new CopyOnWriteArrayList<>();
  private final AtomicReference<Rolled> rolled = new AtomicReference<>();
  private SlackHarness harness;

  private record Rolled(String runId, Set<String> roles, Origin origin) {}

  @BeforeEach
  void start(Vertx vertx, VertxTestContext test) {
    SlackHarness.start(vertx, setup -> {
      WatchAlerts alerts = new WatchAlerts(config, setup.slack(), new Roles(config, setup.slack(), Clock.systemUTC()),
          this::rollback, new WatchEvents() {
            @Override
            public void onFailure(Consumer<WatchFailure> failures) {
              listener.set(failures);
            }

            @Override
            public void onRecovery(Consumer<WatchRecovery> recovered) {
              recoveries.set(recovered);
            }

            @Override
            public Future<Void> alertPosted(String runId, String channel, String ts) {
              alertsKept.add(List.of(runId, channel, ts));
              return Future.succeededFuture();
            }
          }, vertx.getOrCreateContext());
      alerts.register(setup.app());
      alerts.start();
    }).onComplete(test.succeeding(started -> {
      harness = started;
      test.completeNow();
    }));
  }

  @AfterEach
  void stop(VertxTestContext test) {
    harness.close().onComplete(test.succeedingThenComplete());
  }

  /** Stands in for DeployRuns.rollback: records the call; refuses, as DeployRules would, without the role. */
  private Future<TrackedRun> rollback(String runId, Set<String> roles, Origin origin) {
    if (!roles.contains("deployer")) {
      return Future.failedFuture(new RunRuleException("Rolling back backend in production needs the *deployer* role."));
    }
    rolled.set(new Rolled(runId, roles, origin));
    return Future.succeededFuture(run("1700000000.000100"));
  }

  /** The run's message, the alert a failure posted and the note in the run's thread. */
  private record Posted(String runTs, JsonObject alert, JsonObject note) {}

  private Future<Posted> fail() {
    return harness.slack.postMessage(DEPLOYS, "backend v1.5.0 to production", List.of()).compose(runTs -> {
      listener.get().accept(failure(run(runTs)));
      return harness.fake.awaitCall("chat.postMessage", p -> ALERTS.equals(p.getString("channel")))
          .compose(alert -> harness.fake.awaitCall("chat.postMessage", p -> runTs.equals(p.getString("thread_ts")))
              .map(note -> new Posted(runTs, alert, note)));
    });
  }

  @Test
  void aFailureIsPostedToTheAlertChannelWithARollbackButtonAndMarksTheRunsThread(VertxTestContext test) {
    fail().onComplete(test.succeeding(posted -> test.verify(() -> {
      String runTs = posted.runTs();
      JsonObject alert = posted.alert();
      JsonObject note = posted.note();
      assertEquals("Watch of backend v1.5.0 in production failed", alert.getString("text"));
      String shown = alert.getJsonArray("blocks").encode();
      assertTrue(shown.contains("Health: expected 200, got 503"), shown);
      assertFalse(shown.contains("Version check"), "a check that passed is not listed: " + shown);
      assertTrue(shown.contains("https://fake.slack/archives/" + DEPLOYS + "/p" + runTs.replace(".", "")),
          "links the run's message: " + shown);
      assertTrue(shown.contains("v1.5.0 shipped 30m before this failed"), shown);

      JsonObject button = button(alert.getJsonArray("blocks"));
      assertEquals(WatchAlerts.WATCH_ROLLBACK, button.getString("action_id"));
      assertEquals(RUN_ID, button.getString("value"));
      assertNull(button.getString("style"), "the button on the alert is not red: " + button);
      assertNotNull(button.getJsonObject("confirm"), "the rollback asks first");
      assertEquals("danger", button.getJsonObject("confirm").getString("style"), "the red is kept for the confirm");
      assertTrue(button.getJsonObject("confirm").encode().contains("back to v1.4.9"));

      assertTrue(note.getString("text").startsWith("⚠️ Post-deploy watch failed at <!date^"
          + AT.getEpochSecond()), note.getString("text"));
      assertTrue(note.getString("text").contains("Health: expected 200, got 503"));
      assertEquals(DEPLOYS, note.getString("channel"));
      test.completeNow();
    })));
  }

  @Test
  void theRecoveryAnswersInTheStreaksAlertThreadAndInTheRunsThread(VertxTestContext test) {
    fail().map(Posted::runTs)
        .compose(runTs -> {
          String alertTs = harness.fake.messages(ALERTS).get(0).getString("ts");
          test.verify(() -> assertEquals(List.of(List.of(RUN_ID, ALERTS, alertTs)), alertsKept,
              "the alert's place is kept for its recovery"));
          recoveries.get().accept(new WatchRecovery(run(runTs), watch(ALERTS, alertTs), 3));
          return harness.fake.awaitCall("chat.postMessage", p -> alertTs.equals(p.getString("thread_ts")))
              .compose(resolved -> harness.fake.awaitCall("chat.postMessage",
                      p -> runTs.equals(p.getString("thread_ts")) && p.getString("text").startsWith("✅"))
                  .map(note -> List.of(resolved, note)));
        })
        .onComplete(test.succeeding(both -> test.verify(() -> {
          JsonObject resolved = both.get(0);
          assertEquals(ALERTS, resolved.getString("channel"));
          assertEquals("✅ Recovered: the watch of backend v1.5.0 in production passes again since "
              + Mrkdwn.date(RECOVERED) + ", after 3 failing rounds.", resolved.getString("text"));
          assertTrue(both.get(1).getString("text").startsWith("✅ Post-deploy watch passes again since <!date^"
              + RECOVERED.getEpochSecond()), both.get(1).getString("text"));
          assertEquals(1, harness.fake.messages(ALERTS).size(), "one alert for the streak, answered in its thread");
          test.completeNow();
        })));
  }

  @Test
  void aRecoveryWhoseAlertWasNeverPostedIsPostedInTheAlertChannel(VertxTestContext test) {
    recoveries.get().accept(new WatchRecovery(run(null), watch(null, null), 1));
    harness.fake.awaitCall("chat.postMessage", p -> ALERTS.equals(p.getString("channel")))
        .onComplete(test.succeeding(posted -> test.verify(() -> {
          assertEquals("Watch of backend v1.5.0 in production recovered", posted.getString("text"));
          assertEquals(null, posted.getString("thread_ts"));
          assertTrue(posted.getJsonArray("blocks").encode().contains("after 1 failing round."),
              posted.getJsonArray("blocks").encode());
          test.completeNow();
        })));
  }

  @Test
  void theRollbackButtonRollsBackTheWatchedRunWithTheClickersRoles(VertxTestContext test) {
    String alertTs = "1700000100.000200";
    harness.send(harness.requests.blockAction(WatchAlerts.WATCH_ROLLBACK, RUN_ID, DEPLOYER, ALERTS, alertTs,
            harness.fake.responseUrl("click")))
        .compose(response -> {
          test.verify(() -> assertEquals(200, response.statusCode()));
          return harness.fake.awaitCall("chat.postMessage", p -> alertTs.equals(p.getString("thread_ts")));
        })
        .onComplete(test.succeeding(reply -> test.verify(() -> {
          Rolled call = rolled.get();
          assertEquals(RUN_ID, call.runId());
          assertEquals(Set.of("deployer"), call.roles());
          assertEquals(new Origin(DEPLOYER, "button:" + WatchAlerts.WATCH_ROLLBACK), call.origin());
          assertEquals("Rollback of v1.5.0 started by <@" + DEPLOYER + ">; the deploy's message follows it.",
              reply.getString("text"));
          test.completeNow();
        })));
  }

  @Test
  void aRefusedRollbackIsExplainedPrivatelyAndNothingIsRolledBack(VertxTestContext test) {
    harness.send(harness.requests.blockAction(WatchAlerts.WATCH_ROLLBACK, RUN_ID, "U0SOMEONE", ALERTS,
            "1700000100.000200", harness.fake.responseUrl("click")))
        .compose(response -> harness.fake.awaitResponse("click", answer -> true))
        .onComplete(test.succeeding(call -> test.verify(() -> {
          assertEquals("ephemeral", call.getString("response_type"), "through the click's response_url");
          assertEquals(false, call.getBoolean("replace_original"), "the alert stays as it is");
          assertTrue(call.getString("text").contains("needs the *deployer* role"), call.getString("text"));
          assertEquals(null, rolled.get());
          test.completeNow();
        })));
  }

  @Test
  void aRollbackButtonNamingNoRunIsAnsweredWithoutALookupOrARollback(VertxTestContext test) {
    String forged = "x".repeat(500) + "'; drop table runs; --";
    harness.send(harness.requests.blockAction(WatchAlerts.WATCH_ROLLBACK, forged, DEPLOYER, ALERTS,
            "1700000100.000200", harness.fake.responseUrl("click")))
        .compose(response -> harness.fake.awaitResponse("click", answer -> true))
        .onComplete(test.succeeding(call -> test.verify(() -> {
          String text = call.getString("text");
          assertTrue(text.startsWith("There is no run `xxxx"), text);
          assertTrue(text.length() < 200, "the answer echoes at most a short cut of the value: " + text.length());
          assertEquals(null, rolled.get());
          test.completeNow();
        })));
  }

  // Fixtures

  private static PreflightConfig config() {
    Checklist release = new Checklist("release", "Release", "release.yaml", "deploys",
        List.of(new Section("Before", List.of(new Item("backup", "Backup taken", true, null)))),
        SignOffRule.NONE, List.of());
    Target command = new Target.Command(List.of("./deploy.sh", "deploy", "{version}"),
        List.of("./deploy.sh", "rollback", "{version}"), Map.of(), null, Duration.ofMinutes(5));
    Service.Environment production = new Service.Environment("production", "release", "deploys",
        List.of("deployer"), false, command, Verification.NONE, AbortRule.DEFAULT, "alerts",
        new Watch(Duration.ofMinutes(5), Duration.ofHours(4)));
    return new PreflightConfig("preflight.yaml", PreflightConfig.DEFAULT_SIGN_OFF_REACTION,
        Map.of("deployer", new Role("deployer", List.of(DEPLOYER), List.of())),
        Map.of("deploys", DEPLOYS, "alerts", ALERTS),
        Map.of("backend", new Service("backend", Map.of("production", production))),
        Map.of("release", release));
  }

  private static TrackedRun run(String messageTs) {
    Checklist checklist = config().checklist("release").orElseThrow();
    ChecklistRun run = ChecklistRun.start(RUN_ID, checklist, DEPLOYER, AT.minusSeconds(3600))
        .withStatus(RunStatus.SUCCEEDED);
    Release previous = new Release("backend", "production", "v1.4.9", null, "r-0", DEPLOYER,
        AT.minusSeconds(86400), Release.DEPLOY);
    Deployment deployment = Deployment.requested("backend", "production", "v1.5.0")
        .launched(DEPLOYER, AT.minusSeconds(1800), previous)
        .finished(AT.minusSeconds(1500));
    return new TrackedRun(run, DEPLOYS, messageTs, deployment);
  }

  private static WatchFailure failure(TrackedRun run) {
    VerifyResult health = new VerifyResult("health", "Health", Verification.Kind.HEALTH,
        new Evidence(false, "expected 200, got 503", 503, 12L, "database unreachable", "expected 200", 1), List.of());
    VerifyResult version = new VerifyResult("version", "Version check", Verification.Kind.HEALTH,
        new Evidence(true, "200 OK", 200, 8L, null, null, 1), List.of());
    return new WatchFailure(run, List.of(health, version), AT);
  }

  private static final Instant RECOVERED = Instant.parse("2024-05-01T15:20:00Z");

  /** The watch after its first passing round since the streak. */
  private static WatchState watch(String alertChannel, String alertTs) {
    return new WatchState(RUN_ID, "backend", "production", "v1.5.0", Duration.ofMinutes(5), AT.plusSeconds(3 * 3600),
        RECOVERED.plusSeconds(300), 5, RECOVERED, 0, AT, null, null, RECOVERED, true, 3, alertChannel, alertTs);
  }

  private static JsonObject button(JsonArray blocks) {
    for (int i = 0; i < blocks.size(); i++) {
      JsonObject block = blocks.getJsonObject(i);
      if (WatchAlerts.WATCH_ACTIONS_BLOCK.equals(block.getString("block_id"))) {
        return block.getJsonArray("elements").getJsonObject(0);
      }
    }
    throw new AssertionError("no actions block in " + blocks.encode());
  }
}
