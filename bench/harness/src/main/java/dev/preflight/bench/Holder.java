package dev.preflight.bench;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The health endpoint the benchmark's checklist checks: {@code GET /hold} is answered only when
 * the benchmark releases it, so each open run keeps a check in flight until then; any other path
 * answers 200 at once.
 */
final class Holder {

  private final Vertx vertx;
  private final Deque<HttpServerRequest> held = new ArrayDeque<>();
  private HttpServer server;

  private Holder(Vertx vertx) {
    this.vertx = vertx;
  }

  static Holder start(Vertx vertx) throws Exception {
    Holder holder = new Holder(vertx);
    holder.server = Lifecycle.await(vertx.createHttpServer().requestHandler(holder::serve).listen(0, "127.0.0.1"));
    return holder;
  }

  String url() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  synchronized int held() {
    return held.size();
  }

  /** Answers the {@code count} oldest held checks with 200, all at once; returns how many it answered. */
  synchronized int release(int count) {
    int released = 0;
    while (released < count && !held.isEmpty()) {
      held.poll().response().putHeader("Content-Type", "application/json").end("{\"ok\":true}");
      released++;
    }
    return released;
  }

  private void serve(HttpServerRequest request) {
    if (request.path().startsWith("/hold")) {
      synchronized (this) {
        held.add(request);
      }
      return;
    }
    request.response().putHeader("Content-Type", "application/json").end("{\"ok\":true}");
  }
}
