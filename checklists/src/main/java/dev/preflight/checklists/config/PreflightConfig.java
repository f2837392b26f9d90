package dev.preflight.checklists.config;

import dev.preflight.checklists.alert.AlertRoute;
import dev.preflight.checklists.checklist.Checklist;
import dev.preflight.checklists.runbook.Runbook;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything a team configures, read once at start and validated as a whole.
 *
 * @param source the path of preflight.yaml
 * @param signOffReaction the reaction name (without colons) that counts as a sign-off
 * @param channels channel name → Slack channel id
 * @param alertRoutes where alerts from monitoring go, first match wins
 * @param runbooks the procedures people start with {@code /run}, by id, in the order written
 */
public record PreflightConfig(
    String source,
    String signOffReaction,
    Map<String, Role> roles,
    Map<String, String> channels,
    Map<String, Service> services,
    Map<String, Checklist> checklists,
    List<AlertRoute> alertRoutes,
    Map<String, Runbook> runbooks) {

  public static final String DEFAULT_SIGN_OFF_REACTION = "white_check_mark";

  public PreflightConfig {
    roles = Map.copyOf(roles);
    channels = Map.copyOf(channels);
    services = Map.copyOf(services);
    checklists = Map.copyOf(checklists);
    alertRoutes = List.copyOf(alertRoutes);
    runbooks = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(runbooks));
  }

  /** A config without runbooks. */
  public PreflightConfig(String source, String signOffReaction, Map<String, Role> roles, Map<String, String> channels,
      Map<String, Service> services, Map<String, Checklist> checklists, List<AlertRoute> alertRoutes) {
    this(source, signOffReaction, roles, channels, services, checklists, alertRoutes, Map.of());
  }

  public Optional<Runbook> runbook(String id) {
    return Optional.ofNullable(runbooks.get(id));
  }

  /** A config without alert routes. */
  public PreflightConfig(String source, String signOffReaction, Map<String, Role> roles, Map<String, String> channels,
      Map<String, Service> services, Map<String, Checklist> checklists) {
    this(source, signOffReaction, roles, channels, services, checklists, List.of());
  }

  public Optional<Checklist> checklist(String id) {
    return Optional.ofNullable(checklists.get(id));
  }

  /**
   * The channel name alerts about {@code environment} go to when their route names none: its
   * {@code alertChannel}, else its {@code channel}, else its checklist's channel, the same
   * channel its runs are posted in.
   */
  public Optional<String> alertChannel(Service.Environment environment) {
    return Optional.ofNullable(environment.alertChannelOrDefault())
        .or(() -> Optional.ofNullable(environment.checklist()).flatMap(this::checklist).map(Checklist::channel));
  }

  /** The Slack channel id for a configured channel name, if there is one. */
  public Optional<String> channelId(String channelName) {
    return Optional.ofNullable(channelName).map(channels::get);
  }
}
