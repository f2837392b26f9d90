package dev.preflight.bot.observe;

import io.micrometer.core.instrument.LongTaskTimer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Times every request the bot's HTTP server answers, by method, route and status
 * ({@code http.server.requests}), and counts those still being answered
 * ({@code http.server.requests.active}). Installed as the router's first route; the route is the
 * template that matched ({@code /alerts/:source}), so the number of series stays small whatever
 * paths are asked for, and {@code unmatched} for a path no route serves.
 */
public final class HttpServerMetrics {

  static final String REQUESTS = "http.server.requests";
  static final String ACTIVE = "http.server.requests.active";
  static final String UNMATCHED = "unmatched";

  private final MeterRegistry registry;
  private final LongTaskTimer active;
  /**
   * The timers met so far, by method, route and status. Their number is bounded by the routes
   * and the statuses they answer; registering (building the id, sorting the tags, looking it up)
   * on every request cost more than the timing itself.
   */
  private final Map<Key, Timer> timers = new ConcurrentHashMap<>();

  private record Key(String method, String route, int status) {}

  HttpServerMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.active = LongTaskTimer.builder(ACTIVE)
        .description("HTTP requests the bot has received and not answered yet")
        .register(registry);
  }

  /** The route handler: starts the clocks and hands on to the route that serves the request. */
  public void handle(RoutingContext ctx) {
    Timer.Sample sample = Timer.start(registry);
    LongTaskTimer.Sample running = active.start();
    ctx.addEndHandler(done -> {
      running.stop();
      Key key = new Key(ctx.request().method().name(), route(ctx), ctx.response().getStatusCode());
      // get first: it never locks, where computeIfAbsent may lock the bin of a key already there.
      Timer timer = timers.get(key);
      sample.stop(timer != null ? timer : timers.computeIfAbsent(key, this::timer));
    });
    ctx.next();
  }

  private Timer timer(Key key) {
    return Timer.builder(REQUESTS)
        .description("HTTP requests the bot answered, by method, route template and status")
        .tag("method", key.method())
        .tag("route", key.route())
        .tag("status", String.valueOf(key.status()))
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofSeconds(30))
        .register(registry);
  }

  private static String route(RoutingContext ctx) {
    Route route = ctx.currentRoute();
    return route == null || route.getPath() == null ? UNMATCHED : route.getPath();
  }
}
