package dev.preflight.deploy.run;

/**
 * Who asked for a change and through which action, for the audit log.
 *
 * @param actor the Slack user id, or null when the bot itself acts
 * @param source what carried the request, e.g. {@code slash:/checklist}, {@code button:item_tick},
 *     {@code reaction_added}, {@code check}
 */
public record Origin(String actor, String source) {

  public static Origin bot(String source) {
    return new Origin(null, source);
  }
}
