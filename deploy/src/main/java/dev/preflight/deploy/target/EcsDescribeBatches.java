package dev.preflight.deploy.target;

import dev.preflight.deploy.runner.PollRounds;
import io.vertx.core.Context;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.services.ecs.EcsAsyncClient;
import software.amazon.awssdk.services.ecs.model.DescribeServicesResponse;

/**
 * DescribeServices for every deploy that follows a service of the same cluster, through the same
 * client, in as few calls as ECS allows: up to {@link #MAX_SERVICES} services per call. Without
 * this, a thousand deploys polled at once make a thousand calls a round and spend the account's
 * ECS request rate on reading.
 *
 * <p>Two ways in. {@link #describe} is for a look that cannot wait (before UpdateService, say): the
 * first request for a cluster opens a batch and waits {@link #GATHER_MS} for others that come in
 * the same moment. {@link #describeInRound} is for the follow loop, whose looks land on
 * {@link PollRounds} instants: every service of a cluster due in one round is gathered, whichever
 * run follows it, and the round's services go out in batches of ten, the last one when the round's
 * gathering window closes ({@link #window}), or later while looks still trickle in, by the middle of
 * the round at the latest. A service asked for twice in one round is described
 * once. A batch that fills up goes out at once. Every member gets the whole answer and picks its
 * own service from it (ECS lists the ones it could not find as failures).
 */
final class EcsDescribeBatches {

  /** ECS refuses a DescribeServices naming more services than this. */
  static final int MAX_SERVICES = 10;
  /**
   * How long a batch waits for company. Polls that come due together land within a millisecond or
   * two of each other; a longer wait would only delay a rollback's first look at its service.
   */
  static final long GATHER_MS = 3;
  /** The longest a round's last, partial batch waits for looks that fire late on a busy machine. */
  static final long MAX_WINDOW_MS = 1_000;

  // One set of batches per SDK client (clients are kept per region); a closed client's set goes with it.
  private static final Map<EcsAsyncClient, EcsDescribeBatches> BY_CLIENT =
      Collections.synchronizedMap(new WeakHashMap<>());

  private final EcsAsyncClient client;
  /** The batch each cluster is gathering, if any. Guarded by {@code this}. */
  private final Map<String, Batch> gathering = new HashMap<>();
  /** The round each cluster is in, per poll interval. Guarded by {@code this}. */
  private final Map<RoundKey, Round> rounds = new HashMap<>();

  private EcsDescribeBatches(EcsAsyncClient client) {
    this.client = client;
  }

  static EcsDescribeBatches of(EcsAsyncClient client) {
    return BY_CLIENT.computeIfAbsent(client, EcsDescribeBatches::new);
  }

  private static final class Batch {
    final String cluster;
    final Set<String> services = new LinkedHashSet<>();
    final CompletableFuture<DescribeServicesResponse> answer = new CompletableFuture<>();

    Batch(String cluster) {
      this.cluster = cluster;
    }
  }

  private record RoundKey(String cluster, long intervalMillis) {}

  /** One round of one cluster: the services placed so far and the batch still open. */
  private static final class Round {
    final long instant;
    final Map<String, Batch> placed = new HashMap<>();
    Batch open;
    /** When the last look joined (System.nanoTime), so a round whose looks still trickle in waits for them. */
    long lastJoinNanos;

    Round(long instant) {
      this.instant = instant;
    }
  }

  /**
   * How long after its instant a round's partial batch waits for the last looks of the round: a
   * quarter of the interval, at most {@link #MAX_WINDOW_MS}. Every full batch goes at once, so only
   * the last few services of a cluster wait this long; on a busy machine the looks of a thousand
   * deploys took over 100 ms to fire.
   */
  static long window(PollRounds rounds) {
    return Math.max(GATHER_MS, Math.min(MAX_WINDOW_MS, rounds.interval().toMillis() / 4));
  }

  /**
   * An answer describing {@code service} of {@code cluster} in the round this look belongs to,
   * shared with the other services of the cluster due in the same round (ten per call).
   */
  CompletableFuture<DescribeServicesResponse> describeInRound(Context context, String cluster, String service,
      PollRounds pollRounds) {
    return describeInRound(context, cluster, service, pollRounds, System.currentTimeMillis());
  }

  /** As above, for a look made at {@code now} (epoch ms): tests pin the round rather than race the clock. */
  CompletableFuture<DescribeServicesResponse> describeInRound(Context context, String cluster, String service,
      PollRounds pollRounds, long now) {
    long instant = pollRounds.nearest(now);
    Batch joined;
    Batch full = null;
    boolean opened = false;
    Round current;
    synchronized (this) {
      RoundKey key = new RoundKey(cluster, pollRounds.interval().toMillis());
      Round round = rounds.get(key);
      if (round == null || round.instant < instant) {
        round = new Round(instant);
        rounds.put(key, round);
      }
      current = round;
      joined = round.placed.get(service);
      if (joined != null) {
        return joined.answer;
      }
      if (round.open == null) {
        round.open = new Batch(cluster);
        opened = true;
      }
      joined = round.open;
      joined.services.add(service);
      round.placed.put(service, joined);
      round.lastJoinNanos = System.nanoTime();
      if (joined.services.size() >= MAX_SERVICES) {
        full = joined;
        round.open = null;
      }
    }
    if (full != null) {
      send(context, full);
    } else if (opened) {
      // Looks that fired late (after the window) still wait a moment for each other.
      long window = window(pollRounds);
      long flushAt = Math.min(now + window, Math.max(now + GATHER_MS, instant + window));
      // However late the looks trickle in, the batch goes by the middle of the round.
      long latest = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(
          Math.max(flushAt, instant + pollRounds.interval().toMillis() / 2) - now);
      long quiet = Math.max(GATHER_MS, window / 5);
      Batch open = joined;
      Round round = current;
      context.runOnContext(v -> context.owner().setTimer(Math.max(1, flushAt - now),
          id -> close(context, round, open, quiet, latest)));
    }
    return joined.answer;
  }

  /**
   * Sends the round's open batch when its window closes, unless it filled up and went meanwhile.
   * While looks still join it (one came within {@code quietMs}), it waits that long again, up to
   * {@code latestNanos}: on a loaded machine the timers of a thousand looks fire over hundreds of
   * milliseconds, and each look cut off would cost a call of its own.
   */
  private void close(Context context, Round round, Batch batch, long quietMs, long latestNanos) {
    long wait;
    synchronized (this) {
      if (round.open != batch) {
        return;
      }
      long now = System.nanoTime();
      long quietFor = TimeUnit.NANOSECONDS.toMillis(now - round.lastJoinNanos);
      wait = quietFor < quietMs && now < latestNanos ? quietMs - quietFor : 0;
      if (wait == 0) {
        round.open = null;
      }
    }
    if (wait > 0) {
      context.owner().setTimer(Math.max(1, wait), id -> close(context, round, batch, quietMs, latestNanos));
      return;
    }
    send(context, batch);
  }

  /**
   * An answer describing {@code service} of {@code cluster}, and up to nine other services asked
   * for at the same time. The call itself starts on a worker of {@code context} (signing the first
   * request may read credential files).
   */
  CompletableFuture<DescribeServicesResponse> describe(Context context, String cluster, String service) {
    Batch batch;
    boolean opened;
    boolean full;
    synchronized (this) {
      batch = gathering.get(cluster);
      opened = batch == null;
      if (opened) {
        batch = new Batch(cluster);
        gathering.put(cluster, batch);
      }
      batch.services.add(service);
      full = batch.services.size() >= MAX_SERVICES;
      if (full) {
        gathering.remove(cluster);
      }
    }
    Batch joined = batch;
    if (full) {
      send(context, joined);
    } else if (opened) {
      context.runOnContext(v -> context.owner().setTimer(GATHER_MS, id -> sendIfStillGathering(context, joined)));
    }
    return joined.answer;
  }

  private void sendIfStillGathering(Context context, Batch batch) {
    synchronized (this) {
      if (gathering.get(batch.cluster) != batch) {
        return;
      }
      gathering.remove(batch.cluster);
    }
    send(context, batch);
  }

  private void send(Context context, Batch batch) {
    List<String> services = List.copyOf(batch.services);
    context.executeBlocking(() -> client.describeServices(b -> b.cluster(batch.cluster).services(services)), false)
        .onComplete(started -> {
          if (started.failed()) {
            batch.answer.completeExceptionally(started.cause());
            return;
          }
          started.result().whenComplete((response, failure) -> {
            if (failure != null) {
              batch.answer.completeExceptionally(failure);
            } else {
              batch.answer.complete(response);
            }
          });
        });
  }
}
