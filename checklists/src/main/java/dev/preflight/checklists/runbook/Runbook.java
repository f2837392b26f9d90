package dev.preflight.checklists.runbook;

import dev.preflight.checklists.checklist.SignOffRule;
import dev.preflight.checklists.config.ActionSpec;
import java.util.List;
import java.util.Optional;

/**
 * An operational procedure people start from Slack: typed parameters, who may run it, who must
 * approve it first, and the actions it runs one after another.
 *
 * @param description what it does, or null
 * @param roles the roles whose members may run it
 * @param signOff approvals needed before it runs; {@link SignOffRule#NONE} for none
 * @param confirm the question of a confirm dialog before it starts, or null for none
 * @param service with {@code environment}, the environment it belongs to (its lock holds it); or null
 * @param steps with {@code {parameter}} placeholders still in them
 */
public record Runbook(
    String id,
    String title,
    String description,
    List<Parameter> parameters,
    List<String> roles,
    SignOffRule signOff,
    String confirm,
    String service,
    String environment,
    List<ActionSpec> steps) {

  public Runbook {
    parameters = List.copyOf(parameters);
    roles = List.copyOf(roles);
    signOff = signOff == null ? SignOffRule.NONE : signOff;
    steps = List.copyOf(steps);
  }

  public Optional<Parameter> parameter(String name) {
    return parameters.stream().filter(p -> p.name().equals(name)).findFirst();
  }

  public boolean needsSignOff() {
    return !signOff.requirements().isEmpty();
  }

  public boolean belongsToEnvironment() {
    return service != null && environment != null;
  }
}
