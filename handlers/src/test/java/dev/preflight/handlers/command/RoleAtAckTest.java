package dev.preflight.handlers.command;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.preflight.checklists.config.PreflightConfig;
import dev.preflight.checklists.config.Role;
import dev.preflight.deploy.run.DeployRuns;
import dev.preflight.handlers.Replies;
import dev.preflight.handlers.Roles;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code /deploy} and {@code /rollback} when the deployer role is a Slack user group: once the
 * group's members are known (read in the background), the ack itself refuses a non-member or
 * promises the action to a member; before that, it says the role is being checked.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class RoleAtAckTest {

  private static final String GROUP = "S0DEPLOYERS";
  private static final String MEMBER = DeployConfigs.DEPLOYER;
  private static final String OUTSIDER = "U0OUTSIDER";
  private static final String CHANNEL = "C0TYPEDIN01";

  private SlackHarness harness;
  private Roles roles;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext test) {
    PreflightConfig plain = DeployConfigs.config();
    PreflightConfig config = new PreflightConfig(plain.source(), plain.signOffReaction(),
        Map.of("deployer", new Role("deployer", List.of(), List.of(GROUP))), plain.channels(), plain.services(),
        plain.checklists());
    Context loop = vertx.getOrCreateContext();
    // No run is ever opened here: every ack below is decided before DeployRuns is asked.
    DeployRuns deploys = null;
    SlackHarness.start(vertx, setup -> {
      Replies replies = new Replies(setup.slack());
      DeployReplies deployReplies = new DeployReplies(replies, setup.slack());
      roles = new Roles(config, setup.slack(), Clock.systemUTC());
      DeployOpener opener = new DeployOpener(config, deploys, roles, deployReplies, loop);
      setup.app().command(DeployCommand.COMMAND, new DeployCommand(config, opener, setup.slack(), replies, loop));
      setup.app().command(RollbackCommand.COMMAND, new RollbackCommand(config, deploys, roles, deployReplies, loop));
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
  void aDeployFromSomeoneOutsideTheGroupIsRefusedInTheAck(VertxTestContext test) {
    harness.fake.userGroup(GROUP, List.of(MEMBER));
    roles.refreshAll()
        .compose(v -> harness.command("/deploy", "backend v1.4.2 to production", OUTSIDER, CHANNEL))
        .onComplete(test.succeeding(ack -> test.verify(() -> {
          assertEquals(200, ack.statusCode());
          assertEquals("Deploying *backend* to *production* needs the *deployer* role, and you do not hold it.",
              text(ack.bodyAsString()));
          test.completeNow();
        })));
  }

  @Test
  void aRollbackFromSomeoneOutsideTheGroupIsRefusedInTheAck(VertxTestContext test) {
    harness.fake.userGroup(GROUP, List.of(MEMBER));
    roles.refreshAll()
        .compose(v -> harness.command("/rollback", "backend production", OUTSIDER, CHANNEL))
        .onComplete(test.succeeding(ack -> test.verify(() -> {
          assertEquals("Rolling back *backend* in *production* needs the *deployer* role, and you do not hold it.",
              text(ack.bodyAsString()));
          test.completeNow();
        })));
  }

  @Test
  void aMemberOfTheGroupIsPromisedTheDeploy(VertxTestContext test) {
    harness.fake.userGroup(GROUP, List.of(MEMBER));
    roles.refreshAll()
        .compose(v -> harness.command("/deploy", "backend v1.4.2 to production", MEMBER, CHANNEL))
        .onComplete(test.succeeding(ack -> test.verify(() -> {
          assertEquals("Opening a deploy of *backend* `v1.4.2` to *production* in <#"
              + DeployConfigs.DEPLOYS_CHANNEL + ">…", text(ack.bodyAsString()));
          test.completeNow();
        })));
  }

  @Test
  void beforeTheGroupIsKnownTheAckSaysTheRoleIsBeingChecked(VertxTestContext test) {
    harness.command("/rollback", "backend production", OUTSIDER, CHANNEL)
        .compose(ack -> {
          test.verify(() -> assertEquals("Checking your role for a rollback of *backend* in *production*… If you may "
              + "roll back there, it starts and its message shows it; if not, I will tell you here.",
              text(ack.bodyAsString())));
          return harness.command("/deploy", "backend v1.4.2 to production", OUTSIDER, CHANNEL);
        })
        .onComplete(test.succeeding(ack -> test.verify(() -> {
          assertEquals("Checking your role for a deploy of *backend* `v1.4.2` to *production*… If you may deploy "
              + "there, its message opens in <#" + DeployConfigs.DEPLOYS_CHANNEL + ">; if not, I will tell you here.",
              text(ack.bodyAsString()));
          test.completeNow();
        })));
  }

  private static String text(String body) {
    return new io.vertx.core.json.JsonObject(body).getString("text");
  }
}
