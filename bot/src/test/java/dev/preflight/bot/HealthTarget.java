package dev.preflight.bot;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.util.ArrayList;
import java.util.List;

/** A service's health endpoint, healthy by default; it can hold requests until released. */
final class HealthTarget {

  private final List<HttpServerRequest> held = new ArrayList<>();
  private final List<Waiting> waiting = new ArrayList<>();
  private HttpServer server;
  private boolean holding;
  private int requests;
  private final java.util.Map<String, Integer> failures = new java.util.HashMap<>();
  private final java.util.Map<String, Integer> hits = new java.util.HashMap<>();

  static Future<HealthTarget> start(Vertx vertx) {
    HealthTarget target = new HealthTarget();
    return vertx.createHttpServer()
        .requestHandler(target::handle)
        .listen(0, "127.0.0.1")
        .map(server -> {
          target.server = server;
          return target;
        });
  }

  String baseUrl() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  synchronized HealthTarget hold() {
    holding = true;
    return this;
  }

  /** Completes when a request has arrived, already or later. */
  Future<Void> awaitRequest() {
    return awaitRequests(1);
  }

  /** Completes when {@code count} requests have arrived, already or later. */
  synchronized Future<Void> awaitRequests(int count) {
    if (requests >= count) {
      return Future.succeededFuture();
    }
    Promise<Void> promise = Promise.promise();
    waiting.add(new Waiting(count, promise));
    return promise.future();
  }

  /** Answers every request from now on; held ones may belong to a process that is gone. */
  synchronized void stopHolding() {
    holding = false;
    held.clear();
  }

  /** The next {@code count} requests for this path answer 503, as a broken release would. */
  synchronized HealthTarget failNext(String path, int count) {
    failures.put(path, count);
    return this;
  }

  /** How many requests this path has had. */
  synchronized int hits(String path) {
    return hits.getOrDefault(path, 0);
  }

  synchronized void release() {
    holding = false;
    held.forEach(this::answer);
    held.clear();
  }

  private synchronized void handle(HttpServerRequest request) {
    requests++;
    hits.merge(request.path(), 1, Integer::sum);
    waiting.removeIf(w -> {
      if (requests >= w.count()) {
        w.promise().tryComplete();
        return true;
      }
      return false;
    });
    if (holding) {
      held.add(request);
    } else {
      answer(request);
    }
  }

  private record Waiting(int count, Promise<Void> promise) {}

  private void answer(HttpServerRequest request) {
    int failing = failures.getOrDefault(request.path(), 0);
    if (failing > 0) {
      failures.put(request.path(), failing - 1);
      request.response().setStatusCode(503).putHeader("Content-Type", "application/json").end("{\"ok\":false}");
      return;
    }
    request.response().putHeader("Content-Type", "application/json").end("{\"ok\":true,\"version\":\"1.4.2\"}");
  }
}
