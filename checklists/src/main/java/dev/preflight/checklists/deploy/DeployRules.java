package dev.preflight.checklists.deploy;

import dev.preflight.checklists.config.Service;
import dev.preflight.checklists.run.ChecklistRun;
import dev.preflight.checklists.run.GateStatus;
import dev.preflight.checklists.run.RunStatus;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** The rules a deploy must pass, as plain functions: each returns why not, or empty. */
public final class DeployRules {

  /** Characters a shell would act on; a version never holds one, whatever its pattern says. */
  private static final Pattern SHELL_META = Pattern.compile("[\\s;&|<>`$\\\\\"'(){}\\[\\]*?!~#=%^,]");
  public static final int VERSION_LIMIT = 128;

  private DeployRules() {}

  public static Optional<String> versionRefusal(Service service, String version) {
    if (version == null || version.isEmpty()) {
      return Optional.of("A deploy needs a version, e.g. `v1.4.2`.");
    }
    if (version.length() > VERSION_LIMIT) {
      return Optional.of("That version is " + version.length() + " characters long; the limit is "
          + VERSION_LIMIT + ".");
    }
    if (SHELL_META.matcher(version).find() || version.startsWith("-") || version.contains("..")) {
      return Optional.of("`" + printable(version) + "` is not a version: only letters, digits, "
          + "`.`, `_`, `-`, `+` and `/` are allowed, and it may not start with `-` or hold `..`.");
    }
    if (!service.versionPattern().matcher(version).matches()) {
      return Optional.of("`" + version + "` does not match the version pattern of *" + service.name()
          + "*: `" + service.versionPattern().pattern() + "`.");
    }
    return Optional.empty();
  }

  /** Who may deploy to, and roll back, an environment: members of its deployer roles. */
  public static Optional<String> deployerRefusal(Service.Environment environment, String serviceName,
      Set<String> roles) {
    if (environment.deployers().stream().anyMatch(roles::contains)) {
      return Optional.empty();
    }
    if (environment.deployers().isEmpty()) {
      return Optional.of("Nobody may deploy *" + serviceName + "* to *" + environment.name()
          + "*: its config names no deployers.");
    }
    return Optional.of("Deploying *" + serviceName + "* to *" + environment.name() + "* needs the "
        + String.join(" or ", environment.deployers().stream().map(r -> "*" + r + "*").toList())
        + " role, and you hold none of them.");
  }

  /**
   * Whether a run may launch now.
   *
   * @param lock the environment's lock, if it is locked
   * @param otherActiveRun another run of the same service and environment that is deploying,
   *     verifying or rolling back, if there is one
   */
  public static Optional<String> launchRefusal(ChecklistRun run, Optional<EnvLock> lock,
      Optional<String> otherActiveRun) {
    RunStatus status = run.status();
    if (status != RunStatus.READY && status != RunStatus.PREPARING) {
      return Optional.of(switch (status) {
        case DEPLOYING, VERIFYING -> "This run is already deploying.";
        case CANCELLED -> "This run was cancelled; start a new one with `/deploy`.";
        default -> "This run is " + status.name().toLowerCase().replace('_', ' ')
            + "; it cannot be launched again. Start a new one with `/deploy`.";
      });
    }
    GateStatus gates = run.gates();
    if (!gates.openBlockers().isEmpty()) {
      return Optional.of("Not yet: " + gates.openBlockers().size() + " blocker"
          + (gates.openBlockers().size() == 1 ? " has" : "s have") + " not passed or been waived ("
          + String.join(", ", gates.openBlockers().stream().map(id -> "`" + id + "`").toList()) + ").");
    }
    if (!gates.missingSignOffs().isEmpty()) {
      GateStatus.MissingSignOff first = gates.missingSignOffs().get(0);
      return Optional.of("Not yet: it needs " + (first.need() - first.have()) + " more sign-off"
          + (first.need() - first.have() == 1 ? "" : "s") + " from *" + first.role() + "*.");
    }
    if (lock.isPresent()) {
      EnvLock l = lock.get();
      String by = l.by() == null ? "Preflight" : "<@" + l.by() + ">";
      return Optional.of("*" + l.service() + "* in *" + l.environment() + "* is locked by " + by + ": "
          + l.reason() + ". `/unlock " + l.service() + " " + l.environment() + "` opens it again.");
    }
    if (otherActiveRun.isPresent()) {
      return Optional.of("Another run of this service and environment is deploying right now (run `"
          + otherActiveRun.get() + "`). Wait for it to finish.");
    }
    return Optional.empty();
  }

  private static String printable(String version) {
    String shown = version.replaceAll("[`\\p{Cntrl}]", "?");
    return shown.length() > 40 ? shown.substring(0, 40) + "…" : shown;
  }
}
