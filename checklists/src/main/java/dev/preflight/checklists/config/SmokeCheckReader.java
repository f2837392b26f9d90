package dev.preflight.checklists.config;

import dev.preflight.checklists.checklist.CheckSpec;
import dev.preflight.checklists.config.HttpCheckReader.HttpExpectation;
import dev.preflight.checklists.config.HttpCheckReader.HttpRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * Reads a {@code smoke} check: named HTTP steps run in order, each sending and expecting as an
 * http check does ({@link HttpCheckReader}) and capturing values for the steps after it.
 */
final class SmokeCheckReader {

  private static final List<String> STEP_KEYS = List.of("name", "method", "url", "headers", "body", "expect", "capture");
  private static final String STEPS_HINT = "write steps: [{ name: greeting, method: POST, url: \"${BASE_URL}/api/greeting\" }]";

  private SmokeCheckReader() {}

  /**
   * Steps run in order; a step may use {@code {name}} only for a value an earlier step
   * captured, or for one of the placeholders every deploy fills. Anything else would be sent
   * as written, which is never what the author meant.
   */
  static Optional<CheckSpec> smoke(Mapping fields, CheckSpec.Timing timing) {
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
    HttpRequest request = HttpCheckReader.request(fields);
    HttpExpectation expect = HttpCheckReader.expectation(fields);
    Map<String, String> capture = fields.get("capture", "write capture: { sessionId: /sessionId }")
        .map(SmokeCheckReader::captures)
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
            || CheckReader.rejected(entry.value(), "`" + p + "` is not a JSON pointer", "write /" + p + " for a top-level field"));
        if (fine && pointer.isPresent()) {
          captures.put(name, pointer.get());
        }
      }
    });
    return captures;
  }
}
