package dev.preflight.deploy.fake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.WebClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link FakePrometheus} answers as Prometheus 2.x does: the same JSON for results and for
 * refusals (the error texts below are Debian's Prometheus 2.42's, word for word), and, where the
 * binary is installed, the same result types, labels and values as the real one for every query
 * the suite's tests ask, each scraping an app set to the same values.
 */
class FakePrometheusTest {

  /** The queries the Prometheus tests use (PrometheusCheckTest, CanaryStagesTest, the bot's canary test). */
  private static final List<String> QUERIES = List.of(
      "app_latency_p95_seconds",
      "app_never_exported",
      "sum(rate(app_requests_total{code=~\"5..\"}[3s])) / sum(rate(app_requests_total[3s]))",
      "sum(rate(app_requests_total{code=\"500\"}[3s])) / sum(rate(app_requests_total[3s]))",
      "max_over_time((sum(rate(app_requests_total{code=~\"5..\"}[3s])) / sum(rate(app_requests_total[3s])))[5s:1s])");

  private Vertx vertx;
  private WebClient client;
  private final List<LocalPrometheus> started = new ArrayList<>();

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    client = WebClient.create(vertx);
  }

  @AfterEach
  void tearDown() throws Exception {
    started.forEach(LocalPrometheus::stop);
    get(vertx.close());
  }

  @Test
  void refusalsReadAsPrometheusWritesThem() throws Exception {
    LocalPrometheus fake = start(LocalPrometheus.fake(vertx));
    String api = fake.url() + "/api/v1/";

    assertRefused(client.getAbs(api + "query"),
        "invalid parameter \"query\": 1:1: parse error: no expression found in input");
    assertRefused(client.getAbs(api + "query").addQueryParam("query", "x").addQueryParam("time", "abc"),
        "invalid parameter \"time\": Invalid time value for 'time': cannot parse \"abc\" to a valid timestamp");
    assertRefused(range(api, "10", "5", "1"), "invalid parameter \"end\": end timestamp must not be before start time");
    assertRefused(range(api, "1", "5", "0"), "invalid parameter \"step\": zero or negative query resolution step widths "
        + "are not accepted. Try a positive integer");
    assertRefused(range(api, "1", "50000", "1"), "exceeded maximum resolution of 11,000 points per timeseries. "
        + "Try decreasing the query resolution (?step=XX)");
    assertRefused(client.getAbs(api + "query_range").addQueryParam("query", "x").addQueryParam("end", "5")
        .addQueryParam("step", "1"), "invalid parameter \"start\": cannot parse \"\" to a valid timestamp");
    JsonObject unclosed = get(client.getAbs(api + "query").addQueryParam("query", "sum(rate(x[3s])").send())
        .bodyAsJsonObject();
    assertEquals("bad_data", unclosed.getString("errorType"));
    assertTrue(unclosed.getString("error").matches("invalid parameter \"query\": 1:\\d+: parse error: .+"),
        unclosed.encode());
    JsonObject unknown = get(client.getAbs(api + "query").addQueryParam("query", "holt_winters(x[1m], 0.5, 0.5)")
        .send()).bodyAsJsonObject();
    assertTrue(unknown.getString("error").contains("the fake Prometheus does not know the function \"holt_winters\""),
        "a query the fake cannot answer is refused, never answered wrongly: " + unknown.encode());
  }

  @Test
  void theFakeScrapesTheAppAndAnswersWithItsValuesAndLabels() throws Exception {
    LocalPrometheus fake = start(LocalPrometheus.fake(vertx));
    fake.gauge("app_latency_p95_seconds", 0.4);
    fake.errorShare(0.2);
    get(fake.until("app_latency_p95_seconds", v -> v == 0.4));
    get(fake.until(QUERIES.get(3), v -> Math.abs(v - 0.2) < 1e-9));

    JsonObject gauge = instant(fake, "app_latency_p95_seconds");
    assertEquals("vector", gauge.getString("resultType"));
    JsonObject series = gauge.getJsonArray("result").getJsonObject(0);
    assertEquals(Map.of("__name__", "app_latency_p95_seconds", "job", "app", "instance",
        fake.refusingUrl().substring("http://".length())), series.getJsonObject("metric").getMap());
    assertEquals("0.4", series.getJsonArray("value").getString(1));
    assertEquals(new JsonArray(), instant(fake, "app_never_exported").getJsonArray("result"));

    while (fake.fakeServer().scrapes() < 7) {
      get(vertx.timer(200, TimeUnit.MILLISECONDS));
    }
    long now = System.currentTimeMillis() / 1000;
    JsonObject matrix = get(client.getAbs(fake.url() + "/api/v1/query_range").addQueryParam("query", QUERIES.get(2))
        .addQueryParam("start", Long.toString(now - 3)).addQueryParam("end", Long.toString(now))
        .addQueryParam("step", "1").send()).bodyAsJsonObject().getJsonObject("data");
    assertEquals("matrix", matrix.getString("resultType"));
    JsonObject ratio = matrix.getJsonArray("result").getJsonObject(0);
    assertEquals(new JsonObject(), ratio.getJsonObject("metric"), "sum() drops every label");
    assertEquals(4, ratio.getJsonArray("values").size(), "one point a step, both ends included");
    assertEquals(now - 3, ratio.getJsonArray("values").getJsonArray(0).getLong(0));
    assertEquals("0.2", ratio.getJsonArray("values").getJsonArray(3).getString(1));
  }

  @Test
  void whereTheBinaryIsInstalledTheFakeAgreesWithTheRealPrometheus() throws Exception {
    if (!LocalPrometheus.available()) {
      System.out.println("FakePrometheusTest: no /usr/bin/prometheus to compare the fake with");
      return;
    }
    assertEquals(LocalPrometheus.fakeAskedFor(), new LocalPrometheus(vertx).isFake(), "with the binary installed, "
        + "the fixture runs the real Prometheus unless " + LocalPrometheus.FORCE_FAKE + "=fake asks for the fake");
    LocalPrometheus fake = start(LocalPrometheus.fake(vertx));
    LocalPrometheus real = start(LocalPrometheus.real(vertx));
    for (LocalPrometheus p : List.of(fake, real)) {
      p.gauge("app_latency_p95_seconds", 0.4);
      p.errorShare(0.25);
      get(p.until("app_latency_p95_seconds", v -> v == 0.4));
      get(p.until(QUERIES.get(4), v -> Math.abs(v - 0.25) < 1e-9));
    }
    for (String query : QUERIES) {
      JsonObject mine = instant(fake, query);
      JsonObject theirs = instant(real, query);
      assertEquals(theirs.getString("resultType"), mine.getString("resultType"), query);
      assertEquals(shape(theirs), shape(mine), query);
    }
  }

  /**
   * Per series: its label names, and its value to nine places (the instance differs: each scrapes
   * its own app; float sums may differ in the last bits).
   */
  private static List<String> shape(JsonObject data) {
    List<String> out = new ArrayList<>();
    data.getJsonArray("result").forEach(one -> {
      JsonObject series = (JsonObject) one;
      double value = Double.parseDouble(series.getJsonArray("value").getString(1));
      out.add(new TreeSet<>(series.getJsonObject("metric").fieldNames()) + " " + String.format("%.9f", value));
    });
    return out;
  }

  private JsonObject instant(LocalPrometheus prometheus, String query) throws Exception {
    JsonObject body = get(client.getAbs(prometheus.url() + "/api/v1/query").addQueryParam("query", query).send())
        .bodyAsJsonObject();
    assertEquals("success", body.getString("status"), body.encode());
    return body.getJsonObject("data");
  }

  private HttpRequest<?> range(String api, String start, String end, String step) {
    return client.getAbs(api + "query_range").addQueryParam("query", "x").addQueryParam("start", start)
        .addQueryParam("end", end).addQueryParam("step", step);
  }

  private void assertRefused(HttpRequest<?> request, String error) throws Exception {
    var response = get(request.send());
    assertEquals(400, response.statusCode());
    assertEquals("application/json", response.getHeader("content-type"));
    assertEquals(new JsonObject().put("status", "error").put("errorType", "bad_data").put("error", error),
        response.bodyAsJsonObject());
  }

  private LocalPrometheus start(LocalPrometheus prometheus) throws Exception {
    started.add(prometheus);
    return get(prometheus.start());
  }

  private static <T> T get(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(45, TimeUnit.SECONDS);
  }
}
