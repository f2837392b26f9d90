package dev.preflight.handlers.alert;

/**
 * What became of one alert of a webhook delivery, for the webhook's answer.
 *
 * @param channel the Slack channel id it went to, or null when it went nowhere
 * @param detail why it went nowhere or was refused, or null
 */
public record Delivery(String key, Outcome outcome, String channel, String detail) {

  public enum Outcome {
    /** A new message was posted. */
    POSTED,
    /** The alert's message was edited: a repeat, or its resolution. */
    UPDATED,
    /** Recorded; the first post of the same alert, still in flight, will show it. */
    PENDING,
    /** Nothing to show: a resolution of an alert that was never posted, or already resolved. */
    IGNORED,
    /** No route (or no channel) for it; nothing was posted. */
    UNROUTED,
    /** Slack refused its channel for good (unknown, archived, the bot not in it); nothing was posted. */
    REFUSED;

    public String wire() {
      return name().toLowerCase();
    }
  }
}
