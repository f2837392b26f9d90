package dev.preflight.handlers.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.preflight.checklists.deploy.Verification;
import dev.preflight.checklists.deploy.VerifyResult;
import dev.preflight.checklists.run.Evidence;
import dev.preflight.deploy.run.RunNote;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The thread text of each kind of note, as a user reads it in Slack. */
class NoteTextTest {

  private static final Evidence DOWN = new Evidence(false, "503 Service Unavailable", 503, 40L,
      "{\"status\":\"starting\"}", "expected 200", 3);

  @Test
  void aTargetsOutputIsShownInACodeBlockItCannotClose() {
    RunNote note = RunNote.target("r-1", RunNote.Kind.DEPLOY_OUTPUT, null, "deploy.sh exited 0",
        "migrated 3 tables\n```\nnot a fence");

    assertEquals("Deploy output: deploy.sh exited 0\n```\nmigrated 3 tables\nˋˋˋ\nnot a fence\n```",
        NoteText.of(note));
  }

  @Test
  void aFailedDeploySaysSoWithItsOutputWhenItHasSome() {
    assertEquals("Deploy failed: Killed deploy.sh\n```\nkilled\n```",
        NoteText.of(RunNote.target("r-1", RunNote.Kind.DEPLOY_FAILED, null, "Killed deploy.sh", "killed")));
    assertEquals("Deploy failed: Rollout FAILED: 0/3 running",
        NoteText.of(RunNote.target("r-1", RunNote.Kind.DEPLOY_FAILED, null, "Rollout FAILED: 0/3 running", null)));
  }

  @Test
  void anAbortNamesWhoAbortedAsAMentionSlackRenders() {
    assertEquals("Aborted by <@U0ABORTER>; the step has stopped.", NoteText.of(RunNote.aborted("r-1", "U0ABORTER")));
    assertEquals("Aborted by Preflight; the step has stopped.", NoteText.of(RunNote.aborted("r-1", null)));
  }

  @Test
  void aStepAShutdownInterruptedSaysItsEndIsUnknownAndThatNothingWasRolledBack() {
    assertEquals("Step migration was interrupted, so how it ended is unknown: sleep was stopped part-way when "
        + "Preflight shut down; what it had done by then is unknown. Check it by hand\n```\napplying 0042\n```\n"
        + "Nothing was rolled back for it: check what it did.",
        NoteText.of(RunNote.stepUnknown("r-1", "migration", "sleep was stopped part-way when Preflight shut down; "
            + "what it had done by then is unknown. Check it by hand", "applying 0042")));
  }

  @Test
  void aRollbackSaysWhetherItRanOrFailed() {
    assertEquals("Rollback output: restored v1\n```\nok\n```",
        NoteText.of(RunNote.target("r-1", RunNote.Kind.ROLLBACK_OUTPUT, null, "restored v1", "ok")));
    assertEquals("Rollback failed: no rollback command",
        NoteText.of(RunNote.target("r-1", RunNote.Kind.ROLLBACK_FAILED, null, "no rollback command", null)));
  }

  @Test
  void failedChecksAreBulletsWithTheirExcerptOrEachSmokeStepMarked() {
    VerifyResult health = new VerifyResult("ready", "API answers on /ready", Verification.Kind.HEALTH, DOWN, List.of());
    VerifyResult smoke = new VerifyResult("login", "Login works", Verification.Kind.SMOKE,
        Evidence.failure("1 of 2 steps failed", null, 1), List.of(
            new VerifyResult.StepResult("open the page", new Evidence(true, "200 OK", 200, 12L, null, null, 1)),
            new VerifyResult.StepResult("sign in", Evidence.failure("401 Unauthorized", null, 1))));

    assertEquals("""
        Verification failed:
        • API answers on /ready: 503 Service Unavailable (expected 200)
        ```
        {"status":"starting"}
        ```
        • Login works: 1 of 2 steps failed
            ✓ open the page: 200 OK
            ✗ sign in: 401 Unauthorized""",
        NoteText.of(RunNote.verificationFailed("r-1", false, List.of(health, smoke))));
    assertEquals("Verification after the rollback failed:\n• Login works: 1 of 2 steps failed\n"
        + "    ✓ open the page: 200 OK\n    ✗ sign in: 401 Unauthorized",
        NoteText.of(RunNote.verificationFailed("r-1", true, List.of(smoke))));
  }

  @Test
  void aFailedChecksErrorIsNotRepeatedWhenItSaysWhatTheSummarySaid() {
    VerifyResult same = new VerifyResult("ready", "API answers on /ready", Verification.Kind.HEALTH,
        Evidence.failure("expected 200, got 500", "expected 200, got 500", 1), List.of());
    VerifyResult longer = new VerifyResult("db", "Database reachable", Verification.Kind.HEALTH,
        Evidence.failure("connection refused", "Connection refused: db.internal/10.0.0.9:5432", 1), List.of());

    assertEquals("Verification failed:\n• API answers on /ready: expected 200, got 500\n"
        + "• Database reachable: Connection refused: db.internal/10.0.0.9:5432",
        NoteText.of(RunNote.verificationFailed("r-1", false, List.of(same, longer))));
  }

  @Test
  void aRunGivenUpSaysWhyInPlainWords() {
    assertEquals("Preflight could not carry this deploy on: the config no longer deploys api to prod",
        NoteText.of(RunNote.givenUp("r-1", "Preflight could not carry this deploy on: "
            + "the config no longer deploys api to prod")));
  }

  @Test
  void aFailedCanaryStageSaysWhichStageFailedWithEachChecksValues() {
    VerifyResult share = new VerifyResult("error-rate-5xx", "5xx share under 0.5%", Verification.Kind.HEALTH,
        Evidence.failure("was 0.0766517 at 2026-12-06T20:00:01Z, expected < 0.005", null, 1), List.of());

    assertEquals("Canary stage 2 of 4 failed:\n• 5xx share under 0.5%: was 0.0766517 at 2026-12-06T20:00:01Z, "
        + "expected < 0.005", NoteText.of(RunNote.canaryFailed("r-1", new RunNote.Stage(2, 4, null), List.of(share))));
  }

  @Test
  void aCanaryStagePausedForLackOfDataSaysWhereItStoodAndWhatAPersonCanDo() {
    VerifyResult queue = new VerifyResult("queue", "Queue depth <under> 100", Verification.Kind.HEALTH,
        Evidence.failure("inconclusive: no data", null, 1), List.of());
    VerifyResult share = new VerifyResult("share", "5xx share", Verification.Kind.HEALTH,
        Evidence.failure("inconclusive: no data", null, 1), List.of());

    assertEquals("⏸️ Paused at stage 2 of 4 with 1m 40s of the hold left: no data for Queue depth &lt;under&gt; 100. "
        + "Resume or Rollback.", NoteText.of(RunNote.canaryPaused("r-1",
            new RunNote.Stage(2, 4, java.time.Duration.ofMillis(100_400)), List.of(queue))));
    assertEquals("⏸️ Paused at stage 3 of 3: no data for Queue depth &lt;under&gt; 100, 5xx share. Resume or Rollback.",
        NoteText.of(RunNote.canaryPaused("r-1", new RunNote.Stage(3, 3, null), List.of(queue, share))));
  }
}
