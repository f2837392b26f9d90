package dev.preflight.checklists.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.preflight.checklists.checklist.Checklist;
import dev.preflight.checklists.checklist.Item;
import dev.preflight.checklists.checklist.Section;
import dev.preflight.checklists.checklist.SignOffRule;
import dev.preflight.checklists.checklist.SignOffRule.SignOffRequirement;
import dev.preflight.checklists.config.Service;
import dev.preflight.checklists.run.ChecklistRun;
import dev.preflight.checklists.run.ItemEvent;
import dev.preflight.checklists.run.RunStatus;
import dev.preflight.checklists.run.SignOff;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DeployRulesTest {

  private static final Service API = new Service("api", Map.of());
  private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
  private static final Checklist GATE = new Checklist("gate", "Gate", "gate.yaml", null,
      List.of(new Section("Before", List.of(new Item("ready", "Ready", true, null)))),
      new SignOffRule(List.of(new SignOffRequirement("sre", 1)), false), List.of());

  @ParameterizedTest
  @ValueSource(strings = {"v1.4.2", "1.4.2", "release/2026-11-22", "v2.0.0+build.7", "abc_123"})
  void ordinaryVersionsPass(String version) {
    assertEquals(Optional.empty(), DeployRules.versionRefusal(API, version));
  }

  @ParameterizedTest
  @ValueSource(strings = {"v1;reboot", "$(id)", "`id`", "v1 v2", "a|b", "a&&b", "-rf", "../../etc", "v1>out", "a\nb"})
  void shellMetacharactersNeverPass(String version) {
    assertTrue(DeployRules.versionRefusal(API, version).orElseThrow().contains("is not a version"), version);
  }

  @Test
  void aServicePatternNarrowsTheVersionsAccepted() {
    Service strict = new Service("api", Pattern.compile("v\\d+\\.\\d+\\.\\d+"), Map.of());
    assertEquals(Optional.empty(), DeployRules.versionRefusal(strict, "v1.4.2"));
    assertEquals("`1.4` does not match the version pattern of *api*: `v\\d+\\.\\d+\\.\\d+`.",
        DeployRules.versionRefusal(strict, "1.4").orElseThrow());
    assertTrue(DeployRules.versionRefusal(API, "x".repeat(200)).orElseThrow().contains("the limit is 128"));
  }

  @Test
  void onlyDeployerRolesMayDeploy() {
    Service.Environment prod = new Service.Environment("production", "gate", null, List.of("sre", "lead"), false,
        null, null, null);
    assertEquals(Optional.empty(), DeployRules.deployerRefusal(prod, "api", Set.of("qa", "lead")));
    assertEquals("Deploying *api* to *production* needs the *sre* or *lead* role, and you hold none of them.",
        DeployRules.deployerRefusal(prod, "api", Set.of("qa")).orElseThrow());
    Service.Environment nobody = new Service.Environment("staging", "gate", null);
    assertTrue(DeployRules.deployerRefusal(nobody, "api", Set.of("sre")).orElseThrow().contains("names no deployers"));
  }

  @Test
  void launchNeedsEveryGateNoLockAndNoOtherDeployInFlight() {
    ChecklistRun run = ChecklistRun.start("r1", GATE, "U1", NOW);
    assertEquals("Not yet: 1 blocker has not passed or been waived (`ready`).",
        DeployRules.launchRefusal(run, Optional.empty(), Optional.empty()).orElseThrow());
    run = run.move("ready", ItemEvent.TICK, "U1", NOW, null, null);
    assertEquals("Not yet: it needs 1 more sign-off from *sre*.",
        DeployRules.launchRefusal(run, Optional.empty(), Optional.empty()).orElseThrow());
    run = run.withSignOff(new SignOff("U2", "sre", NOW));
    assertEquals(RunStatus.READY, run.status());
    assertEquals(Optional.empty(), DeployRules.launchRefusal(run, Optional.empty(), Optional.empty()));

    EnvLock lock = new EnvLock("api", "production", "freeze", "U3", NOW);
    assertTrue(DeployRules.launchRefusal(run, Optional.of(lock), Optional.empty()).orElseThrow()
        .startsWith("*api* in *production* is locked by <@U3>: freeze."));
    assertTrue(DeployRules.launchRefusal(run, Optional.empty(), Optional.of("r0")).orElseThrow()
        .contains("Another run of this service and environment is deploying right now (run `r0`)"));
    assertEquals("This run is already deploying.",
        DeployRules.launchRefusal(run.withStatus(RunStatus.DEPLOYING), Optional.empty(), Optional.empty()).orElseThrow());
  }

  @Test
  void placeholdersFillKnownNamesAndLeaveTheRest() {
    Map<String, String> values = Placeholders.of("api", "v1.4.2", "production");
    assertEquals("deploy api v1.4.2 to production {unknown} ${TOKEN} {\"a\": 1}",
        Placeholders.fill("deploy {service} {version} to {environment} {unknown} ${TOKEN} {\"a\": 1}", values));
  }
}
