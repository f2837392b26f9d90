package dev.preflight.checklists.config;

import dev.preflight.checklists.checklist.CheckSpec;
import dev.preflight.checklists.secret.Variables;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.Tag;

/** Reads an item's {@code check:} into the {@link CheckSpec} of its kind. */
final class CheckReader {

  private static final Map<String, Duration> DEFAULT_TIMEOUTS = Map.of(
      "http", Duration.ofSeconds(10),
      "sql", Duration.ofSeconds(10),
      "command", Duration.ofSeconds(60),
      "aws-secret", Duration.ofSeconds(10),
      "ecs-service", Duration.ofSeconds(10),
      "smoke", Duration.ofSeconds(30));
  private static final List<String> KINDS = List.of("http", "sql", "command", "aws-secret", "ecs-service", "smoke");
  private static final int MAX_RETRIES = 20;
  private static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);

  private static final List<String> TIMING_KEYS = List.of("kind", "timeout", "retries", "interval");
  private static final Map<String, List<String>> KIND_KEYS = Map.of(
      "http", List.of("method", "url", "headers", "body", "expect"),
      "sql", List.of("databaseUrlEnv", "query", "expect"),
      "command", List.of("argv", "workdir", "env", "expect"),
      "aws-secret", List.of("secretId", "region"),
      "ecs-service", List.of("cluster", "service", "region"),
      "smoke", List.of("steps"));
  private static final List<String> STEP_KEYS = List.of("name", "method", "url", "headers", "body", "expect", "capture");
  private static final String STEPS_HINT = "write steps: [{ name: greeting, method: POST, url: \"${BASE_URL}/api/greeting\" }]";

  private static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS");
  private static final Pattern URL = Pattern.compile("https?://[^\\s/?#]+\\S*");
  private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
  private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d+");
  static final String REGION_HINT = "write region: us-east-1, or leave it out for the default region";
  private static final String ARGV_HINT = "argv is a list: [\"./deploy.sh\", \"status\"] — it is never run through a shell";

  private CheckReader() {}

  static Optional<CheckSpec> read(Value check) {
    return check.mapping().flatMap(fields -> fields
        .require("kind", "write kind: http (or sql, command, aws-secret, ecs-service, smoke)")
        .flatMap(kindValue -> kindValue.text().filter(kind -> KINDS.contains(kind)
            || rejected(kindValue, "unknown kind `" + kind + "`", Suggestions.hint(kind, KINDS, "kinds"))))
        .flatMap(kind -> read(kind, fields.allow(Stream.concat(TIMING_KEYS.stream(), KIND_KEYS.get(kind).stream()).toList()))));
  }

  private static Optional<CheckSpec> read(String kind, Mapping fields) {
    CheckSpec.Timing timing = timing(kind, fields);
    return switch (kind) {
      case "http" -> http(fields, timing);
      case "sql" -> sql(fields, timing);
      case "command" -> command(fields, timing);
      case "aws-secret" -> awsSecret(fields, timing);
      case "smoke" -> smoke(fields, timing);
      default -> ecsService(fields, timing);
    };
  }

  private static CheckSpec.Timing timing(String kind, Mapping fields) {
    Duration timeout = fields.get("timeout", "write timeout: 10s")
        .flatMap(v -> v.duration(d -> !d.isZero(), "must be longer than 0"))
        .orElse(DEFAULT_TIMEOUTS.get(kind));
    int retries = fields.get("retries", "write retries: 3")
        .flatMap(v -> v.integer(0, MAX_RETRIES))
        .orElse(0);
    Duration interval = fields.get("interval", "write interval: 5s")
        .flatMap(v -> v.duration(d -> true, ""))
        .orElse(DEFAULT_INTERVAL);
    return new CheckSpec.Timing(timeout, retries, interval);
  }

  private static Optional<CheckSpec> http(Mapping fields, CheckSpec.Timing timing) {
    HttpRequest request = request(fields);
    HttpExpectation expect = expectation(fields);
    return request.url().map(url -> new CheckSpec.Http(request.method(), url, request.headers(), request.body(),
        expect.status(), expect.json(), expect.bodyContains(), expect.maxLatency(), timing));
  }

  /** What an http check and a smoke step send; the url is empty when it is missing or wrong. */
  private record HttpRequest(String method, Optional<String> url, Map<String, String> headers, String body) {}

  private static HttpRequest request(Mapping fields) {
    String method = fields.get("method", "write method: GET")
        .flatMap(v -> v.text().map(String::toUpperCase).filter(m -> METHODS.contains(m)
            || rejected(v, "`" + m + "` is not an HTTP method", "write GET, POST, PUT, PATCH, DELETE, HEAD or OPTIONS")))
        .orElse("GET");
    Optional<String> url = fields.require("url", "write url: https://host/health").flatMap(CheckReader::url);
    Map<String, String> headers = fields.get("headers", "write headers: { Authorization: \"Bearer ${TOKEN}\" }")
        .map(v -> stringMap(v, HEADER_NAME, "is not a valid header name"))
        .orElse(Map.of());
    String body = fields.get("body", "write body: '{\"ping\": true}'").flatMap(Value::string).orElse(null);
    return new HttpRequest(method, url, headers, body);
  }

  private static HttpExpectation expectation(Mapping fields) {
    return fields.get("expect", "write expect: { status: 200 }")
        .flatMap(Value::mapping)
        .map(CheckReader::httpExpectation)
        .orElse(HttpExpectation.DEFAULT);
  }

  /**
   * Steps run in order; a step may use {@code {name}} only for a value an earlier step
   * captured, or for one of the placeholders every deploy fills. Anything else would be sent
   * as written, which is never what the author meant.
   */
  private static Optional<CheckSpec> smoke(Mapping fields, CheckSpec.Timing timing) {
    Optional<List<Value>> values = fields.require("steps", STEPS_HINT).flatMap(Value::nonEmptyList);
    if (values.isEmpty()) {
      return Optional.empty();
    }
    List<CheckSpec.Smoke.Step> steps = new ArrayList<>();
    Map<String, Integer> names = new HashMap<>();
    Set<String> known = new LinkedHashSet<>(PlaceholderUses.DEPLOY);
    boolean fine = true;
    for (Value value : values.get()) {
      Optional<CheckSpec.Smoke.Step> step = value.mapping().flatMap(mapping -> step(mapping, names, known));
      fine &= step.isPresent();
      step.ifPresent(steps::add);
    }
    return fine ? Optional.of(new CheckSpec.Smoke(steps, timing)) : Optional.empty();
  }

  /**
   * @param names step name → line, of the steps before this one
   * @param known the placeholders this step may use; its own captures are added for the next
   */
  private static Optional<CheckSpec.Smoke.Step> step(Mapping fields, Map<String, Integer> names, Set<String> known) {
    fields.allow(STEP_KEYS);
    Optional<Value> nameValue = fields.require("name", "write name: greeting");
    Optional<String> name = nameValue.flatMap(Value::text).filter(n -> {
      Integer earlier = names.putIfAbsent(n, nameValue.get().line());
      if (earlier != null) {
        nameValue.get().error("duplicate step name `" + n + "`", "already used at line " + earlier);
      }
      return earlier == null;
    });
    HttpRequest request = request(fields);
    HttpExpectation expect = expectation(fields);
    Map<String, String> capture = fields.get("capture", "write capture: { sessionId: /sessionId }")
        .map(CheckReader::captures)
        .orElse(Map.of());
    if (name.isPresent()) {
      for (String key : List.of("url", "headers", "body", "expect")) {
        fields.get(key, null).ifPresent(used -> placeholdersKnown(name.get(), used, known));
      }
    }
    known.addAll(capture.keySet());
    if (name.isEmpty() || request.url().isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new CheckSpec.Smoke.Step(name.get(), request.method(), request.url().get(), request.headers(),
        request.body(), expect.status(), expect.json(), expect.bodyContains(), expect.maxLatency(), capture));
  }

  private static void placeholdersKnown(String step, Value used, Set<String> known) {
    for (Value scalar : used.scalars()) {
      for (String placeholder : PlaceholderUses.in(((ScalarNode) scalar.node()).getValue())) {
        if (!known.contains(placeholder)) {
          scalar.error("step `" + step + "` uses `{" + placeholder + "}`, which no earlier step captures",
              PlaceholderUses.closest(placeholder, known)
                  .map(match -> "did you mean `{" + match + "}`?")
                  .orElse("capture it in an earlier step: capture: { " + placeholder + ": /" + placeholder + " }"));
        }
      }
    }
  }

  /** Name → JSON pointer; a name becomes a placeholder, so it must look like one. */
  private static Map<String, String> captures(Value value) {
    Map<String, String> captures = new LinkedHashMap<>();
    value.mapping().ifPresent(mapping -> {
      for (Mapping.Entry entry : mapping.entries("write capture: { sessionId: /sessionId }")) {
        String name = entry.name();
        boolean fine = true;
        if (!PlaceholderUses.NAME.matcher(name).matches()) {
          entry.key().error("`" + name + "` cannot be a placeholder name", "use letters, digits, _, . and -, starting with a letter");
          fine = false;
        } else if (PlaceholderUses.DEPLOY.contains(name)) {
          entry.key().error("`" + name + "` is filled by every deploy", "capture it under another name");
          fine = false;
        }
        Optional<String> pointer = entry.value().text().filter(p -> p.startsWith("/")
            || rejected(entry.value(), "`" + p + "` is not a JSON pointer", "write /" + p + " for a top-level field"));
        if (fine && pointer.isPresent()) {
          captures.put(name, pointer.get());
        }
      }
    });
    return captures;
  }

  private record HttpExpectation(List<Integer> status, Map<String, Object> json, String bodyContains, Duration maxLatency) {
    static final HttpExpectation DEFAULT = new HttpExpectation(List.of(200), Map.of(), null, null);
  }

  private static HttpExpectation httpExpectation(Mapping expect) {
    expect.allow(List.of("status", "json", "bodyContains", "maxLatency"));
    return new HttpExpectation(
        expect.get("status", "write status: 200, or a list: [401, 403]").map(CheckReader::statuses).orElse(List.of(200)),
        expect.get("json", "write json: { /ok: true }").map(CheckReader::jsonExpectations).orElse(Map.of()),
        expect.get("bodyContains", "write bodyContains: ok").flatMap(Value::text).orElse(null),
        expect.get("maxLatency", "write maxLatency: 2s")
            .flatMap(v -> v.duration(d -> !d.isZero(), "must be longer than 0"))
            .orElse(null));
  }

  private static Optional<String> url(Value value) {
    return url(value, "write url: https://host/health or url: ${BASE_URL}/health");
  }

  /** An http:// or https:// URL, or one that starts with a {@code ${…}} reference. */
  static Optional<String> url(Value value, String hint) {
    return value.text().filter(url -> {
      boolean fine = url.startsWith("${") || URL.matcher(url).matches();
      if (!fine) {
        value.error("`" + url + "` is not an http:// or https:// URL", hint);
      }
      return fine;
    });
  }

  private static List<Integer> statuses(Value value) {
    List<Value> codes = value.node() instanceof ScalarNode ? List.of(value) : value.nonEmptyList().orElse(List.of());
    List<Integer> statuses = new ArrayList<>();
    for (Value code : codes) {
      code.integer(Integer.MIN_VALUE, Integer.MAX_VALUE).ifPresent(status -> {
        if (status < 100 || status > 599) {
          code.error("`" + status + "` is not an HTTP status", "write a code from 100 to 599");
        } else {
          statuses.add(status);
        }
      });
    }
    return statuses.isEmpty() ? List.of(200) : statuses;
  }

  /** JSON pointer → expected scalar, typed as JSON would type it. */
  private static Map<String, Object> jsonExpectations(Value value) {
    Map<String, Object> expected = new LinkedHashMap<>();
    value.mapping().ifPresent(pointers -> {
      for (Mapping.Entry entry : pointers.entries("write json: { /ok: true }")) {
        if (!entry.name().startsWith("/")) {
          entry.key().error("`" + entry.name() + "` is not a JSON pointer", "write /" + entry.name() + " for a top-level field");
          continue;
        }
        if (!(entry.value().node() instanceof ScalarNode scalar)) {
          entry.value().error("expected a string, number, true/false or null; lists and mappings cannot be compared");
          continue;
        }
        expected.put(entry.name(), jsonScalar(entry.value(), scalar));
      }
    });
    return expected;
  }

  private static Object jsonScalar(Value value, ScalarNode scalar) {
    Tag tag = scalar.getTag();
    String text = scalar.getValue();
    try {
      if (tag.equals(Tag.NULL)) {
        return null;
      }
      if (tag.equals(Tag.BOOL)) {
        return value.bool().orElse(null);
      }
      if (tag.equals(Tag.INT)) {
        return Long.parseLong(text.replace("_", ""));
      }
      if (tag.equals(Tag.FLOAT)) {
        return Double.parseDouble(text.replace("_", ""));
      }
    } catch (NumberFormatException e) {
      value.error("`" + text + "` is not a number JSON can hold", "quote it to compare it as a string");
      return null;
    }
    return value.string().orElse(null);
  }

  private static Optional<CheckSpec> sql(Mapping fields, CheckSpec.Timing timing) {
    Optional<String> urlEnv = fields.require("databaseUrlEnv", "write databaseUrlEnv: DATABASE_URL")
        .flatMap(CheckReader::variableName);
    Optional<String> query = fields.require("query", "write query: SELECT 1").flatMap(Value::text);
    Optional<SqlExpectation> expect = fields
        .require("expect", "write expect: { rows: 1 } or expect: { value: \"1\" }")
        .flatMap(CheckReader::sqlExpectation);
    if (urlEnv.isEmpty() || query.isEmpty() || expect.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new CheckSpec.Sql(urlEnv.get(), query.get(), expect.get().rows(), expect.get().value(), timing));
  }

  private record SqlExpectation(Integer rows, String value) {}

  private static Optional<SqlExpectation> sqlExpectation(Value value) {
    return value.mapping().flatMap(expect -> {
      expect.allow(List.of("rows", "value"));
      Optional<Value> rows = expect.get("rows", "write rows: 1");
      Optional<Value> text = expect.get("value", "write value: \"1\"");
      if (rows.isPresent() == text.isPresent()) {
        value.error(rows.isPresent() ? "give rows or value, not both" : "needs rows or value",
            "write expect: { rows: 1 } or expect: { value: \"1\" }");
        return Optional.empty();
      }
      if (rows.isPresent()) {
        return rows.get().integer(0, Integer.MAX_VALUE).map(n -> new SqlExpectation(n, null));
      }
      return text.get().string().map(v -> new SqlExpectation(null, v));
    });
  }

  /** The name of an environment variable, not a {@code ${…}} reference to one. */
  private static Optional<String> variableName(Value value) {
    return value.text().filter(name -> {
      if (Variables.NAME.matcher(name).matches()) {
        return true;
      }
      Optional<String> referenced = Variables.references(name).stream().findFirst();
      if (referenced.isPresent() && name.equals("${" + referenced.get() + "}")) {
        value.error("expected the name of an environment variable, not a reference to one",
            "write " + lastSegment(value.path()) + ": " + referenced.get());
      } else {
        value.error("`" + name + "` is not an environment variable name", "use letters, digits and _, not starting with a digit");
      }
      return false;
    });
  }

  private static Optional<CheckSpec> command(Mapping fields, CheckSpec.Timing timing) {
    Optional<List<String>> argv = fields.require("argv", ARGV_HINT).flatMap(Value::nonEmptyList).flatMap(CheckReader::strings);
    String workdir = fields.get("workdir", "write workdir: ./ops").flatMap(Value::text).orElse(null);
    Map<String, String> env = fields.get("env", "write env: { APP_ENV: staging }")
        .map(v -> stringMap(v, Variables.NAME, "is not an environment variable name"))
        .orElse(Map.of());
    CommandExpectation expect = fields.get("expect", "write expect: { exitCode: 0 }")
        .flatMap(Value::mapping)
        .map(CheckReader::commandExpectation)
        .orElse(CommandExpectation.DEFAULT);
    return argv.map(args -> new CheckSpec.Command(args, workdir, env, expect.exitCode(), expect.outputContains(), timing));
  }

  private record CommandExpectation(int exitCode, String outputContains) {
    static final CommandExpectation DEFAULT = new CommandExpectation(0, null);
  }

  private static CommandExpectation commandExpectation(Mapping expect) {
    expect.allow(List.of("exitCode", "outputContains"));
    return new CommandExpectation(
        expect.get("exitCode", "write exitCode: 0").flatMap(v -> v.integer(0, 255)).orElse(0),
        expect.get("outputContains", "write outputContains: ok").flatMap(Value::text).orElse(null));
  }

  /** A program and its arguments: the first must not be blank. */
  static Optional<List<String>> strings(List<Value> values) {
    List<String> strings = new ArrayList<>();
    boolean fine = true;
    for (Value value : values) {
      Optional<String> text = strings.isEmpty() ? value.text() : value.string();
      fine &= text.isPresent();
      text.ifPresent(strings::add);
    }
    return fine ? Optional.of(strings) : Optional.empty();
  }

  private static Optional<CheckSpec> awsSecret(Mapping fields, CheckSpec.Timing timing) {
    Optional<String> secretId = fields.require("secretId", "write secretId: prod/app/LOG_TOKEN").flatMap(Value::text);
    String region = region(fields);
    return secretId.map(id -> new CheckSpec.AwsSecret(id, region, timing));
  }

  private static Optional<CheckSpec> ecsService(Mapping fields, CheckSpec.Timing timing) {
    Optional<String> cluster = fields.require("cluster", "write cluster: my-cluster").flatMap(Value::text);
    Optional<String> service = fields.require("service", "write service: my-service").flatMap(Value::text);
    String region = region(fields);
    if (cluster.isEmpty() || service.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new CheckSpec.EcsService(cluster.get(), service.get(), region, timing));
  }

  static String region(Mapping fields) {
    return fields.get("region", REGION_HINT)
        .flatMap(v -> v.text().filter(r -> r.startsWith("${") || REGION.matcher(r).matches()
            || rejected(v, "`" + r + "` is not an AWS region", REGION_HINT)))
        .orElse(null);
  }

  /** A mapping of names chosen by the team to strings, e.g. headers or environment variables. */
  static Map<String, String> stringMap(Value value, Pattern keyPattern, String badKey) {
    Map<String, String> map = new LinkedHashMap<>();
    value.mapping().ifPresent(mapping -> {
      for (Mapping.Entry entry : mapping.entries(null)) {
        if (!keyPattern.matcher(entry.name()).matches()) {
          entry.key().error("`" + entry.name() + "` " + badKey, null);
        }
        entry.value().string().ifPresent(text -> map.put(entry.name(), text));
      }
    });
    return map;
  }

  static boolean rejected(Value value, String message, String hint) {
    value.error(message, hint);
    return false;
  }

  private static String lastSegment(String path) {
    return path.substring(path.lastIndexOf('.') + 1);
  }
}
