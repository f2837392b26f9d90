package dev.preflight.handlers.action;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.preflight.checklists.config.PreflightConfig;
import dev.preflight.checklists.config.Role;
import dev.preflight.handlers.Roles;
import dev.preflight.handlers.ActionIds;
import dev.preflight.handlers.command.DeployCheck;
import dev.preflight.handlers.command.DeployConfigs;
import dev.preflight.handlers.command.DeployOpener;
import dev.preflight.handlers.command.SlackHarness;
import dev.preflight.handlers.fake.SlackRequests;
import dev.preflight.handlers.render.DeployModal;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
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
 * The deploy modal's submit is checked like the typed command, and what is wrong is shown under
 * the field at fault. No deploy service is wired in: none of these submissions may reach it.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class DeploySubmissionTest {

  private static final String USER = DeployConfigs.DEPLOYER;

  private static final String GROUP = "S0DEPLOYERS";
  private static final String OUTSIDER = "U0OUTSIDER";

  private final PreflightConfig config = withDeployerGroup(DeployConfigs.config());
  private SlackHarness harness;
  private Roles roles;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext test) {
    SlackHarness.start(vertx, setup -> {
      roles = new Roles(config, setup.slack(), Clock.systemUTC());
      setup.app().viewSubmission(ActionIds.DEPLOY_MODAL,
          new DeploySubmission(config, new DeployOpener(config, null, roles, null, vertx.getOrCreateContext())));
    })
        .onComplete(test.succeeding(started -> {
          harness = started;
          test.completeNow();
        }));
  }

  @AfterEach
  void stop(VertxTestContext test) {
    harness.close().onComplete(test.succeedingThenComplete());
  }

  @Test
  void aChoiceThatPassesIsTheSameRequestTheCommandWouldMake() {
    DeployCheck.Passed passed = assertInstanceOf(DeployCheck.Passed.class,
        DeploySubmission.check(config, new DeployModal.Submitted("backend", "backend/staging", "v1.4.2")));

    assertEquals("backend", passed.service().name());
    assertEquals("staging", passed.environment().name());
    assertEquals("v1.4.2", passed.version());
  }

  @Test
  void environmentOfAnotherServiceIsAnErrorOnTheEnvironment() {
    DeployCheck checked =
        DeploySubmission.check(config, new DeployModal.Submitted("backend", "api/production", "v1.4.2"));

    assertEquals(Map.of(ActionIds.DEPLOY_ENVIRONMENT_BLOCK, "api → production belongs to api, not backend: pick one "
            + "of the backend → … environments, or change the service."),
        DeploySubmission.errors((DeployCheck.Refused) checked));
  }

  @Test
  void environmentNoLongerDeployableIsAnErrorOnTheEnvironment() {
    DeployCheck checked = DeploySubmission.check(config, new DeployModal.Submitted("backend", "backend/qa", "v1"));

    Map<String, String> errors = DeploySubmission.errors((DeployCheck.Refused) checked);
    assertTrue(errors.get(ActionIds.DEPLOY_ENVIRONMENT_BLOCK).startsWith("This environment cannot be deployed"),
        errors.toString());
  }

  @Test
  void missingVersionIsAnErrorOnTheVersion() {
    DeployCheck checked = DeploySubmission.check(config, new DeployModal.Submitted("api", "api/production", null));

    assertEquals(Map.of(ActionIds.DEPLOY_VERSION_BLOCK, "A deploy needs a version, e.g. `v1.4.2`."),
        DeploySubmission.errors((DeployCheck.Refused) checked));
  }

  @Test
  void versionWithShellMetacharactersIsAnsweredUnderTheVersionField(VertxTestContext test) {
    harness.send(submission("backend", "backend/production", "v1;rm -rf /"))
        .onComplete(test.succeeding(response -> test.verify(() -> {
          assertEquals(200, response.statusCode());
          JsonObject body = response.bodyAsJsonObject();
          assertEquals("errors", body.getString("response_action"));
          JsonObject errors = body.getJsonObject("errors");
          assertEquals(1, errors.size(), errors.encode());
          assertTrue(errors.getString(ActionIds.DEPLOY_VERSION_BLOCK).startsWith("`v1;rm -rf /` is not a version"),
              errors.encode());
          test.completeNow();
        })));
  }

  @Test
  void versionOutsideTheServicePatternIsAnsweredUnderTheVersionField(VertxTestContext test) {
    harness.send(submission("api", "api/production", "latest"))
        .onComplete(test.succeeding(response -> test.verify(() -> {
          JsonObject errors = response.bodyAsJsonObject().getJsonObject("errors");
          assertTrue(errors.getString(ActionIds.DEPLOY_VERSION_BLOCK).contains("does not match the version pattern"),
              errors.encode());
          test.completeNow();
        })));
  }

  /**
   * Someone outside the deployer role is refused in the submit's own answer, under the environment,
   * and the form stays open: nothing is accepted to be refused later. Their roles were not known
   * yet (the group had never been read), so the submit read them before answering.
   */
  @Test
  void someoneWithoutTheDeployerRoleIsRefusedUnderTheEnvironmentEvenBeforeTheirGroupWasRead(VertxTestContext test) {
    harness.fake.userGroup(GROUP, List.of(USER));
    harness.send(submission("backend", "backend/production", "v1.4.2", OUTSIDER))
        .onComplete(test.succeeding(response -> test.verify(() -> {
          assertRoleRefusal(response.bodyAsJsonObject());
          assertEquals(1, harness.fake.calls("usergroups.users.list").size(), "the group was read to answer");
          test.completeNow();
        })));
  }

  @Test
  void someoneWithoutTheDeployerRoleIsRefusedFromTheRolesAlreadyKnown(VertxTestContext test) {
    harness.fake.userGroup(GROUP, List.of(USER));
    roles.refreshAll()
        .compose(read -> harness.send(submission("backend", "backend/production", "v1.4.2", OUTSIDER)))
        .onComplete(test.succeeding(response -> test.verify(() -> {
          assertRoleRefusal(response.bodyAsJsonObject());
          assertEquals(1, harness.fake.calls("usergroups.users.list").size(), "answered from the group read before");
          test.completeNow();
        })));
  }

  /**
   * A form accepted while the person's roles are still unknown closes saying where a refusal
   * would come, as a modal cannot be told anything later: where the {@code /deploy} was typed
   * (its response_url), or by direct message when the form has none.
   */
  @Test
  void aFormAcceptedBeforeTheRolesAreKnownSaysWhereALaterRefusalArrives(Vertx vertx) {
    DeployOpener opener = new DeployOpener(config, null, roles, null, vertx.getOrCreateContext());
    DeployCheck.Passed passed = (DeployCheck.Passed) DeploySubmission.check(config,
        new DeployModal.Submitted("backend", "backend/production", "v1.4.2"));
    String checking = "Checking your role for a deploy of *backend* `v1.4.2` to *production*… If you may deploy there, "
        + "its message opens in <#" + DeployConfigs.DEPLOYS_CHANNEL + ">; if not, I will tell you ";

    assertEquals(checking + "privately in the conversation where you typed `/deploy`.", opener.ackForForm(passed,
        OUTSIDER, DeploySubmission.asker("C0TYPEDIN01 https://hooks.slack.com/commands/T0/1/abc", OUTSIDER)));
    assertEquals(checking + "in a direct message.", opener.ackForForm(passed, OUTSIDER,
        DeploySubmission.asker("C0TYPEDIN01", OUTSIDER)));
    assertFalse(opener.ackForForm(passed, OUTSIDER, DeploySubmission.asker(null, OUTSIDER)).contains("tell you here"),
        "a modal has no \"here\" once it closes");
    assertEquals(checking + "here.", opener.ack(passed, OUTSIDER), "the typed command is answered where it was typed");
  }

  private void assertRoleRefusal(JsonObject body) {
    assertEquals("errors", body.getString("response_action"), body.encode());
    assertEquals(Map.of(ActionIds.DEPLOY_ENVIRONMENT_BLOCK,
            "Deploying backend to production needs the deployer role, and you do not hold it."),
        body.getJsonObject("errors").getMap(), body.encode());
    assertEquals(List.of(), harness.fake.calls("chat.postEphemeral"), "no later refusal");
    assertEquals(List.of(), harness.fake.calls("chat.postMessage"), "no later refusal");
  }

  /** The config's deployer role, held by its user and by the members of a Slack user group. */
  private static PreflightConfig withDeployerGroup(PreflightConfig plain) {
    return new PreflightConfig(plain.source(), plain.signOffReaction(),
        Map.of("deployer", new Role("deployer", List.of(USER), List.of(GROUP))), plain.channels(), plain.services(),
        plain.checklists());
  }

  private SlackRequests.Signed submission(String service, String environmentValue, String version) {
    return submission(service, environmentValue, version, USER);
  }

  private SlackRequests.Signed submission(String service, String environmentValue, String version, String user) {
    JsonObject values = new JsonObject()
        .put(ActionIds.DEPLOY_SERVICE_BLOCK, select(ActionIds.DEPLOY_SERVICE_ACTION, service, service))
        .put(ActionIds.DEPLOY_ENVIRONMENT_BLOCK, select(ActionIds.DEPLOY_ENVIRONMENT_ACTION,
            environmentValue.replace("/", " → "), environmentValue))
        .mergeIn(SlackRequests.textInput(ActionIds.DEPLOY_VERSION_BLOCK, ActionIds.DEPLOY_VERSION_ACTION, version));
    return harness.requests.viewSubmission(ActionIds.DEPLOY_MODAL, user, values, "C0TYPEDIN01");
  }

  /** A static_select's state as Slack sends it: the chosen option, text and value. */
  private static JsonObject select(String actionId, String label, String value) {
    return new JsonObject().put(actionId, new JsonObject()
        .put("type", "static_select")
        .put("selected_option", new JsonObject()
            .put("text", new JsonObject().put("type", "plain_text").put("text", label).put("emoji", true))
            .put("value", value)));
  }
}
