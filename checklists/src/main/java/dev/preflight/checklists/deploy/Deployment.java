package dev.preflight.checklists.deploy;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The deploy half of a deploy run; its checklist half is the run itself. Everything here is
 * stored as it changes, so a restarted bot knows exactly how far the deploy got.
 *
 * @param step what is happening now, one short line ("Waiting for the rollout"), or null
 * @param progress live rollout progress in plain words ("2 of 3 new tasks running"), or null
 * @param deployState what the target recorded while deploying (e.g. the previous and new task
 *     definitions, whether UpdateService was sent, the GitHub run id); the target reads it back
 *     on resume so that nothing is sent twice
 * @param rollbackState the same for the rollback
 * @param previous the release live before this run launched: what a rollback restores; null
 *     when the environment has none on record
 * @param failure why the deploy failed, one line; null while nothing failed
 * @param rollbackBy the Slack user id of who asked for the rollback; null when the bot rolled back
 *     by itself
 * @param rollbackReason why the bot rolled back by itself (plain text); null when a person asked
 */
public record Deployment(
    String service,
    String environment,
    String version,
    String step,
    String progress,
    Map<String, String> deployState,
    Map<String, String> rollbackState,
    List<VerifyResult> verification,
    List<VerifyResult> rollbackVerification,
    Release previous,
    String launchedBy,
    Instant launchedAt,
    String failure,
    String rollbackBy,
    Instant rollbackAt,
    String rollbackReason,
    Instant finishedAt) {

  public Deployment {
    deployState = Map.copyOf(deployState);
    rollbackState = Map.copyOf(rollbackState);
    verification = List.copyOf(verification);
    rollbackVerification = List.copyOf(rollbackVerification);
  }

  /** A deploy that has not launched yet. */
  public static Deployment requested(String service, String environment, String version) {
    return new Deployment(service, environment, version, null, null, Map.of(), Map.of(), List.of(), List.of(),
        null, null, null, null, null, null, null, null);
  }

  public Map<String, String> placeholders() {
    return Placeholders.of(service, version, environment);
  }

  public boolean launched() {
    return launchedAt != null;
  }

  public Deployment launched(String by, Instant at, Release previousRelease) {
    return new Deployment(service, environment, version, "Starting the deploy", null, deployState, rollbackState,
        verification, rollbackVerification, previousRelease, by, at, failure, rollbackBy, rollbackAt,
        rollbackReason, finishedAt);
  }

  /** The release a rollback of this deploy restores, as read when the deploy started. */
  public Deployment withPrevious(Release release) {
    return new Deployment(service, environment, version, step, progress, deployState, rollbackState,
        verification, rollbackVerification, release, launchedBy, launchedAt, failure, rollbackBy, rollbackAt,
        rollbackReason, finishedAt);
  }

  public Deployment withStep(String newStep, String newProgress) {
    return new Deployment(service, environment, version, newStep, newProgress, deployState, rollbackState,
        verification, rollbackVerification, previous, launchedBy, launchedAt, failure, rollbackBy, rollbackAt,
        rollbackReason, finishedAt);
  }

  public Deployment withDeployState(Map<String, String> state) {
    return new Deployment(service, environment, version, step, progress, state, rollbackState, verification,
        rollbackVerification, previous, launchedBy, launchedAt, failure, rollbackBy, rollbackAt, rollbackReason,
        finishedAt);
  }

  public Deployment withRollbackState(Map<String, String> state) {
    return new Deployment(service, environment, version, step, progress, deployState, state, verification,
        rollbackVerification, previous, launchedBy, launchedAt, failure, rollbackBy, rollbackAt, rollbackReason,
        finishedAt);
  }

  public Deployment withVerification(List<VerifyResult> results) {
    return new Deployment(service, environment, version, step, progress, deployState, rollbackState, results,
        rollbackVerification, previous, launchedBy, launchedAt, failure, rollbackBy, rollbackAt, rollbackReason,
        finishedAt);
  }

  public Deployment withRollbackVerification(List<VerifyResult> results) {
    return new Deployment(service, environment, version, step, progress, deployState, rollbackState, verification,
        results, previous, launchedBy, launchedAt, failure, rollbackBy, rollbackAt, rollbackReason, finishedAt);
  }

  public Deployment failed(String why) {
    return new Deployment(service, environment, version, step, progress, deployState, rollbackState, verification,
        rollbackVerification, previous, launchedBy, launchedAt, why, rollbackBy, rollbackAt, rollbackReason,
        finishedAt);
  }

  /**
   * @param by who asked; null when the abort rules decided
   * @param reason why the bot rolls back by itself; null when a person asked
   */
  public Deployment rollbackRequested(String by, Instant at, String reason) {
    return new Deployment(service, environment, version, "Rolling back", null, deployState, rollbackState,
        verification, rollbackVerification, previous, launchedBy, launchedAt, failure, by, at, reason, finishedAt);
  }

  /** True when the bot decided this run's rollback by itself rather than a person asking for it. */
  public boolean automaticRollback() {
    return rollbackAt != null && rollbackBy == null;
  }

  public Deployment finished(Instant at) {
    return new Deployment(service, environment, version, null, progress, deployState, rollbackState, verification,
        rollbackVerification, previous, launchedBy, launchedAt, failure, rollbackBy, rollbackAt, rollbackReason, at);
  }
}
