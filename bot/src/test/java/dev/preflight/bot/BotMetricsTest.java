package dev.preflight.bot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code GET /metrics} of the running bot, scraped over HTTP: at idle it already has the JVM,
 * the process, the HTTP server and the deploy engine's gauges, each with its help text; and each
 * request it answers is timed by route template and status.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class BotMetricsTest {

  /** One family of each kind an operator reads on day one (docs/operations.md lists them all). */
  private static final List<String> IDLE_FAMILIES = List.of(
      "jvm_memory_used_bytes", "jvm_memory_max_bytes", "jvm_gc_memory_allocated_bytes_total",
      "jvm_gc_live_data_size_bytes", "jvm_threads_live_threads", "jvm_threads_states_threads",
      "jvm_classes_loaded_classes", "jvm_info", "process_cpu_usage", "system_cpu_count", "process_uptime_seconds",
      "process_start_time_seconds", "process_files_open_files", "process_files_max_files",
      "http_server_requests_active_seconds_count", "preflight_runs_in_flight", "preflight_leases_held");

  private WebClient client;
  private PreflightVerticle bot;

  @BeforeEach
  void deploy(Vertx vertx, VertxTestContext test) {
    client = WebClient.create(vertx);
    PreflightVerticle started = BotWithoutSlack.create();
    vertx.deployVerticle(started).onComplete(test.succeeding(id -> {
      bot = started;
      test.completeNow();
    }));
  }

  @Test
  void atIdleTheJvmProcessHttpAndRunFamiliesAreThereEachWithItsHelp(VertxTestContext test) {
    client.get(bot.port(), "127.0.0.1", "/metrics").send()
        .onComplete(test.succeeding(response -> test.verify(() -> {
          assertEquals(200, response.statusCode());
          String text = response.bodyAsString();
          for (String family : IDLE_FAMILIES) {
            assertTrue(Pattern.compile("(?m)^" + Pattern.quote(family) + "(\\{[^}]*})? \\S+$").matcher(text).find(),
                family + " missing from:\n" + text);
          }
          assertEquals(0.0, value(text, "preflight_runs_in_flight"), text);
          assertEquals(0.0, value(text, "preflight_leases_held"), text);
          assertEquals(List.of(), familiesWithoutHelp(text), "every family says what it is");
          test.completeNow();
        })));
  }

  @Test
  void eachRequestIsTimedByItsRouteTemplateAndStatus(VertxTestContext test) {
    client.get(bot.port(), "127.0.0.1", "/healthz").send()
        .compose(r -> client.get(bot.port(), "127.0.0.1", "/healthz").send())
        .compose(r -> client.get(bot.port(), "127.0.0.1", "/no/such/page").send())
        // Webhooks are off without ALERTS_TOKEN: 404, under the route's template, not the path asked for.
        .compose(r -> client.post(bot.port(), "127.0.0.1", "/alerts/generic").sendBuffer(Buffer.buffer("{}")))
        .compose(r -> client.get(bot.port(), "127.0.0.1", "/metrics").send())
        .onComplete(test.succeeding(response -> test.verify(() -> {
          String text = response.bodyAsString();
          assertEquals(2.0, value(text, "http_server_requests_seconds_count",
              "method=\"GET\"", "route=\"/healthz\"", "status=\"200\""), text);
          assertEquals(1.0, value(text, "http_server_requests_seconds_count",
              "method=\"GET\"", "route=\"unmatched\"", "status=\"404\""), text);
          assertEquals(1.0, value(text, "http_server_requests_seconds_count",
              "method=\"POST\"", "route=\"/alerts/:source\"", "status=\"404\""), text);
          assertTrue(text.contains("http_server_requests_seconds_bucket{method=\"GET\",route=\"/healthz\""),
              "latency as a histogram: " + text);
          assertTrue(!text.contains("/no/such/page") && !text.contains("/alerts/generic"),
              "paths asked for never become labels: " + text);
          assertEquals(List.of(), familiesWithoutHelp(text), "every family says what it is");
          test.completeNow();
        })));
  }

  /** Families with a {@code # TYPE} line but no {@code # HELP} line with text. */
  private static List<String> familiesWithoutHelp(String text) {
    List<String> missing = new ArrayList<>();
    Matcher types = Pattern.compile("(?m)^# TYPE (\\S+) ").matcher(text);
    while (types.find()) {
      String family = types.group(1);
      if (!Pattern.compile("(?m)^# HELP " + Pattern.quote(family) + " \\S").matcher(text).find()) {
        missing.add(family);
      }
    }
    return missing;
  }

  /** The value of the one sample of {@code name} whose labels include every one of {@code labels}. */
  private static double value(String text, String name, String... labels) {
    Matcher matcher = Pattern.compile("(?m)^" + Pattern.quote(name) + "(?:\\{([^}]*)})? (\\S+)$").matcher(text);
    List<Double> found = new ArrayList<>();
    while (matcher.find()) {
      String sampleLabels = matcher.group(1) == null ? "" : matcher.group(1);
      if (List.of(labels).stream().allMatch(sampleLabels::contains)) {
        found.add(Double.parseDouble(matcher.group(2)));
      }
    }
    assertEquals(1, found.size(), () -> "one sample of " + name + " " + List.of(labels) + " in:\n" + text);
    return found.get(0);
  }
}
