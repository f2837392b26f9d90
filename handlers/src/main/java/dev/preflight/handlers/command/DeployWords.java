package dev.preflight.handlers.command;

/**
 * The words of a deploy-related slash command. Slack sends the text with {@code & < >} turned
 * into entities; names are looked up, and reasons stored, as the person typed them.
 */
final class DeployWords {

  private DeployWords() {}

  /** The words as Slack sent them, split on any run of whitespace; none for blank text. */
  static String[] split(String text) {
    return text == null || text.isBlank() ? new String[0] : text.strip().split("\\s+");
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
    return slackText.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
  }
}
