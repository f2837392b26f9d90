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
 * group. Group members are fetched from Slack and kept for {@link #GROUP_TTL}, so a burst of
 * reactions does not become a burst of API calls, and a change in a group is seen soon enough.
 * Once {@link #refreshEvery} runs, every configured group is read again in the background before
 * it expires, so a command's acknowledgement (due within 3 s) can already say whether the person
 * holds the role ({@link #known}).
 */
public final class Roles {

  private static final Logger LOG = LoggerFactory.getLogger(Roles.class);
  static final Duration GROUP_TTL = Duration.ofMinutes(2);
  /** How often the background refresh reads every configured group: well inside {@link #GROUP_TTL}. */
  public static final Duration REFRESH_EVERY = Duration.ofMinutes(1);

  private final PreflightConfig config;
  private final SlackApi slack;
  private final Clock clock;
  private final Map<String, CachedGroup> groups = new ConcurrentHashMap<>();
  private io.vertx.core.Vertx vertx;
  private long refresh = -1;

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

  /**
   * The roles {@code userId} holds, from what is known now without asking Slack: empty when a group
   * that could grant a role is not cached or its members are older than {@link #GROUP_TTL}.
   */
  public java.util.Optional<Set<String>> known(String userId) {
    Set<String> held = new HashSet<>();
    Instant now = clock.instant();
    for (Role role : config.roles().values()) {
      if (role.users().contains(userId)) {
        held.add(role.name());
        continue;
      }
      for (String group : role.groups()) {
        CachedGroup cached = groups.get(group);
        if (cached == null || !cached.expires().isAfter(now)) {
          return java.util.Optional.empty();
        }
        if (cached.members().contains(userId)) {
          held.add(role.name());
        }
      }
    }
    return java.util.Optional.of(Set.copyOf(held));
  }

  /** Reads every configured group now and then every {@code every}, so {@link #known} stays current. */
  public Roles refreshEvery(io.vertx.core.Vertx vertx, Duration every) {
    this.vertx = vertx;
    refreshAll();
    refresh = vertx.setPeriodic(every.toMillis(), id -> refreshAll());
    return this;
  }

  public void stop() {
    if (vertx != null && refresh >= 0) {
      vertx.cancelTimer(refresh);
    }
  }

  /** Reads every group a configured role names; completes when all were tried. */
  public Future<Void> refreshAll() {
    List<Future<?>> reads = new ArrayList<>();
    config.roles().values().stream().flatMap(role -> role.groups().stream()).distinct()
        .forEach(group -> reads.add(fetch(group)));
    return Future.join(reads).<Void>mapEmpty().otherwiseEmpty();
  }

  private Future<Set<String>> members(String groupId) {
    CachedGroup cached = groups.get(groupId);
    Instant now = clock.instant();
    if (cached != null && cached.expires().isAfter(now)) {
      return Future.succeededFuture(cached.members());
    }
    return fetch(groupId);
  }

  private Future<Set<String>> fetch(String groupId) {
    Instant now = clock.instant();
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
