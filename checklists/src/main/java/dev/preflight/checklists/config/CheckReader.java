package dev.preflight.checklists.config;

import dev.preflight.checklists.checklist.CheckSpec;
import dev.preflight.checklists.secret.Variables;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads an item's {@code check:} into the {@link CheckSpec} of its kind: the kind and its timing
 * here, with sql, command, aws-secret and ecs-service; http in {@link HttpCheckReader}, smoke in
 * {@link SmokeCheckReader}, prometheus and cloudwatch-metric in {@link MetricCheckReader}. The small readers other config readers share live here too.
 */
final class CheckReader {

  private static final Map<String, Duration> DEFAULT_TIMEOUTS = Map.of(
      "http", Duration.ofSeconds(10),
      "sql", Duration.ofSeconds(10),
      "command", Duration.ofSeconds(60),
      "aws-secret", Duration.ofSeconds(10),
      "ecs-service", Duration.ofSeconds(10),
      "smoke", Duration.ofSeconds(30),
      "prometheus", Duration.ofSeconds(10),
      "cloudwatch-metric", Duration.ofSeconds(10));
  private static final List<String> KINDS =
      List.of("http", "sql", "command", "aws-secret", "ecs-service", "smoke", "prometheus", "cloudwatch-metric");
  private static final int MAX_RETRIES = 20;
  private static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);

  private static final List<String> TIMING_KEYS = List.of("kind", "timeout", "retries", "interval");
  private static final Map<String, List<String>> KIND_KEYS = Map.of(
      "http", List.of("method", "url", "headers", "body", "expect"),
      "sql", List.of("databaseUrlEnv", "query", "expect"),
      "command", List.of("argv", "workdir", "env", "expect"),
      "aws-secret", List.of("secretId", "region"),
      "ecs-service", List.of("cluster", "service", "region"),
      "smoke", List.of("steps"),
      "prometheus", MetricCheckReader.PROMETHEUS_KEYS,
      "cloudwatch-metric", MetricCheckReader.CLOUDWATCH_KEYS);

  private static final Pattern URL = Pattern.compile("https?://[^\\s/?#]+\\S*");
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
      case "http" -> HttpCheckReader.http(fields, timing);
      case "sql" -> sql(fields, timing);
      case "command" -> command(fields, timing);
      case "aws-secret" -> awsSecret(fields, timing);
      case "smoke" -> SmokeCheckReader.smoke(fields, timing);
      case "prometheus" -> MetricCheckReader.prometheus(fields, timing);
      case "cloudwatch-metric" -> MetricCheckReader.cloudWatch(fields, timing);
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
