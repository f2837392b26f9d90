package dev.preflight.checklists.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as teams write them in config: a whole number and a unit, {@code 500ms},
 * {@code 10s}, {@code 5m} or {@code 4h}. A bare number is refused: nobody should have to
 * guess whether {@code timeout: 10} means seconds or milliseconds.
 */
public final class Durations {

  private static final Pattern FORMAT = Pattern.compile("(\\d{1,9})(ms|s|m|h)");
  private static final Pattern BARE_NUMBER = Pattern.compile("\\d{1,9}");
  private static final String EXAMPLES = "write a whole number and a unit: 500ms, 10s, 5m or 4h";

  private Durations() {}

  /** @throws InvalidDurationException saying what is wrong and what to write instead */
  public static Duration parse(String text) {
    if (text == null || text.isBlank()) {
      throw new InvalidDurationException("a duration is required", EXAMPLES);
    }
    Matcher matcher = FORMAT.matcher(text);
    if (matcher.matches()) {
      long amount = Long.parseLong(matcher.group(1));
      return switch (matcher.group(2)) {
        case "ms" -> Duration.ofMillis(amount);
        case "s" -> Duration.ofSeconds(amount);
        case "m" -> Duration.ofMinutes(amount);
        default -> Duration.ofHours(amount);
      };
    }
    if (BARE_NUMBER.matcher(text).matches()) {
      throw new InvalidDurationException("`" + text + "` has no unit", "write " + text + "s for seconds; units are ms, s, m and h");
    }
    throw new InvalidDurationException("`" + text + "` is not a duration", EXAMPLES);
  }

  /** The shortest way to write {@code duration} so that {@link #parse} reads it back. */
  public static String format(Duration duration) {
    long millis = duration.toMillis();
    if (millis != 0 && millis % 3_600_000 == 0) {
      return millis / 3_600_000 + "h";
    }
    if (millis != 0 && millis % 60_000 == 0) {
      return millis / 60_000 + "m";
    }
    if (millis % 1_000 == 0) {
      return millis / 1_000 + "s";
    }
    return millis + "ms";
  }

  /** A duration that cannot be read; {@link #problem} and {@link #hint} are shown apart in config errors. */
  public static final class InvalidDurationException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String problem;
    private final String hint;

    public InvalidDurationException(String problem, String hint) {
      super(problem + " (" + hint + ")");
      this.problem = problem;
      this.hint = hint;
    }

    public String problem() {
      return problem;
    }

    public String hint() {
      return hint;
    }
  }
}
