package dev.preflight.checklists.deploy;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fills {@code {name}} placeholders such as {@code {service}}, {@code {version}},
 * {@code {environment}}, or a value a smoke test captured. A name with no value is left
 * as written, so JSON bodies like {@code {"a": 1}} pass through untouched. {@code ${NAME}}
 * environment references are not placeholders and are left for {@code Variables}.
 */
public final class Placeholders {

  private static final Pattern PLACEHOLDER = Pattern.compile("(?<!\\$)\\{([A-Za-z][A-Za-z0-9_.-]*)}");

  private Placeholders() {}

  /** The placeholder names {@code text} uses, in order, repeats included. */
  public static java.util.List<String> names(String text) {
    java.util.List<String> names = new java.util.ArrayList<>();
    Matcher m = PLACEHOLDER.matcher(text);
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }

  public static String fill(String template, Map<String, String> values) {
    if (template == null || values.isEmpty() || template.indexOf('{') < 0) {
      return template;
    }
    Matcher m = PLACEHOLDER.matcher(template);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = values.get(m.group(1));
      m.appendReplacement(out, Matcher.quoteReplacement(value == null ? m.group() : value));
    }
    m.appendTail(out);
    return out.toString();
  }

  /** The three placeholders every deploy has. */
  public static Map<String, String> of(String service, String version, String environment) {
    return Map.of("service", service, "version", version, "environment", environment);
  }
}
