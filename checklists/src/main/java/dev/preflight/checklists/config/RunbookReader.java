package dev.preflight.checklists.config;

import dev.preflight.checklists.checklist.SignOffRule;
import dev.preflight.checklists.runbook.Parameter;
import dev.preflight.checklists.runbook.Runbook;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Reads the top-level {@code runbooks:}, each keyed by its id. */
final class RunbookReader {

  static final String HINT = "write runbooks: { scale-backend: { title: Scale the backend, roles: [sre], steps: [...] } }";
  static final String STEPS_HINT = "write steps: [{ name: Scale up, kind: ecs-scale, cluster: my-cluster, "
      + "service: my-service, desiredCount: 3, min: 1, max: 6 }]";
  /** Filled by the bot in every runbook step besides the parameters: today's UTC date as 20260209. */
  static final List<String> BUILT_IN = List.of("date");

  private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]*");
  private static final Pattern PARAMETER_NAME = Pattern.compile("[a-z][A-Za-z0-9_]*");
  private static final List<String> KEYS =
      List.of("title", "description", "parameters", "roles", "signOff", "confirm", "environment", "steps");
  private static final List<String> PARAMETER_KEYS = List.of("type", "description", "pattern", "values", "min", "max");
  private static final List<String> TYPES = List.of("string", "enum", "integer");
  private static final List<String> ENVIRONMENT_KEYS = List.of("service", "environment");

  private final References references;
  private final Map<String, Service> services;
  /** The parameters the runbook being read declares, readable or not, so a broken one is reported once. */
  private final List<String> declared = new ArrayList<>();

  private RunbookReader(References references, Map<String, Service> services) {
    this.references = references;
    this.services = services;
  }

  static Map<String, Runbook> read(Mapping runbooks, References references, Map<String, Service> services) {
    return new RunbookReader(references, services).runbooks(runbooks);
  }

  private Map<String, Runbook> runbooks(Mapping mapping) {
    Map<String, Runbook> runbooks = new LinkedHashMap<>();
    for (Mapping.Entry entry : mapping.entries(HINT)) {
      if (!ID.matcher(entry.name()).matches()) {
        entry.key().error("`" + entry.name() + "` is not a valid runbook id",
            "use lowercase letters, digits and -, starting with a letter or digit");
      }
      entry.value().mapping().flatMap(fields -> runbook(entry.name(), fields.allow(KEYS)))
          .ifPresent(runbook -> runbooks.put(runbook.id(), runbook));
    }
    return runbooks;
  }

  private Optional<Runbook> runbook(String id, Mapping fields) {
    declared.clear();
    Optional<String> title = fields.require("title", "write title: Scale the backend").flatMap(Value::text);
    String description = fields.get("description", "write description: …").flatMap(Value::text).orElse(null);
    List<Parameter> parameters = fields.get("parameters", "write parameters: { count: { type: integer, min: 1, max: 6 } }")
        .flatMap(Value::mapping)
        .map(this::parameters)
        .orElse(List.of());
    List<String> roles = new ArrayList<>();
    fields.require("roles", "write roles: [sre], the roles whose members may run it")
        .flatMap(Value::nonEmptyList)
        .ifPresent(values -> values.forEach(v -> v.text().ifPresent(name -> roles.add(references.role(v, name)))));
    SignOffRule signOff = fields.get("signOff", "write signOff: { requires: [{ role: sre, count: 1 }] }")
        .flatMap(Value::mapping)
        .map(rule -> ChecklistReader.signOff(rule, references))
        .orElse(SignOffRule.NONE);
    String confirm = fields.get("confirm", "write confirm: Scale the production backend?").flatMap(Value::text).orElse(null);
    String[] environment = fields.get("environment", "write environment: { service: backend, environment: production }")
        .flatMap(Value::mapping)
        .flatMap(this::environment)
        .orElse(null);
    List<String> placeholders = new ArrayList<>(BUILT_IN);
    Map<String, ActionScope.Bounds> counts = new LinkedHashMap<>();
    placeholders.addAll(declared);
    for (Parameter parameter : parameters) {
      if (parameter instanceof Parameter.Count count) {
        counts.put(count.name(), new ActionScope.Bounds(count.min(), count.max()));
      }
    }
    Optional<List<Value>> stepValues = fields.require("steps", STEPS_HINT).flatMap(Value::nonEmptyList);
    ActionScope scope = new ActionScope(placeholders, counts);
    List<ActionSpec> steps = new ArrayList<>();
    stepValues.ifPresent(values -> values.forEach(step -> step.mapping()
        .flatMap(stepFields -> ActionReader.read(stepFields, scope, List.of(), ActionReader.Names.TITLES))
        .ifPresent(steps::add)));
    if (title.isEmpty() || stepValues.isEmpty() || steps.size() != stepValues.get().size()) {
      return Optional.empty();
    }
    return Optional.of(new Runbook(id, title.get(), description, parameters, roles, signOff, confirm,
        environment == null ? null : environment[0], environment == null ? null : environment[1], steps));
  }

  private Optional<String[]> environment(Mapping fields) {
    fields.allow(ENVIRONMENT_KEYS);
    Optional<Value> serviceValue = fields.require("service", "write service: backend");
    Optional<String> service = serviceValue.flatMap(Value::text);
    Optional<Value> environmentValue = fields.require("environment", "write environment: production");
    Optional<String> environment = environmentValue.flatMap(Value::text);
    if (service.isEmpty() || environment.isEmpty()) {
      return Optional.empty();
    }
    Service known = services.get(service.get());
    if (known == null) {
      serviceValue.get().error("unknown service `" + service.get() + "`",
          Suggestions.hint(service.get(), services.keySet(), "services"));
      return Optional.empty();
    }
    if (known.environment(environment.get()).isEmpty()) {
      environmentValue.get().error("service `" + service.get() + "` has no environment `" + environment.get() + "`",
          Suggestions.hint(environment.get(), known.environments().keySet(), "environments"));
      return Optional.empty();
    }
    return Optional.of(new String[] {service.get(), environment.get()});
  }

  private List<Parameter> parameters(Mapping mapping) {
    List<Parameter> parameters = new ArrayList<>();
    for (Mapping.Entry entry : mapping.entries("write count: { type: integer, min: 1, max: 6 }")) {
      declared.add(entry.name());
      if (!PARAMETER_NAME.matcher(entry.name()).matches()) {
        entry.key().error("`" + entry.name() + "` is not a valid parameter name",
            "use letters, digits and _, starting with a lowercase letter");
        continue;
      }
      entry.value().mapping().flatMap(fields -> parameter(entry.name(), fields.allow(PARAMETER_KEYS)))
          .ifPresent(parameters::add);
    }
    return parameters;
  }

  private static Optional<Parameter> parameter(String name, Mapping fields) {
    String description = fields.get("description", "write description: …").flatMap(Value::text).orElse(null);
    Optional<Value> typeValue = fields.require("type", "write type: string, enum or integer");
    Optional<String> type = typeValue.flatMap(Value::text);
    if (type.isEmpty()) {
      return Optional.empty();
    }
    switch (type.get()) {
      case "string" -> {
        return fields.require("pattern", "a string parameter needs pattern: '[a-z0-9-]+' (the whole value must match)")
            .flatMap(RunbookReader::pattern)
            .map(pattern -> new Parameter.Text(name, description, pattern));
      }
      case "enum" -> {
        Optional<List<Value>> values = fields.require("values", "write values: [web, worker]").flatMap(Value::nonEmptyList);
        List<String> read = new ArrayList<>();
        values.ifPresent(list -> list.forEach(v -> v.text().ifPresent(text -> {
          if (Parameter.SHELL_CHARACTERS.matcher(text).find()) {
            v.error("`" + text + "` holds a character a shell would act on", "use letters, digits, . - _ / : @ , +");
          } else {
            read.add(text);
          }
        })));
        return values.isPresent() && read.size() == values.get().size()
            ? Optional.of(new Parameter.Choice(name, description, read)) : Optional.empty();
      }
      case "integer" -> {
        Optional<Integer> min = fields.require("min", "an integer parameter needs min: and max:")
            .flatMap(v -> v.integer(Integer.MIN_VALUE, Integer.MAX_VALUE));
        Optional<Integer> max = fields.require("max", "an integer parameter needs min: and max:")
            .flatMap(v -> v.integer(Integer.MIN_VALUE, Integer.MAX_VALUE));
        if (min.isEmpty() || max.isEmpty()) {
          return Optional.empty();
        }
        if (min.get() > max.get()) {
          fields.get("max", null).ifPresent(v -> v.error("must be at least min (" + min.get() + "), not " + max.get()));
          return Optional.empty();
        }
        return Optional.of(new Parameter.Count(name, description, min.get(), max.get()));
      }
      default -> {
        typeValue.get().error("unknown parameter type `" + type.get() + "`", Suggestions.hint(type.get(), TYPES, "types"));
        return Optional.empty();
      }
    }
  }

  /** A pattern the whole value must match; {@code ^} and {@code $} may be written but change nothing. */
  private static Optional<Pattern> pattern(Value value) {
    return value.text().flatMap(text -> {
      try {
        return Optional.of(Pattern.compile(text));
      } catch (PatternSyntaxException e) {
        value.error("`" + text + "` is not a regular expression: " + e.getDescription(), null);
        return Optional.empty();
      }
    });
  }
}
