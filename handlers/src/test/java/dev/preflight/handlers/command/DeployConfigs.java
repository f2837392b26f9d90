package dev.preflight.handlers.command;

import dev.preflight.checklists.checklist.Checklist;
import dev.preflight.checklists.checklist.Item;
import dev.preflight.checklists.checklist.Section;
import dev.preflight.checklists.checklist.SignOffRule;
import dev.preflight.checklists.config.PreflightConfig;
import dev.preflight.checklists.config.Role;
import dev.preflight.checklists.config.Service;
import dev.preflight.checklists.deploy.AbortRule;
import dev.preflight.checklists.deploy.Target;
import dev.preflight.checklists.deploy.Verification;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A config as the loader would hand it over: two services, some environments with a deploy
 * target and one (backend's qa) that only runs its checklist.
 */
public final class DeployConfigs {

  public static final String DEPLOYS_CHANNEL = "C0DEPLOYS01";
  public static final String STAGING_CHANNEL = "C0STAGING01";
  public static final String DEPLOYER = "U0DEPLOYER";

  private DeployConfigs() {}

  public static PreflightConfig config() {
    Checklist release = new Checklist("release", "Release checklist", "checklists/release.yaml", "deploys",
        List.of(new Section("Before", List.of(new Item("backup", "Backup taken", true, null)))),
        SignOffRule.NONE, List.of());
    Target command = new Target.Command(List.of("./deploy.sh", "deploy", "{version}"),
        List.of("./deploy.sh", "rollback", "{version}"), Map.of(), null, Duration.ofMinutes(5));
    Target ecs = new Target.Ecs("main", "api", "api", null, null, Duration.ofMinutes(15));
    Service backend = new Service("backend", Map.of(
        "production", environment("production", "deploys", command),
        "staging", environment("staging", "staging", command),
        "qa", environment("qa", null, null)));
    Service api = new Service("api", Pattern.compile("v\\d+\\.\\d+\\.\\d+"), Map.of(
        "production", environment("production", null, ecs)));
    Service docs = new Service("docs", Map.of("preview", environment("preview", null, null)));
    return new PreflightConfig("preflight.yaml", PreflightConfig.DEFAULT_SIGN_OFF_REACTION,
        Map.of("deployer", new Role("deployer", List.of(DEPLOYER), List.of())),
        Map.of("deploys", DEPLOYS_CHANNEL, "staging", STAGING_CHANNEL),
        Map.of("backend", backend, "api", api, "docs", docs),
        Map.of("release", release));
  }

  private static Service.Environment environment(String name, String channel, Target target) {
    return new Service.Environment(name, "release", channel, List.of("deployer"), false, target,
        Verification.NONE, AbortRule.DEFAULT);
  }
}
