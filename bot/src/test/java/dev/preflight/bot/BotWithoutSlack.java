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
    TestDatabase database = TestDatabase.create();
    Path config = Path.of("src/test/resources/e2e/preflight.yaml");
    BotSettings settings = BotSettings.fromEnvironment(Map.of("PORT", "0", "PREFLIGHT_CONFIG", config.toString()));
    return new PreflightVerticle(settings, ConfigLoader.load(config), database.connectOptions(), Variables.of(Map.of()));
  }
}
