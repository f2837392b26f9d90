package dev.preflight.checklists.config;

import java.util.List;
import java.util.Map;

/**
 * What an action's {@code {placeholders}} may name where it is written, and the bounds of each
 * that is a whole number, so a count can be checked against them when the config is read.
 *
 * @param placeholders every name a placeholder may use
 * @param counts the integer parameters among them: name → {min, max}
 */
record ActionScope(List<String> placeholders, Map<String, Bounds> counts) {

  ActionScope {
    placeholders = List.copyOf(placeholders);
    counts = Map.copyOf(counts);
  }

  record Bounds(int min, int max) {}

  /** Reports every placeholder inside {@code value} that this scope does not know. */
  void checkPlaceholders(Value value) {
    for (Value scalar : value.scalars()) {
      for (String name : PlaceholderUses.in(((org.yaml.snakeyaml.nodes.ScalarNode) scalar.node()).getValue())) {
        if (!placeholders.contains(name)) {
          scalar.error("unknown placeholder `{" + name + "}`", PlaceholderUses.closest(name, placeholders)
              .map(match -> "did you mean `{" + match + "}`?")
              .orElse(placeholders.isEmpty() ? "declare it under parameters:"
                  : "the placeholders here are " + String.join(", ", placeholders.stream().map(p -> "{" + p + "}").toList())));
        }
      }
    }
  }
}
