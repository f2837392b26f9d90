package dev.preflight.checklists.config;

import dev.preflight.checklists.secret.Variables;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * Reads one action: a deploy's step, a rollback's, or a runbook's — the one dispatch for every
 * kind, wherever it is written. Every action is a mapping with {@code name}, {@code kind} and
 * {@code timeout} and the fields of its kind, which a reader per kind reads ({@link #KINDS}).
 * Placeholders are checked against those the caller fills ({@link ActionScope}).
 */
final class ActionReader {

  static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]*");
  static final String NAME_RULE = "use lowercase letters, digits and -, starting with a letter or digit";
  static final String HINT = "write { name: migration, kind: command, argv: [\"./migrate.sh\", \"{version}\"] }";
  /** The keys every kind has. */
  static final List<String> COMMON_KEYS = List.of("name", "kind", "timeout");
  /** The longest an action may be given: a step that runs longer holds the environment for hours. */
  static final Duration LONGEST = Duration.ofHours(6);

  /** A kind: its own keys, its default timeout, and how its fields are read. */
  record Kind(List<String> keys, Duration defaultTimeout, BiFunction<Fields, Duration, Optional<ActionSpec>> reader) {}

  /** What a kind's reader gets: the mapping, the action's name, the placeholders (and counts) it may use. */
  record Fields(Mapping mapping, String name, ActionScope scope) {

    Collection<String> placeholders() {
      return scope.placeholders();
    }
  }

  /** How an action's {@code name} is written where it is read. */
  enum Names {
    /** A short id ({@link #NAME}) that {@code abort.on} and {@code when.failedStep} can name: deploy steps. */
    IDS,
    /** Free text for the runbook's message, which may use the runbook's placeholders: "Scale to {count}". */
    TITLES
  }

  static final Map<String, Kind> KINDS = kinds();

  private static final Pattern HEADER = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]+");
  private static final Pattern METHOD = Pattern.compile("GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS");
  private static final Pattern DB_INSTANCE = Pattern.compile("[A-Za-z][A-Za-z0-9-]{0,62}|\\$\\{[^}]+}");
  private static final Pattern DISTRIBUTION = Pattern.compile("[A-Z0-9]{6,32}|\\$\\{[^}]+}");
  private static final String ARGV_HINT = "argv is a list: [\"./migrate.sh\", \"{version}\"] — it is never run through a shell";

  private ActionReader() {}

  private static Map<String, Kind> kinds() {
    Map<String, Kind> kinds = new LinkedHashMap<>();
    kinds.put(CommandAction.KIND, new Kind(List.of("argv", "env", "workdir"), Duration.ofMinutes(10),
        ActionReader::command));
    kinds.put(HttpAction.KIND, new Kind(List.of("method", "url", "headers", "body", "expectStatus"),
        Duration.ofSeconds(30), ActionReader::http));
    kinds.put(EcsRunTaskAction.KIND, new Kind(List.of("cluster", "taskDefinition", "container", "command", "env",
        "launchType", "subnets", "securityGroups", "assignPublicIp", "region"), Duration.ofMinutes(30),
        ActionReader::ecsRunTask));
    kinds.put(RdsSnapshotAction.KIND, new Kind(List.of("dbInstance", "snapshot", "region"), Duration.ofMinutes(30),
        ActionReader::rdsSnapshot));
    kinds.put(CloudFrontInvalidationAction.KIND, new Kind(List.of("distribution", "paths"), Duration.ofMinutes(15),
        ActionReader::cloudFrontInvalidation));
    kinds.put(EcsScaleAction.KIND, new Kind(EcsActionReaders.SCALE_KEYS, EcsActionReaders.SCALE_TIMEOUT,
        EcsActionReaders::scale));
    kinds.put(EcsForceNewDeploymentAction.KIND, new Kind(EcsActionReaders.FORCE_KEYS, EcsActionReaders.FORCE_TIMEOUT,
        EcsActionReaders::forceNewDeployment));
    return Collections.unmodifiableMap(kinds);
  }

  /**
   * Reads an action whose mapping the caller opened (it may read keys of its own, listed in
   * {@code extraKeys}, from the same mapping).
   *
   * @param scope the {@code {name}}s the action's fields may use, and the bounds of the whole numbers among them
   * @param names whether the name is an id (deploy steps) or a title (runbook steps)
   */
  static Optional<ActionSpec> read(Mapping fields, ActionScope scope, List<String> extraKeys, Names names) {
    Optional<String> name = names == Names.IDS
        ? fields.require("name", "write name: migration, a short id the messages show")
            .flatMap(v -> v.matching(NAME, "is not a valid step name", NAME_RULE))
        : fields.require("name", "write name: Scale the backend to {count} tasks").flatMap(v -> {
          placeholders(v, scope.placeholders());
          return v.text();
        });
    Optional<Value> kindValue = fields.require("kind", "write kind: one of " + String.join(", ", KINDS.keySet()));
    Optional<Kind> kind = kindValue.flatMap(v -> v.text().flatMap(k -> {
      Kind known = KINDS.get(k);
      if (known == null) {
        v.error("unknown action kind `" + k + "`", Suggestions.hint(k, KINDS.keySet(), "kinds"));
      }
      return Optional.ofNullable(known);
    }));
    if (kind.isEmpty()) {
      // Without a kind its keys are unknown; only the common ones are checked.
      return Optional.empty();
    }
    List<String> allowed = new ArrayList<>(COMMON_KEYS);
    allowed.addAll(kind.get().keys());
    allowed.addAll(extraKeys);
    fields.allow(allowed);
    Duration fallback = kind.get().defaultTimeout();
    Optional<Duration> timeout = fields.get("timeout", "write timeout: " + Durations.format(fallback))
        .map(v -> v.duration(d -> !d.isZero() && d.compareTo(LONGEST) <= 0,
            "must be longer than 0 and at most " + Durations.format(LONGEST)))
        .orElse(Optional.of(fallback));
    Optional<ActionSpec> spec = kind.get().reader().apply(new Fields(fields, name.orElse(""), scope),
        timeout.orElse(fallback));
    return name.isPresent() && timeout.isPresent() ? spec : Optional.empty();
  }

  private static Optional<ActionSpec> command(Fields f, Duration timeout) {
    Optional<List<String>> argv = f.mapping().require("argv", ARGV_HINT).flatMap(v -> {
      placeholders(v, f.placeholders());
      return v.nonEmptyList().flatMap(CheckReader::strings);
    });
    Map<String, String> env = f.mapping().get("env", "write env: { APP_ENV: production }")
        .map(v -> {
          noPlaceholders(v, "env");
          return CheckReader.stringMap(v, Variables.NAME, "is not an environment variable name");
        })
        .orElse(Map.of());
    String workdir = f.mapping().get("workdir", "write workdir: /srv/app").flatMap(v -> {
      noPlaceholders(v, "workdir");
      return v.text();
    }).orElse(null);
    return argv.map(a -> new CommandAction(f.name(), a, env, workdir, timeout));
  }

  private static Optional<ActionSpec> http(Fields f, Duration timeout) {
    Mapping m = f.mapping();
    String method = m.get("method", "write method: POST")
        .flatMap(v -> v.matching(METHOD, "is not an HTTP method", "write GET, HEAD, POST, PUT, PATCH, DELETE or OPTIONS"))
        .orElse("POST");
    Optional<String> url = m.require("url", "write url: \"https://hooks.example.com/deploys\"").flatMap(v -> {
      placeholders(v, f.placeholders());
      return CheckReader.url(v, "write url: \"https://hooks.example.com/deploys\"");
    });
    Map<String, String> headers = m.get("headers", "write headers: { Authorization: \"Bearer ${HOOK_TOKEN}\" }")
        .map(v -> {
          placeholders(v, f.placeholders());
          return CheckReader.stringMap(v, HEADER, "is not an HTTP header name");
        })
        .orElse(Map.of());
    String body = m.get("body", "write body: '{\"version\": \"{version}\"}'").flatMap(v -> {
      placeholders(v, f.placeholders());
      return v.string();
    }).orElse(null);
    Set<Integer> expect = new LinkedHashSet<>();
    m.get("expectStatus", "write expectStatus: 200, or a list: [200, 202]").ifPresent(v -> {
      if (v.node() instanceof ScalarNode) {
        v.integer(100, 599).ifPresent(expect::add);
      } else {
        v.nonEmptyList().ifPresent(list -> list.forEach(s -> s.integer(100, 599).ifPresent(expect::add)));
      }
    });
    return url.map(u -> new HttpAction(f.name(), method, u, headers, body, expect, timeout));
  }

  private static Optional<ActionSpec> ecsRunTask(Fields f, Duration timeout) {
    Mapping m = f.mapping();
    Optional<String> cluster = m.require("cluster", "write cluster: my-cluster").flatMap(Value::text);
    Optional<String> taskDefinition = m.require("taskDefinition", "write taskDefinition: migrate, or migrate:12")
        .flatMap(Value::text);
    Optional<Value> containerValue = m.get("container", "write container: app");
    String container = containerValue.flatMap(Value::text).orElse(null);
    Optional<Value> commandValue = m.get("command", "write command: [\"alembic\", \"upgrade\", \"head\"]");
    Optional<List<String>> command = commandValue.map(v -> {
      placeholders(v, f.placeholders());
      return v.nonEmptyList().flatMap(CheckReader::strings);
    }).orElse(Optional.of(List.of()));
    Optional<Value> envValue = m.get("env", "write env: { APP_ENV: production }");
    Map<String, String> env = envValue.map(v -> {
      placeholders(v, f.placeholders());
      return CheckReader.stringMap(v, Variables.NAME, "is not an environment variable name");
    }).orElse(Map.of());
    if (container == null && (commandValue.isPresent() || envValue.isPresent()) && containerValue.isEmpty()) {
      m.error("overrides command or env but names no container",
          "add container: app, the container of the task definition to override");
    }
    String launchType = m.get("launchType", "write launchType: FARGATE")
        .flatMap(v -> v.text().filter(t -> EcsRunTaskAction.LAUNCH_TYPES.contains(t)
            || CheckReader.rejected(v, "`" + t + "` is not a launch type", "write FARGATE, EC2 or EXTERNAL")))
        .orElse("FARGATE");
    List<String> subnets = ids(m, "subnets", "write subnets: [subnet-0abc]");
    List<String> groups = ids(m, "securityGroups", "write securityGroups: [sg-0abc]");
    boolean publicIp = m.get("assignPublicIp", "write assignPublicIp: false").flatMap(Value::bool).orElse(false);
    if (launchType.equals("FARGATE") && subnets.isEmpty() && m.get("subnets", "").isEmpty()) {
      m.error("a FARGATE task needs subnets", "add subnets: [subnet-0abc] and securityGroups: [sg-0abc]");
    }
    String region = CheckReader.region(m);
    if (cluster.isEmpty() || taskDefinition.isEmpty() || command.isEmpty()
        || (container == null && (commandValue.isPresent() || envValue.isPresent()))) {
      return Optional.empty();
    }
    return Optional.of(new EcsRunTaskAction(f.name(), cluster.get(), taskDefinition.get(), container, command.get(),
        env, launchType, subnets, groups, publicIp, region, timeout));
  }

  private static List<String> ids(Mapping m, String key, String hint) {
    List<String> ids = new ArrayList<>();
    m.get(key, hint).flatMap(Value::nonEmptyList).ifPresent(list -> list.forEach(v -> v.text().ifPresent(ids::add)));
    return ids;
  }

  private static Optional<ActionSpec> rdsSnapshot(Fields f, Duration timeout) {
    Mapping m = f.mapping();
    Optional<String> instance = m.require("dbInstance", "write dbInstance: reservas-prod")
        .flatMap(v -> v.matching(DB_INSTANCE, "is not an RDS instance identifier",
            "letters, digits and -, starting with a letter, at most 63"));
    String snapshot = m.get("snapshot", "write snapshot: \"pre-{version}-{time}\"").flatMap(v -> {
      placeholders(v, f.placeholders());
      return v.text();
    }).orElse("preflight-{service}-{version}-{time}");
    String region = CheckReader.region(m);
    return instance.map(i -> new RdsSnapshotAction(f.name(), i, snapshot, region, timeout));
  }

  private static Optional<ActionSpec> cloudFrontInvalidation(Fields f, Duration timeout) {
    Mapping m = f.mapping();
    Optional<String> distribution = m.require("distribution", "write distribution: E2QWRUHAPOMQZL")
        .flatMap(v -> v.matching(DISTRIBUTION, "is not a CloudFront distribution id",
            "the id from the console, e.g. E2QWRUHAPOMQZL, or ${DISTRIBUTION_ID}"));
    Optional<List<String>> paths = m.require("paths", "write paths: [\"/*\"]").flatMap(v -> {
      placeholders(v, f.placeholders());
      return v.nonEmptyList().map(list -> {
        List<String> out = new ArrayList<>();
        for (Value p : list) {
          p.text().filter(t -> t.startsWith("/")
              || CheckReader.rejected(p, "`" + t + "` does not start with /", "write paths like \"/index.html\" or \"/*\""))
              .ifPresent(out::add);
        }
        return out;
      }).filter(out -> out.size() == v.list().map(List::size).orElse(-1));
    });
    if (distribution.isEmpty() || paths.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new CloudFrontInvalidationAction(f.name(), distribution.get(), paths.get(), timeout));
  }

  /** Reports every placeholder in {@code value} that is not among {@code known}. */
  static void placeholders(Value value, Collection<String> known) {
    for (Value scalar : value.scalars()) {
      for (String name : PlaceholderUses.in(((ScalarNode) scalar.node()).getValue())) {
        if (!known.contains(name)) {
          scalar.error("unknown placeholder `{" + name + "}`", PlaceholderUses.closest(name, known)
              .map(match -> "did you mean `{" + match + "}`?")
              .orElse("the placeholders are " + String.join(", ", known.stream().map(k -> "{" + k + "}").toList())));
        }
      }
    }
  }

  private static void noPlaceholders(Value value, String key) {
    for (Value scalar : value.scalars()) {
      List<String> names = PlaceholderUses.in(((ScalarNode) scalar.node()).getValue());
      if (!names.isEmpty()) {
        scalar.error("placeholders are filled in argv only, not in " + key,
            "pass the value as an argument: argv: [\"./migrate.sh\", \"{" + names.get(0) + "}\"]");
      }
    }
  }
}
