package dev.preflight.deploy.run;

import dev.preflight.checklists.deploy.VerifyResult;
import java.time.Duration;
import java.util.List;

/**
 * Something about a run that belongs in its thread rather than its message: a command's last
 * lines of output, why a rollout failed, which checks failed and what they saw. Plain values,
 * already masked; the Slack layer writes the words around them.
 *
 * @param actor the user whose action the note is about (who aborted the deploy); null when the
 *     bot acted or the note is about no one's action
 * @param text one line: the target's summary, or why the run was given up
 * @param output what the target printed or reported at length, as raw text; or null
 * @param failed for a failed verification, the checks that failed; empty otherwise
 * @param step for a pipeline step's note, the step's name; null otherwise
 * @param link for a pipeline step's note, where to see more (a task's logs); or null
 * @param stage for a canary stage's note, where the canary stood; null otherwise
 */
public record RunNote(String runId, Kind kind, String actor, String text, String output, List<VerifyResult> failed,
    String step, String link, Stage stage) {

  /**
   * Where a canary stood when the note was written.
   *
   * @param number the stage as people count, from 1
   * @param of how many stages the rollout has
   * @param left how much of the stage's hold was left; null for a stage without a hold
   */
  public record Stage(int number, int of, Duration left) {}

  /** What the note tells. */
  public enum Kind {
    DEPLOY_OUTPUT,
    DEPLOY_FAILED,
    ROLLBACK_OUTPUT,
    ROLLBACK_FAILED,
    VERIFICATION_FAILED,
    ROLLBACK_VERIFICATION_FAILED,
    /** The step an abort asked to stop has stopped; the run failed (and may roll back). */
    ABORTED,
    /** Preflight could not carry the run on and ended it. */
    GIVEN_UP,
    /** A pipeline step (before or after the deploy or its rollback) passed; its output. */
    STEP_OUTPUT,
    /** A pipeline step failed: why, and its output. */
    STEP_FAILED,
    /** A pipeline step was cut short by Preflight's shutdown or a crash: how it ended is unknown. */
    STEP_UNKNOWN,
    /** A canary stage's analysis failed: the checks that failed; the traffic went back. */
    CANARY_FAILED,
    /** A canary stage paused because analysis checks had no data: those checks; a person decides. */
    CANARY_PAUSED
  }

  public RunNote {
    failed = List.copyOf(failed);
  }

  public RunNote(String runId, Kind kind, String actor, String text, String output, List<VerifyResult> failed) {
    this(runId, kind, actor, text, output, failed, null, null, null);
  }

  /** A pipeline step's ending: its name, its one line, its output (or null) and its link (or null). */
  public static RunNote step(String runId, boolean passed, String step, String summary, String output, String link) {
    return new RunNote(runId, passed ? Kind.STEP_OUTPUT : Kind.STEP_FAILED, null, summary, output, List.of(), step,
        link, null);
  }

  /** A pipeline step whose command a shutdown or a crash cut short: nobody saw how it ended. */
  public static RunNote stepUnknown(String runId, String step, String summary, String output) {
    return new RunNote(runId, Kind.STEP_UNKNOWN, null, summary, output, List.of(), step, null, null);
  }

  /** A canary stage's analysis failed: the checks that failed, with what they saw. */
  public static RunNote canaryFailed(String runId, Stage stage, List<VerifyResult> failed) {
    return new RunNote(runId, Kind.CANARY_FAILED, null, null, null, failed, null, null, stage);
  }

  /** A canary stage paused for a person: the checks that had no data. */
  public static RunNote canaryPaused(String runId, Stage stage, List<VerifyResult> undecided) {
    return new RunNote(runId, Kind.CANARY_PAUSED, null, null, null, undecided, null, null, stage);
  }

  /** A target's ending: its summary and, when it has one, its output. */
  public static RunNote target(String runId, Kind kind, String actor, String summary, String output) {
    return new RunNote(runId, kind, actor, summary, output, List.of());
  }

  public static RunNote verificationFailed(String runId, boolean afterRollback, List<VerifyResult> failed) {
    return new RunNote(runId, afterRollback ? Kind.ROLLBACK_VERIFICATION_FAILED : Kind.VERIFICATION_FAILED, null,
        null, null, failed);
  }

  /** @param by who aborted, or null when Preflight did */
  public static RunNote aborted(String runId, String by) {
    return new RunNote(runId, Kind.ABORTED, by, null, null, List.of());
  }

  public static RunNote givenUp(String runId, String why) {
    return new RunNote(runId, Kind.GIVEN_UP, null, why, null, List.of());
  }
}
