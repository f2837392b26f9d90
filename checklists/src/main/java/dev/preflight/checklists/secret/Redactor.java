package dev.preflight.checklists.secret;

import java.util.Comparator;
import java.util.LinkedHashSet;
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

  public synchronized void add(String secret) {
    if (secret != null && secret.length() >= MIN_LENGTH) {
      secrets.add(secret);
    }
  }

  public synchronized String redact(String text) {
    if (text == null || secrets.isEmpty()) {
      return text;
    }
    String result = text;
    // Longest first, so a secret that contains another is masked whole.
    for (String secret : secrets.stream().sorted(Comparator.comparingInt(String::length).reversed()).toList()) {
      result = result.replace(secret, MASK);
    }
    return result;
  }
}
