package dev.preflight.checklists.deploy;

import dev.preflight.checklists.checklist.CheckSpec;
import java.util.List;
import java.util.stream.Stream;

/**
 * What runs after a deploy (and again after a rollback): health checks first, then smoke
 * tests. A deploy succeeds only if every one passes. Check strings may hold placeholders.
 */
public record Verification(List<VerifyCheck> health, List<VerifyCheck> smoke) {

  public static final Verification NONE = new Verification(List.of(), List.of());

  public Verification {
    health = List.copyOf(health);
    smoke = List.copyOf(smoke);
  }

  public Stream<VerifyCheck> all() {
    return Stream.concat(health.stream(), smoke.stream());
  }

  public boolean isEmpty() {
    return health.isEmpty() && smoke.isEmpty();
  }

  /** Which list a check belongs to. */
  public enum Kind {
    HEALTH, SMOKE;

    public String configName() {
      return name().toLowerCase();
    }
  }

  /**
   * @param id unique within the environment's verification
   * @param check usually {@link CheckSpec.Http} for health and {@link CheckSpec.Smoke} for smoke
   */
  public record VerifyCheck(String id, String title, Kind kind, CheckSpec check) {}
}
