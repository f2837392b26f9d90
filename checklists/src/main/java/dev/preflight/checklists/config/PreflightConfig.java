package dev.preflight.checklists.config;

import dev.preflight.checklists.checklist.Checklist;
import java.util.Map;
import java.util.Optional;

/**
 * Everything a team configures, read once at start and validated as a whole.
 *
 * @param source the path of preflight.yaml
 * @param signOffReaction the reaction name (without colons) that counts as a sign-off
 * @param channels channel name → Slack channel id
 */
public record PreflightConfig(
    String source,
    String signOffReaction,
    Map<String, Role> roles,
    Map<String, String> channels,
    Map<String, Service> services,
    Map<String, Checklist> checklists) {

  public static final String DEFAULT_SIGN_OFF_REACTION = "white_check_mark";

  public PreflightConfig {
    roles = Map.copyOf(roles);
    channels = Map.copyOf(channels);
    services = Map.copyOf(services);
    checklists = Map.copyOf(checklists);
  }

  public Optional<Checklist> checklist(String id) {
    return Optional.ofNullable(checklists.get(id));
  }

  public Optional<Role> role(String name) {
    return Optional.ofNullable(roles.get(name));
  }

  /** The Slack channel id for a configured channel name, if there is one. */
  public Optional<String> channelId(String channelName) {
    return Optional.ofNullable(channelName).map(channels::get);
  }
}
