package dev.preflight.handlers.render;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Text for Slack: escaping, clipping to Slack's limits, mentions and dates. Every piece of
 * text a team wrote (titles, reasons) or a check saw (evidence) goes through here before it
 * reaches a mrkdwn field, so it can neither break the layout nor ping a channel.
 */
public final class Mrkdwn {

  /** The most Slack accepts in a section's text. */
  public static final int SECTION_TEXT_LIMIT = 3000;
  /** The most Slack accepts in a header's text. */
  public static final int HEADER_TEXT_LIMIT = 150;
  /** The most Slack accepts in a button's text. */
  public static final int BUTTON_TEXT_LIMIT = 75;
  /** The most of a person's own input that is quoted back to them ("there is no run `…`"). */
  public static final int ECHO_LIMIT = 80;

  private static final String ELLIPSIS = "…";
  private static final DateTimeFormatter FALLBACK_DATE =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

  private Mrkdwn() {}

  /** A link with its label; a URL holding a character that would end the link is left out. */
  public static String link(String url, String label) {
    if (url == null || url.contains(">") || url.contains("|") || url.contains("<") || url.contains(" ")) {
      return escape(label);
    }
    return "<" + url.replace("&", "&amp;") + "|" + escape(label) + ">";
  }

  /** Escapes the three characters Slack treats as markup; null becomes empty. */
  public static String escape(String raw) {
    if (raw == null) {
      return "";
    }
    return raw.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  /**
   * Escaped user text on one line, at most {@code max} characters once escaped. Whitespace
   * runs (newlines included) become one space, so a multi-line reason cannot break a list.
   */
  public static String inline(String raw, int max) {
    if (raw == null) {
      return "";
    }
    return clipEscaped(escape(raw.strip().replaceAll("\\s+", " ")), max);
  }

  /**
   * Something a person sent, quoted back to them: control and invisible format characters
   * removed, backticks turned into quotes, on one line, escaped, and at most {@link #ECHO_LIMIT} characters with an ellipsis.
   * Only the start of the input is looked at, so a megabyte of it costs no more than a line.
   */
  public static String echo(String raw) {
    if (raw == null) {
      return "";
    }
    // Enough to fill the limit even when escaping and whitespace change the length.
    int look = ECHO_LIMIT * 4;
    boolean cut = raw.length() > look;
    String head = cut ? raw.substring(0, safeEnd(raw, look)) : raw;
    // A backtick would close the code span the echo usually sits in.
    String line = inline(head.replaceAll("[\\p{Cc}&&[^\\s]]|\\p{Cf}|\\p{Cs}", "").replace('`', '\''),
        Integer.MAX_VALUE);
    if (!cut) {
      return clipEscaped(line, ECHO_LIMIT);
    }
    // The input goes on past what was looked at, so the answer always shows it was cut.
    if (line.length() > ECHO_LIMIT) {
      return clipEscaped(line, ECHO_LIMIT);
    }
    return line.length() < ECHO_LIMIT ? line + ELLIPSIS : clipEscaped(line, ECHO_LIMIT - 1);
  }

  /**
   * Clips already escaped text without cutting an entity such as {@code &amp;} in half,
   * which Slack would show as stray characters.
   */
  public static String clipEscaped(String escaped, int max) {
    if (escaped.length() <= max) {
      return escaped;
    }
    int cut = Math.max(0, max - ELLIPSIS.length());
    int amp = escaped.lastIndexOf('&', cut - 1);
    if (amp >= 0) {
      int semicolon = escaped.indexOf(';', amp);
      if (semicolon < 0 || semicolon >= cut) {
        cut = amp;
      }
    }
    return escaped.substring(0, safeEnd(escaped, cut)) + ELLIPSIS;
  }

  /**
   * Text for a plain_text field (header, button, modal): Slack shows it literally, so it is
   * not escaped, only put on one line and clipped.
   */
  public static String plain(String raw, int max) {
    String line = raw == null ? "" : raw.strip().replaceAll("\\s+", " ");
    if (line.length() <= max) {
      return line;
    }
    int cut = Math.max(0, max - ELLIPSIS.length());
    return line.substring(0, safeEnd(line, cut)) + ELLIPSIS;
  }

  /** A mention of a Slack user; a null user is the bot itself. */
  public static String user(String userId) {
    return userId == null || userId.isBlank() ? "Preflight" : "<@" + escape(userId) + ">";
  }

  /** A date each reader sees in their own time zone; the fallback is UTC. */
  public static String date(Instant at) {
    return "<!date^" + at.getEpochSecond() + "^{date_short_pretty} {time}|" + FALLBACK_DATE.format(at) + ">";
  }

  /** Never ends a string between the two halves of a surrogate pair. */
  private static int safeEnd(String text, int end) {
    return end > 0 && Character.isHighSurrogate(text.charAt(end - 1)) ? end - 1 : end;
  }
}
