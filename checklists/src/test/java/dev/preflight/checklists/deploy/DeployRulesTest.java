package dev.preflight.checklists.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.preflight.checklists.config.Service;
import dev.preflight.checklists.run.Refusal;
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

  @ParameterizedTest
  @ValueSource(strings = {"v1.4.2", "1.4.2", "release/2026-11-22", "v2.0.0+build.7", "abc_123"})
  void ordinaryVersionsPass(String version) {
    assertEquals(Optional.empty(), DeployRules.versionRefusal(API, version));
  }

  @ParameterizedTest
  @ValueSource(strings = {"v1;reboot", "$(id)", "`id`", "v1 v2", "a|b", "a&&b", "-rf", "../../etc", "v1>out", "a\nb"})
  void shellMetacharactersNeverPass(String version) {
    Refusal refused = DeployRules.versionRefusal(API, version).orElseThrow();
    assertEquals(Refusal.Code.NOT_A_VERSION, refused.code(), version);
    assertFalse(refused.version().contains("`") || refused.version().contains("\n"), "shown safely: " + version);
  }

  @Test
  void aServicePatternNarrowsTheVersionsAccepted() {
    Service strict = new Service("api", Pattern.compile("v\\d+\\.\\d+\\.\\d+"), Map.of());
    assertEquals(Optional.empty(), DeployRules.versionRefusal(strict, "v1.4.2"));
    assertEquals(Refusal.versionPattern("api", "1.4", "v\\d+\\.\\d+\\.\\d+"),
        DeployRules.versionRefusal(strict, "1.4").orElseThrow());
    Refusal tooLong = DeployRules.versionRefusal(API, "x".repeat(200)).orElseThrow();
    assertEquals(Refusal.Code.VERSION_TOO_LONG, tooLong.code());
    assertEquals(200, tooLong.count());
    assertEquals(128, tooLong.limit());
    assertEquals(Refusal.Code.VERSION_MISSING, DeployRules.versionRefusal(API, "").orElseThrow().code());
  }

  @Test
  void onlyDeployerRolesMayDeploy() {
    Service.Environment prod = new Service.Environment("production", "gate", null, List.of("sre", "lead"), false,
        null, null, null);
    assertEquals(Optional.empty(), DeployRules.deployerRefusal(prod, "api", Set.of("qa", "lead")));
    assertEquals(Refusal.notADeployer("api", "production", List.of("sre", "lead")),
        DeployRules.deployerRefusal(prod, "api", Set.of("qa")).orElseThrow());
    Service.Environment nobody = new Service.Environment("staging", "gate", null);
    assertEquals(Refusal.noDeployers("api", "staging"),
        DeployRules.deployerRefusal(nobody, "api", Set.of("sre")).orElseThrow());
  }

  @Test
  void refusalsCarryNoSlackMarkup() {
    Service strict = new Service("api", Pattern.compile("v\\d+"), Map.of());
    Service.Environment prod = new Service.Environment("production", "gate", null, List.of("sre"), false,
        null, null, null);
    for (Refusal refusal : List.of(DeployRules.versionRefusal(strict, "1").orElseThrow(),
        DeployRules.versionRefusal(API, "a;b").orElseThrow(),
        DeployRules.deployerRefusal(prod, "api", Set.of()).orElseThrow())) {
      String summary = refusal.summary();
      assertFalse(summary.contains("*") || summary.contains("`") || summary.contains("<@"), summary);
    }
  }

  @Test
  void placeholdersFillKnownNamesAndLeaveTheRest() {
    Map<String, String> values = Placeholders.of("api", "v1.4.2", "production");
    assertEquals("deploy api v1.4.2 to production {unknown} ${TOKEN} {\"a\": 1}",
        Placeholders.fill("deploy {service} {version} to {environment} {unknown} ${TOKEN} {\"a\": 1}", values));
  }
}
