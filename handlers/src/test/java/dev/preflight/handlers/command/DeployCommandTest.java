package dev.preflight.handlers.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.preflight.checklists.config.PreflightConfig;
import dev.preflight.handlers.command.DeployCheck.Field;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** What {@code /deploy} makes of its text, before anything is stored. */
class DeployCommandTest {

  private final PreflightConfig config = DeployConfigs.config();

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "backend v1.4.2 production        | backend | v1.4.2        | production",
      "backend v1.4.2 to production     | backend | v1.4.2        | production",
      "backend v1.4.2 TO production     | backend | v1.4.2        | production",
      "  backend   v1.4.2\tto  staging  | backend | v1.4.2        | staging",
      "backend release/2024-05+build.7 production | backend | release/2024-05+build.7 | production",
      "api v2.0.1 production            | api     | v2.0.1        | production",
  })
  void readsServiceVersionAndEnvironmentWithOrWithoutTo(String text, String service, String version,
      String environment) {
    DeployCheck.Passed passed = assertInstanceOf(DeployCheck.Passed.class, DeployCommand.read(config, text));

    assertEquals(service, passed.service().name());
    assertEquals(version, passed.version());
    assertEquals(environment, passed.environment().name());
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "backend v1;rm -rf / production",
      "backend v1.4.2 to production now",
      "backend v1.4.2 production please",
      "backend v1.4.2 at production",
  })
  void extraWordsAreRefusedWithTheUsage(String text) {
    DeployCheck.Refused refused = assertInstanceOf(DeployCheck.Refused.class, DeployCommand.read(config, text));

    assertEquals(Field.USAGE, refused.field());
    assertTrue(refused.reason().contains("it takes three"), refused.reason());
    assertTrue(refused.reason().contains("/deploy <service> <version> [to] <environment>"), refused.reason());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "backend", "backend v1.4.2"})
  void tooFewWordsAskForAllThree(String text) {
    DeployCheck.Refused refused = assertInstanceOf(DeployCheck.Refused.class, DeployCommand.read(config, text));

    assertEquals(Field.USAGE, refused.field());
    assertTrue(refused.reason().startsWith("A deploy needs a service, a version and an environment."));
  }

  @Test
  void toWithoutAVersionAsksWhichVersion() {
    DeployCheck.Refused refused =
        assertInstanceOf(DeployCheck.Refused.class, DeployCommand.read(config, "backend to production"));

    assertEquals(Field.USAGE, refused.field());
    assertTrue(refused.reason().startsWith("Which version?"), refused.reason());
  }

  @ParameterizedTest
  @ValueSource(strings = {"v1;reboot", "$(reboot)", "v1|sh", "`id`", "v1&amp;&amp;reboot", "-rf", "../../etc"})
  void versionWithShellMetacharactersIsRefused(String version) {
    DeployCheck.Refused refused = assertInstanceOf(DeployCheck.Refused.class,
        DeployCommand.read(config, "backend " + version + " to production"));

    assertEquals(Field.VERSION, refused.field());
    assertTrue(refused.reason().contains("is not a version"), refused.reason());
  }

  @Test
  void versionOutsideTheServicePatternIsRefusedWithThePattern() {
    DeployCheck.Refused refused =
        assertInstanceOf(DeployCheck.Refused.class, DeployCommand.read(config, "api latest production"));

    assertEquals(Field.VERSION, refused.field());
    assertTrue(refused.reason().contains("v\\d+\\.\\d+\\.\\d+"), refused.reason());
  }

  @Test
  void unknownServiceSuggestsTheClosestOne() {
    DeployCheck.Refused refused =
        assertInstanceOf(DeployCheck.Refused.class, DeployCommand.read(config, "backnd v1.4.2 production"));

    assertEquals(Field.SERVICE, refused.field());
    assertEquals("There is no service `backnd`. Did you mean `backend`?", refused.reason());
  }

  @Test
  void unknownServiceFarFromAnyListsThem() {
    DeployCheck.Refused refused =
        assertInstanceOf(DeployCheck.Refused.class, DeployCommand.read(config, "payments v1 production"));

    assertEquals("There is no service `payments`. Services: `api`, `backend`, `docs`.", refused.reason());
  }

  @Test
  void unknownEnvironmentSuggestsTheClosestOne() {
    DeployCheck.Refused refused =
        assertInstanceOf(DeployCheck.Refused.class, DeployCommand.read(config, "backend v1.4.2 prodution"));

    assertEquals(Field.ENVIRONMENT, refused.field());
    assertEquals("*backend* has no environment `prodution`. Did you mean `production`?", refused.reason());
  }

  @Test
  void environmentWithoutATargetIsRefusedAndPointsAtItsChecklist() {
    DeployCheck.Refused refused =
        assertInstanceOf(DeployCheck.Refused.class, DeployCommand.read(config, "backend v1.4.2 qa"));

    assertEquals(Field.ENVIRONMENT, refused.field());
    assertTrue(refused.reason().contains("has no deploy target"), refused.reason());
    assertTrue(refused.reason().contains("`/checklist release`"), refused.reason());
  }

  @Test
  void typedMarkupIsEchoedEscaped() {
    // Slack sends "<!channel>" typed in a command as "&lt;!channel&gt;".
    DeployCheck.Refused refused =
        assertInstanceOf(DeployCheck.Refused.class, DeployCommand.read(config, "&lt;!channel&gt; v1 production"));

    assertEquals("There is no service `&lt;!channel&gt;`. Services: `api`, `backend`, `docs`.", refused.reason());
  }

  @Test
  void openingNamesTheEnvironmentChannelOrTheChecklistChannel() {
    DeployOpener opener = new DeployOpener(config, null, null, null, null);
    DeployCheck.Passed toStaging = (DeployCheck.Passed) DeployCommand.read(config, "backend v1.4.2 staging");
    DeployCheck.Passed toApi = (DeployCheck.Passed) DeployCommand.read(config, "api v2.0.1 production");

    assertEquals("Opening a deploy of *backend* `v1.4.2` to *staging* in <#" + DeployConfigs.STAGING_CHANNEL + ">…",
        opener.opening(toStaging));
    // api's production names no channel; its checklist's channel is where the run goes.
    assertEquals("Opening a deploy of *api* `v2.0.1` to *production* in <#" + DeployConfigs.DEPLOYS_CHANNEL + ">…",
        opener.opening(toApi));
  }
}
