package dev.preflight.checklists.config;

import java.util.Map;

public record Service(String name, Map<String, Environment> environments) {
  public Service {
    environments = Map.copyOf(environments);
  }

  /**
   * @param checklist the id of the checklist a deploy to this environment runs
   * @param channel a channel name from the config, or null
   */
  public record Environment(String name, String checklist, String channel) {}
}
