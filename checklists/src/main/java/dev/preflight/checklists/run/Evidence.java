package dev.preflight.checklists.run;

/**
 * What an automated check saw. Kept with the item and shown in Slack, so it must never
 * hold a secret: checks redact before they build one.
 *
 * @param summary one line a person reads first, e.g. "200 OK in 84 ms"
 * @param status an HTTP status or process exit code, or null
 * @param latencyMillis how long the last attempt took, or null
 * @param excerpt the start of a body or output, or null
 * @param error why it failed, or null when it passed
 * @param attempts how many attempts were made
 */
public record Evidence(
    boolean passed,
    String summary,
    Integer status,
    Long latencyMillis,
    String excerpt,
    String error,
    int attempts) {

  public static final int EXCERPT_LIMIT = 500;

  public Evidence {
    if (excerpt != null && excerpt.length() > EXCERPT_LIMIT) {
      excerpt = excerpt.substring(0, EXCERPT_LIMIT) + "…";
    }
  }

  public static Evidence failure(String summary, String error, int attempts) {
    return new Evidence(false, summary, null, null, null, error, attempts);
  }
}
