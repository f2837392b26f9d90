package dev.preflight.deploy.alert;

import io.vertx.core.Future;
import java.util.Optional;

/**
 * The record of alert deliveries, grouped by source and grouping key: it counts each delivery once
 * and says who posts the first message, so concurrent repeats on one or several replicas show one
 * message.
 */
public interface AlertDeliveries {

  /** What the caller should do in Slack after a delivery was recorded. */
  enum Action {
    /** Post the first message; the caller holds the claim and reports the ts with {@link #posted}. */
    POST,
    /** Edit the message at {@link AlertRecord#messageTs()}. */
    UPDATE,
    /** Someone else's first post is in flight; it brings the message up to date when it lands. */
    PENDING,
    /** Nothing to show: a resolution of an alert never seen, or seen resolved already. */
    NONE
  }

  /** @param claim the claim to report the post with, when the action is POST */
  record Recorded(AlertRecord alert, Action action, String claim) {}

  /** Records one delivery of {@code alert}, routed to the service, environment and channel id. */
  Future<Recorded> record(Alert alert, String service, String environment, String channel);

  /**
   * Stores the ts of the first message, if the claim is still the caller's. Answers the alert as
   * it stands now, so repeats recorded while the post was in flight can be shown at once.
   */
  Future<Optional<AlertRecord>> posted(String source, String groupKey, String claim, String messageTs);

  /** Gives up a claim whose post failed, so the next delivery posts instead. */
  Future<Void> unclaim(String source, String groupKey, String claim);

  /** The alert as recorded now, if it was ever delivered. */
  Future<Optional<AlertRecord>> find(String source, String groupKey);
}
