package dev.preflight.checklists.config;

import java.util.Collection;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Collectors;

/** "Did you mean …?" for keys, kinds and names that are almost right. */
public final class Suggestions {

  private Suggestions() {}

  /**
   * A hint for an unknown {@code word}: the closest candidate when one is close enough, or the
   * list of candidates.
   *
   * @param noun what the candidates are, in the plural, e.g. "keys" or "roles"
   */
  static String hint(String word, Collection<String> candidates, String noun) {
    if (candidates.isEmpty()) {
      return "there are no " + noun + " defined";
    }
    return closest(word, candidates)
        .map(match -> "did you mean `" + match + "`?")
        .orElseGet(() -> "known " + noun + ": " + candidates.stream().sorted().collect(Collectors.joining(", ")));
  }

  /** The candidate closest to {@code word}, when it is close enough to be a typo of it. */
  public static Optional<String> closest(String word, Collection<String> candidates) {
    int tolerance = Math.max(1, Math.min(3, word.length() / 3));
    return candidates.stream()
        .min(Comparator.comparingInt((String candidate) -> distance(word, candidate)).thenComparing(c -> c))
        .filter(candidate -> distance(word, candidate) <= tolerance);
  }

  /**
   * Edits from one to the other (insert, delete, replace, or swap two neighbours, the commonest
   * typo), ignoring case: {@code SignOff} is one fix away from {@code signOff}, not two.
   */
  private static int distance(String a, String b) {
    String x = a.toLowerCase();
    String y = b.toLowerCase();
    int[][] d = new int[x.length() + 1][y.length() + 1];
    for (int i = 0; i <= x.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= y.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= x.length(); i++) {
      for (int j = 1; j <= y.length(); j++) {
        int cost = x.charAt(i - 1) == y.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(d[i - 1][j - 1] + cost, Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1));
        if (i > 1 && j > 1 && x.charAt(i - 1) == y.charAt(j - 2) && x.charAt(i - 2) == y.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[x.length()][y.length()];
  }
}
