package dev.preflight.handlers.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.preflight.checklists.config.PreflightConfig;
import dev.preflight.deploy.run.DeployRuns;
import dev.preflight.handlers.ActionIds;
import dev.preflight.handlers.Replies;
import dev.preflight.handlers.Roles;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The deploy commands reached as Slack reaches them: signed requests through the endpoint into
 * Bolt, answers read from the HTTP acknowledgement and from the fake Slack. Only answers that
 * need no {@link DeployRuns} are covered here; there is none in these tests, so a request that
 * slipped past the checks would not be answered with its refusal.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class DeployCommandsOverHttpTest {

  private static final String USER = DeployConfigs.DEPLOYER;
  private static final String CHANNEL = "C0TYPEDIN01";

  private final PreflightConfig config = DeployConfigs.config();
  private SlackHarness harness;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext test) {
    Context loop = vertx.getOrCreateContext();
    DeployRuns deploys = null;
    SlackHarness.start(vertx, setup -> {
      Replies replies = new Replies(setup.slack());
      DeployReplies deployReplies = new DeployReplies(replies, setup.slack());
      Roles roles = new Roles(config, setup.slack(), Clock.systemUTC());
      DeployOpener opener = new DeployOpener(config, deploys, roles, deployReplies, loop);
      setup.app().command(DeployCommand.COMMAND, new DeployCommand(config, opener, setup.slack(), replies, loop));
      setup.app().command(RollbackCommand.COMMAND, new RollbackCommand(config, deploys, roles, deployReplies, loop));
      LockCommand lock = new LockCommand(config, deploys, roles, replies, loop);
      setup.app().command(LockCommand.LOCK, lock);
      setup.app().command(LockCommand.UNLOCK, lock);
      DeploysCommand overview = new DeploysCommand(deploys, replies, Clock.systemUTC(), loop);
      setup.app().command(DeploysCommand.COMMAND, overview);
      setup.app().command(DeploysCommand.STATUS, overview);
    }).onComplete(test.succeeding(started -> {
      harness = started;
      test.completeNow();
    }));
  }

  @AfterEach
  void stop(VertxTestContext test) {
    harness.close().onComplete(test.succeedingThenComplete());
  }

  @Test
  void versionWithShellMetacharactersIsAnsweredInTheAckAndOpensNothing(VertxTestContext test) {
    harness.command("/deploy", "backend v1;reboot to production", USER, CHANNEL)
        .onComplete(test.succeeding(response -> test.verify(() -> {
          assertEquals(200, response.statusCode());
          String text = response.bodyAsJsonObject().getString("text");
          assertTrue(text.startsWith("`v1;reboot` is not a version"), text);
          assertEquals(List.of(), harness.fake.calls("views.open"));
          test.completeNow();
        })));
  }

  @Test
  void commandInjectionAttemptWithSpacesIsRefusedAsExtraWords(VertxTestContext test) {
    harness.command("/deploy", "backend v1;rm -rf / production", USER, CHANNEL)
        .onComplete(test.succeeding(response -> test.verify(() -> {
          String text = response.bodyAsJsonObject().getString("text");
          assertTrue(text.startsWith("That is 5 words after `/deploy`; it takes three"), text);
          test.completeNow();
        })));
  }

  @Test
  void unknownServiceIsAnsweredWithASuggestion(VertxTestContext test) {
    harness.command("/deploy", "bakend v1.4.2 production", USER, CHANNEL)
        .onComplete(test.succeeding(response -> test.verify(() -> {
          assertEquals("There is no service `bakend`. Did you mean `backend`?",
              response.bodyAsJsonObject().getString("text"));
          test.completeNow();
        })));
  }

  @Test
  void deployHelpExplainsEveryDeployCommand(VertxTestContext test) {
    harness.command("/deploy", "help", USER, CHANNEL)
        .onComplete(test.succeeding(response -> test.verify(() -> {
          String text = response.bodyAsJsonObject().getString("text");
          for (String command : List.of("/deploy <service> <version> [to] <environment>", "/rollback", "/lock",
              "/unlock", "/deploys")) {
            assertTrue(text.contains(command), command + " in " + text);
          }
          test.completeNow();
        })));
  }

  @Test
  void deployAloneOpensAModalOfferingOnlyDeployableEnvironments(VertxTestContext test) {
    harness.command("/deploy", "", USER, CHANNEL)
        .compose(response -> {
          test.verify(() -> assertEquals(200, response.statusCode()));
          return harness.fake.awaitCall("views.open");
        })
        .onComplete(test.succeeding(call -> test.verify(() -> {
          assertTrue(call.getString("trigger_id").contains(".T0PREFLIGHT."), call.encode());
          JsonObject view = call.getJsonObject("view");
          assertEquals(ActionIds.DEPLOY_MODAL, view.getString("callback_id"));
          assertEquals(CHANNEL + " " + harness.fake.responseUrl("cmd"), view.getString("private_metadata"),
              "refusals go back where /deploy was typed, through its response_url");
          JsonArray blocks = view.getJsonArray("blocks");
          JsonObject service = block(blocks, ActionIds.DEPLOY_SERVICE_BLOCK);
          assertEquals(ActionIds.DEPLOY_SERVICE_ACTION, service.getJsonObject("element").getString("action_id"));
          assertEquals(List.of("api", "backend"), values(service), "docs has nothing deployable");
          JsonObject environment = block(blocks, ActionIds.DEPLOY_ENVIRONMENT_BLOCK);
          assertEquals(List.of("api/production", "backend/production", "backend/staging"), values(environment));
          assertEquals(List.of("api → production", "backend → production", "backend → staging"),
              labels(environment));
          JsonObject version = block(blocks, ActionIds.DEPLOY_VERSION_BLOCK);
          assertEquals("plain_text_input", version.getJsonObject("element").getString("type"));
          assertEquals(ActionIds.DEPLOY_VERSION_ACTION, version.getJsonObject("element").getString("action_id"));
          test.completeNow();
        })));
  }

  @Test
  void rollbackWithOneWordExplainsItself(VertxTestContext test) {
    harness.command("/rollback", "backend", USER, CHANNEL)
        .onComplete(test.succeeding(response -> test.verify(() -> {
          String text = response.bodyAsJsonObject().getString("text");
          assertTrue(text.startsWith("*/rollback* puts back the last good release"), text);
          // The button itself is plain; only its confirm dialog is red.
          assertTrue(text.contains("• The *Rollback* button on a deploy's message does the same for that deploy, "
              + "once you confirm."), text);
          test.completeNow();
        })));
  }

  @Test
  void rollbackOfAnEnvironmentWithoutTargetIsRefused(VertxTestContext test) {
    harness.command("/rollback", "backend qa", USER, CHANNEL)
        .onComplete(test.succeeding(response -> test.verify(() -> {
          String text = response.bodyAsJsonObject().getString("text");
          assertTrue(text.startsWith("*backend* in *qa* has no deploy target"), text);
          test.completeNow();
        })));
  }

  @Test
  void lockWithoutAReasonAsksForOne(VertxTestContext test) {
    harness.command("/lock", "backend production", USER, CHANNEL)
        .onComplete(test.succeeding(response -> test.verify(() -> {
          String text = response.bodyAsJsonObject().getString("text");
          assertTrue(text.startsWith("Say why, so whoever finds it locked knows"), text);
          test.completeNow();
        })));
  }

  @Test
  void unlockWithAReasonShowsHowToUseIt(VertxTestContext test) {
    harness.command("/unlock", "backend production now please", USER, CHANNEL)
        .onComplete(test.succeeding(response -> test.verify(() -> {
          String text = response.bodyAsJsonObject().getString("text");
          assertTrue(text.contains("`/unlock <service> <environment>`"), text);
          test.completeNow();
        })));
  }

  @Test
  void statusWithArgumentsExplainsItTakesNone(VertxTestContext test) {
    harness.command("/status", "backend", USER, CHANNEL)
        .onComplete(test.succeeding(response -> test.verify(() -> {
          String text = response.bodyAsJsonObject().getString("text");
          assertTrue(text.startsWith("*/status* shows, only to you"), text);
          test.completeNow();
        })));
  }

  private static JsonObject block(JsonArray blocks, String blockId) {
    return blocks.stream().map(JsonObject.class::cast)
        .filter(b -> blockId.equals(b.getString("block_id")))
        .findFirst().orElseThrow(() -> new AssertionError("no block " + blockId + " in " + blocks.encode()));
  }

  private static List<String> values(JsonObject input) {
    return input.getJsonObject("element").getJsonArray("options").stream().map(JsonObject.class::cast)
        .map(o -> o.getString("value")).toList();
  }

  private static List<String> labels(JsonObject input) {
    return input.getJsonObject("element").getJsonArray("options").stream().map(JsonObject.class::cast)
        .map(o -> o.getJsonObject("text").getString("text")).toList();
  }
}
