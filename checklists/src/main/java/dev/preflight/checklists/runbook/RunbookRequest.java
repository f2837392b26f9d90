package dev.preflight.checklists.runbook;

import dev.preflight.checklists.config.Suggestions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code /run <id> key=value…} asks for, checked against the runbook's parameters. Every
 * problem is found in one pass, so a person fixes the command once.
 *
 * @param id the runbook id as typed
 * @param arguments {@code key=value} in the order typed; a key typed twice is kept once and reported
 */
public record RunbookRequest(String id, Map<String, String> arguments, List<RunbookRefusal> malformed) {

  public RunbookRequest {
    arguments = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(arguments));
    malformed = List.copyOf(malformed);
  }

  /** Splits the text after {@code /run}: the first word is the id, the rest {@code key=value}. */
  public static RunbookRequest parse(String text) {
    String[] words = text == null ? new String[0] : text.trim().split("\\s+");
    String id = words.length == 0 ? "" : words[0];
    Map<String, String> arguments = new LinkedHashMap<>();
    List<RunbookRefusal> malformed = new ArrayList<>();
    for (int i = 1; i < words.length; i++) {
      int equals = words[i].indexOf('=');
      if (equals <= 0) {
        malformed.add(RunbookRefusal.about(RunbookRefusal.Code.NOT_KEY_VALUE, id, words[i], List.of(), null));
        continue;
      }
      String key = words[i].substring(0, equals);
      if (arguments.putIfAbsent(key, words[i].substring(equals + 1)) != null) {
        malformed.add(RunbookRefusal.about(RunbookRefusal.Code.REPEATED_PARAMETER, id, key, List.of(), null));
      }
    }
    return new RunbookRequest(id, arguments, malformed);
  }

  /** The runbook asked for among {@code known}, or the refusal naming the closest id. */
  public static Optional<RunbookRefusal> unknown(String id, java.util.Collection<String> known) {
    if (known.contains(id)) {
      return Optional.empty();
    }
    return Optional.of(RunbookRefusal.about(RunbookRefusal.Code.UNKNOWN_RUNBOOK, id, null,
        known.stream().sorted().toList(), Suggestions.closest(id, known).orElse(null)));
  }

  /** Every problem with these arguments for {@code runbook}; empty when it may run with them. */
  public List<RunbookRefusal> problems(Runbook runbook) {
    return problems(runbook, arguments, malformed);
  }

  /** The same rules for values from a form, where every key is a known parameter. */
  public static List<RunbookRefusal> problems(Runbook runbook, Map<String, String> values) {
    return problems(runbook, values, List.of());
  }

  private static List<RunbookRefusal> problems(Runbook runbook, Map<String, String> values,
      List<RunbookRefusal> malformed) {
    List<RunbookRefusal> problems = new ArrayList<>(malformed);
    List<String> names = runbook.parameters().stream().map(Parameter::name).toList();
    values.forEach((key, value) -> {
      Optional<Parameter> parameter = runbook.parameter(key);
      if (parameter.isEmpty()) {
        problems.add(RunbookRefusal.about(RunbookRefusal.Code.UNKNOWN_PARAMETER, runbook.id(), key, names,
            Suggestions.closest(key, names).orElse(null)));
      } else {
        parameter.get().check(value).ifPresent(problem -> problems.add(RunbookRefusal.invalid(runbook.id(), problem)));
      }
    });
    List<String> missing = names.stream().filter(name -> !values.containsKey(name)).toList();
    if (!missing.isEmpty()) {
      problems.add(RunbookRefusal.about(RunbookRefusal.Code.MISSING_PARAMETERS, runbook.id(), null, missing, null));
    }
    return problems;
  }
}
