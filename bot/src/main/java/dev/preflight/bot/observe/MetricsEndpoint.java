package dev.preflight.bot.observe;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmInfoMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * {@code GET /metrics}: the bot's meters in Prometheus' text format. One registry for the
 * process, with the JVM (memory, GC, threads, classes) and the process (CPU, uptime, open files)
 * bound from the start, and the HTTP server's requests timed ({@link #timeRequests}); the
 * classes that count are handed {@link #registry()}.
 */
public final class MetricsEndpoint implements AutoCloseable {

  /** The text exposition format every Prometheus server understands. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
  /** A scrape does not wait longer than this for gauges read from elsewhere. */
  private static final long REFRESH_TIMEOUT_MS = 2_000;

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final JvmGcMetrics gc = new JvmGcMetrics();
  private final HttpServerMetrics http;
  private final List<Supplier<Future<?>>> beforeScrape = new CopyOnWriteArrayList<>();

  public MetricsEndpoint() {
    registry.config().meterFilter(new MeterDescriptions());
    for (MeterBinder binder : List.of(new JvmMemoryMetrics(), gc, new JvmThreadMetrics(), new ClassLoaderMetrics(),
        new JvmInfoMetrics(), new ProcessorMetrics(), new UptimeMetrics(), new FileDescriptorMetrics())) {
      binder.bindTo(registry);
    }
    http = new HttpServerMetrics(registry);
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** The router's first route: times every request by route template and status. */
  public void timeRequests(RoutingContext ctx) {
    http.handle(ctx);
  }

  /** Work done before each scrape, such as reading a gauge's value from the database. */
  public void refreshBeforeScrape(Supplier<Future<?>> refresh) {
    beforeScrape.add(refresh);
  }

  /** The route handler; a slow or failed refresh leaves the last value and still answers. */
  public void handle(RoutingContext ctx) {
    List<Future<?>> refreshed = beforeScrape.stream()
        .map(refresh -> refresh.get().timeout(REFRESH_TIMEOUT_MS, TimeUnit.MILLISECONDS))
        .<Future<?>>map(Future::otherwiseEmpty)
        .toList();
    Future.join(refreshed).onComplete(done -> ctx.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, CONTENT_TYPE)
        .end(registry.scrape()));
  }

  /** Stops listening to the JVM's GC notifications. */
  @Override
  public void close() {
    gc.close();
  }
}
