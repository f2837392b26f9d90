package dev.preflight.deploy.action;

import dev.preflight.checklists.deploy.Placeholders;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An action's text with its placeholders and then its {@code ${NAME}} references filled in;
 * every value a reference stood for is registered with the context's redactor.
 */
final class Fill {

  private final ActionContext context;

  Fill(ActionContext context) {
    this.context = context;
  }

  /** @throws dev.preflight.checklists.secret.Variables.MissingVariableException for a variable not set */
  String text(String template) {
    return context.variables().resolve(Placeholders.fill(template, context.placeholders()), context.redactor());
  }

  /** Only {@code ${NAME}} references: for fields where the placeholders are not filled. */
  String variables(String template) {
    return context.variables().resolve(template, context.redactor());
  }

  List<String> texts(List<String> templates) {
    return templates.stream().map(this::text).toList();
  }

  Map<String, String> values(Map<String, String> templates) {
    Map<String, String> filled = new LinkedHashMap<>();
    templates.forEach((k, v) -> filled.put(k, text(v)));
    return filled;
  }
}
