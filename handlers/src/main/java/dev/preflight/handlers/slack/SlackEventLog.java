package dev.preflight.handlers.slack;

import io.vertx.core.Future;

/**
 * Remembers which Events API deliveries were already taken in. Slack redelivers an event it thinks
 * went unanswered ({@code X-Slack-Retry-Num}), and with several replicas behind one URL the retry
 * may land on another process, so the memory must be shared: the persistence layer implements it.
 */
@FunctionalInterface
public interface SlackEventLog {

  /**
   * Records {@code eventId} and says whether this is the first time it was seen. Must be atomic
   * across replicas (an insert that ignores conflicts), so two concurrent deliveries cannot both
   * get {@code true}.
   */
  Future<Boolean> firstSeen(String eventId);

  /**
   * Forgets {@code eventId} after handling it failed, so Slack's redelivery is handled instead of
   * dropped as a duplicate. A log that cannot forget loses such an event.
   */
  default Future<Void> forget(String eventId) {
    return Future.succeededFuture();
  }
}
