package dev.preflight.checklists.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.yaml.snakeyaml.nodes.Node;

/** The errors found in one file, each at a line and a field. */
final class Problems {

  private final String file;
  // A set, because a value reached twice through a YAML alias would otherwise report twice.
  private final Set<ConfigError> errors = new LinkedHashSet<>();

  Problems(String file) {
    this.file = file;
  }

  String file() {
    return file;
  }

  void add(int line, String field, String message, String hint) {
    errors.add(new ConfigError(file, line, field, message, hint));
  }

  void at(Node node, String field, String message, String hint) {
    add(line(node), field, message, hint);
  }

  /** A problem with the file as a whole: it is missing, too large, empty. */
  void whole(String message, String hint) {
    add(0, "", message, hint);
  }

  boolean isEmpty() {
    return errors.isEmpty();
  }

  /** In the order a person reads the file. */
  List<ConfigError> errors() {
    List<ConfigError> sorted = new ArrayList<>(errors);
    sorted.sort(Comparator.comparingInt(ConfigError::line));
    return sorted;
  }

  static int line(Node node) {
    return node.getStartMark().getLine() + 1;
  }
}
