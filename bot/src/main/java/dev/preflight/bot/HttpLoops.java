package dev.preflight.bot;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The bot's HTTP server on several event loops. Vert.x hands the connections of one port in
 * turn to every server listening on it from a different event loop; with one server, one thread
 * verified every signature and answered every ack while the other cores waited. Each extra
 * server is a verticle of its own with the same routes ({@code PREFLIGHT_HTTP_LOOPS}, one per CPU
 * by default); what the routes call is safe from any event loop (the pool, the metrics, the
 * Slack endpoint, which hands Bolt to a worker).
 *
 * <p>Each request is counted by the loop that served it ({@code preflight.http.loop.requests},
 * tag {@code loop}), so an uneven spread shows.
 */
final class HttpLoops {

  private HttpLoops() {}

  /**
   * The port to listen on so that every server of the bot shares it. Port 0 (any free port, as
   * tests ask) would give each server a port of its own; Vert.x shares one random port among the
   * servers that ask for the same negative port.
   */
  static int sharedPort(int configured) {
    return configured == 0 ? -1 : configured;
  }

  /** Counts each request by its event loop, then hands it to {@code routes}. */
  static Handler<HttpServerRequest> counted(MeterRegistry meters, Handler<HttpServerRequest> routes) {
    Map<String, Counter> byLoop = new ConcurrentHashMap<>();
    return request -> {
      byLoop.computeIfAbsent(Thread.currentThread().getName(), loop -> Counter.builder("preflight.http.loop.requests")
          .description("HTTP requests by the event loop that served them")
          .tag("loop", loop)
          .register(meters)).increment();
      routes.handle(request);
    };
  }

  /**
   * With {@code loops} above one, deploys that many more servers of {@code handler} on the
   * configured {@code port}, beside the one already listening there on {@link #sharedPort}. Vert.x
   * gives the instances of one deployment consecutive event loops, so they sit on {@code loops}
   * different ones; the first server's loop may be among them (it has no say in where the
   * deployment lands), so at least {@code loops} loops serve.
   *
   * <p>They are undeployed with the deployment that called this, before its own stop. Each
   * keeps listening until {@code drained} completes, which is the bot's own first stop step
   * (refuse new work with an answer, wait for the requests in flight): closing a server earlier
   * would drop the connections it had just accepted, since Vert.x treats a connection whose
   * request it has not read yet as idle and closes it unanswered. Only then does it take no new
   * connections and wait up to {@code drain} for what it is still answering.
   */
  static Future<?> deployMore(Vertx vertx, Handler<HttpServerRequest> handler, int port, int loops, Duration drain,
      Supplier<Future<?>> drained) {
    if (loops <= 1) {
      return Future.succeededFuture();
    }
    return vertx.deployVerticle(() -> new Loop(handler, port, drain, drained),
        new DeploymentOptions().setInstances(loops));
  }

  /**
   * The number of loops when PREFLIGHT_HTTP_LOOPS is unset: one per CPU, so acknowledgements of
   * different connections use every core, and at least two, so one slow handler does not hold
   * every acknowledgement behind it.
   */
  static int defaultLoops(int processors) {
    return Math.max(2, processors);
  }

  private static final class Loop extends VerticleBase {
    private final Handler<HttpServerRequest> handler;
    private final int port;
    private final Duration drain;
    private final Supplier<Future<?>> drained;
    private HttpServer server;

    Loop(Handler<HttpServerRequest> handler, int port, Duration drain, Supplier<Future<?>> drained) {
      this.handler = handler;
      this.port = port;
      this.drain = drain;
      this.drained = drained;
    }

    @Override
    public Future<?> start() {
      return vertx.createHttpServer().requestHandler(handler).listen(sharedPort(port))
          .onSuccess(listening -> server = listening);
    }

    @Override
    public Future<?> stop() {
      return drained.get().transform(v -> server == null
          ? Future.succeededFuture()
          : server.shutdown(drain.toMillis(), TimeUnit.MILLISECONDS));
    }
  }
}
