package dev.preflight.bot;

import dev.preflight.checklists.config.ConfigError;
import dev.preflight.checklists.config.ConfigLoader;
import dev.preflight.checklists.config.PreflightConfig;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/** {@code validate [file]}: every error on its own line, exit 1 when there is any. */
final class Validate {

  private Validate() {}

  static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length > 1) {
      err.println("validate takes at most one file: java -jar preflight.jar validate [preflight.yaml]");
      return 2;
    }
    Path file = Path.of(args.length == 1 ? args[0] : System.getenv().getOrDefault("PREFLIGHT_CONFIG", "./preflight.yaml"));
    List<ConfigError> errors = ConfigLoader.validate(file);
    if (!errors.isEmpty()) {
      errors.forEach(error -> out.println(error));
      err.println(errors.size() + (errors.size() == 1 ? " error" : " errors") + " in " + file);
      return 1;
    }
    PreflightConfig config = ConfigLoader.load(file);
    long environments = config.services().values().stream().mapToLong(s -> s.environments().size()).sum();
    out.println(file + ": OK (" + config.checklists().size() + " checklists, " + config.services().size()
        + " services, " + environments + " environments, " + config.roles().size() + " roles)");
    return 0;
  }
}
