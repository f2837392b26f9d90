package dev.preflight.deploy.target;

import dev.preflight.checklists.deploy.Placeholders;
import dev.preflight.checklists.deploy.Target;
import dev.preflight.checklists.secret.Redactor;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * An ECS target with its placeholders filled and {@code ${NAME}} references resolved for one job.
 * Every resolved value goes through the job's redactor, so whatever reaches the run's message is
 * masked the same way a check's evidence is.
 *
 * @param container the container to retag, or null to use the task definition's only container
 * @param taskDefinition the configured task definition to deploy as it is, or null
 * @param region the region name, or null for the SDK's default
 */
record EcsSettings(String cluster, String service, String container, String taskDefinition, String region,
    Duration timeout) {

  /** What the config loader also defaults to; kept here for targets built in code. */
  static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(15);

  static EcsSettings resolve(DeployJob job, Redactor redactor) {
    Target.Ecs target = (Target.Ecs) job.target();
    Map<String, String> placeholders = placeholders(job);
    return new EcsSettings(
        fill(target.cluster(), placeholders, job, redactor),
        fill(target.service(), placeholders, job, redactor),
        blankToNull(fill(target.container(), placeholders, job, redactor)),
        blankToNull(fill(target.taskDefinition(), placeholders, job, redactor)),
        blankToNull(fill(target.region(), placeholders, job, redactor)),
        target.timeout() == null || target.timeout().isZero() || target.timeout().isNegative()
            ? DEFAULT_TIMEOUT : target.timeout());
  }

  /** The same target's other service in the same cluster (an ECS canary's second service). */
  EcsSettings withService(String other) {
    return new EcsSettings(cluster, other, container, taskDefinition, region, timeout);
  }

  /** "cluster/service", the way ECS people name a service in conversation. */
  String where() {
    return cluster + "/" + service;
  }

  /** A rollback may not know the version it restores; a placeholder without a value stays as written. */
  static Map<String, String> placeholders(DeployJob job) {
    Map<String, String> values = new HashMap<>();
    putIfSet(values, "service", job.service());
    putIfSet(values, "version", job.version());
    putIfSet(values, "environment", job.environment());
    return values;
  }

  private static void putIfSet(Map<String, String> values, String name, String value) {
    if (value != null) {
      values.put(name, value);
    }
  }

  private static String fill(String template, Map<String, String> placeholders, DeployJob job, Redactor redactor) {
    return job.variables().resolve(Placeholders.fill(template, placeholders), redactor);
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.trim();
  }

}
