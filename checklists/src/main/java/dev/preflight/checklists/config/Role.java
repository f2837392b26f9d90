package dev.preflight.checklists.config;

import java.util.List;

/**
 * A named group of people, by Slack user id and/or Slack user group id.
 */
public record Role(String name, List<String> users, List<String> groups) {
  public Role {
    users = List.copyOf(users);
    groups = List.copyOf(groups);
  }
}
