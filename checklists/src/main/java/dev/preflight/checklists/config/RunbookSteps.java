package dev.preflight.checklists.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a runbook's {@code steps:}, each {@code { name, kind, timeout, …the kind's fields }}, by
 * the reader of its kind. Adding a kind is one entry in {@link #KINDS}.
 */
final class RunbookSteps {

  /** Reads the kind's own fields; {@code timeout} is null when the step gives none. */
  interface KindReader {
    Optional<ActionSpec> read(Mapping fields, String name, Duration timeout, ActionScope scope);
  }

  private record Kind(List<String> keys, KindReader reader) {}

  private static final Map<String, Kind> KINDS = new LinkedHashMap<>();

  static {
    KINDS.put(EcsScaleAction.KIND, new Kind(EcsActionReaders.SCALE_KEYS, EcsActionReaders::scale));
    KINDS.put(EcsForceNewDeploymentAction.KIND, new Kind(EcsActionReaders.FORCE_KEYS, EcsActionReaders::forceNewDeployment));
  }

  static final List<String> COMMON_KEYS = List.of("name", "kind", "timeout");
  static final String HINT = "write steps: [{ name: Scale up, kind: ecs-scale, cluster: my-cluster, service: my-service, "
      + "desiredCount: 3, min: 1, max: 6 }]";

  private RunbookSteps() {}

  static List<ActionSpec> read(List<Value> steps, ActionScope scope) {
    List<ActionSpec> read = new ArrayList<>();
    for (Value step : steps) {
      step.mapping().flatMap(fields -> step(step, fields, scope)).ifPresent(read::add);
    }
    return read;
  }

  private static Optional<ActionSpec> step(Value step, Mapping fields, ActionScope scope) {
    Optional<String> name = fields.require("name", "write name: Scale the backend up").flatMap(Value::text);
    Optional<Value> kindValue = fields.require("kind", "write kind: " + String.join(" or ", KINDS.keySet()));
    Optional<String> kindName = kindValue.flatMap(Value::text);
    Duration timeout = fields.get("timeout", "write timeout: 10m")
        .flatMap(v -> v.duration(d -> !d.isZero(), "must be longer than 0"))
        .orElse(null);
    scope.checkPlaceholders(step);
    if (kindName.isEmpty()) {
      fields.allow(COMMON_KEYS);
      return Optional.empty();
    }
    Kind kind = KINDS.get(kindName.get());
    if (kind == null) {
      kindValue.get().error("unknown action kind `" + kindName.get() + "`",
          Suggestions.hint(kindName.get(), KINDS.keySet(), "action kinds"));
      return Optional.empty();
    }
    List<String> keys = new ArrayList<>(COMMON_KEYS);
    keys.addAll(kind.keys());
    fields.allow(keys);
    Optional<ActionSpec> spec = kind.reader().read(fields, name.orElse(kindName.get()), timeout, scope);
    return name.isPresent() ? spec : Optional.empty();
  }
}
