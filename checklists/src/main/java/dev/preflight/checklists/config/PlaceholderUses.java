package dev.preflight.checklists.config;

import dev.preflight.checklists.deploy.Placeholders;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * Finds the {@code {name}} placeholders a config string uses, so that a misspelt one is
 * reported at load instead of reaching a deploy command as written. What counts as a
 * placeholder is exactly what {@code dev.preflight.checklists.deploy.Placeholders} fills: a
 * brace-wrapped name starting with a letter, not preceded by {@code $}. JSON such as
 * {@code {"a": 1}} is therefore never mistaken for one.
 */
final class PlaceholderUses {

  static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_.-]*");
  /** The placeholders every deploy fills. */
  static final List<String> DEPLOY = List.of("service", "version", "environment");
  static final String DEPLOY_LIST = "{service}, {version} and {environment}";

  private PlaceholderUses() {}

  /** The names used in {@code text}, in order, repeats included. */
  static List<String> in(String text) {
    return Placeholders.names(text);
  }

  /** Reports every placeholder inside {@code value} other than the three every deploy has. */
  static void onlyDeploy(Value value) {
    for (Value scalar : value.scalars()) {
      for (String name : in(((ScalarNode) scalar.node()).getValue())) {
        if (!DEPLOY.contains(name)) {
          scalar.error("unknown placeholder `{" + name + "}`", closest(name, DEPLOY)
              .map(match -> "did you mean `{" + match + "}`?")
              .orElse("the placeholders are " + DEPLOY_LIST));
        }
      }
    }
  }

  static Optional<String> closest(String name, Collection<String> known) {
    return known.isEmpty() ? Optional.empty() : Suggestions.closest(name, known);
  }
}
