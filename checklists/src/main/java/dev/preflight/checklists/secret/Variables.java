package dev.preflight.checklists.secret;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resolves {@code ${NAME}} references in config values against the environment (and any
 * {@code --set NAME=VALUE} overrides). Every value it substitutes is handed to a
 * {@link Redactor}, so whatever a check reports afterwards can be masked.
 */
public final class Variables {

  public static final Pattern REFERENCE = Pattern.compile("\\$\\{([^}]*)}");
  public static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private final Map<String, String> values;

  private Variables(Map<String, String> values) {
    this.values = Map.copyOf(values);
  }

  public static Variables of(Map<String, String> values) {
    return new Variables(values);
  }

  public static Variables fromEnvironment() {
    return new Variables(System.getenv());
  }

  public Variables with(Map<String, String> overrides) {
    Map<String, String> merged = new HashMap<>(values);
    merged.putAll(overrides);
    return new Variables(merged);
  }

  public Optional<String> get(String name) {
    return Optional.ofNullable(values.get(name));
  }

  /** The names referenced in a template, in order of appearance. */
  public static Set<String> references(String template) {
    Set<String> names = new LinkedHashSet<>();
    if (template != null) {
      Matcher matcher = REFERENCE.matcher(template);
      while (matcher.find()) {
        names.add(matcher.group(1));
      }
    }
    return names;
  }

  /**
   * Substitutes every reference, registering each substituted value with the redactor.
   *
   * @throws MissingVariableException naming the first variable that is not set
   */
  public String resolve(String template, Redactor redactor) {
    // Most URLs, headers and bodies hold no reference; a thousand checks need not each run the
    // pattern over every one of them to learn that.
    if (template == null || !template.contains("${")) {
      return template;
    }
    Matcher matcher = REFERENCE.matcher(template);
    StringBuilder out = new StringBuilder();
    while (matcher.find()) {
      String name = matcher.group(1);
      String value = values.get(name);
      if (value == null) {
        throw new MissingVariableException(name);
      }
      redactor.add(value);
      matcher.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    matcher.appendTail(out);
    return out.toString();
  }

  /** Thrown when a referenced environment variable is not set; names it, never a value. */
  public static class MissingVariableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String name;

    public MissingVariableException(String name) {
      super("environment variable " + name + " is not set");
      this.name = name;
    }

    public String name() {
      return name;
    }
  }
}
