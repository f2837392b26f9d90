package dev.preflight.checklists.runbook;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One typed parameter of a runbook. Whatever its type, a value never holds a character a shell
 * or a template would act on, even where the team's pattern would let it through.
 */
public sealed interface Parameter {

  /** Characters refused in every value: shell metacharacters, quotes, braces, whitespace. */
  Pattern SHELL_CHARACTERS = Pattern.compile("[\\s;&|<>`$\\\\'\"(){}\\[\\]*?!~#%^=]");

  String name();

  /** What the parameter is for, shown with it; or null. */
  String description();

  /** The rule a person reads next to the input: "matches ^[a-z]+$", "one of a, b", "1 to 6". */
  Problem.Kind kindOfRule();

  /** Why {@code value} is refused, or empty when it is fine. */
  default Optional<Problem> check(String value) {
    if (value == null || value.isEmpty()) {
      return Optional.of(new Problem(Problem.Kind.EMPTY, this, value));
    }
    if (SHELL_CHARACTERS.matcher(value).find()) {
      return Optional.of(new Problem(Problem.Kind.SHELL_CHARACTERS, this, value));
    }
    return ownRule(value) ? Optional.empty() : Optional.of(new Problem(kindOfRule(), this, value));
  }

  boolean ownRule(String value);

  /** Any text the (anchored) pattern matches. */
  record Text(String name, String description, Pattern pattern) implements Parameter {
    @Override
    public Problem.Kind kindOfRule() {
      return Problem.Kind.NOT_MATCHING;
    }

    @Override
    public boolean ownRule(String value) {
      return pattern.matcher(value).matches();
    }
  }

  /** One of the listed values. */
  record Choice(String name, String description, List<String> values) implements Parameter {
    public Choice {
      values = List.copyOf(values);
    }

    @Override
    public Problem.Kind kindOfRule() {
      return Problem.Kind.NOT_ONE_OF;
    }

    @Override
    public boolean ownRule(String value) {
      return values.contains(value);
    }
  }

  /** A whole number from {@code min} to {@code max}, both included. */
  record Count(String name, String description, int min, int max) implements Parameter {
    private static final Pattern WHOLE = Pattern.compile("-?\\d{1,9}");

    @Override
    public Problem.Kind kindOfRule() {
      return Problem.Kind.OUT_OF_BOUNDS;
    }

    @Override
    public Optional<Problem> check(String value) {
      if (value != null && !value.isEmpty() && !WHOLE.matcher(value).matches()) {
        return Optional.of(new Problem(Problem.Kind.NOT_A_NUMBER, this, value));
      }
      return Parameter.super.check(value);
    }

    @Override
    public boolean ownRule(String value) {
      int number = Integer.parseInt(value);
      return number >= min && number <= max;
    }
  }

  /**
   * Why a value was refused: the handlers word it with the parameter's rule.
   *
   * @param value as given; may be null or empty
   */
  record Problem(Kind kind, Parameter parameter, String value) {
    public enum Kind { EMPTY, SHELL_CHARACTERS, NOT_MATCHING, NOT_ONE_OF, NOT_A_NUMBER, OUT_OF_BOUNDS }
  }
}
