package dev.preflight.checklists.config;

import dev.preflight.checklists.checklist.CheckSpec;
import dev.preflight.checklists.deploy.AbortRule;
import dev.preflight.checklists.deploy.Target;
import dev.preflight.checklists.deploy.Verification;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads one environment's {@code verify:} and then its {@code abort:}, which may name the
 * verification checks; one reader per environment, since ids are unique only within it.
 */
final class VerificationReader {

  private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]*");
  private static final String ID_RULE = "use lowercase letters, digits and -, starting with a letter or digit";
  private static final List<String> KEYS = List.of("health", "smoke");
  private static final List<String> CHECK_KEYS = List.of("id", "title", "check");
  private static final List<String> ABORT_KEYS = List.of("on", "rollback");
  /** Names that stand for a group in abort.on, so no single check may take them. */
  private static final List<String> GROUPS = List.of(AbortRule.DEPLOY,
      Verification.Kind.HEALTH.configName(), Verification.Kind.SMOKE.configName());

  /** Every well-formed id, even of a check with other errors, so that abort.on does not report it again. */
  private final Map<String, Integer> ids = new LinkedHashMap<>();
  /** The environment's deploy step names, which abort.on may name too (and {@code steps} for all of them). */
  private final Set<String> steps = new LinkedHashSet<>();

  /** The names of the environment's {@code before} and {@code after} steps, read before its abort rule. */
  void steps(Set<String> names) {
    steps.clear();
    steps.addAll(names);
  }

  /**
   * Whether {@code verify:} lists any check at all, even one too broken to read (its own errors
   * are reported apart), so that what depends on there being checks is not reported as well.
   */
  static boolean listsChecks(Value verify) {
    return verify.node() instanceof MappingNode mapping && mapping.getValue().stream()
        .anyMatch(tuple -> tuple.getKeyNode() instanceof ScalarNode key && KEYS.contains(key.getValue())
            && tuple.getValueNode() instanceof SequenceNode list && !list.getValue().isEmpty());
  }

  Verification verification(Mapping fields) {
    fields.allow(KEYS);
    List<Verification.VerifyCheck> health = checks(fields, Verification.Kind.HEALTH,
        "write health: [{ id: backend-health, check: { kind: http, url: \"${BACKEND_URL}/health\" } }]");
    List<Verification.VerifyCheck> smoke = checks(fields, Verification.Kind.SMOKE,
        "write smoke: [{ id: greeting, check: { kind: smoke, steps: [...] } }]");
    return new Verification(health, smoke);
  }

  private List<Verification.VerifyCheck> checks(Mapping fields, Verification.Kind kind, String hint) {
    List<Verification.VerifyCheck> checks = new ArrayList<>();
    for (Value value : fields.get(kind.configName(), hint).flatMap(Value::list).orElse(List.of())) {
      value.mapping().ifPresent(check -> {
        check.allow(CHECK_KEYS);
        Optional<String> id = check.require("id", "write id: backend-health").flatMap(this::id);
        Optional<String> title = check.get("title", "write title: Backend answers 200").flatMap(Value::text);
        Optional<CheckSpec> spec = check.require("check", "write check: { kind: http, url: \"${BACKEND_URL}/health\" }")
            .flatMap(CheckReader::read);
        if (id.isPresent() && spec.isPresent()) {
          checks.add(new Verification.VerifyCheck(id.get(), title.orElse(id.get()), kind, spec.get()));
        }
      });
    }
    return checks;
  }

  private Optional<String> id(Value value) {
    return value.matching(ID, "is not a valid id", ID_RULE).filter(id -> {
      if (GROUPS.contains(id)) {
        value.error("`" + id + "` is reserved", "abort.on uses deploy, health and smoke for whole groups: choose another id");
        return false;
      }
      Integer earlier = ids.putIfAbsent(id, value.line());
      if (earlier != null) {
        value.error("duplicate verify id `" + id + "`", "already used at line " + earlier);
      }
      return earlier == null;
    });
  }

  /**
   * @param target the environment's target, or null; an automatic rollback needs a way back
   */
  AbortRule abort(Mapping fields, Target target) {
    fields.allow(ABORT_KEYS);
    Set<String> on = fields.get("on", "write on: [deploy, health]")
        .flatMap(Value::nonEmptyList)
        .map(this::criteria)
        .orElse(AbortRule.DEFAULT.on());
    Optional<Value> rollbackValue = fields.get("rollback", "write rollback: automatic, or rollback: manual");
    boolean automatic = rollbackValue.flatMap(VerificationReader::automatic).orElse(AbortRule.DEFAULT.automaticRollback());
    if (automatic && target instanceof Target.Command command && command.rollback().isEmpty()) {
      rollbackValue.get().error("an automatic rollback needs a rollback command",
          "add rollback: [\"./deploy.sh\", \"rollback\"] to target.command");
    }
    return new AbortRule(on, automatic);
  }

  private Set<String> criteria(List<Value> values) {
    List<String> known = new ArrayList<>(GROUPS);
    known.addAll(ids.keySet());
    if (!steps.isEmpty()) {
      known.add(AbortRule.STEPS);
      known.addAll(steps);
    }
    Set<String> criteria = new LinkedHashSet<>();
    for (Value value : values) {
      value.text().ifPresent(name -> {
        if (known.contains(name)) {
          criteria.add(name);
        } else {
          value.error("unknown abort criterion `" + name + "`", Suggestions.hint(name, known, "criteria"));
        }
      });
    }
    return criteria;
  }

  private static Optional<Boolean> automatic(Value value) {
    return value.text().flatMap(mode -> switch (mode) {
      case "automatic" -> Optional.of(true);
      case "manual" -> Optional.of(false);
      default -> {
        value.error("expected automatic or manual, found `" + mode + "`",
            "write rollback: automatic to roll back by itself, or rollback: manual to leave it to a person");
        yield Optional.empty();
      }
    });
  }
}
