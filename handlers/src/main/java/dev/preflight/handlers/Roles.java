package dev.preflight.handlers;

import dev.preflight.checklists.config.PreflightConfig;
import dev.preflight.checklists.config.Role;
import dev.preflight.handlers.slack.SlackApi;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which configured roles a Slack user holds: listed by user id, or a member of a listed user
 * group. Group members are fetched from Slack and kept for a minute, so a burst of reactions
 * does not become a burst of API calls, and a change in a group is seen soon enough.
 */
public final class Roles {

  private static final Logger LOG = LoggerFactory.getLogger(Roles.class);
  private static final Duration GROUP_TTL = Duration.ofMinutes(1);

  private final PreflightConfig config;
  private final SlackApi slack;
  private final Clock clock;
  private final Map<String, CachedGroup> groups = new ConcurrentHashMap<>();

  public Roles(PreflightConfig config, SlackApi slack, Clock clock) {
    this.config = config;
    this.slack = slack;
    this.clock = clock;
  }

  public Future<Set<String>> of(String userId) {
    Set<String> held = new HashSet<>();
    List<Future<?>> lookups = new ArrayList<>();
    for (Role role : config.roles().values()) {
      if (role.users().contains(userId)) {
        held.add(role.name());
        continue;
      }
      for (String group : role.groups()) {
        lookups.add(members(group).onSuccess(members -> {
          if (members.contains(userId)) {
            synchronized (held) {
              held.add(role.name());
            }
          }
        }));
      }
    }
    // A group that cannot be read grants nothing; the other roles still count.
    return Future.join(lookups).otherwiseEmpty().map(v -> Set.copyOf(held));
  }

  private Future<Set<String>> members(String groupId) {
    CachedGroup cached = groups.get(groupId);
    Instant now = clock.instant();
    if (cached != null && cached.expires().isAfter(now)) {
      return Future.succeededFuture(cached.members());
    }
    return slack.userGroupMembers(groupId)
        .map(members -> {
          Set<String> set = Set.copyOf(members);
          groups.put(groupId, new CachedGroup(set, now.plus(GROUP_TTL)));
          return set;
        })
        .onFailure(e -> LOG.warn("Could not read the members of user group {}: {}", groupId, e.getMessage()));
  }

  private record CachedGroup(Set<String> members, Instant expires) {}
}
