package dev.preflight.deploy.run;

import dev.preflight.checklists.deploy.EnvLock;
import dev.preflight.checklists.deploy.Release;
import java.util.List;

/**
 * What {@code /deploys} shows: runs still under way, locked environments, and the newest
 * release of each service and environment.
 */
public record Overview(List<TrackedRun> active, List<EnvLock> locks, List<Release> latestReleases) {
  public Overview {
    active = List.copyOf(active);
    locks = List.copyOf(locks);
    latestReleases = List.copyOf(latestReleases);
  }
}
