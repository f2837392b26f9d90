package dev.preflight.bot;

import dev.preflight.checklists.config.ConfigLoader;
import dev.preflight.checklists.secret.Variables;
import dev.preflight.deploy.TestDatabase;
import java.nio.file.Path;
import java.util.Map;

/** The bot in this process on a port of its own, with a fresh database and no Slack settings. */
final class BotWithoutSlack {

  private BotWithoutSlack() {}

  static PreflightVerticle create() {
    return create(Map.of());
  }

  /** With more settings from {@code env}, as the environment would give them. */
  static PreflightVerticle create(Map<String, String> env) {
    TestDatabase database = TestDatabase.create();
    Path config = Path.of("src/test/resources/e2e/preflight.yaml");
    Map<String, String> settingsEnv = new java.util.HashMap<>(env);
    settingsEnv.put("PORT", "0");
    settingsEnv.put("PREFLIGHT_CONFIG", config.toString());
    BotSettings settings = BotSettings.fromEnvironment(settingsEnv);
    return new PreflightVerticle(settings, ConfigLoader.load(config), database.connectOptions(), Variables.of(Map.of()));
  }
}
