package dev.preflight.checklists.secret;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Masks secret values in text that leaves the process (evidence, logs, Slack). Every value
 * substituted from the environment is treated as secret: a URL or token read from the
 * environment is the team's business, not the channel's.
 */
public final class Redactor {

  public static final String MASK = "•••";
  /** Shorter values would mask ordinary words and digits; they are not secrets worth the name. */
  private static final int MIN_LENGTH = 4;

  private final Set<String> secrets = new LinkedHashSet<>();
  /** The secrets longest first, so one that contains another is masked whole; kept for every redact. */
  private volatile List<String> longestFirst = List.of();

  /**
   * Registers a secret, and the forms it takes when a server echoes it back inside a URL or a
   * JSON string, so an echoed query parameter or JSON field is masked too.
   */
  public synchronized void add(String secret) {
    if (secret != null && secret.length() >= MIN_LENGTH) {
      secrets.add(secret);
      secrets.add(URLEncoder.encode(secret, StandardCharsets.UTF_8));
      secrets.add(secret.replace("%", "%25").replace(" ", "%20"));
      secrets.add(jsonEscaped(secret));
      secrets.add(jsonEscaped(secret).replace("/", "\\/"));
      longestFirst = secrets.stream().sorted(Comparator.comparingInt(String::length).reversed()).toList();
    }
  }

  private static String jsonEscaped(String text) {
    StringBuilder out = new StringBuilder();
    for (char c : text.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> out.append(c < 0x20 ? String.format("\\u%04x", (int) c) : String.valueOf(c));
      }
    }
    return out.toString();
  }

  public String redact(String text) {
    List<String> ordered = longestFirst;
    if (text == null || ordered.isEmpty()) {
      return text;
    }
    String result = text;
    for (String secret : ordered) {
      result = result.replace(secret, MASK);
    }
    return result;
  }
}
