package dev.preflight.checklists.config;

import dev.preflight.checklists.alert.AlertRoute;
import dev.preflight.checklists.deploy.AbortRule;
import dev.preflight.checklists.deploy.Target;
import dev.preflight.checklists.deploy.Verification;
import dev.preflight.checklists.deploy.Watch;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.SequenceNode;

/** Reads preflight.yaml itself; the checklist files it lists are read by the {@link ConfigLoader}. */
final class PreflightReader {

  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]*");
  private static final String NAME_RULE = "use lowercase letters, digits, - and _, starting with a letter or digit";
  private static final Pattern USER_ID = Pattern.compile("[UW][A-Z0-9]{8,}");
  private static final Pattern GROUP_ID = Pattern.compile("S[A-Z0-9]{8,}");
  private static final Pattern CHANNEL_ID = Pattern.compile("[CG][A-Z0-9]{8,}");
  private static final Pattern REACTION = Pattern.compile("[a-z0-9_+'-]+");
  static final String EMPTY_HINT = "a config needs at least checklists:, and usually roles:, channels: and services:";

  private static final List<String> KEYS = List.of("signOffReaction", "roles", "channels", "checklists", "services", "alerts", "runbooks");
  private static final List<String> ROLE_KEYS = List.of("users", "groups");
  private static final List<String> SERVICE_KEYS = List.of("versionPattern", "environments");
  private static final List<String> ENVIRONMENT_KEYS =
      List.of("checklist", "channel", "alertChannel", "deployers", "autoLaunch", "target", "verify", "abort", "watch",
          "rollout", "steps", "rollback");

  /**
   * What preflight.yaml says, as far as it could be read.
   *
   * @param checklistPaths each entry of {@code checklists:}, a file or folder still to be read
   * @param alertRoutes in the order written
   */
  record Read(
      String signOffReaction,
      Map<String, Role> roles,
      Map<String, String> channels,
      List<Value> checklistPaths,
      Map<String, Service> services,
      List<AlertRoute> alertRoutes,
      Map<String, dev.preflight.checklists.runbook.Runbook> runbooks) {}

  private final Problems problems;
  private final References references;
  /** Per service, every environment it declares, for alerts: to name; absent when they could not be read. */
  private final Map<String, Set<String>> environmentNames = new LinkedHashMap<>();

  private PreflightReader(Problems problems, References references) {
    this.problems = problems;
    this.references = references;
  }

  static Read read(Node root, Problems problems, References references) {
    return new PreflightReader(problems, references).read(root);
  }

  private Read read(Node root) {
    Optional<Mapping> top = new Value(root, "", EMPTY_HINT, problems).mapping();
    if (top.isEmpty()) {
      return new Read(PreflightConfig.DEFAULT_SIGN_OFF_REACTION, Map.of(), Map.of(), List.of(), Map.of(), List.of(), Map.of());
    }
    Mapping fields = top.get().allow(KEYS);
    String reaction = fields.get("signOffReaction", "write signOffReaction: white_check_mark")
        .flatMap(PreflightReader::reaction)
        .orElse(PreflightConfig.DEFAULT_SIGN_OFF_REACTION);
    Map<String, Role> roles = fields.get("roles", "write roles: { sre: { users: [U0AAAAAA1] } }")
        .flatMap(Value::mapping)
        .map(this::roles)
        .orElse(Map.of());
    Map<String, String> channels = fields.get("channels", "write channels: { deploys: C0AAAAAA1 }")
        .flatMap(Value::mapping)
        .map(this::channels)
        .orElse(Map.of());
    List<Value> checklistPaths = fields.require("checklists", "write checklists: [checklists], a list of files or folders")
        .flatMap(Value::nonEmptyList)
        .orElse(List.of());
    Map<String, Service> services = fields.get("services", "write services: { backend: { environments: { production: { checklist: my-checklist } } } }")
        .flatMap(Value::mapping)
        .map(this::services)
        .orElse(Map.of());
    List<AlertRoute> alertRoutes = fields.get("alerts", AlertsReader.HINT)
        .flatMap(Value::mapping)
        .map(alerts -> AlertsReader.read(alerts, services, environmentNames, references))
        .orElse(List.of());
    Map<String, dev.preflight.checklists.runbook.Runbook> runbooks = fields.get("runbooks", RunbookReader.HINT)
        .flatMap(Value::mapping)
        .map(mapping -> RunbookReader.read(mapping, references, services))
        .orElse(Map.of());
    return new Read(reaction, roles, channels, checklistPaths, services, alertRoutes, runbooks);
  }

  private static Optional<String> reaction(Value value) {
    return value.text().filter(name -> {
      if (name.contains(":")) {
        value.error("`" + name + "` is written with colons", "write the name alone: " + name.replace(":", ""));
        return false;
      }
      boolean fine = REACTION.matcher(name).matches();
      if (!fine) {
        value.error("`" + name + "` is not a Slack reaction name", "write signOffReaction: white_check_mark");
      }
      return fine;
    });
  }

  /** Every role defined, even one with errors, so that its uses elsewhere are not reported too. */
  private Map<String, Role> roles(Mapping mapping) {
    Map<String, Role> roles = new LinkedHashMap<>();
    for (Mapping.Entry entry : mapping.entries("write backend-lead: { users: [U0AAAAAA1], groups: [S0AAAAAA1] }")) {
      name(entry);
      List<String> users = new ArrayList<>();
      List<String> groups = new ArrayList<>();
      entry.value().mapping().ifPresent(fields -> {
        fields.allow(ROLE_KEYS);
        Optional<Value> userIds = fields.get("users", "write users: [U0AAAAAA1]");
        Optional<Value> groupIds = fields.get("groups", "write groups: [S0AAAAAA1]");
        if (isEmptyList(userIds) && isEmptyList(groupIds)) {
          entry.value().error("a role needs at least one user or group", "write users: [U0AAAAAA1] or groups: [S0AAAAAA1]");
        }
        userIds.flatMap(Value::list).ifPresent(ids -> ids(ids, USER_ID,
            "is not a Slack user id", "user ids look like U0AAAAAA1: profile → ⋮ → Copy member ID", users));
        groupIds.flatMap(Value::list).ifPresent(ids -> ids(ids, GROUP_ID,
            "is not a Slack user group id", "user group ids look like S0AAAAAA1", groups));
      });
      roles.put(entry.name(), new Role(entry.name(), users, groups));
    }
    return roles;
  }

  /** Absent, or a list with nothing in it; a value of the wrong type is reported on its own. */
  private static boolean isEmptyList(Optional<Value> value) {
    return value.map(v -> v.node() instanceof SequenceNode list && list.getValue().isEmpty()).orElse(true);
  }

  private static void ids(List<Value> values, Pattern pattern, String isNot, String hint, List<String> into) {
    for (Value value : values) {
      value.matching(pattern, isNot, hint).ifPresent(into::add);
    }
  }

  private Map<String, String> channels(Mapping mapping) {
    Map<String, String> channels = new LinkedHashMap<>();
    for (Mapping.Entry entry : mapping.entries("write deploys: C0AAAAAA1")) {
      name(entry);
      String id = entry.value()
          .matching(CHANNEL_ID, "is not a Slack channel id", "channel ids look like C0AAAAAA1: channel details → About, at the bottom")
          .orElse("");
      channels.put(entry.name(), id);
    }
    return channels;
  }

  private Map<String, Service> services(Mapping mapping) {
    Map<String, Service> services = new LinkedHashMap<>();
    for (Mapping.Entry entry : mapping.entries("write backend: { environments: { production: { checklist: my-checklist } } }")) {
      name(entry);
      Optional<Mapping> fields = entry.value().mapping().map(m -> m.allow(SERVICE_KEYS));
      Pattern versionPattern = fields
          .flatMap(m -> m.get("versionPattern", "write versionPattern: 'v[0-9]+\\.[0-9]+\\.[0-9]+'"))
          .flatMap(VersionPatterns::read)
          .orElse(Service.DEFAULT_VERSION_PATTERN);
      Map<String, Service.Environment> environments = fields
          .flatMap(m -> m.require("environments", "write environments: { production: { checklist: my-checklist } }"))
          .flatMap(Value::mapping)
          .map(m -> environments(entry.name(), m))
          .orElse(Map.of());
      services.put(entry.name(), new Service(entry.name(), versionPattern, environments));
    }
    return services;
  }

  private Map<String, Service.Environment> environments(String service, Mapping mapping) {
    Map<String, Service.Environment> environments = new LinkedHashMap<>();
    List<Mapping.Entry> entries = mapping.entries("write production: { checklist: my-checklist }");
    if (!entries.isEmpty()) {
      Set<String> names = new LinkedHashSet<>();
      entries.forEach(entry -> names.add(entry.name()));
      environmentNames.put(service, names);
    }
    if (entries.isEmpty()) {
      mapping.error("must not be empty", "write environments: { production: { checklist: my-checklist } }");
    }
    for (Mapping.Entry entry : entries) {
      name(entry);
      entry.value().mapping().ifPresent(fields -> {
        fields.allow(ENVIRONMENT_KEYS);
        String checklist = fields.require("checklist", "write checklist: my-checklist")
            .flatMap(v -> v.text().map(id -> references.checklist(v, id)))
            .orElse(null);
        String channel = fields.get("channel", "write channel: deploys")
            .flatMap(v -> v.text().map(name -> references.channel(v, name)))
            .orElse(null);
        String alertChannel = fields.get("alertChannel", "write alertChannel: alerts")
            .flatMap(v -> v.text().map(name -> references.channel(v, name)))
            .orElse(null);
        Optional<Value> targetValue = fields.get("target", TargetReader.HINT);
        Target target = targetValue.flatMap(TargetReader::read).orElse(null);
        List<String> deployers = deployers(fields, targetValue.isPresent());
        boolean autoLaunch = fields.get("autoLaunch", "write autoLaunch: true").flatMap(Value::bool).orElse(false);
        VerificationReader verification = new VerificationReader();
        PipelineReader pipelineReader = new PipelineReader();
        Pipeline pipeline = pipelineReader.read(fields);
        verification.steps(pipelineReader.deployStepNames());
        Optional<Value> verifyValue = fields.get("verify", "write verify: { health: [...], smoke: [...] }");
        Verification verify = verifyValue
            .flatMap(Value::mapping)
            .map(verification::verification)
            .orElse(Verification.NONE);
        AbortRule abort = fields.get("abort", "write abort: { on: [deploy, health], rollback: automatic }")
            .flatMap(Value::mapping)
            .map(rule -> verification.abort(rule, target))
            .orElse(AbortRule.DEFAULT);
        Watch watch = fields.get("watch", WatchReader.HINT)
            .flatMap(value -> WatchReader.read(value, targetValue.isPresent(),
                verifyValue.filter(VerificationReader::listsChecks).isPresent()))
            .orElse(null);
        RolloutPlan rollout = fields.get("rollout", RolloutReader.HINT)
            .flatMap(value -> RolloutReader.read(value, target))
            .orElse(null);
        environments.put(entry.name(), new Service.Environment(entry.name(), checklist, channel, deployers,
            autoLaunch, target, verify, abort, alertChannel, watch, pipeline, rollout));
      });
    }
    return environments;
  }

  /** Who may deploy: required once there is something to deploy, since nobody else could. */
  private List<String> deployers(Mapping fields, boolean hasTarget) {
    Optional<Value> value = hasTarget
        ? fields.require("deployers", "an environment with a target needs deployers: [sre], the roles that may deploy and roll back")
        : fields.get("deployers", "write deployers: [sre]");
    List<String> deployers = new ArrayList<>();
    value.flatMap(hasTarget ? Value::nonEmptyList : Value::list).ifPresent(roles -> {
      for (Value role : roles) {
        role.text().ifPresent(name -> deployers.add(references.role(role, name)));
      }
    });
    return deployers;
  }

  private static void name(Mapping.Entry entry) {
    if (!NAME.matcher(entry.name()).matches()) {
      entry.key().error("`" + entry.name() + "` is not a valid name", NAME_RULE);
    }
  }
}
