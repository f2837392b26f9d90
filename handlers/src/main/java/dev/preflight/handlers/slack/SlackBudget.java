package dev.preflight.handlers.slack;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;

/**
 * Slack's rate limits as one budget for the whole process: every Web API call takes a slot of
 * its method's bucket before it is sent. Buckets follow Slack's published tiers (Tier 2 20 calls
 * a minute, Tier 3 50, Tier 4 100) and {@code chat.postMessage}'s own rule of about one message a
 * second per channel with short bursts.
 *
 * <p>A slot is held from the moment a call is sent until one window after its answer came back.
 * Slack receives a call somewhere between those two moments, so however the network delays
 * requests, Slack never sees more than a bucket's calls in any window. That is what lets a
 * Slack that enforces the same numbers answer no 429.
 *
 * <p>Calls waiting for a slot are served by priority: answers to a user first, then final
 * states, then intermediate progress; in the order they came within a priority.
 *
 * <p>{@code share} divides the budget between replicas (0.5 for two): each window is stretched
 * by {@code 1/share}. A share above 1 is for workspaces Slack has granted more than the tiers'
 * minimum. Thread-safe.
 */
public final class SlackBudget {

  /** Who waits for whom when the budget is spent; earlier constants go first. */
  public enum Priority {
    /** An answer a user is waiting for: a private reply, a modal, the Home tab. */
    ANSWER,
    /** A message's final state, or its first post. */
    FINAL,
    /** An intermediate state that a later edit will replace. */
    PROGRESS
  }

  /** At most {@code calls} in any {@code window}. */
  public record Limit(int calls, Duration window) {
    public Limit {
      if (calls < 1 || window.isNegative() || window.isZero()) {
        throw new IllegalArgumentException("a limit needs at least one call in a positive window");
      }
    }
  }

  /** Slack's tiers, in calls a minute; a method Slack does not list is treated as Tier 3. */
  static final int TIER_2 = 20;
  static final int TIER_3 = 50;
  static final int TIER_4 = 100;
  private static final Map<String, Integer> TIERS = Map.ofEntries(
      Map.entry("chat.update", TIER_3),
      Map.entry("chat.postEphemeral", TIER_4),
      Map.entry("chat.getPermalink", TIER_4),
      Map.entry("views.open", TIER_4),
      Map.entry("views.publish", TIER_4),
      Map.entry("views.update", TIER_4),
      Map.entry("files.getUploadURLExternal", TIER_4),
      Map.entry("files.completeUploadExternal", TIER_4),
      Map.entry("conversations.history", TIER_3),
      Map.entry("reactions.add", TIER_3),
      Map.entry("reactions.get", TIER_3),
      Map.entry("users.info", TIER_4),
      Map.entry("usergroups.users.list", TIER_2),
      Map.entry("auth.test", TIER_4));
  /** chat.postMessage: about one a second per channel; three in three seconds allows a short burst. */
  static final int POST_BURST = 3;

  /** The real budget: tiers per minute, posts per channel per three seconds. */
  public static final Duration MINUTE = Duration.ofMinutes(1);

  private final Vertx vertx;
  private final double share;
  private final Duration tierWindow;
  private final Map<String, Bucket> buckets = new HashMap<>();

  /**
   * @param share this replica's part of the workspace's budget (1 alone, 0.5 for two, …)
   * @param tierWindow the window a tier's calls are counted in: a minute for Slack; tests use a
   *     shorter one, which scales every limit alike
   */
  public SlackBudget(Vertx vertx, double share, Duration tierWindow) {
    if (!(share > 0) || share > 100 || tierWindow.isNegative() || tierWindow.isZero()) {
      throw new IllegalArgumentException("the budget share must be above 0 (and at most 100) and the window positive");
    }
    this.vertx = vertx;
    this.share = share;
    this.tierWindow = tierWindow;
  }

  public SlackBudget(Vertx vertx, double share) {
    this(vertx, share, MINUTE);
  }

  /** The limit a method's calls share; for {@code chat.postMessage} the limit of one channel. */
  public Limit limitOf(String method) {
    if ("chat.postMessage".equals(method)) {
      return new Limit(POST_BURST, stretch(tierWindow.multipliedBy(POST_BURST).dividedBy(60)));
    }
    return new Limit(TIERS.getOrDefault(method, TIER_3), stretch(tierWindow));
  }

  private Duration stretch(Duration window) {
    return Duration.ofNanos(Math.max(1_000_000L, Math.round(window.toNanos() / share)));
  }

  /**
   * Completes, on the caller's context, once the call may be sent; the caller must then
   * {@link Slot#release release} the slot when the call's answer is in, success or not.
   *
   * @param channel the channel a {@code chat.postMessage} goes to; ignored for other methods
   */
  public Future<Slot> acquire(String method, String channel, Priority priority) {
    String key = "chat.postMessage".equals(method) ? method + " " + channel : method;
    Context caller = vertx.getOrCreateContext();
    Promise<Slot> granted = Promise.promise();
    Waiter waiter = new Waiter(caller, granted);
    Bucket bucket;
    boolean now;
    synchronized (this) {
      bucket = buckets.computeIfAbsent(key, k -> new Bucket(k, limitOf(method)));
      now = bucket.inUse < bucket.limit.calls();
      if (now) {
        bucket.inUse++;
      } else {
        bucket.waiting.get(priority).add(waiter);
      }
    }
    if (now) {
      waiter.grant(new Slot(bucket));
    }
    return granted.future();
  }

  /** Calls waiting for a slot, all methods together. */
  public synchronized int waiting() {
    return buckets.values().stream().mapToInt(Bucket::queued).sum();
  }

  private void free(Bucket bucket, long afterMillis) {
    vertx.setTimer(Math.max(1, afterMillis), id -> {
      Waiter next;
      synchronized (this) {
        next = bucket.next();
        if (next == null) {
          bucket.inUse--;
          if (bucket.inUse == 0) {
            buckets.remove(bucket.key, bucket);
          }
        }
      }
      if (next != null) {
        next.grant(new Slot(bucket));
      }
    });
  }

  /** A taken place in a bucket; released once, when the call's answer is in. */
  public final class Slot {
    private final Bucket bucket;
    private boolean released;

    private Slot(Bucket bucket) {
      this.bucket = bucket;
    }

    /** The call was sent and its answer is in (or it failed): the slot frees one window later. */
    public void release() {
      if (take()) {
        free(bucket, bucket.limit.window().toMillis());
      }
    }

    /** Nothing was sent after all: the slot frees at once. */
    public void unused() {
      if (take()) {
        free(bucket, 0);
      }
    }

    private boolean take() {
      synchronized (SlackBudget.this) {
        if (released) {
          return false;
        }
        released = true;
        return true;
      }
    }
  }

  private record Waiter(Context context, Promise<Slot> promise) {
    void grant(Slot slot) {
      context.runOnContext(v -> promise.complete(slot));
    }
  }

  private static final class Bucket {
    final String key;
    final Limit limit;
    final Map<Priority, Queue<Waiter>> waiting = new EnumMap<>(Priority.class);
    int inUse;

    Bucket(String key, Limit limit) {
      this.key = key;
      this.limit = limit;
      for (Priority priority : Priority.values()) {
        waiting.put(priority, new ArrayDeque<>());
      }
    }

    Waiter next() {
      for (Queue<Waiter> queue : waiting.values()) {
        Waiter next = queue.poll();
        if (next != null) {
          return next;
        }
      }
      return null;
    }

    int queued() {
      return waiting.values().stream().mapToInt(Queue::size).sum();
    }
  }
}
