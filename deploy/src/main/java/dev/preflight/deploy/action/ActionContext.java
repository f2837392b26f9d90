package dev.preflight.deploy.action;

import dev.preflight.checklists.secret.Redactor;
import dev.preflight.checklists.secret.Variables;
import dev.preflight.deploy.target.TargetJournal;
import java.util.Map;

/**
 * What an action may use while it runs.
 *
 * @param placeholders the values {@code {service}}, {@code {version}}, {@code {environment}} and
 *     the like stand for in the action's fields (a runbook adds its parameters)
 * @param variables where {@code ${NAME}} references are read from
 * @param redactor applied to everything the action puts into its outcome
 * @param journal this action's own notebook (its entries only), kept with the run, with the run's
 *     abort and stop signals
 */
public record ActionContext(Map<String, String> placeholders, Variables variables, Redactor redactor,
    TargetJournal journal) {

  public ActionContext {
    placeholders = Map.copyOf(placeholders);
  }
}
