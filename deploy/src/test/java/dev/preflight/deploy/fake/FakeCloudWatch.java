package dev.preflight.deploy.fake;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * CloudWatch's {@code GetMetricData} with metric math, which moto lacks, speaking the AWS query
 * protocol the SDK uses for CloudWatch (a form-encoded POST, an XML answer). Datapoints are
 * stored per metric name; an expression of ids, numbers, {@code + - * /} and parentheses is
 * evaluated at each timestamp every metric it names has. Every request's parameters are kept.
 */
public final class FakeCloudWatch {

  private final Map<String, TreeMap<Instant, Double>> metrics = new ConcurrentHashMap<>();
  private final List<Map<String, String>> requests = new CopyOnWriteArrayList<>();
  private HttpServer server;

  public static Future<FakeCloudWatch> start(Vertx vertx) {
    FakeCloudWatch fake = new FakeCloudWatch();
    return vertx.createHttpServer().requestHandler(fake::handle).listen(0, "127.0.0.1").map(server -> {
      fake.server = server;
      return fake;
    });
  }

  public FakeCloudWatch metric(String name, Map<Instant, Double> datapoints) {
    metrics.put(name, new TreeMap<>(datapoints));
    return this;
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.actualPort());
  }

  public List<Map<String, String>> requests() {
    return List.copyOf(requests);
  }

  public void stop() {
    server.close();
  }

  private void handle(HttpServerRequest request) {
    request.body().onSuccess(body -> {
      Map<String, String> params = new LinkedHashMap<>();
      for (String pair : body.toString().split("&")) {
        int eq = pair.indexOf('=');
        if (eq > 0) {
          params.put(decode(pair.substring(0, eq)), decode(pair.substring(eq + 1)));
        }
      }
      requests.add(params);
      if (!"GetMetricData".equals(params.get("Action"))) {
        request.response().setStatusCode(400).end("<ErrorResponse><Error><Code>InvalidAction</Code></Error></ErrorResponse>");
        return;
      }
      request.response().putHeader("content-type", "text/xml").end(answer(params));
    });
  }

  private String answer(Map<String, String> params) {
    Map<String, TreeMap<Instant, Double>> byId = new LinkedHashMap<>();
    List<String> returned = new ArrayList<>();
    Map<String, String> expressions = new LinkedHashMap<>();
    for (int i = 1; params.containsKey("MetricDataQueries.member." + i + ".Id"); i++) {
      String prefix = "MetricDataQueries.member." + i + ".";
      String id = params.get(prefix + "Id");
      String metric = params.get(prefix + "MetricStat.Metric.MetricName");
      if (metric != null) {
        byId.put(id, metrics.getOrDefault(metric, new TreeMap<>()));
      } else {
        expressions.put(id, params.get(prefix + "Expression"));
      }
      if (!"false".equals(params.get(prefix + "ReturnData"))) {
        returned.add(id);
      }
    }
    expressions.forEach((id, expression) -> byId.put(id, evaluate(expression, byId)));
    StringBuilder xml = new StringBuilder("<GetMetricDataResponse xmlns=\"http://monitoring.amazonaws.com/doc/2010-08-01/\">"
        + "<GetMetricDataResult><MetricDataResults>");
    for (String id : returned) {
      xml.append("<member><Id>").append(id).append("</Id><Label>").append(id).append("</Label><Timestamps>");
      byId.get(id).keySet().forEach(at -> xml.append("<member>").append(at).append("</member>"));
      xml.append("</Timestamps><Values>");
      byId.get(id).values().forEach(value -> xml.append("<member>").append(value).append("</member>"));
      xml.append("</Values><StatusCode>Complete</StatusCode></member>");
    }
    return xml.append("</MetricDataResults><Messages/></GetMetricDataResult>"
        + "<ResponseMetadata><RequestId>fake-1</RequestId></ResponseMetadata></GetMetricDataResponse>").toString();
  }

  private static TreeMap<Instant, Double> evaluate(String expression, Map<String, TreeMap<Instant, Double>> byId) {
    TreeMap<Instant, Double> out = new TreeMap<>();
    TreeMap<Instant, Double> first = byId.values().stream().findFirst().orElse(new TreeMap<>());
    for (Instant at : first.keySet()) {
      if (byId.values().stream().allMatch(series -> series.containsKey(at))) {
        out.put(at, new Parser(expression, id -> byId.get(id).get(at)).sum());
      }
    }
    return out;
  }

  private static String decode(String text) {
    return URLDecoder.decode(text, StandardCharsets.UTF_8);
  }

  /** sum := product (('+'|'-') product)*; product := atom (('*'|'/') atom)*; atom := number | id | '(' sum ')'. */
  private static final class Parser {
    private final String text;
    private final java.util.function.Function<String, Double> values;
    private int at;

    Parser(String text, java.util.function.Function<String, Double> values) {
      this.text = text.replace(" ", "");
      this.values = values;
    }

    double sum() {
      double value = product();
      while (at < text.length() && (text.charAt(at) == '+' || text.charAt(at) == '-')) {
        char op = text.charAt(at++);
        double next = product();
        value = op == '+' ? value + next : value - next;
      }
      return value;
    }

    private double product() {
      double value = atom();
      while (at < text.length() && (text.charAt(at) == '*' || text.charAt(at) == '/')) {
        char op = text.charAt(at++);
        double next = atom();
        value = op == '*' ? value * next : value / next;
      }
      return value;
    }

    private double atom() {
      if (text.charAt(at) == '(') {
        at++;
        double value = sum();
        at++;
        return value;
      }
      int start = at;
      while (at < text.length() && (Character.isLetterOrDigit(text.charAt(at)) || text.charAt(at) == '_' || text.charAt(at) == '.')) {
        at++;
      }
      String token = text.substring(start, at);
      return Character.isDigit(token.charAt(0)) ? Double.parseDouble(token) : values.apply(token);
    }
  }
}
