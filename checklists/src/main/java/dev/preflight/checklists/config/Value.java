package dev.preflight.checklists.config;

import dev.preflight.checklists.secret.Variables;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * One value of a YAML file, named by its dotted path. Reading it as a type reports a wrong
 * type (with the hint it was given) and answers empty, so a reader can carry on and find
 * every other error in the same pass.
 */
final class Value {

  private static final Pattern WHOLE_NUMBER = Pattern.compile("[-+]?\\d{1,18}");

  private final Node node;
  private final String path;
  private final String hint;
  private final Problems problems;

  Value(Node node, String path, String hint, Problems problems) {
    this.node = node;
    this.path = path;
    this.hint = hint;
    this.problems = problems;
  }

  Node node() {
    return node;
  }

  String path() {
    return path;
  }

  /** The file this value is in, as errors name it. */
  String file() {
    return problems.file();
  }

  int line() {
    return Problems.line(node);
  }

  void error(String message) {
    problems.at(node, path, message, hint);
  }

  void error(String message, String otherHint) {
    problems.at(node, path, message, otherHint);
  }

  /** Any scalar, as written; every {@code ${…}} in it must name a variable properly. */
  Optional<String> string() {
    if (!(node instanceof ScalarNode scalar) || scalar.getTag().equals(Tag.NULL)) {
      return wrongType("a string");
    }
    String text = scalar.getValue();
    checkReferences(text);
    return Optional.of(text);
  }

  /** A string that is not blank. */
  Optional<String> text() {
    return string().filter(text -> {
      if (text.isBlank()) {
        error("must not be empty");
      }
      return !text.isBlank();
    });
  }

  /** A non-blank string matching {@code pattern}; otherwise "`value` {@code isNot}". */
  Optional<String> matching(Pattern pattern, String isNot, String otherHint) {
    return text().filter(text -> {
      boolean matches = pattern.matcher(text).matches();
      if (!matches) {
        error("`" + text + "` " + isNot, otherHint);
      }
      return matches;
    });
  }

  Optional<Integer> integer(int min, int max) {
    if (!(node instanceof ScalarNode scalar)
        || !scalar.getTag().equals(Tag.INT)
        || !WHOLE_NUMBER.matcher(scalar.getValue()).matches()) {
      return wrongType("a whole number");
    }
    long number = Long.parseLong(scalar.getValue());
    if (number < min || number > max) {
      error(max == Integer.MAX_VALUE
          ? "must be at least " + min + ", not " + number
          : "must be from " + min + " to " + max + ", not " + number);
      return Optional.empty();
    }
    return Optional.of((int) number);
  }

  Optional<Boolean> bool() {
    if (node instanceof ScalarNode scalar && scalar.getTag().equals(Tag.BOOL)) {
      String text = scalar.getValue().toLowerCase();
      if (text.equals("true") || text.equals("false")) {
        return Optional.of(text.equals("true"));
      }
      error("expected true or false, found `" + scalar.getValue() + "`");
      return Optional.empty();
    }
    return wrongType("true or false");
  }

  /** A duration of {@link Durations} form, accepted only when {@code allowed} holds. */
  Optional<Duration> duration(Predicate<Duration> allowed, String notAllowed) {
    if (!(node instanceof ScalarNode scalar) || scalar.getTag().equals(Tag.NULL)) {
      return wrongType("a duration");
    }
    try {
      Duration duration = Durations.parse(scalar.getValue());
      if (!allowed.test(duration)) {
        error(notAllowed);
        return Optional.empty();
      }
      return Optional.of(duration);
    } catch (Durations.InvalidDurationException e) {
      error(e.problem(), e.hint());
      return Optional.empty();
    }
  }

  /** The elements, each named {@code path[i]} and keeping this value's hint. */
  Optional<List<Value>> list() {
    if (!(node instanceof SequenceNode sequence)) {
      return wrongType("a list");
    }
    List<Value> elements = new ArrayList<>();
    for (Node element : sequence.getValue()) {
      elements.add(new Value(element, path + "[" + elements.size() + "]", hint, problems));
    }
    return Optional.of(elements);
  }

  /** Like {@link #list}, and an empty list is an error. */
  Optional<List<Value>> nonEmptyList() {
    return list().filter(elements -> {
      if (elements.isEmpty()) {
        error("must not be empty");
      }
      return !elements.isEmpty();
    });
  }

  Optional<Mapping> mapping() {
    if (!(node instanceof MappingNode mapping)) {
      return wrongType("a mapping");
    }
    return Optional.of(new Mapping(mapping, path, problems));
  }

  /**
   * Every non-null scalar in this value, however deeply nested, each named by its own path;
   * for rules about text wherever it appears, such as the placeholders it uses. Reports nothing.
   */
  List<Value> scalars() {
    List<Value> found = new ArrayList<>();
    collectScalars(node, path, found);
    return found;
  }

  private void collectScalars(Node at, String atPath, List<Value> into) {
    if (at instanceof ScalarNode scalar) {
      if (!scalar.getTag().equals(Tag.NULL)) {
        into.add(new Value(at, atPath, hint, problems));
      }
    } else if (at instanceof SequenceNode sequence) {
      for (int i = 0; i < sequence.getValue().size(); i++) {
        collectScalars(sequence.getValue().get(i), atPath + "[" + i + "]", into);
      }
    } else if (at instanceof MappingNode mapping) {
      for (var tuple : mapping.getValue()) {
        if (tuple.getKeyNode() instanceof ScalarNode key) {
          collectScalars(tuple.getValueNode(), atPath.isEmpty() ? key.getValue() : atPath + "." + key.getValue(), into);
        }
      }
    }
  }

  private void checkReferences(String text) {
    for (String name : Variables.references(text)) {
      if (name.isEmpty()) {
        error("`${}` names no environment variable", "write ${NAME}");
      } else if (!Variables.NAME.matcher(name).matches()) {
        error("`${" + name + "}` is not a valid environment variable name",
            "use letters, digits and _, not starting with a digit: ${" + suggestedName(name) + "}");
      }
    }
    Matcher references = Variables.REFERENCE.matcher(text);
    if (references.replaceAll("").contains("${")) {
      error("a `${` is not closed", "write ${NAME}");
    }
  }

  private static String suggestedName(String name) {
    String cleaned = name.replaceAll("[^A-Za-z0-9_]", "_").toUpperCase();
    return Character.isDigit(cleaned.charAt(0)) ? "_" + cleaned : cleaned;
  }

  private <T> Optional<T> wrongType(String expected) {
    error("expected " + expected + ", found " + describe(node));
    return Optional.empty();
  }

  private static String describe(Node node) {
    if (node instanceof SequenceNode) {
      return "a list";
    }
    if (node instanceof MappingNode) {
      return "a mapping";
    }
    Tag tag = node.getTag();
    if (tag.equals(Tag.NULL)) {
      return "nothing";
    }
    if (tag.equals(Tag.INT)) {
      return "a number";
    }
    if (tag.equals(Tag.FLOAT)) {
      return "a decimal number";
    }
    if (tag.equals(Tag.BOOL)) {
      return "true/false";
    }
    return "a string";
  }
}
