package dev.preflight.checklists.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.Tag;

/** Reads the two ECS service actions: {@code ecs-scale} and {@code ecs-force-new-deployment}. */
final class EcsActionReaders {

  static final List<String> SCALE_KEYS = List.of("cluster", "service", "region", "desiredCount", "min", "max");
  static final List<String> FORCE_KEYS = List.of("cluster", "service", "region");
  static final Duration SCALE_TIMEOUT = Duration.ofMinutes(10);
  static final Duration FORCE_TIMEOUT = Duration.ofMinutes(15);
  /** The most tasks any service may be scaled to; ECS's own limit per service is far above it. */
  static final int MOST_TASKS = 1000;

  private static final Pattern ONE_PLACEHOLDER = Pattern.compile("\\{([A-Za-z][A-Za-z0-9_.-]*)}");
  private static final String COUNT_HINT = "write desiredCount: 3, or desiredCount: \"{count}\" with an integer parameter count";

  private EcsActionReaders() {}

  static Optional<ActionSpec> scale(ActionReader.Fields f, Duration timeout) {
    Mapping fields = f.mapping();
    ActionScope scope = f.scope();
    Optional<String> cluster = where(f, "cluster", "write cluster: fluxion-cluster");
    Optional<String> service = where(f, "service", "write service: my-service");
    String region = CheckReader.region(fields);
    Optional<Integer> min = fields.require("min", "write min: 1, the fewest tasks this step may ask for")
        .flatMap(v -> v.integer(0, MOST_TASKS));
    Optional<Integer> max = fields.require("max", "write max: 6, the most tasks this step may ask for")
        .flatMap(v -> v.integer(0, MOST_TASKS));
    if (min.isPresent() && max.isPresent() && min.get() > max.get()) {
      fields.get("max", null).ifPresent(v -> v.error("must be at least min (" + min.get() + "), not " + max.get()));
      return Optional.empty();
    }
    Optional<String> count = fields.require("desiredCount", COUNT_HINT)
        .flatMap(v -> desiredCount(v, min.orElse(0), max.orElse(MOST_TASKS), scope));
    if (cluster.isEmpty() || service.isEmpty() || min.isEmpty() || max.isEmpty() || count.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new EcsScaleAction(f.name(), timeout, cluster.get(), service.get(),
        region, count.get(), min.get(), max.get()));
  }

  static Optional<ActionSpec> forceNewDeployment(ActionReader.Fields f, Duration timeout) {
    Optional<String> cluster = where(f, "cluster", "write cluster: fluxion-cluster");
    Optional<String> service = where(f, "service", "write service: my-service");
    String region = CheckReader.region(f.mapping());
    if (cluster.isEmpty() || service.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new EcsForceNewDeploymentAction(f.name(), timeout, cluster.get(), service.get(), region));
  }

  /** The cluster or service: filled with placeholders and {@code ${NAME}} references when the step runs. */
  private static Optional<String> where(ActionReader.Fields f, String key, String hint) {
    return f.mapping().require(key, hint).flatMap(v -> {
      ActionReader.placeholders(v, f.placeholders());
      return v.text();
    });
  }

  /**
   * A literal count within the step's bounds, or one placeholder naming an integer parameter
   * whose own bounds lie within them: a count is never left unbounded.
   */
  private static Optional<String> desiredCount(Value value, int min, int max, ActionScope scope) {
    if (value.node() instanceof ScalarNode scalar && scalar.getTag().equals(Tag.INT)) {
      return value.integer(min, max).map(String::valueOf);
    }
    Optional<String> text = value.text();
    if (text.isEmpty()) {
      return Optional.empty();
    }
    Matcher whole = ONE_PLACEHOLDER.matcher(text.get());
    if (!whole.matches()) {
      value.error("`" + text.get() + "` is neither a whole number nor one {parameter}", COUNT_HINT);
      return Optional.empty();
    }
    String parameter = whole.group(1);
    if (!scope.placeholders().contains(parameter)) {
      ActionReader.placeholders(value, scope.placeholders());
      return Optional.empty();
    }
    ActionScope.Bounds bounds = scope.counts().get(parameter);
    if (bounds == null) {
      value.error("parameter `" + parameter + "` is used as a count but has no bounds",
          "declare it as type: integer with min: and max:");
      return Optional.empty();
    }
    if (bounds.min() < min || bounds.max() > max) {
      value.error("parameter `" + parameter + "` allows " + bounds.min() + " to " + bounds.max()
          + ", outside this step's min " + min + " and max " + max, "narrow the parameter's min and max");
      return Optional.empty();
    }
    return text;
  }
}
