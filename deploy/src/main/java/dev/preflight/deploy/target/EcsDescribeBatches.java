package dev.preflight.deploy.target;

import io.vertx.core.Context;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.services.ecs.EcsAsyncClient;
import software.amazon.awssdk.services.ecs.model.DescribeServicesResponse;

/**
 * DescribeServices for every deploy that follows a service of the same cluster, through the same
 * client, in as few calls as ECS allows: up to {@link #MAX_SERVICES} services per call. Without
 * this, a thousand deploys polled at once make a thousand calls a round and spend the account's
 * ECS request rate on reading.
 *
 * <p>The first request for a cluster opens a batch and waits {@link #GATHER_MS} for the polls that
 * fall due in the same moment; a batch that fills up goes out at once. Every member gets the whole
 * answer and picks its own service from it (ECS lists the ones it could not find as failures).
 */
final class EcsDescribeBatches {

  /** ECS refuses a DescribeServices naming more services than this. */
  static final int MAX_SERVICES = 10;
  /**
   * How long a batch waits for company. Polls that come due together land within a millisecond or
   * two of each other; a longer wait would only delay a rollback's first look at its service.
   */
  static final long GATHER_MS = 3;

  // One set of batches per SDK client (clients are kept per region); a closed client's set goes with it.
  private static final Map<EcsAsyncClient, EcsDescribeBatches> BY_CLIENT =
      Collections.synchronizedMap(new WeakHashMap<>());

  private final EcsAsyncClient client;
  /** The batch each cluster is gathering, if any. Guarded by {@code this}. */
  private final Map<String, Batch> gathering = new HashMap<>();

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
