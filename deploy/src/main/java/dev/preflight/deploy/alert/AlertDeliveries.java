package dev.preflight.deploy.alert;

import io.vertx.core.Future;
import java.time.Instant;
import java.util.List;
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

  /**
   * Gives up a claim whose first post failed, so the next delivery posts instead. When nothing
   * but that delivery was counted, its row is removed: the sender's retry is then the alert's
   * first delivery again (fired once, first seen at the retry), not a repeat of one never shown.
   */
  Future<Void> unclaim(String source, String groupKey, String claim);

  /**
   * Records that someone started a rollback of {@code rollback.runId()} from the alert message at
   * {@code channel} and {@code messageTs}; answers the alert as it stands now, or empty when no
   * alert of record has that message.
   */
  Future<Optional<AlertRecord>> rollbackStarted(String channel, String messageTs, AlertRollback rollback);

  /**
   * Records how a run's rollback ended on every alert it was started from; answers those alerts.
   *
   * @param toVersion the version it restored, when known now (else what was known at the start stays)
   */
  Future<List<AlertRecord>> rollbackEnded(String runId, AlertRollback.Outcome outcome, String toVersion,
      String detail, Instant endedAt);

  /** Records that the alert's message now shows its rollback with {@code outcome}. */
  Future<Void> rollbackShown(String source, String groupKey, AlertRollback.Outcome outcome);

  /**
   * Up to {@code limit} posted alerts whose message may not show their rollback as it stands:
   * the message last showed another outcome than the one stored, or the row still says running
   * although the run's rollback has ended. Oldest rollback first.
   */
  Future<List<AlertRecord>> rollbacksBehind(int limit);

  /** The alert as recorded now, if it was ever delivered. */
  Future<Optional<AlertRecord>> find(String source, String groupKey);
}
