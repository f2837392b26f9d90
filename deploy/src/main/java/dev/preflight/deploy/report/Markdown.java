package dev.preflight.deploy.report;

import dev.preflight.checklists.time.Spans;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The few Markdown pieces a report is built from. Text that came from outside (a check's body,
 * an item title, a waiver's reason) is escaped or fenced so it cannot break the layout.
 */
final class Markdown {

  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
      .withZone(ZoneOffset.UTC);
  private static final Pattern BACKTICKS = Pattern.compile("`+");

  private Markdown() {}

  static String time(Instant at) {
    return at == null ? "—" : TIME.format(at);
  }

  /** How long from one instant to the other; a dash when either end is unknown. */
  static String between(Instant from, Instant to) {
    return Spans.between(from, to, "—");
  }

  /** Who, as a Slack user id; the bot itself when nobody is named. */
  static String who(String user) {
    return user == null || user.isBlank() ? "Preflight" : "@" + user;
  }

  /** Inline text: one line, with the characters that would start Markdown syntax escaped. */
  static String text(String value) {
    if (value == null) {
      return "";
    }
    String oneLine = value.replace("\r", " ").replace("\n", " ");
    StringBuilder escaped = new StringBuilder(oneLine.length());
    for (char c : oneLine.toCharArray()) {
      if ("\\`*_[]<>|#".indexOf(c) >= 0) {
        escaped.append('\\');
      }
      escaped.append(c);
    }
    return escaped.toString();
  }

  /** Inline code that holds any text, backticks included. */
  static String code(String value) {
    String oneLine = value == null ? "" : value.replace("\r", " ").replace("\n", " ");
    String fence = "`".repeat(longestBacktickRun(oneLine) + 1);
    String pad = oneLine.startsWith("`") || oneLine.endsWith("`") ? " " : "";
    return fence + pad + oneLine + pad + fence;
  }

  /** A fenced block, its fence longer than any run of backticks inside, so the text cannot close it. */
  static String block(String value, String indent) {
    String body = value == null ? "" : value.replace("\r\n", "\n");
    String fence = "`".repeat(Math.max(3, longestBacktickRun(body) + 1));
    StringBuilder out = new StringBuilder();
    out.append(indent).append(fence).append('\n');
    body.lines().forEach(line -> out.append(indent).append(line).append('\n'));
    out.append(indent).append(fence).append('\n');
    return out.toString();
  }

  private static int longestBacktickRun(String text) {
    int longest = 0;
    Matcher matcher = BACKTICKS.matcher(text);
    while (matcher.find()) {
      longest = Math.max(longest, matcher.group().length());
    }
    return longest;
  }
}
