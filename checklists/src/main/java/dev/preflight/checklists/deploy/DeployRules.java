package dev.preflight.checklists.deploy;

import dev.preflight.checklists.config.Service;
import dev.preflight.checklists.run.Refusal;
import dev.preflight.checklists.run.RunEvent;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The rules a deploy request must pass, as plain functions: each returns why not, or empty. Whether
 * a run may launch now is {@link LaunchGate}.
 */
public final class DeployRules {

  /** Characters a shell would act on; a version never holds one, whatever its pattern says. */
  private static final Pattern SHELL_META = Pattern.compile("[\\s;&|<>`$\\\\\"'(){}\\[\\]*?!~#=%^,]");
  public static final int VERSION_LIMIT = 128;

  private DeployRules() {}

  public static Optional<Refusal> versionRefusal(Service service, String version) {
    if (version == null || version.isEmpty()) {
      return Optional.of(Refusal.of(Refusal.Code.VERSION_MISSING));
    }
    if (version.length() > VERSION_LIMIT) {
      return Optional.of(Refusal.versionTooLong(version, VERSION_LIMIT));
    }
    if (SHELL_META.matcher(version).find() || version.startsWith("-") || version.contains("..")) {
      return Optional.of(Refusal.notAVersion(printable(version)));
    }
    if (!service.versionPattern().matcher(version).matches()) {
      return Optional.of(Refusal.versionPattern(service.name(), version, service.versionPattern().pattern()));
    }
    return Optional.empty();
  }

  /** Who may deploy to, and roll back, an environment: members of its deployer roles. */
  public static Optional<Refusal> deployerRefusal(Service.Environment environment, String serviceName,
      Set<String> roles) {
    if (environment.deployers().stream().anyMatch(roles::contains)) {
      return Optional.empty();
    }
    if (environment.deployers().isEmpty()) {
      return Optional.of(Refusal.noDeployers(serviceName, environment.name()));
    }
    return Optional.of(Refusal.notADeployer(serviceName, environment.name(), environment.deployers()));
  }

  /**
   * The same rule as {@link #deployerRefusal} (deployers roll back), with the refusal saying it was
   * a rollback that was refused, so it is not worded as a deploy.
   */
  public static Optional<Refusal> rollbackRefusal(Service.Environment environment, String serviceName,
      Set<String> roles) {
    return deployerRefusal(environment, serviceName, roles)
        .map(refusal -> refusal.withStatus(refusal.status(), RunEvent.ROLLBACK));
  }

  private static String printable(String version) {
    String shown = version.replaceAll("[`\\p{Cntrl}]", "?");
    return shown.length() > 40 ? shown.substring(0, 40) + "…" : shown;
  }
}
