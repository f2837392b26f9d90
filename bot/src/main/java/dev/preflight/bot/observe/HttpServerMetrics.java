package dev.preflight.bot.observe;

import io.micrometer.core.instrument.LongTaskTimer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;

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
      sample.stop(Timer.builder(REQUESTS)
          .description("HTTP requests the bot answered, by method, route template and status")
          .tag("method", ctx.request().method().name())
          .tag("route", route(ctx))
          .tag("status", String.valueOf(ctx.response().getStatusCode()))
          .publishPercentileHistogram()
          .minimumExpectedValue(Duration.ofMillis(1))
          .maximumExpectedValue(Duration.ofSeconds(30))
          .register(registry));
    });
    ctx.next();
  }

  private static String route(RoutingContext ctx) {
    Route route = ctx.currentRoute();
    return route == null || route.getPath() == null ? UNMATCHED : route.getPath();
  }
}
