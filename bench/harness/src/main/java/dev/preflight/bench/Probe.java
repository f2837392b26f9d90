package dev.preflight.bench;

import dev.preflight.handlers.fake.SlackRequests;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Supplier;

/**
 * Ack latency at a fixed, modest rate (not at saturation): one signed request every
 * {@code 1000 / rate} ms for the given time, each timed from send to the full answer.
 */
final class Probe {

  private Probe() {
  }

  static Future<JsonObject> run(Vertx vertx, int port, Supplier<SlackRequests.Signed> next, int ratePerSecond,
      long millis) {
    WebClient client = WebClient.create(vertx, new WebClientOptions(), new io.vertx.core.http.PoolOptions().setHttp1MaxSize(64));
    List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
    int[] statuses = new int[2];
    Promise<JsonObject> done = Promise.promise();
    long total = ratePerSecond * millis / 1000;
    long[] sent = {0};
    long[] answered = {0};
    long period = Math.max(1, 1000 / ratePerSecond);
    vertx.setPeriodic(period, id -> {
      if (sent[0] >= total) {
        vertx.cancelTimer(id);
        return;
      }
      sent[0]++;
      SlackRequests.Signed request = next.get();
      long start = System.nanoTime();
      request.send(client, "127.0.0.1", port).onComplete(answer -> {
        latencies.add(System.nanoTime() - start);
        synchronized (statuses) {
          statuses[answer.succeeded() && answer.result().statusCode() == 200 ? 0 : 1]++;
        }
        if (++answered[0] == total) {
          client.close();
          done.complete(summary(latencies, statuses[0], statuses[1]));
        }
      });
    });
    return done.future();
  }

  static JsonObject summary(List<Long> nanos, int ok, int failed) {
    List<Long> sorted = new ArrayList<>(nanos);
    Collections.sort(sorted);
    return new JsonObject()
        .put("count", sorted.size()).put("ok", ok).put("failed", failed)
        .put("p50_ms", percentile(sorted, 50)).put("p99_ms", percentile(sorted, 99))
        .put("p999_ms", percentile(sorted, 99.9)).put("max_ms", sorted.isEmpty() ? 0 : sorted.get(sorted.size() - 1) / 1e6);
  }

  static double percentile(List<Long> sorted, double p) {
    if (sorted.isEmpty()) {
      return 0;
    }
    int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index))) / 1e6;
  }
}
