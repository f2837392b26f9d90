package dev.preflight.handlers;

import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The shapes of the identifiers Slack sends us, checked before any of them reaches SQL, a log
 * line or a Slack call. Slack's ids are short runs of letters and digits; a value that is not
 * cannot be one, whoever signed the request, so it is refused instead of looked up.
 */
public final class SlackIds {

  /** Longer than any id Slack issues (they are about a dozen characters), short enough to log. */
  public static final int MAX_ID_LENGTH = 64;

  // A message timestamp: epoch seconds, a dot, a sequence number.
  private static final Pattern TS = Pattern.compile("\\d{1,12}\\.\\d{1,9}");
  // What the bot stores as a run id: a UUID in its canonical, lower-case text form.
  private static final Pattern RUN_ID =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

  // The config's rule for names and ids (services, environments, items), with a bound no real one nears.
  private static final Pattern CONFIG_NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,254}");

  private SlackIds() {}

  /** A user, channel, team, app or event id: letters, digits, {@code . _ -}, at most 64 characters. */
  public static boolean isId(String value) {
    // User, channel, team, app, enterprise and event ids: U0123ABC, C0123ABC, T0123ABC, Ev0123ABC.
    // Read by hand rather than by a regular expression: every request checks several.
    if (value == null || value.isEmpty() || value.length() > MAX_ID_LENGTH || !isLetterOrDigit(value.charAt(0))) {
      return false;
    }
    for (int i = 1; i < value.length(); i++) {
      char c = value.charAt(i);
      if (!isLetterOrDigit(c) && c != '.' && c != '_' && c != '-') {
        return false;
      }
    }
    return true;
  }

  private static boolean isLetterOrDigit(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
  }

  /** A message timestamp such as {@code 1700000000.000100}. */
  public static boolean isTs(String value) {
    return value != null && value.length() <= 22 && TS.matcher(value).matches();
  }

  /**
   * Whether {@code value} has the shape the config gives service and environment names and item
   * ids (lowercase letters, digits, {@code _} and {@code -}), so a button carrying anything else
   * names nothing the config holds.
   */
  public static boolean isConfigName(String value) {
    return value != null && CONFIG_NAME.matcher(value).matches();
  }

  /**
   * Whether {@code value} can name a run at all. A run id that is not a UUID names no run, so it
   * is answered without asking the database.
   */
  public static boolean isRunId(String value) {
    if (value == null || value.length() != 36 || !RUN_ID.matcher(value).matches()) {
      return false;
    }
    try {
      return UUID.fromString(value).toString().equals(value);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
