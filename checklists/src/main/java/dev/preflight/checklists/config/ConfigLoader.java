package dev.preflight.checklists.config;

import dev.preflight.checklists.checklist.Checklist;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads preflight.yaml and every checklist it points at, and checks them as a whole. Every
 * error names its file, line and field; all of them are reported at once, so a team fixes a
 * config in one pass instead of one error per restart.
 *
 * <p>The format is described in docs/config.md.
 */
public final class ConfigLoader {

  private ConfigLoader() {}

  /** @throws ConfigException carrying every error found */
  public static PreflightConfig load(Path preflightYaml) {
    Outcome outcome = read(preflightYaml);
    if (!outcome.errors().isEmpty()) {
      throw new ConfigException(outcome.errors());
    }
    return outcome.config();
  }

  /** Every error in the config and its checklists; empty when it is valid. Never throws for a bad file. */
  public static List<ConfigError> validate(Path preflightYaml) {
    return read(preflightYaml).errors();
  }

  /**
   * One checklist file on its own. The roles and channels it names are not checked, since
   * only a config defines them; everything else is.
   *
   * @throws ConfigException carrying every error found
   */
  public static Checklist loadChecklist(Path checklistYaml) {
    Problems problems = new Problems(display(checklistYaml.normalize()));
    Optional<Checklist> checklist = YamlFile.read(checklistYaml, problems, ChecklistReader.EMPTY_HINT)
        .flatMap(root -> ChecklistReader.read(root, problems, new References()).checklist());
    if (!problems.isEmpty() || checklist.isEmpty()) {
      throw new ConfigException(problems.errors());
    }
    return checklist.get();
  }

  private record Outcome(PreflightConfig config, List<ConfigError> errors) {}

  private static Outcome read(Path preflightYaml) {
    String source = display(preflightYaml.normalize());
    Problems main = new Problems(source);
    Optional<Node> root = YamlFile.read(preflightYaml, main, PreflightReader.EMPTY_HINT);
    if (root.isEmpty()) {
      return new Outcome(null, main.errors());
    }
    References references = new References();
    PreflightReader.Read config = PreflightReader.read(root.get(), main, references);
    List<Problems> files = new ArrayList<>(List.of(main));
    Map<String, ChecklistReader.Id> ids = new LinkedHashMap<>();
    Map<String, Checklist> checklists = new LinkedHashMap<>();
    Path folder = preflightYaml.toAbsolutePath().normalize().getParent();
    ChecklistFiles found = checklistFiles(folder, String.valueOf(preflightYaml.getFileName()), config.checklistPaths());
    // A checklist that could not be found or read is reported once, not again at every use of its id.
    boolean everyIdRead = found.complete();
    for (Path file : found.files()) {
      Problems problems = new Problems(display(folder, file));
      files.add(problems);
      Optional<ChecklistReader.Read> read = YamlFile.read(file, problems, ChecklistReader.EMPTY_HINT)
          .map(node -> ChecklistReader.read(node, problems, references));
      Optional<ChecklistReader.Id> id = read.flatMap(ChecklistReader.Read::id);
      everyIdRead &= id.isPresent();
      id.ifPresent(unique -> {
        ChecklistReader.Id first = ids.putIfAbsent(unique.id(), unique);
        if (first != null) {
          unique.at().error("duplicate checklist id `" + unique.id() + "`",
              "it is already the id of " + first.at().file() + ":" + first.at().line());
        }
      });
      read.flatMap(ChecklistReader.Read::checklist).ifPresent(c -> checklists.putIfAbsent(c.id(), c));
    }
    references.check(config.roles().keySet(), config.channels().keySet(), ids.keySet(), everyIdRead);
    references.checkWithChecklists(checklists);

    List<ConfigError> errors = files.stream().flatMap(problems -> problems.errors().stream()).toList();
    if (!errors.isEmpty()) {
      return new Outcome(null, errors);
    }
    return new Outcome(
        new PreflightConfig(source, config.signOffReaction(), config.roles(), config.channels(), config.services(), checklists,
            config.alertRoutes(), config.runbooks()),
        List.of());
  }

  /** @param complete false when {@code checklists:} is missing or one of its entries could not be followed */
  private record ChecklistFiles(Set<Path> files, boolean complete) {}

  /**
   * The files named by {@code checklists:}: a file as it is, a folder as every *.yaml and
   * *.yml directly inside it, in name order. A file reached twice is read once.
   */
  private static ChecklistFiles checklistFiles(Path folder, String configName, List<Value> entries) {
    Set<Path> files = new LinkedHashSet<>();
    boolean complete = !entries.isEmpty();
    for (Value entry : entries) {
      Optional<String> name = entry.text();
      if (name.isEmpty()) {
        complete = false;
        continue;
      }
      Path path = folder.resolve(name.get()).normalize();
      if (Files.isRegularFile(path)) {
        files.add(path);
      } else if (Files.isDirectory(path)) {
        List<Path> inside = yamlFilesIn(path, entry);
        if (inside.isEmpty()) {
          entry.error("`" + name.get() + "` holds no .yaml or .yml files", null);
        }
        files.addAll(inside);
      } else {
        entry.error("`" + name.get() + "` does not exist", "paths are relative to the folder " + configName + " is in");
        complete = false;
      }
    }
    return new ChecklistFiles(files, complete);
  }

  private static List<Path> yamlFilesIn(Path directory, Value entry) {
    try (Stream<Path> listing = Files.list(directory)) {
      return listing
          .filter(Files::isRegularFile)
          .filter(file -> file.getFileName().toString().endsWith(".yaml") || file.getFileName().toString().endsWith(".yml"))
          .sorted()
          .toList();
    } catch (IOException e) {
      entry.error("cannot list `" + directory + "`: " + e.getMessage(), null);
      return List.of();
    }
  }

  /** How a checklist file is named in errors: relative to preflight.yaml's folder when it is inside it. */
  private static String display(Path folder, Path file) {
    return display(file.startsWith(folder) ? folder.relativize(file) : file);
  }

  private static String display(Path path) {
    return path.toString().replace(File.separatorChar, '/');
  }
}
