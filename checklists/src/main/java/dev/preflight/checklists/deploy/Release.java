package dev.preflight.checklists.deploy;

import java.time.Instant;

/**
 * A version that went live in one environment: by a successful deploy, or restored by a
 * rollback. The newest release of a service and environment is what runs there now.
 *
 * @param revision what the target knows it by (an ECS task definition ARN, a GitHub run URL),
 *     or null when the target has no such thing
 * @param kind {@code deploy} or {@code rollback}
 */
public record Release(String service, String environment, String version, String revision, String runId,
    String by, Instant at, String kind) {

  public static final String DEPLOY = "deploy";
  public static final String ROLLBACK = "rollback";
}
