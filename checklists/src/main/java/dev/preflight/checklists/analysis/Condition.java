package dev.preflight.checklists.analysis;

import java.util.Locale;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What every judged value must satisfy: a comparison with a number ({@code < 0.005}), with a
 * multiple of the baseline ({@code <= 2 * baseline}), or a closed range ({@code between: [a, b]}).
 *
 * @param op the comparison; {@link Op#BETWEEN} uses {@code low} and {@code high}
 * @param low the bound of a comparison, or the lower end of a range
 * @param high the upper end of a range; NaN otherwise
 * @param baselineFactor when not NaN, the bound is this factor times the baseline, and
 *     {@code low} is unused
 */
public record Condition(Op op, double low, double high, double baselineFactor) {

  public enum Op {
    LT("<"), LE("<="), GT(">"), GE(">="), BETWEEN("between");

    private final String symbol;

    Op(String symbol) {
      this.symbol = symbol;
    }

    public String symbol() {
      return symbol;
    }

    static Op of(String symbol) {
      for (Op op : values()) {
        if (op.symbol.equals(symbol)) {
          return op;
        }
      }
      throw new IllegalArgumentException(symbol);
    }
  }

  public static final String HINT = "write a comparison such as \"< 0.005\", \">= 10\", \"<= 2 * baseline\", "
      + "or between: [0.1, 0.5]";

  private static final String NUMBER = "([-+]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][-+]?\\d+)?)";
  private static final String OP = "(<=|>=|<|>)";
  private static final String SPACE = "\\s*";
  private static final String TIMES = SPACE + "[*]" + SPACE;
  private static final Pattern PLAIN = Pattern.compile(OP + SPACE + NUMBER);
  private static final Pattern FACTOR_FIRST = Pattern.compile(OP + SPACE + NUMBER + TIMES + "baseline");
  private static final Pattern BASELINE_FIRST = Pattern.compile(OP + SPACE + "baseline(?:" + TIMES + NUMBER + ")?");

  public static Condition between(double low, double high) {
    if (!(low <= high)) {
      throw new InvalidConditionException(false, "the lower end " + format(low) + " is above the upper end " + format(high),
          "write between: [low, high]");
    }
    return new Condition(Op.BETWEEN, low, high, Double.NaN);
  }

  /**
   * Reads the text form.
   *
   * @throws InvalidConditionException saying what is wrong and how to write it
   */
  public static Condition parse(String text) {
    String written = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
    Matcher plain = PLAIN.matcher(written);
    if (plain.matches()) {
      return new Condition(Op.of(plain.group(1)), Double.parseDouble(plain.group(2)), Double.NaN, Double.NaN);
    }
    Matcher factorFirst = FACTOR_FIRST.matcher(written);
    if (factorFirst.matches()) {
      return relative(factorFirst.group(1), factorFirst.group(2));
    }
    Matcher baselineFirst = BASELINE_FIRST.matcher(written);
    if (baselineFirst.matches()) {
      return relative(baselineFirst.group(1), baselineFirst.group(2) == null ? "1" : baselineFirst.group(2));
    }
    if (written.startsWith("=") || written.startsWith("!=")) {
      throw new InvalidConditionException(true, "equality is not a metric condition", HINT);
    }
    throw new InvalidConditionException(true, "is not a condition", HINT);
  }

  private static Condition relative(String op, String factor) {
    double value = Double.parseDouble(factor);
    if (!(value > 0)) {
      throw new InvalidConditionException(false, "the baseline factor must be above 0, not " + factor,
          "write \"<= 2 * baseline\"");
    }
    return new Condition(Op.of(op), Double.NaN, Double.NaN, value);
  }

  public boolean usesBaseline() {
    return !Double.isNaN(baselineFactor);
  }

  /**
   * Whether {@code value} satisfies the condition; a baseline condition needs {@code baseline}.
   *
   * @throws IllegalStateException for a baseline condition without a baseline
   */
  public boolean holds(double value, OptionalDouble baseline) {
    double bound = bound(baseline);
    return switch (op) {
      case LT -> value < bound;
      case LE -> value <= bound;
      case GT -> value > bound;
      case GE -> value >= bound;
      case BETWEEN -> value >= low && value <= high;
    };
  }

  private double bound(OptionalDouble baseline) {
    if (!usesBaseline()) {
      return low;
    }
    if (baseline.isEmpty()) {
      throw new IllegalStateException("a baseline condition needs a baseline");
    }
    return baselineFactor * baseline.getAsDouble();
  }

  /** As written in config, e.g. {@code <= 2 * baseline} or {@code between 0.1 and 0.5}. */
  public String describe() {
    if (op == Op.BETWEEN) {
      return "between " + format(low) + " and " + format(high);
    }
    if (usesBaseline()) {
      return op.symbol + " " + (baselineFactor == 1 ? "" : format(baselineFactor) + " * ") + "baseline";
    }
    return op.symbol + " " + format(low);
  }

  /** With the baseline's value filled in, e.g. {@code <= 2 * baseline (0.4)}. */
  public String describe(OptionalDouble baseline) {
    return usesBaseline() && baseline.isPresent()
        ? describe() + " (" + format(bound(baseline)) + ")"
        : describe();
  }

  /** A number as people write it: no trailing zeros, at most 6 significant digits. */
  public static String format(double value) {
    if (Double.isNaN(value)) {
      return "NaN";
    }
    if (value == Math.rint(value) && Math.abs(value) < 1e15) {
      return Long.toString((long) value);
    }
    String text = new java.math.BigDecimal(value).round(new java.math.MathContext(6)).stripTrailingZeros().toPlainString();
    return text;
  }

  /**
   * A condition that cannot be read.
   *
   * @param aboutTheText whether the message is about the text as a whole (the reader puts the
   *     text before it: "`about 5` is not a condition") or stands on its own
   */
  public static final class InvalidConditionException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final boolean aboutTheText;
    private final String hint;

    public InvalidConditionException(boolean aboutTheText, String message, String hint) {
      super(message);
      this.aboutTheText = aboutTheText;
      this.hint = hint;
    }

    public boolean aboutTheText() {
      return aboutTheText;
    }

    public String hint() {
      return hint;
    }
  }
}
