package dev.preflight.deploy.run;

import java.util.Map;

/**
 * Whether a deploy run's target started, read from its deploy state. A run whose target never
 * started (a step before the deploy failed, it was aborted before the target began, or the target
 * refused the work) changed nothing: it is no release, has nothing to roll back, and does not make
 * an older run's rollback stale. The Java and SQL forms here must agree.
 */
public final class TargetStart {

  /** Prefix of the entries the steps before the deploy record in the deploy state. */
  public static final String BEFORE_PREFIX = "before.";
  /** Recorded when the target refused the work outright; its own entries then changed nothing. */
  public static final String REFUSED = "refused";

  private TargetStart() {}

  /** Whether the target recorded something of its own and did not refuse the work. */
  public static boolean started(Map<String, String> deployState) {
    return !refused(deployState) && deployState.keySet().stream().anyMatch(key -> !key.startsWith(BEFORE_PREFIX));
  }

  /** Whether the target refused the work, so it never started. */
  public static boolean refused(Map<String, String> deployState) {
    return "true".equals(deployState.get(REFUSED));
  }

  /**
   * The same as {@link #started} for the {@code deployments} row aliased {@code d}, for a run that
   * launched.
   */
  static String sql(String d) {
    return "(" + d + ".launched_at is not null and " + d + ".deploy_state->>'" + REFUSED + "' is distinct from 'true' "
        + "and exists (select 1 from jsonb_object_keys(" + d + ".deploy_state) k where k not like '"
        + BEFORE_PREFIX + "%'))";
  }
}
