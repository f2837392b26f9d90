package dev.preflight.checklists.config;

/**
 * One thing wrong in a config file, precise enough to fix without reading the docs.
 *
 * @param line 1-based, or 0 when the problem is the file as a whole
 * @param field the dotted path of the offending key, e.g. {@code sections[0].items[2].check.url}
 * @param hint what to write instead
 */
public record ConfigError(String file, int line, String field, String message, String hint) {

  @Override
  public String toString() {
    StringBuilder text = new StringBuilder(file);
    if (line > 0) {
      text.append(':').append(line);
    }
    text.append(": ");
    if (field != null && !field.isEmpty()) {
      text.append(field).append(": ");
    }
    text.append(message);
    if (hint != null && !hint.isEmpty()) {
      text.append(" (").append(hint).append(')');
    }
    return text.toString();
  }
}
