package dev.preflight.deploy.fake;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.handler.BodyHandler;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.DoubleBinaryOperator;
import java.util.regex.Pattern;

/**
 * Stands in for Prometheus when Debian's binary is missing: it scrapes one target's text
 * exposition every second over HTTP, keeps the samples (with staleness when a series leaves a
 * scrape) and answers {@code /api/v1/query} and {@code /api/v1/query_range} with the same JSON
 * Prometheus 2.x sends, errors included ({@code 400}, {@code bad_data}, Prometheus's words).
 *
 * <p>It evaluates the PromQL the tests write, no more: selectors with {@code = != =~ !~}
 * matchers, range selectors, subqueries, {@code rate}, {@code max_over_time},
 * {@code min_over_time}, {@code avg_over_time}, {@code sum}, {@code max}, {@code min},
 * {@code avg}, {@code count} (over everything, no {@code by}), number literals and
 * {@code + - * /} with one-to-one matching. Anything else is refused as a parse error that says
 * the fake does not know it, so a test never passes on an answer Prometheus would not give.
 */
public final class FakePrometheus {

  private static final long LOOKBACK_MS = 5 * 60 * 1000;
  private static final int MAX_POINTS = 11_000;

  private final Vertx vertx;
  private final String target;
  /** Series by their full label set (with {@code __name__}); a null value is a staleness marker. */
  private final Map<Map<String, String>, NavigableMap<Long, Double>> series = new ConcurrentHashMap<>();
  private final AtomicInteger queries = new AtomicInteger();
  private final AtomicInteger scrapes = new AtomicInteger();
  private WebClient client;
  private HttpServer server;
  private long scraper;

  /** A fake scraping {@code host:port}'s {@code /metrics} as job {@code app}. */
  public FakePrometheus(Vertx vertx, String target) {
    this.vertx = vertx;
    this.target = target;
  }

  public Future<FakePrometheus> start() {
    client = WebClient.create(vertx);
    Router router = Router.router(vertx);
    router.get("/-/ready").handler(rc -> rc.response().end("Prometheus Server is Ready.\n"));
    router.post("/api/v1/*").handler(BodyHandler.create());
    router.route("/api/v1/query").handler(rc -> answer(rc, false));
    router.route("/api/v1/query_range").handler(rc -> answer(rc, true));
    scraper = vertx.setPeriodic(0, 1000, id -> scrape());
    return vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
        .onSuccess(s -> server = s)
        .map(this);
  }

  public String url() {
    return "http://127.0.0.1:" + port();
  }

  public int port() {
    return server.actualPort();
  }

  /** How many queries this fake has answered: proof that a test really ran against it. */
  public int queriesAnswered() {
    return queries.get();
  }

  public int scrapes() {
    return scrapes.get();
  }

  public void stop() {
    vertx.cancelTimer(scraper);
    if (server != null) {
      server.close();
    }
    if (client != null) {
      client.close();
    }
  }

  // Scraping

  private void scrape() {
    long at = System.currentTimeMillis();
    client.getAbs("http://" + target + "/metrics").timeout(900).send().onSuccess(response -> {
      Map<Map<String, String>, Double> seen = Exposition.parse(response.bodyAsString(), Map.of("job", "app",
          "instance", target));
      seen.forEach((labels, value) -> {
        NavigableMap<Long, Double> samples = series.computeIfAbsent(labels, k -> new TreeMap<>());
        synchronized (samples) {
          samples.put(at, value);
        }
      });
      series.forEach((labels, samples) -> {
        if (!seen.containsKey(labels)) {
          synchronized (samples) {
            samples.put(at, null);
          }
        }
      });
      scrapes.incrementAndGet();
    });
  }

  // HTTP API

  private void answer(RoutingContext rc, boolean range) {
    MultiMap params = MultiMap.caseInsensitiveMultiMap().addAll(rc.request().params());
    if (rc.request().method().name().equals("POST")) {
      params.addAll(rc.request().formAttributes());
    }
    queries.incrementAndGet();
    try {
      JsonObject data = range ? queryRange(params) : query(params);
      json(rc, 200, new JsonObject().put("status", "success").put("data", data));
    } catch (BadData e) {
      json(rc, 400, new JsonObject().put("status", "error").put("errorType", "bad_data").put("error", e.getMessage()));
    }
  }

  private static void json(RoutingContext rc, int status, JsonObject body) {
    rc.response().setStatusCode(status).putHeader("content-type", "application/json").end(body.encode());
  }

  private JsonObject query(MultiMap params) {
    long at = params.contains("time") ? time(params.get("time"), "time") : System.currentTimeMillis();
    Node expr = parse(params.get("query"));
    Value value = expr.eval(this, at);
    if (value instanceof Scalar scalar) {
      return new JsonObject().put("resultType", "scalar").put("result", point(at, scalar.value));
    }
    if (value instanceof Matrix matrix) {
      return new JsonObject().put("resultType", "matrix").put("result", matrix.json());
    }
    JsonArray result = new JsonArray();
    ((Vector) value).samples.forEach((labels, v) -> result.add(new JsonObject().put("metric", new JsonObject(
        new LinkedHashMap<>(labels))).put("value", point(at, v))));
    return new JsonObject().put("resultType", "vector").put("result", result);
  }

  private JsonObject queryRange(MultiMap params) {
    long start = time(params.get("start"), "start");
    long end = time(params.get("end"), "end");
    if (end < start) {
      throw new BadData("invalid parameter \"end\": end timestamp must not be before start time");
    }
    long step = step(params.get("step"));
    if ((end - start) / step > MAX_POINTS) {
      throw new BadData("exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query "
          + "resolution (?step=XX)");
    }
    Node expr = parse(params.get("query"));
    Matrix result = new Matrix();
    for (long at = start; at <= end; at += step) {
      Value value = expr.eval(this, at);
      if (value instanceof Matrix) {
        throw new BadData("invalid parameter \"query\": invalid expression type \"range vector\" for range query, "
            + "must be Scalar or instant Vector");
      }
      Vector vector = value instanceof Scalar scalar ? Vector.of(Map.of(), scalar.value) : (Vector) value;
      long t = at;
      vector.samples.forEach((labels, v) -> result.add(labels, t, v));
    }
    return new JsonObject().put("resultType", "matrix").put("result", result.json());
  }

  private static Node parse(String query) {
    try {
      return new Parser(query == null ? "" : query).parseAll();
    } catch (BadData e) {
      throw new BadData("invalid parameter \"query\": " + e.getMessage());
    }
  }

  private static long time(String text, String name) {
    if (text == null || text.isEmpty()) {
      throw new BadData("invalid parameter \"" + name + "\": cannot parse \"\" to a valid timestamp");
    }
    try {
      return Math.round(Double.parseDouble(text) * 1000);
    } catch (NumberFormatException notANumber) {
      try {
        return Instant.parse(text).toEpochMilli();
      } catch (DateTimeParseException e) {
        String what = name.equals("time") ? "Invalid time value for 'time': " : "";
        throw new BadData("invalid parameter \"" + name + "\": " + what + "cannot parse \"" + text
            + "\" to a valid timestamp");
      }
    }
  }

  private static long step(String text) {
    long step;
    try {
      step = text == null ? 0 : Math.round(Double.parseDouble(text) * 1000);
    } catch (NumberFormatException e) {
      step = Parser.duration(text == null ? "" : text, "invalid parameter \"step\": cannot parse \"" + text
          + "\" to a valid duration");
    }
    if (step <= 0) {
      throw new BadData("invalid parameter \"step\": zero or negative query resolution step widths are not accepted. "
          + "Try a positive integer");
    }
    return step;
  }

  private static JsonArray point(long at, double value) {
    return new JsonArray().add(at / 1000.0).add(format(value));
  }

  /** A sample value as Prometheus writes it: plain decimal, shortest form, {@code +Inf}, {@code NaN}. */
  static String format(double value) {
    if (Double.isNaN(value)) {
      return "NaN";
    }
    if (Double.isInfinite(value)) {
      return value > 0 ? "+Inf" : "-Inf";
    }
    if (value == Math.rint(value) && Math.abs(value) < 1e15) {
      return Long.toString((long) value);
    }
    return new BigDecimal(Double.toString(value)).stripTrailingZeros().toPlainString();
  }

  // Storage reads

  /** The newest sample of each matching series at or before {@code at}, within the look-back, unless stale. */
  private Vector instant(List<Matcher> matchers, long at) {
    Vector out = new Vector();
    series.forEach((labels, samples) -> {
      if (matches(labels, matchers)) {
        Map.Entry<Long, Double> latest;
        synchronized (samples) {
          latest = samples.floorEntry(at);
        }
        if (latest != null && latest.getValue() != null && latest.getKey() >= at - LOOKBACK_MS) {
          out.samples.put(labels, latest.getValue());
        }
      }
    });
    return out;
  }

  private Matrix range(List<Matcher> matchers, long at, long width) {
    Matrix out = new Matrix();
    series.forEach((labels, samples) -> {
      if (matches(labels, matchers)) {
        synchronized (samples) {
          samples.subMap(at - width, true, at, true).forEach((t, v) -> {
            if (v != null) {
              out.add(labels, t, v);
            }
          });
        }
      }
    });
    return out;
  }

  private static boolean matches(Map<String, String> labels, List<Matcher> matchers) {
    return matchers.stream().allMatch(m -> m.test(labels.getOrDefault(m.label, "")));
  }

  // Values

  private sealed interface Value permits Scalar, Vector, Matrix {}

  private record Scalar(double value) implements Value {}

  private static final class Vector implements Value {
    final Map<Map<String, String>, Double> samples = new LinkedHashMap<>();

    static Vector of(Map<String, String> labels, double value) {
      Vector vector = new Vector();
      vector.samples.put(labels, value);
      return vector;
    }
  }

  private static final class Matrix implements Value {
    final Map<Map<String, String>, TreeMap<Long, Double>> series = new LinkedHashMap<>();

    void add(Map<String, String> labels, long at, double value) {
      series.computeIfAbsent(labels, k -> new TreeMap<>()).put(at, value);
    }

    JsonArray json() {
      JsonArray result = new JsonArray();
      series.forEach((labels, points) -> {
        JsonArray values = new JsonArray();
        points.forEach((t, v) -> values.add(point(t, v)));
        result.add(new JsonObject().put("metric", new JsonObject(new LinkedHashMap<>(labels))).put("values", values));
      });
      return result;
    }
  }

  private static Map<String, String> withoutName(Map<String, String> labels) {
    Map<String, String> out = new TreeMap<>(labels);
    out.remove("__name__");
    return out;
  }

  // Expressions

  private interface Node {
    Value eval(FakePrometheus db, long at);
  }

  private record Matcher(String label, String op, String value, Pattern pattern) {
    boolean test(String actual) {
      return switch (op) {
        case "=" -> actual.equals(value);
        case "!=" -> !actual.equals(value);
        case "=~" -> pattern.matcher(actual).matches();
        default -> !pattern.matcher(actual).matches();
      };
    }
  }

  private record Literal(double value) implements Node {
    public Value eval(FakePrometheus db, long at) {
      return new Scalar(value);
    }
  }

  private record Selector(List<Matcher> matchers) implements Node {
    public Value eval(FakePrometheus db, long at) {
      return db.instant(matchers, at);
    }
  }

  private record RangeSelector(List<Matcher> matchers, long width) implements Node {
    public Value eval(FakePrometheus db, long at) {
      return db.range(matchers, at, width);
    }
  }

  /** {@code (expr)[range:step]}: the inner expression at every step-aligned time in the range. */
  private record Subquery(Node inner, long width, long step) implements Node {
    public Value eval(FakePrometheus db, long at) {
      Matrix out = new Matrix();
      long start = at - width;
      long first = start - Math.floorMod(start, step);
      if (first < start) {
        first += step;
      }
      for (long t = first; t <= at; t += step) {
        Value value = inner.eval(db, t);
        if (!(value instanceof Vector vector)) {
          throw new BadData("subquery is only allowed on instant vector");
        }
        long when = t;
        vector.samples.forEach((labels, v) -> out.add(labels, when, v));
      }
      return out;
    }
  }

  private record Function(String name, Node argument, long width) implements Node {
    public Value eval(FakePrometheus db, long at) {
      Matrix matrix = (Matrix) argument.eval(db, at);
      Vector out = new Vector();
      matrix.series.forEach((labels, points) -> {
        Double value = name.equals("rate") ? rate(points, at, width) : overTime(points);
        if (value != null) {
          out.samples.put(withoutName(labels), value);
        }
      });
      return out;
    }

    private Double overTime(TreeMap<Long, Double> points) {
      if (points.isEmpty()) {
        return null;
      }
      return switch (name) {
        case "max_over_time" -> points.values().stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        case "min_over_time" -> points.values().stream().mapToDouble(Double::doubleValue).min().orElseThrow();
        default -> points.values().stream().mapToDouble(Double::doubleValue).average().orElseThrow();
      };
    }

    /** Prometheus's extrapolated rate: the increase over the samples, stretched towards the window's edges. */
    private static Double rate(TreeMap<Long, Double> points, long at, long width) {
      if (points.size() < 2) {
        return null;
      }
      double first = points.firstEntry().getValue();
      double increase = 0;
      double previous = first;
      for (double value : points.values()) {
        increase += value < previous ? value : value - previous;
        previous = value;
      }
      double sampled = (points.lastKey() - points.firstKey()) / 1000.0;
      double toStart = (points.firstKey() - (at - width)) / 1000.0;
      double toEnd = (at - points.lastKey()) / 1000.0;
      double average = sampled / (points.size() - 1);
      if (increase > 0 && first >= 0) {
        toStart = Math.min(toStart, sampled * (first / increase));
      }
      double threshold = average * 1.1;
      double extrapolated = sampled + (toStart < threshold ? toStart : average / 2) + (toEnd < threshold ? toEnd : average / 2);
      return increase * (extrapolated / sampled) / (width / 1000.0);
    }
  }

  private record Aggregate(String name, Node argument) implements Node {
    public Value eval(FakePrometheus db, long at) {
      Value value = argument.eval(db, at);
      if (!(value instanceof Vector vector)) {
        throw new BadData("expected type instant vector in aggregation expression");
      }
      if (vector.samples.isEmpty()) {
        return new Vector();
      }
      var values = vector.samples.values().stream().mapToDouble(Double::doubleValue);
      double result = switch (name) {
        case "sum" -> values.sum();
        case "max" -> values.max().orElseThrow();
        case "min" -> values.min().orElseThrow();
        case "avg" -> values.average().orElseThrow();
        default -> vector.samples.size();
      };
      return Vector.of(Map.of(), result);
    }
  }

  private record Binary(char op, Node left, Node right) implements Node {
    public Value eval(FakePrometheus db, long at) {
      Value l = left.eval(db, at);
      Value r = right.eval(db, at);
      DoubleBinaryOperator f = switch (op) {
        case '+' -> Double::sum;
        case '-' -> (a, b) -> a - b;
        case '*' -> (a, b) -> a * b;
        default -> (a, b) -> a / b;
      };
      if (l instanceof Scalar a && r instanceof Scalar b) {
        return new Scalar(f.applyAsDouble(a.value, b.value));
      }
      if (l instanceof Matrix || r instanceof Matrix) {
        throw new BadData("binary expression must contain only scalar and instant vector types");
      }
      Vector out = new Vector();
      if (l instanceof Scalar a) {
        ((Vector) r).samples.forEach((labels, v) -> out.samples.put(withoutName(labels), f.applyAsDouble(a.value, v)));
      } else if (r instanceof Scalar b) {
        ((Vector) l).samples.forEach((labels, v) -> out.samples.put(withoutName(labels), f.applyAsDouble(v, b.value)));
      } else {
        Map<Map<String, String>, Double> rights = new LinkedHashMap<>();
        ((Vector) r).samples.forEach((labels, v) -> rights.put(withoutName(labels), v));
        ((Vector) l).samples.forEach((labels, v) -> {
          Map<String, String> key = withoutName(labels);
          Double other = rights.get(key);
          if (other != null) {
            out.samples.put(key, f.applyAsDouble(v, other));
          }
        });
      }
      return out;
    }
  }

  // Parsing

  /** Recursive descent over the PromQL subset above; errors read as Prometheus's {@code line:col: parse error: …}. */
  private static final class Parser {
    private static final List<String> AGGREGATIONS = List.of("sum", "max", "min", "avg", "count");
    private static final List<String> FUNCTIONS = List.of("rate", "max_over_time", "min_over_time", "avg_over_time");
    private final String text;
    private int pos;

    Parser(String text) {
      this.text = text;
    }

    Node parseAll() {
      skip();
      if (pos == text.length()) {
        throw error("no expression found in input");
      }
      Node node = sum();
      skip();
      if (pos < text.length()) {
        throw error("unexpected character: '" + text.charAt(pos) + "'");
      }
      return node;
    }

    private Node sum() {
      Node node = product();
      while (peek('+') || peek('-')) {
        char op = text.charAt(pos++);
        node = new Binary(op, node, product());
      }
      return node;
    }

    private Node product() {
      Node node = postfix();
      while (peek('*') || peek('/')) {
        char op = text.charAt(pos++);
        node = new Binary(op, node, postfix());
      }
      return node;
    }

    private Node postfix() {
      Node node = primary();
      if (peek('[')) {
        int open = pos++;
        String inside = until(']');
        int colon = inside.indexOf(':');
        if (colon >= 0) {
          return new Subquery(node, duration(inside.substring(0, colon).strip(), at(open) + "bad duration"),
              duration(inside.substring(colon + 1).strip(), at(open) + "bad duration"));
        }
        if (!(node instanceof Selector selector)) {
          throw error("ranges only allowed for vector selectors");
        }
        return new RangeSelector(selector.matchers, duration(inside.strip(), at(open) + "bad duration"));
      }
      return node;
    }

    private Node primary() {
      skip();
      if (pos >= text.length()) {
        throw error("unexpected end of input");
      }
      char c = text.charAt(pos);
      if (c == '(') {
        int open = pos++;
        Node inner = sum();
        if (!peek(')')) {
          pos = text.length();
          throw new BadData(at(open) + "parse error: unclosed left parenthesis");
        }
        pos++;
        return inner;
      }
      if (Character.isDigit(c) || c == '.') {
        int start = pos;
        while (pos < text.length() && (Character.isDigit(text.charAt(pos)) || text.charAt(pos) == '.'
            || text.charAt(pos) == 'e')) {
          pos++;
        }
        return new Literal(Double.parseDouble(text.substring(start, pos)));
      }
      if (c == '{') {
        return new Selector(matchers(new ArrayList<>()));
      }
      if (Character.isLetter(c) || c == '_' || c == ':') {
        int start = pos;
        while (pos < text.length() && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '_'
            || text.charAt(pos) == ':')) {
          pos++;
        }
        String name = text.substring(start, pos);
        if (peek('(')) {
          return call(name, start);
        }
        List<Matcher> matchers = new ArrayList<>();
        matchers.add(new Matcher("__name__", "=", name, null));
        skip();
        return new Selector(pos < text.length() && text.charAt(pos) == '{' ? matchers(matchers) : matchers);
      }
      throw error("unexpected character: '" + c + "'");
    }

    private Node call(String name, int start) {
      if (!AGGREGATIONS.contains(name) && !FUNCTIONS.contains(name)) {
        throw new BadData(at(start) + "parse error: the fake Prometheus does not know the function \"" + name
            + "\" (Debian's prometheus package does)");
      }
      pos++;
      Node argument = sum();
      if (!peek(')')) {
        throw error("the fake Prometheus takes one argument to " + name + " and no by/without");
      }
      pos++;
      if (AGGREGATIONS.contains(name)) {
        return new Aggregate(name, argument);
      }
      long width;
      if (argument instanceof RangeSelector range) {
        width = range.width;
      } else if (argument instanceof Subquery subquery && !name.equals("rate")) {
        width = subquery.width;
      } else {
        throw new BadData(at(start) + "parse error: expected type range vector in call to function \"" + name
            + "\", got instant vector");
      }
      return new Function(name, argument, width);
    }

    private List<Matcher> matchers(List<Matcher> matchers) {
      pos++;
      while (true) {
        skip();
        if (peek('}')) {
          pos++;
          return matchers;
        }
        int start = pos;
        while (pos < text.length() && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '_')) {
          pos++;
        }
        String label = text.substring(start, pos);
        skip();
        String op = null;
        for (String candidate : List.of("=~", "!~", "!=", "=")) {
          if (text.startsWith(candidate, pos)) {
            op = candidate;
            break;
          }
        }
        if (label.isEmpty() || op == null) {
          throw error("unexpected character inside braces: '" + (pos < text.length() ? text.charAt(pos) : ' ') + "'");
        }
        pos += op.length();
        skip();
        if (!peek('"')) {
          throw error("unexpected character inside braces: '" + (pos < text.length() ? text.charAt(pos) : ' ') + "'");
        }
        pos++;
        StringBuilder value = new StringBuilder();
        while (pos < text.length() && text.charAt(pos) != '"') {
          if (text.charAt(pos) == '\\' && pos + 1 < text.length()) {
            pos++;
          }
          value.append(text.charAt(pos++));
        }
        if (pos >= text.length()) {
          throw error("unterminated quoted string");
        }
        pos++;
        String v = value.toString();
        matchers.add(new Matcher(label, op, v, op.contains("~") ? Pattern.compile(v) : null));
        skip();
        if (peek(',')) {
          pos++;
        }
      }
    }

    private String until(char close) {
      int start = pos;
      while (pos < text.length() && text.charAt(pos) != close) {
        pos++;
      }
      if (pos >= text.length()) {
        throw error("unclosed left bracket");
      }
      return text.substring(start, pos++);
    }

    static long duration(String text, String error) {
      var m = Pattern.compile("(\\d+)(ms|s|m|h|d)").matcher(text);
      if (!m.matches()) {
        throw new BadData(error);
      }
      long n = Long.parseLong(m.group(1));
      return switch (m.group(2)) {
        case "ms" -> n;
        case "s" -> n * 1000;
        case "m" -> n * 60_000;
        case "h" -> n * 3_600_000;
        default -> n * 86_400_000;
      };
    }

    private boolean peek(char c) {
      skip();
      return pos < text.length() && text.charAt(pos) == c;
    }

    private void skip() {
      while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
        pos++;
      }
    }

    private String at(int offset) {
      return "1:" + (offset + 1) + ": ";
    }

    private BadData error(String message) {
      return new BadData(at(Math.min(pos, text.length())) + "parse error: " + message);
    }
  }

  /** The text exposition format (0.0.4), enough of it for gauges and counters with labels. */
  static final class Exposition {
    static Map<Map<String, String>, Double> parse(String body, Map<String, String> target) {
      Map<Map<String, String>, Double> out = new LinkedHashMap<>();
      for (String line : body.split("\n")) {
        line = line.strip();
        if (line.isEmpty() || line.startsWith("#")) {
          continue;
        }
        Map<String, String> labels = new TreeMap<>(target);
        int brace = line.indexOf('{');
        int space;
        if (brace >= 0 && brace < line.indexOf(' ')) {
          labels.put("__name__", line.substring(0, brace));
          int close = line.lastIndexOf('}');
          labels(line.substring(brace + 1, close), labels);
          space = close + 1;
        } else {
          space = line.indexOf(' ');
          labels.put("__name__", line.substring(0, space));
        }
        String[] rest = line.substring(space).strip().split("\\s+");
        out.put(labels, value(rest[0]));
      }
      return out;
    }

    private static void labels(String text, Map<String, String> into) {
      int i = 0;
      while (i < text.length()) {
        int eq = text.indexOf('=', i);
        String name = text.substring(i, eq).strip().replaceFirst("^,", "").strip();
        int j = text.indexOf('"', eq) + 1;
        StringBuilder value = new StringBuilder();
        while (text.charAt(j) != '"') {
          char c = text.charAt(j);
          if (c == '\\') {
            char next = text.charAt(++j);
            value.append(next == 'n' ? '\n' : next);
          } else {
            value.append(c);
          }
          j++;
        }
        into.put(name, value.toString());
        i = j + 1;
        while (i < text.length() && (text.charAt(i) == ',' || text.charAt(i) == ' ')) {
          i++;
        }
      }
    }

    private static double value(String text) {
      return switch (text) {
        case "+Inf" -> Double.POSITIVE_INFINITY;
        case "-Inf" -> Double.NEGATIVE_INFINITY;
        case "NaN" -> Double.NaN;
        default -> Double.parseDouble(text);
      };
    }
  }

  /** A request Prometheus answers with 400 {@code bad_data}; the message is Prometheus's. */
  private static final class BadData extends RuntimeException {
    BadData(String message) {
      super(message, null, false, false);
    }
  }
}
