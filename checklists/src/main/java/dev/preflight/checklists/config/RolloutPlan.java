package dev.preflight.checklists.config;

import java.time.Duration;
import java.util.List;

/**
 * How a deploy reaches its users: at once ({@link #AT_ONCE}), or in canary stages, each shifting
 * a share of the traffic to the new version and holding it there.
 */
public record RolloutPlan(List<Stage> stages) {

  public static final RolloutPlan AT_ONCE = new RolloutPlan(List.of());

  public RolloutPlan {
    stages = List.copyOf(stages);
  }

  public boolean staged() {
    return !stages.isEmpty();
  }

  /** @param weight the percentage of traffic on the new version; @param hold how long it stays there, or null */
  public record Stage(int weight, Duration hold) {}
}
