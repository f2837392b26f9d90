package dev.preflight.handlers.slack;

import dev.preflight.deploy.inbox.DeliveryIds;
import dev.preflight.deploy.run.PendingWrites;
import io.vertx.core.Future;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The Slack event ids already handled, so a redelivered event is handled once: the log behind
 * both the HTTP endpoint and Socket Mode.
 *
 * <p>While the database does not answer, ids are remembered in memory (the most recent
 * {@value #REMEMBERED} of them) and written when it returns, so an event that arrives during an
 * outage is still handled, once: a reaction then becomes a sign-off kept for later instead of a
 * 503 that Slack may or may not redeliver after the outage.
 */
public final class ProcessedEvents implements SlackEventLog {

  static final int REMEMBERED = 10_000;
  private static final String KEY = "slack-events";

  private final DeliveryIds ids;
  private final PendingWrites pending;
  private final Set<String> seenMeanwhile = Collections.newSetFromMap(Collections.synchronizedMap(
      new LinkedHashMap<>(64, 0.75f, false) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
          return size() > REMEMBERED;
        }
      }));

  /** @param pending where ids seen during an outage wait to be written; null to refuse them instead */
  public ProcessedEvents(DeliveryIds ids, PendingWrites pending) {
    this.ids = ids;
    this.pending = pending;
  }

  /** True the first time an event id is seen, false for every redelivery. */
  @Override
  public Future<Boolean> firstSeen(String eventId) {
    if (seenMeanwhile.contains(eventId)) {
      return Future.succeededFuture(false);
    }
    return ids.add(eventId).recover(e -> {
      if (pending == null || !PendingWrites.unreachable(e)) {
        return Future.failedFuture(e);
      }
      if (!seenMeanwhile.add(eventId)) {
        return Future.succeededFuture(false);
      }
      // Written later so that a redelivery after the outage, or to another replica, is still told apart.
      pending.submit(KEY, () -> ids.add(eventId));
      return Future.succeededFuture(true);
    });
  }

  /** Forgets an event whose handling failed, so Slack's redelivery is handled. */
  @Override
  public Future<Void> forget(String eventId) {
    seenMeanwhile.remove(eventId);
    return ids.remove(eventId);
  }

  /** Slack stops redelivering after minutes; ids older than a day only take space. */
  public Future<Integer> forgetOlderThanADay() {
    return ids.removeOlderThanADay();
  }
}
