package dev.preflight.checklists.config;

import java.time.Duration;

/**
 * One action from the config: a pipeline step around a deploy or rollback, or a step of a
 * runbook. Each kind ({@code command}, {@code http}, {@code ecs-run-task}, {@code rds-snapshot},
 * {@code cloudfront-invalidation}, {@code ecs-scale}, {@code ecs-force-new-deployment}) is a
 * record implementing this, read by its own reader.
 */
public interface ActionSpec {

  /** The kind as written in the config, e.g. {@code ecs-run-task}. */
  String kind();

  /** What the action is called in messages and reports, e.g. "Database backup". */
  String name();

  /** How long the action may take before it fails. */
  Duration timeout();
}
