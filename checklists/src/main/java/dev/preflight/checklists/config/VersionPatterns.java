package dev.preflight.checklists.config;

import java.util.ArrayDeque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A service's {@code versionPattern}. A version ends up in commands, image tags and workflow
 * inputs, so a pattern that lets a shell metacharacter through is refused at load, before
 * anyone types {@code /deploy api "1;rm -rf /"}. (The deploy refuses such a version too,
 * whatever the pattern says; this tells the author while they can still fix it.)
 *
 * <p>Whether a regex accepts any string holding some character cannot be read off its text,
 * so the pattern is probed: first with familiar bad versions, then by a bounded search over
 * strings the pattern could still complete (a failed match that never reached the end of the
 * input rules out every longer string too).
 */
final class VersionPatterns {

  /** The characters the deploy's own version rule refuses; keep the two in step. */
  static final String SHELL_METACHARACTERS = ";&|<>`$\\\"'(){}[]*?!~#=%^, \t\n\r\f\u000B";
  private static final List<String> PROBES = List.of(
      "a;b", "a b", "$(x)", "a|b", "a&b", "`x`", "a>b", "a<b", "a'b", "a\"b", "a\\b", "a*", "a?", "{a}", "[a]",
      "!a", "~a", "a#b", "a=b", "a%b", "a^b", "a,b", "a\tb", "a\nb");
  private static final String SAFE_CHARACTERS = "a0._-+/";
  private static final int MAX_LENGTH = 20;
  private static final Pattern QUANTIFIER = Pattern.compile("\\{\\d+(,\\d*)?}");
  private static final int BUDGET = 20_000;
  /** Characters the regex engine may read in all, so that a pattern that backtracks wildly cannot stall a load. */
  private static final long READS = 5_000_000;
  static final String HINT = "allow only letters, digits and . _ - + /, e.g. versionPattern: 'v[0-9]+\\.[0-9]+\\.[0-9]+'";

  private VersionPatterns() {}

  static Optional<Pattern> read(Value value) {
    return value.text().flatMap(text -> {
      Pattern pattern;
      try {
        pattern = Pattern.compile(text);
      } catch (PatternSyntaxException e) {
        value.error("`" + text + "` is not a valid regular expression: " + e.getDescription(),
            "Java regex syntax, e.g. versionPattern: 'v[0-9]+\\.[0-9]+\\.[0-9]+'");
        return Optional.empty();
      }
      Optional<String> unsafe = unsafeExample(pattern);
      unsafe.ifPresent(example -> value.error(
          "`" + text + "` lets a shell metacharacter into a version, e.g. `" + printable(example) + "`", HINT));
      return unsafe.isPresent() ? Optional.empty() : Optional.of(pattern);
    });
  }

  /** A string holding a shell metacharacter that the whole pattern matches, if one is found. */
  static Optional<String> unsafeExample(Pattern pattern) {
    Reads reads = new Reads();
    try {
      for (String probe : PROBES) {
        if (pattern.matcher(reads.of(probe)).matches()) {
          return Optional.of(probe);
        }
      }
      return search(pattern, reads);
    } catch (Reads.Exhausted e) {
      return Optional.empty();
    }
  }

  /**
   * Breadth first over prefixes the pattern might still complete, shortest first, with an
   * alphabet of the pattern's own literal characters, one letter, one digit and every
   * metacharacter. Gives up quietly when the budget is spent: a pattern that permissive in
   * safe characters and still unresolved is very unlikely to hide a metacharacter.
   */
  private static Optional<String> search(Pattern pattern, Reads reads) {
    String alphabet = alphabet(pattern.pattern());
    Queue<String> prefixes = new ArrayDeque<>(List.of(""));
    int tries = 0;
    while (!prefixes.isEmpty() && tries < BUDGET) {
      String prefix = prefixes.poll();
      for (int i = 0; i < alphabet.length() && tries < BUDGET; i++) {
        String candidate = prefix + alphabet.charAt(i);
        tries++;
        Matcher matcher = pattern.matcher(reads.of(candidate));
        boolean matches = matcher.matches();
        boolean unsafe = containsMetacharacter(candidate);
        if (matches && unsafe) {
          return Optional.of(candidate);
        }
        if ((matches || matcher.hitEnd()) && candidate.length() < MAX_LENGTH) {
          prefixes.add(candidate);
        }
      }
    }
    return Optional.empty();
  }

  /** Safe characters first, so that a short safe prefix is explored before an unsafe one. */
  private static String alphabet(String regex) {
    Set<Character> characters = new LinkedHashSet<>();
    for (int i = 0; i < regex.length(); i++) {
      char c = regex.charAt(i);
      Matcher quantifier = QUANTIFIER.matcher(regex).region(i, regex.length());
      if (quantifier.lookingAt()) {
        // The digits of {4} or {7,40} count repeats; they are not characters of a version.
        i = quantifier.end() - 1;
        continue;
      }
      if (c == '\\') {
        i++;
        if (i < regex.length() && !Character.isLetterOrDigit(regex.charAt(i))) {
          characters.add(regex.charAt(i));
        }
        continue;
      }
      if (Character.isLetterOrDigit(c) && c < 128 || SAFE_CHARACTERS.indexOf(c) >= 0) {
        characters.add(c);
      }
    }
    for (char c : SAFE_CHARACTERS.toCharArray()) {
      characters.add(c);
    }
    StringBuilder safe = new StringBuilder();
    StringBuilder meta = new StringBuilder();
    for (char c : characters) {
      (SHELL_METACHARACTERS.indexOf(c) >= 0 ? meta : safe).append(c);
    }
    for (char c : SHELL_METACHARACTERS.toCharArray()) {
      if (meta.indexOf(String.valueOf(c)) < 0) {
        meta.append(c);
      }
    }
    return safe.append(meta).toString();
  }

  private static boolean containsMetacharacter(String text) {
    for (int i = 0; i < text.length(); i++) {
      if (SHELL_METACHARACTERS.indexOf(text.charAt(i)) >= 0) {
        return true;
      }
    }
    return false;
  }

  private static String printable(String example) {
    return example.replace("\n", "\\n").replace("\t", "\\t");
  }

  /** Counts every character the regex engine reads, across all the strings of one check. */
  private static final class Reads {
    private long left = READS;

    CharSequence of(String text) {
      return new Counted(text);
    }

    private final class Counted implements CharSequence {
      private final String text;

      Counted(String text) {
        this.text = text;
      }

      @Override
      public char charAt(int index) {
        if (--left < 0) {
          throw new Exhausted();
        }
        return text.charAt(index);
      }

      @Override
      public int length() {
        return text.length();
      }

      @Override
      public CharSequence subSequence(int start, int end) {
        return new Counted(text.substring(start, end));
      }

      @Override
      public String toString() {
        return text;
      }
    }

    private static final class Exhausted extends RuntimeException {
      private static final long serialVersionUID = 1L;

      Exhausted() {
        super(null, null, false, false);
      }
    }
  }
}
