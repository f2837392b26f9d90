package dev.preflight.checklists.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * A YAML mapping whose keys are read by name. A duplicate key is an error; so is a key the
 * reader does not {@link #allow}, because a typo must never be silently ignored.
 */
final class Mapping {

  private final MappingNode node;
  private final String path;
  private final Problems problems;
  private final Map<String, NodeTuple> entries = new LinkedHashMap<>();

  Mapping(MappingNode node, String path, Problems problems) {
    this.node = node;
    this.path = path;
    this.problems = problems;
    for (NodeTuple tuple : node.getValue()) {
      Node key = tuple.getKeyNode();
      if (!(key instanceof ScalarNode scalar) || scalar.getTag().equals(Tag.NULL)) {
        problems.at(key, path, "a key must be a plain name", null);
        continue;
      }
      NodeTuple first = entries.putIfAbsent(scalar.getValue(), tuple);
      if (first != null) {
        problems.at(key, child(scalar.getValue()), "duplicate key",
            "it is already set at line " + Problems.line(first.getKeyNode()));
      }
    }
  }

  /** Reports every key not in {@code known}, with the closest known key as a suggestion. */
  Mapping allow(Collection<String> known) {
    entries.forEach((key, tuple) -> {
      if (!known.contains(key)) {
        problems.at(tuple.getKeyNode(), child(key), "unknown key", Suggestions.hint(key, known, "keys"));
      }
    });
    return this;
  }

  /** The value of {@code key}, or empty when it is absent or null. */
  Optional<Value> get(String key, String hint) {
    NodeTuple tuple = entries.get(key);
    if (tuple == null || tuple.getValueNode().getTag().equals(Tag.NULL)) {
      return Optional.empty();
    }
    return Optional.of(new Value(tuple.getValueNode(), child(key), hint, problems));
  }

  /** Like {@link #get}, and an absent or null value is reported as required. */
  Optional<Value> require(String key, String hint) {
    Optional<Value> value = get(key, hint);
    if (value.isEmpty()) {
      NodeTuple tuple = entries.get(key);
      problems.at(tuple == null ? node : tuple.getKeyNode(), child(key), "required", hint);
    }
    return value;
  }

  /** For mappings whose keys are names the team chose (roles, channels, services). */
  List<Entry> entries(String hint) {
    List<Entry> named = new ArrayList<>();
    entries.forEach((key, tuple) -> named.add(new Entry(
        key,
        new Value(tuple.getKeyNode(), child(key), hint, problems),
        new Value(tuple.getValueNode(), child(key), hint, problems))));
    return named;
  }

  void error(String message, String hint) {
    problems.at(node, path, message, hint);
  }

  private String child(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  /** @param key the key itself, to report a bad name at its line */
  record Entry(String name, Value key, Value value) {}
}
