package dev.preflight.handlers.home;

import dev.preflight.checklists.checklist.SignOffRule;
import dev.preflight.checklists.config.PreflightConfig;
import dev.preflight.checklists.config.Service;
import dev.preflight.checklists.deploy.Deployment;
import dev.preflight.checklists.run.RunStatus;
import dev.preflight.deploy.run.TrackedRun;
import dev.preflight.handlers.Roles;
import dev.preflight.handlers.slack.Coalescer;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the Home tabs of the people who opened one current. A change reaches the people it
 * concerns: a run goes to whoever started or launched it and to the holders of the roles its
 * checklist wants sign-offs from; a lock (put on, taken off, or set by a rollback) goes to the
 * deployers of that service. Someone who never opened their Home tab gets nothing.
 *
 * <p>Each person's tab is published at most once per {@code gap}: the first change publishes at
 * once, changes within the gap are folded into one publish at its end, built from the state then.
 */
public final class HomeRefresher {

  private static final Logger LOG = LoggerFactory.getLogger(HomeRefresher.class);

  /** At most one publish of a person's Home tab every ten seconds. */
  public static final Duration DEFAULT_GAP = Duration.ofSeconds(10);

  private final PreflightConfig config;
  private final HomeFacts facts;
  private final Roles roles;
  private final HomeTab tab;
  private final Coalescer publishes;

  public HomeRefresher(PreflightConfig config, HomeFacts facts, Roles roles, HomeTab tab, Context loop,
      Duration gap) {
    this.config = config;
    this.facts = facts;
    this.roles = roles;
    this.tab = tab;
    this.publishes = new Coalescer(loop, gap);
  }

  /** Publishes {@code userId}'s tab now, or at the end of their gap with the state then. */
  public void refresh(String userId) {
    publishes.request("home:" + userId, () -> tab.publish(userId)
        .onFailure(e -> LOG.warn("Could not publish the Home tab of {}: {}", userId, e.getMessage())));
  }

  /** Completes once every refresh asked for so far has been published (or has failed). */
  public Future<Void> drain() {
    return publishes.drain();
  }

  /** A run changed: refresh the tabs of the visitors it concerns. */
  public void runChanged(TrackedRun tracked) {
    Deployment d = tracked.deployment();
    Set<String> signOffRoles = tracked.run().checklist().signOff().requirements().stream()
        .map(SignOffRule.SignOffRequirement::role).collect(Collectors.toSet());
    // A rollback locks its environment, which shows in the tabs of the service's deployers.
    Set<String> deployers = d != null && tracked.run().status() == RunStatus.ROLLING_BACK
        ? deployersOf(d.service()) : Set.of();
    forVisitors(user -> {
      if (user.equals(tracked.run().startedBy()) || (d != null && user.equals(d.launchedBy()))) {
        return Future.succeededFuture(true);
      }
      if (signOffRoles.isEmpty() && deployers.isEmpty()) {
        return Future.succeededFuture(false);
      }
      return roles.of(user).map(held -> held.stream().anyMatch(r -> signOffRoles.contains(r) || deployers.contains(r)));
    });
  }

  /** A lock was put on or taken off: refresh the tabs of the service's deployers who are visitors. */
  public void lockChanged(String service, String environment) {
    Set<String> deployers = deployersOf(service);
    if (deployers.isEmpty()) {
      return;
    }
    forVisitors(user -> roles.of(user).map(held -> held.stream().anyMatch(deployers::contains)));
  }

  private Set<String> deployersOf(String service) {
    Service svc = config.services().get(service);
    return svc == null ? Set.of() : svc.environments().values().stream()
        .flatMap(env -> env.deployers().stream()).filter(Objects::nonNull).collect(Collectors.toSet());
  }

  private void forVisitors(java.util.function.Function<String, Future<Boolean>> concerned) {
    facts.visitors()
        .onFailure(e -> LOG.warn("Could not read who opened the Home tab; no tab refreshed: {}", e.getMessage()))
        .onSuccess(users -> users.forEach(user -> concerned.apply(user)
            .onSuccess(yes -> {
              if (yes) {
                refresh(user);
              }
            })));
  }
}
