package dev.preflight.checklists.config;

import dev.preflight.checklists.deploy.Target;
import dev.preflight.checklists.secret.Variables;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** Reads an environment's {@code target:}, the one way it is deployed. */
final class TargetReader {

  static final List<String> KINDS = List.of("ecs", "command", "github-actions");
  static final String HINT = "write target: { ecs: { cluster: my-cluster, service: my-service, container: app } }";

  private static final Map<String, List<String>> KIND_KEYS = Map.of(
      "ecs", List.of("cluster", "service", "container", "taskDefinition", "region", "timeout"),
      "command", List.of("deploy", "rollback", "previousVersion", "env", "workdir", "timeout"),
      "github-actions", List.of("owner", "repo", "workflow", "ref", "inputs", "token", "apiUrl", "timeout"));
  private static final Map<String, Duration> DEFAULT_TIMEOUTS = Map.of(
      "ecs", Duration.ofMinutes(15),
      "command", Duration.ofMinutes(10),
      "github-actions", Duration.ofMinutes(30));

  private static final String DEPLOY_HINT = "deploy is a list: [\"./deploy.sh\", \"deploy\", \"{version}\"] — it is never run through a shell";
  private static final String ROLLBACK_HINT = "rollback is a list: [\"./deploy.sh\", \"rollback\"] — it is never run through a shell";
  private static final String PREVIOUS_VERSION_HINT = "previousVersion is a list: [\"./deploy.sh\", \"current\"] — "
      + "its last line of output is the version running now";
  private static final String TOKEN_HINT = "put the token in an environment variable and write token: ${GITHUB_TOKEN}";
  private static final Pattern WHOLE_REFERENCE = Pattern.compile("\\$\\{[^}]*}");
  private static final Pattern OWNER = Pattern.compile("[A-Za-z0-9][A-Za-z0-9-]*");
  private static final Pattern REPO = Pattern.compile("[A-Za-z0-9._-]+");
  private static final Pattern WORKFLOW = Pattern.compile("[A-Za-z0-9._-]+");
  private static final Pattern INPUT_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]*");

  private TargetReader() {}

  static Optional<Target> read(Value target) {
    return target.mapping().flatMap(fields -> {
      List<Mapping.Entry> kinds = new ArrayList<>();
      List<Mapping.Entry> entries = fields.entries(HINT);
      for (Mapping.Entry entry : entries) {
        if (KINDS.contains(entry.name())) {
          kinds.add(entry);
        } else {
          entry.key().error("unknown target `" + entry.name() + "`", unknownKindHint(entry.name()));
        }
      }
      if (entries.isEmpty()) {
        target.error("needs one of ecs, command or github-actions", HINT);
      }
      if (kinds.size() > 1) {
        target.error("sets more than one target: " + String.join(", ", kinds.stream().map(k -> "`" + k.name() + "`").toList()),
            "an environment deploys one way: keep one of them");
      }
      if (kinds.size() != 1) {
        return Optional.empty();
      }
      Mapping.Entry kind = kinds.get(0);
      return kind.value().mapping().map(m -> m.allow(KIND_KEYS.get(kind.name()))).flatMap(m -> switch (kind.name()) {
        case "ecs" -> ecs(m);
        case "command" -> command(m);
        default -> githubActions(m);
      });
    });
  }

  /** A field written straight under target: belongs inside its kind. */
  private static String unknownKindHint(String name) {
    for (String kind : KINDS) {
      if (KIND_KEYS.get(kind).contains(name) && !name.equals("timeout")) {
        return "put it inside its kind: target: { " + kind + ": { " + name + ": … } }";
      }
    }
    return Suggestions.hint(name, KINDS, "targets");
  }

  private static Optional<Target> ecs(Mapping fields) {
    Optional<String> cluster = fields.require("cluster", "write cluster: fluxion-cluster").flatMap(Value::text);
    Optional<String> service = fields.require("service", "write service: my-service").flatMap(Value::text);
    Optional<Value> taskDefinition = fields.get("taskDefinition", "write taskDefinition: my-task:23");
    String container = (taskDefinition.isPresent()
        ? fields.get("container", "write container: app")
        : fields.require("container", "write container: app, the container whose image tag becomes the version; "
            + "or give taskDefinition: to deploy one as it is"))
        .flatMap(Value::text)
        .orElse(null);
    String definition = taskDefinition.flatMap(Value::text).orElse(null);
    String region = CheckReader.region(fields);
    Duration timeout = timeout(fields, "ecs");
    if (cluster.isEmpty() || service.isEmpty() || (container == null && definition == null)) {
      return Optional.empty();
    }
    return Optional.of(new Target.Ecs(cluster.get(), service.get(), container, definition, region, timeout));
  }

  private static Optional<Target> command(Mapping fields) {
    Optional<List<String>> deploy = fields.require("deploy", DEPLOY_HINT).flatMap(TargetReader::argv);
    // Absent is fine; present but wrong makes the whole target unreadable.
    Optional<Optional<List<String>>> rollback = fields.get("rollback", ROLLBACK_HINT).map(TargetReader::argv);
    Optional<Value> previousValue = fields.get("previousVersion", PREVIOUS_VERSION_HINT);
    Optional<Optional<List<String>>> previous = previousValue.map(TargetReader::argv);
    if (previousValue.isPresent() && rollback.isEmpty()) {
      // The version it reads is only ever used as the one a rollback restores.
      previousValue.get().error("needs a rollback command: the version it reads is what a rollback restores",
          "add rollback: [\"./deploy.sh\", \"rollback\"]");
    }
    Map<String, String> env = fields.get("env", "write env: { APP_ENV: production }")
        .map(v -> CheckReader.stringMap(v, Variables.NAME, "is not an environment variable name"))
        .orElse(Map.of());
    String workdir = fields.get("workdir", "write workdir: /srv/app").flatMap(Value::text).orElse(null);
    Duration timeout = timeout(fields, "command");
    if (deploy.isEmpty() || rollback.map(Optional::isEmpty).orElse(false)
        || previous.map(Optional::isEmpty).orElse(false) || (previousValue.isPresent() && rollback.isEmpty())) {
      return Optional.empty();
    }
    return Optional.of(new Target.Command(deploy.get(), rollback.flatMap(r -> r).orElse(List.of()), env, workdir,
        timeout, previous.flatMap(p -> p).orElse(List.of())));
  }

  private static Optional<List<String>> argv(Value value) {
    Optional<List<Value>> elements = value.nonEmptyList();
    elements.ifPresent(list -> PlaceholderUses.onlyDeploy(value));
    return elements.flatMap(CheckReader::strings);
  }

  private static Optional<Target> githubActions(Mapping fields) {
    Optional<String> owner = fields.require("owner", "write owner: my-org")
        .flatMap(v -> v.matching(OWNER, "is not a GitHub user or organisation name", "use letters, digits and -"));
    Optional<String> repo = fields.require("repo", "write repo: my-service")
        .flatMap(v -> v.matching(REPO, "is not a GitHub repository name", "use letters, digits, ., _ and -"));
    Optional<String> workflow = fields.require("workflow", "write workflow: deploy.yml")
        .flatMap(v -> v.matching(WORKFLOW, "is not a workflow file name or id",
            "write the file name in .github/workflows, e.g. workflow: deploy.yml"));
    String ref = fields.get("ref", "write ref: main")
        .flatMap(v -> {
          PlaceholderUses.onlyDeploy(v);
          return v.text();
        })
        .orElse("main");
    Map<String, String> inputs = fields.get("inputs", "write inputs: { version: \"{version}\" }")
        .map(v -> {
          PlaceholderUses.onlyDeploy(v);
          return CheckReader.stringMap(v, INPUT_NAME, "is not a workflow input name");
        })
        .orElse(Map.of());
    Optional<String> token = fields.require("token", "write token: ${GITHUB_TOKEN}").flatMap(TargetReader::token);
    Optional<String> apiUrl = fields.get("apiUrl", "write apiUrl: https://github.example.com/api/v3")
        .map(v -> CheckReader.url(v, "write apiUrl: https://github.example.com/api/v3"))
        .orElse(Optional.of(Target.GithubActions.DEFAULT_API_URL));
    Duration timeout = timeout(fields, "github-actions");
    if (owner.isEmpty() || repo.isEmpty() || workflow.isEmpty() || token.isEmpty() || apiUrl.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new Target.GithubActions(stripSlash(apiUrl.get()), token.get(), owner.get(), repo.get(),
        workflow.get(), ref, new LinkedHashMap<>(inputs), timeout));
  }

  /** Exactly one {@code ${NAME}}: a token written into config would sit in a repository. Never echoes it. */
  private static Optional<String> token(Value value) {
    return value.text().filter(token -> {
      if (WHOLE_REFERENCE.matcher(token).matches()) {
        return true;
      }
      if (!token.contains("${")) {
        value.error("a token must not be written into the config", TOKEN_HINT);
      } else {
        value.error("must be a ${NAME} reference and nothing else", "write token: ${GITHUB_TOKEN}");
      }
      return false;
    });
  }

  private static String stripSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  private static Duration timeout(Mapping fields, String kind) {
    Duration fallback = DEFAULT_TIMEOUTS.get(kind);
    return fields.get("timeout", "write timeout: " + Durations.format(fallback))
        .flatMap(v -> v.duration(d -> !d.isZero(), "must be longer than 0"))
        .orElse(fallback);
  }
}
