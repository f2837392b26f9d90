package dev.preflight.handlers.publish;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a thread note into replies Slack shows in full. Slack truncates long message text, and a
 * code block cut in half would turn the rest of the thread into code, so a note is split between
 * lines, and a part that ends inside a ``` block closes it and the next part opens it again.
 * A note too long for a thread keeps its beginning and its end, where command output puts the
 * error, and says how much was left out between them.
 */
final class NoteParts {

  /** Comfortably below the 4,000 characters Slack shows in one message without truncating. */
  static final int LIMIT = 3500;
  /** Beyond this a note floods the thread and Slack's rate limit; what is between is left out. */
  static final int MAX_PARTS = 10;

  private static final String FENCE = "```";

  private NoteParts() {}

  static List<String> split(String text) {
    return split(text, LIMIT, MAX_PARTS);
  }

  /** @param maxParts at least 3: the first part, the mark of what was left out, the last part */
  static List<String> split(String text, int limit, int maxParts) {
    if (text == null || text.isBlank()) {
      return List.of();
    }
    if (text.length() <= limit) {
      return List.of(text);
    }
    // Room for a fence to close a part and one to reopen the next, each on a line of its own.
    int budget = limit - 2 * (FENCE.length() + 1);
    List<String> parts = new ArrayList<>();
    List<String> current = new ArrayList<>();
    int length = 0;
    boolean inFence = false;
    for (String line : text.split("\n", -1)) {
      for (String piece : cut(line, budget)) {
        if (!current.isEmpty() && length + 1 + piece.length() > budget) {
          if (inFence) {
            current.add(FENCE);
          }
          parts.add(String.join("\n", current));
          current = new ArrayList<>();
          length = 0;
          if (inFence) {
            current.add(FENCE);
            length = FENCE.length();
          }
        }
        length += (current.isEmpty() ? 0 : 1) + piece.length();
        current.add(piece);
      }
      if (line.strip().startsWith(FENCE)) {
        inFence = !inFence;
      }
    }
    parts.add(String.join("\n", current));
    return bounded(parts, maxParts);
  }

  private static List<String> bounded(List<String> parts, int maxParts) {
    if (parts.size() <= maxParts) {
      return parts;
    }
    int kept = Math.max(1, maxParts - 2);
    List<String> out = new ArrayList<>(parts.subList(0, kept));
    int left = parts.size() - kept - 1;
    out.add("_… " + left + " more part" + (left == 1 ? "" : "s") + " of this note left out …_");
    out.add(parts.get(parts.size() - 1));
    return out;
  }

  /** A line longer than a whole part is cut, never between the two halves of a surrogate pair. */
  private static List<String> cut(String line, int budget) {
    if (line.length() <= budget) {
      return List.of(line);
    }
    List<String> pieces = new ArrayList<>();
    int start = 0;
    while (start < line.length()) {
      int end = Math.min(line.length(), start + budget);
      if (end < line.length() && Character.isHighSurrogate(line.charAt(end - 1))) {
        end--;
      }
      pieces.add(line.substring(start, end));
      start = end;
    }
    return pieces;
  }
}
