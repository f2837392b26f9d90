package dev.preflight.checklists.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads an environment's {@code steps: { before, after }} and {@code rollback: { steps: { before,
 * after } }} into its {@link Pipeline}. Step names are unique in the environment, so that
 * {@code abort.on} and a rollback step's {@code when: { failedStep: … }} name exactly one.
 */
final class PipelineReader {

  /** What every step's fields may use: the deploy's three, and when the step starts, e.g. 20250114-143022. */
  static final List<String> PLACEHOLDERS = List.of("service", "version", "environment", "time");
  /** Deploy steps have no parameters, so no whole-number placeholders: a count in them is literal. */
  private static final ActionScope SCOPE = new ActionScope(PLACEHOLDERS, Map.of());
  /** The abort criterion that stands for every {@code after} step. */
  static final String ANY_STEP = "steps";
  static final String STEPS_HINT = "write steps: { before: [...], after: [...] }";
  static final String ROLLBACK_HINT = "write rollback: { steps: { before: [...], after: [...] } }";
  private static final List<String> STEPS_KEYS = List.of("before", "after");
  private static final List<String> RESERVED = List.of("deploy", "health", "smoke", ANY_STEP);

  /** Every step name, with the line it was first given at. */
  private final Map<String, Integer> names = new LinkedHashMap<>();
  private final List<String> deployStepNames = new ArrayList<>();

  Pipeline read(Mapping environment) {
    List<ActionSpec> before = new ArrayList<>();
    List<ActionSpec> after = new ArrayList<>();
    environment.get("steps", STEPS_HINT).flatMap(Value::mapping).ifPresent(steps -> {
      steps.allow(STEPS_KEYS);
      before.addAll(list(steps, "before", false));
      after.addAll(list(steps, "after", false));
    });
    List<ActionSpec> rollbackBefore = new ArrayList<>();
    List<ActionSpec> rollbackAfter = new ArrayList<>();
    environment.get("rollback", ROLLBACK_HINT).flatMap(Value::mapping).ifPresent(rollback -> {
      rollback.allow(List.of("steps"));
      rollback.get("steps", ROLLBACK_HINT).flatMap(Value::mapping).ifPresent(steps -> {
        steps.allow(STEPS_KEYS);
        rollbackBefore.addAll(list(steps, "before", true));
        rollbackAfter.addAll(list(steps, "after", true));
      });
    });
    return new Pipeline(before, after, rollbackBefore, rollbackAfter);
  }

  /** The names of the deploy's own steps (not the rollback's), which {@code abort.on} may name. */
  Set<String> deployStepNames() {
    return Set.copyOf(deployStepNames);
  }

  private List<ActionSpec> list(Mapping steps, String key, boolean rollback) {
    List<ActionSpec> read = new ArrayList<>();
    for (Value value : steps.get(key, STEPS_HINT).flatMap(Value::list).orElse(List.of())) {
      value.mapping().ifPresent(fields -> {
        Optional<ActionSpec> spec = ActionReader.read(fields, SCOPE, rollback ? List.of("when") : List.of(),
            ActionReader.Names.IDS);
        Optional<String> failedStep = rollback ? when(fields) : Optional.empty();
        fields.get("name", "").ifPresent(name -> unique(name, rollback));
        spec.ifPresent(s -> read.add(failedStep.<ActionSpec>map(step -> new WhenFailed(step, s)).orElse(s)));
      });
    }
    return read;
  }

  /** Names of the deploy's steps count even when the rest of the step is broken, so they are not reported again. */
  private void unique(Value name, boolean rollback) {
    name.text().ifPresent(text -> {
      if (!rollback && ActionReader.NAME.matcher(text).matches() && !RESERVED.contains(text)) {
        deployStepNames.add(text);
      }
      if (RESERVED.contains(text)) {
        name.error("`" + text + "` is reserved", "abort.on uses deploy, health, smoke and steps for whole groups: "
            + "choose another name");
        return;
      }
      Integer earlier = names.putIfAbsent(text, name.line());
      if (earlier != null) {
        name.error("duplicate step name `" + text + "`", "already used at line " + earlier);
      }
    });
  }

  /** {@code when: { failedStep: migration }}: the step must be one of the deploy's. */
  private Optional<String> when(Mapping fields) {
    return fields.get("when", "write when: { failedStep: migration }").flatMap(Value::mapping).flatMap(when -> {
      when.allow(List.of("failedStep"));
      return when.require("failedStep", "write failedStep: migration, the deploy step whose failure this undoes")
          .flatMap(v -> v.text().filter(step -> deployStepNames.contains(step)
              || CheckReader.rejected(v, "`" + step + "` is not a step of this environment's deploy",
                  Suggestions.hint(step, deployStepNames, "steps"))));
    });
  }
}
