package dev.preflight.bot;

import dev.preflight.checklists.config.ConfigError;
import dev.preflight.checklists.config.ConfigLoader;
import dev.preflight.checklists.config.PreflightConfig;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code validate [file]}: every error on its own line, exit 1 when there is any. */
@Command(name = "validate", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    customSynopsis = "java -jar preflight.jar validate [preflight.yaml]",
    description = {"Checks a config and every checklist it names.",
        "Prints each error as file:line: field: message (hint)."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:the config is valid", "1:the config has errors", Main.EXIT_USAGE})
final class Validate implements Callable<Integer> {

  @Parameters(arity = "0..1", paramLabel = "preflight.yaml",
      description = "the config (default: $PREFLIGHT_CONFIG or preflight.yaml)")
  private Path file;

  private final PrintStream out;
  private final PrintStream err;

  Validate(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  @Override
  public Integer call() {
    Path file = this.file != null ? this.file
        : Path.of(System.getenv().getOrDefault("PREFLIGHT_CONFIG", "./preflight.yaml"));
    List<ConfigError> errors = ConfigLoader.validate(file);
    if (!errors.isEmpty()) {
      errors.forEach(error -> out.println(error));
      err.println(errors.size() + (errors.size() == 1 ? " error" : " errors") + " in " + file);
      return 1;
    }
    PreflightConfig config = ConfigLoader.load(file);
    long environments = config.services().values().stream().mapToLong(s -> s.environments().size()).sum();
    out.println(file + ": OK (" + counted(config.checklists().size(), "checklist") + ", "
        + counted(config.services().size(), "service") + ", " + counted(environments, "environment") + ", "
        + counted(config.roles().size(), "role") + ")");
    return 0;
  }

  /** "1 checklist", "2 checklists", "0 roles". */
  private static String counted(long count, String noun) {
    return count + " " + noun + (count == 1 ? "" : "s");
  }
}
