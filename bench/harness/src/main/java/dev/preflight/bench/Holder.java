package dev.preflight.bench;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The health endpoint the benchmark's checklist checks: {@code GET /hold} is answered only once
 * the benchmark grants answers, so the runs' checks stay in flight until then. The bot's HTTP
 * client sends only a few requests to one host at a time and queues the rest, so a grant of
 * {@code n} answers the requests held now and then the next ones as they arrive, until {@code n}
 * have been answered. Any other path answers 200 at once.
 */
final class Holder {

  private final Deque<HttpServerRequest> held = new ArrayDeque<>();
  private HttpServer server;
  private int credit;
  private int answered;

  static Holder start(Vertx vertx) throws Exception {
    Holder holder = new Holder();
    holder.server = Lifecycle.await(vertx.createHttpServer().requestHandler(holder::serve).listen(0, "127.0.0.1"));
    return holder;
  }

  String url() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  synchronized int held() {
    return held.size();
  }

  synchronized int answered() {
    return answered;
  }

  /** Grants {@code count} more answers: the held requests first, then the next arrivals. */
  synchronized void release(int count) {
    credit += count;
    while (credit > 0 && !held.isEmpty()) {
      answer(held.poll());
    }
  }

  private void serve(HttpServerRequest request) {
    if (!request.path().startsWith("/hold")) {
      request.response().putHeader("Content-Type", "application/json").end("{\"ok\":true}");
      return;
    }
    synchronized (this) {
      if (credit > 0) {
        answer(request);
      } else {
        held.add(request);
      }
    }
  }

  private void answer(HttpServerRequest request) {
    credit--;
    answered++;
    request.response().putHeader("Content-Type", "application/json").end("{\"ok\":true}");
  }
}
