package dev.preflight.checklists.runbook;

import dev.preflight.checklists.deploy.EnvLock;
import java.util.List;

/**
 * Why a runbook request was refused, as a value; the Slack layer words it.
 *
 * @param runbook the runbook asked for, as given
 * @param parameter the parameter the reason is about, or null
 * @param names what the reason lists: known runbooks or parameters, missing parameters, roles
 * @param suggestion a close name the person may have meant, or null
 * @param problem the broken parameter rule, for {@link Code#INVALID_PARAMETER}
 * @param lock the environment lock, for {@link Code#ENVIRONMENT_LOCKED}
 */
public record RunbookRefusal(Code code, String runbook, String parameter, List<String> names, String suggestion,
    Parameter.Problem problem, EnvLock lock) {

  public enum Code {
    UNKNOWN_RUNBOOK,
    NOT_KEY_VALUE,
    UNKNOWN_PARAMETER,
    REPEATED_PARAMETER,
    MISSING_PARAMETERS,
    INVALID_PARAMETER,
    ROLE_MISSING,
    ENVIRONMENT_LOCKED,
    NOT_WAITING,
    NO_SUCH_RUN
  }

  public RunbookRefusal {
    names = names == null ? List.of() : List.copyOf(names);
  }

  public static RunbookRefusal of(Code code, String runbook) {
    return new RunbookRefusal(code, runbook, null, List.of(), null, null, null);
  }

  public static RunbookRefusal about(Code code, String runbook, String parameter, List<String> names, String suggestion) {
    return new RunbookRefusal(code, runbook, parameter, names, suggestion, null, null);
  }

  public static RunbookRefusal invalid(String runbook, Parameter.Problem problem) {
    return new RunbookRefusal(Code.INVALID_PARAMETER, runbook, problem.parameter().name(), List.of(), null, problem, null);
  }

  public static RunbookRefusal locked(String runbook, EnvLock lock) {
    return new RunbookRefusal(Code.ENVIRONMENT_LOCKED, runbook, null, List.of(), null, null, lock);
  }

  /** A plain line for logs. */
  public String summary() {
    return code.name().toLowerCase().replace('_', ' ') + (runbook == null ? "" : " (" + runbook + ")")
        + (parameter == null ? "" : " " + parameter);
  }
}
