package dev.preflight.handlers.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.preflight.checklists.checklist.Checklist;
import dev.preflight.checklists.run.ChecklistRun;
import dev.preflight.checklists.run.Refusal;
import dev.preflight.checklists.run.RunRuleException;
import dev.preflight.checklists.run.RunStatus;
import dev.preflight.deploy.run.ActiveRunException;
import dev.preflight.deploy.run.TrackedRun;
import dev.preflight.handlers.Replies;
import dev.preflight.handlers.fake.FakeSlack;
import dev.preflight.handlers.slack.SlackApi;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A deploy refused because another is active points the person at that run. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class DeployRepliesTest {

  private static final String USER = "U0BOB";
  private static final String TYPED_IN = "C0TYPEDIN01";
  private static final Refusal REFUSAL = Refusal.activeRun("backend", "production", "r-active", "v2.1.0",
      RunStatus.DEPLOYING);
  /** The refusal as the person reads it: names in bold, the version and status in brackets. */
  private static final String SAID = "*backend* in *production* already has an active run (v2.1.0, deploying). "
      + "Finish or cancel it before opening another.";

  private FakeSlack fake;
  private DeployReplies replies;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext test) {
    FakeSlack.start(vertx).onComplete(test.succeeding(started -> {
      fake = started;
      SlackApi slack = new SlackApi(vertx, SlackApi.slack(fake.url()), "xoxb-replies-test");
      replies = new DeployReplies(new Replies(slack), slack);
      test.completeNow();
    }));
  }

  @AfterEach
  void stop(VertxTestContext test) {
    fake.close().onComplete(test.succeedingThenComplete());
  }

  @Test
  void activeRunWithAMessageIsLinked(VertxTestContext test) {
    TrackedRun active = run(DeployConfigs.DEPLOYS_CHANNEL, "1700000000.000300");

    replies.explain(TYPED_IN, USER, new ActiveRunException(active, REFUSAL))
        .compose(v -> fake.awaitCall("chat.postEphemeral"))
        .onComplete(test.succeeding(call -> test.verify(() -> {
          assertEquals(TYPED_IN, call.getString("channel"));
          assertEquals(USER, call.getString("user"));
          assertEquals(SAID + " <https://fake.slack/archives/" + DeployConfigs.DEPLOYS_CHANNEL
              + "/p1700000000000300|Open the active run>.", call.getString("text"));
          JsonObject asked = fake.calls("chat.getPermalink").get(0);
          assertEquals("1700000000.000300", asked.getString("message_ts"));
          test.completeNow();
        })));
  }

  @Test
  void activeRunWithoutAMessageYetIsNamedByItsChannelNotItsId(VertxTestContext test) {
    replies.explain(TYPED_IN, USER, new ActiveRunException(run(DeployConfigs.DEPLOYS_CHANNEL, null), REFUSAL))
        .compose(v -> fake.awaitCall("chat.postEphemeral"))
        .onComplete(test.succeeding(call -> test.verify(() -> {
          assertEquals(SAID + " Its message in <#" + DeployConfigs.DEPLOYS_CHANNEL
              + "> is on its way.", call.getString("text"));
          assertEquals(0, fake.calls("chat.getPermalink").size());
          test.completeNow();
        })));
  }

  @Test
  void activeRunWhoseLinkCannotBeHadIsNamedByChannel(VertxTestContext test) {
    fake.failNext("chat.getPermalink", "message_not_found");

    replies.explain(TYPED_IN, USER, new ActiveRunException(run(DeployConfigs.DEPLOYS_CHANNEL, "1700000000.000300"),
            REFUSAL))
        .compose(v -> fake.awaitCall("chat.postEphemeral"))
        .onComplete(test.succeeding(call -> test.verify(() -> {
          assertEquals(SAID + " It is in <#" + DeployConfigs.DEPLOYS_CHANNEL + ">.", call.getString("text"));
          assertFalse(call.getString("text").contains("r-active"), "a run's id means nothing to a reader");
          test.completeNow();
        })));
  }

  @Test
  void otherRefusalsAreToldAsTheyAre(VertxTestContext test) {
    replies.explain(TYPED_IN, USER, new RunRuleException("Deploying needs the *deployer* role."))
        .compose(v -> fake.awaitCall("chat.postEphemeral"))
        .onComplete(test.succeeding(call -> test.verify(() -> {
          assertEquals("Deploying needs the *deployer* role.", call.getString("text"));
          test.completeNow();
        })));
  }

  private static TrackedRun run(String channel, String ts) {
    Checklist checklist = DeployConfigs.config().checklist("release").orElseThrow();
    ChecklistRun run = ChecklistRun.start("r-active", checklist, "U0ALICE", Instant.parse("2024-05-01T14:00:00Z"));
    return new TrackedRun(run, channel, ts);
  }
}
