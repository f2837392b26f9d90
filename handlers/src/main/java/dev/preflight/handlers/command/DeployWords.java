package dev.preflight.handlers.command;

import java.util.ArrayList;
import java.util.List;

/**
 * The words of a deploy-related slash command. Slack sends the text with {@code & < >} turned
 * into entities; names are looked up, and reasons stored, as the person typed them.
 */
final class DeployWords {

  private DeployWords() {}

  /**
   * The words as Slack sent them, split on any run of ASCII whitespace (what {@code \s} matches);
   * none for blank text. Split by hand: every command is split, and a regular expression was
   * compiled for each.
   */
  static String[] split(String text) {
    if (text == null || text.isBlank()) {
      return new String[0];
    }
    String stripped = text.strip();
    List<String> words = new ArrayList<>();
    int start = -1;
    for (int i = 0; i < stripped.length(); i++) {
      if (isSpace(stripped.charAt(i))) {
        if (start >= 0) {
          words.add(stripped.substring(start, i));
          start = -1;
        }
      } else if (start < 0) {
        start = i;
      }
    }
    if (start >= 0) {
      words.add(stripped.substring(start));
    }
    return words.toArray(new String[0]);
  }

  private static boolean isSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == 0x0B || c == '\f' || c == '\r';
  }

  /** Splits, then undoes Slack's entities in every word. */
  static String[] of(String text) {
    String[] words = split(text);
    for (int i = 0; i < words.length; i++) {
      words[i] = unescape(words[i]);
    }
    return words;
  }

  static String unescape(String slackText) {
    if (slackText.indexOf('&') < 0) {
      return slackText;
    }
    return slackText.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
  }
}
