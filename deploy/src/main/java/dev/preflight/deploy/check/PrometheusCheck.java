package dev.preflight.deploy.check;

import dev.preflight.checklists.analysis.Sample;
import dev.preflight.checklists.analysis.Series;
import dev.preflight.checklists.checklist.CheckSpec;
import dev.preflight.checklists.run.Evidence;
import dev.preflight.checklists.secret.Redactor;
import dev.preflight.checklists.secret.Variables;
import dev.preflight.checklists.time.Spans;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A PromQL query against the Prometheus HTTP API ({@code /api/v1/query} for the latest value,
 * {@code /api/v1/query_range} over a sustained window or a baseline), judged by
 * {@link MetricAttempt}. Credentials come from the environment variables the spec names and
 * are registered with the redactor before any request is built.
 */
final class PrometheusCheck implements Check<CheckSpec.Prometheus> {

  private final WebClient client;
  private final MetricAttempt attempt;

  PrometheusCheck(Vertx vertx, Clock clock, BaselineStore baselines) {
    this.client = WebClient.create(vertx, new WebClientOptions().setUserAgent("Preflight-Check"));
    this.attempt = new MetricAttempt(clock, baselines);
  }

  @Override
  public Future<Evidence> attempt(CheckSpec.Prometheus spec, Variables variables, Redactor redactor) {
    return attempt(spec, variables, redactor, MetricContext.none());
  }

  @Override
  public Future<Evidence> attempt(CheckSpec.Prometheus spec, Variables variables, Redactor redactor,
      MetricContext context) {
    String base = base(variables.resolve(spec.source(), new Redactor()));
    String query = variables.resolve(spec.query(), redactor);
    Map<String, String> headers = headers(spec.auth(), variables, redactor);
    long timeout = CheckRunner.timeout(spec).toMillis();
    MetricAttempt.Source source = (from, to, step) -> fetch(base, query, headers, from, to, step, timeout);
    String window = spec.rule().sustained() == null ? "1h" : Spans.format(spec.rule().sustained()).replace(" ", "");
    return attempt.run(spec.rule(), source, context, new MetricAttempt.Shown(query, graph(base, query, window)), redactor);
  }

  /** The source without a trailing slash; credentials in it would end up in links and logs. */
  private static String base(String source) {
    URI uri = URI.create(source.strip());
    if (uri.getUserInfo() != null) {
      throw new InvalidSpecException("the Prometheus source must not hold credentials; name them in auth");
    }
    String text = uri.toString();
    return text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
  }

  private static Map<String, String> headers(CheckSpec.PrometheusAuth auth, Variables variables, Redactor redactor) {
    if (auth == null) {
      return Map.of();
    }
    if (auth.bearerTokenEnv() != null) {
      String token = secret(auth.bearerTokenEnv(), variables, redactor);
      return Map.of("Authorization", "Bearer " + token);
    }
    String user = secret(auth.usernameEnv(), variables, redactor);
    String password = secret(auth.passwordEnv(), variables, redactor);
    String encoded = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    redactor.add(encoded);
    return Map.of("Authorization", "Basic " + encoded);
  }

  private static String secret(String name, Variables variables, Redactor redactor) {
    String value = variables.get(name).orElseThrow(() -> new Variables.MissingVariableException(name));
    redactor.add(value);
    return value;
  }

  /** The query in the Prometheus UI's graph page, over the window judged. */
  static String graph(String base, String query, String range) {
    return base + "/graph?g0.expr=" + URLEncoder.encode(query, StandardCharsets.UTF_8)
        + "&g0.tab=0&g0.range_input=" + URLEncoder.encode(range, StandardCharsets.UTF_8);
  }

  private Future<List<Series>> fetch(String base, String query, Map<String, String> headers, Instant from, Instant to,
      Duration step, long timeout) {
    boolean instant = from.equals(to);
    HttpRequest<Buffer> request = client.getAbs(base + (instant ? "/api/v1/query" : "/api/v1/query_range"))
        .timeout(timeout)
        .connectTimeout(timeout)
        .addQueryParam("query", query);
    if (instant) {
      request.addQueryParam("time", seconds(to));
    } else {
      request.addQueryParam("start", seconds(from))
          .addQueryParam("end", seconds(to))
          .addQueryParam("step", Double.toString(step.toMillis() / 1000.0));
    }
    headers.forEach(request::putHeader);
    return request.send().map(PrometheusCheck::series);
  }

  private static String seconds(Instant at) {
    return Double.toString(at.toEpochMilli() / 1000.0);
  }

  /** The series of a vector, matrix or scalar answer; an error answer fails with Prometheus's words. */
  static List<Series> series(HttpResponse<Buffer> response) {
    JsonObject body;
    try {
      body = response.bodyAsJsonObject();
    } catch (DecodeException | ClassCastException e) {
      throw new MetricSourceException("Prometheus answered " + response.statusCode() + " without a JSON body");
    }
    if (body == null || !"success".equals(body.getString("status"))) {
      String why = body == null ? "an empty body" : body.getString("errorType", "error") + ": " + body.getString("error", "");
      throw new MetricSourceException("Prometheus refused the query (" + response.statusCode() + ", " + why + ")");
    }
    JsonObject data = body.getJsonObject("data", new JsonObject());
    String type = data.getString("resultType", "");
    List<Series> series = new ArrayList<>();
    if (type.equals("scalar")) {
      series.add(new Series(Map.of(), List.of(sample(data.getJsonArray("result")))));
      return series;
    }
    JsonArray result = data.getJsonArray("result", new JsonArray());
    for (int i = 0; i < result.size(); i++) {
      JsonObject one = result.getJsonObject(i);
      Map<String, String> labels = new LinkedHashMap<>();
      one.getJsonObject("metric", new JsonObject()).forEach(e -> labels.put(e.getKey(), String.valueOf(e.getValue())));
      List<Sample> samples = new ArrayList<>();
      if (one.containsKey("values")) {
        JsonArray values = one.getJsonArray("values");
        for (int j = 0; j < values.size(); j++) {
          samples.add(sample(values.getJsonArray(j)));
        }
      } else if (one.containsKey("value")) {
        samples.add(sample(one.getJsonArray("value")));
      }
      series.add(new Series(labels, samples));
    }
    return series;
  }

  private static Sample sample(JsonArray pair) {
    double at = ((Number) pair.getValue(0)).doubleValue();
    double value;
    try {
      value = Double.parseDouble(String.valueOf(pair.getValue(1)));
    } catch (NumberFormatException e) {
      value = Double.NaN;
    }
    return new Sample(Instant.ofEpochMilli(Math.round(at * 1000)), value);
  }

  void close() {
    client.close();
  }
}
