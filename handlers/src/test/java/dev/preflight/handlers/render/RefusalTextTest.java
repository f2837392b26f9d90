package dev.preflight.handlers.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.preflight.checklists.config.Service;
import dev.preflight.checklists.deploy.DeployRules;
import dev.preflight.checklists.deploy.EnvLock;
import dev.preflight.checklists.run.ItemState;
import dev.preflight.checklists.run.Refusal;
import dev.preflight.checklists.run.Refusal.Code;
import dev.preflight.checklists.run.RunEvent;
import dev.preflight.checklists.run.RunLifecycle;
import dev.preflight.checklists.run.RunStatus;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Refusals in words: each code a whole sentence, facts escaped, people mentioned. */
class RefusalTextTest {

  private static final Instant AT = Instant.parse("2026-11-22T10:00:00Z");
  private static final EnvLock LOCK = EnvLock.manual("api", "prod", "freeze <all> & wait", "U0SRE", AT);

  @ParameterizedTest
  @EnumSource(Code.class)
  void everyCodeIsASentenceWithEveryFactInPlace(Code code) {
    Refusal refusal = new Refusal(code, "api", "prod", "v1.2", RunStatus.ROLLED_BACK, RunEvent.ROLLBACK, "U0SRE",
        "r-7", LOCK, List.of("sre", "lead"), 2, 128, "detail", ItemState.PASSED);

    String text = RefusalText.mrkdwn(refusal);

    assertFalse(text.isBlank(), code.name());
    assertFalse(text.contains("null"), text);
    assertFalse(text.contains("&lt;@"), text);
    assertTrue(text.endsWith(".") || code == Code.WORDED, text);
  }

  @ParameterizedTest
  @EnumSource(Code.class)
  void noRefusalShowsARunIdAStatusNameOrTwoFullStops(Code code) {
    String uuid = "3f2a9c1e-7b4d-4e8f-9a6b-1c2d3e4f5a6b";
    EnvLock endsInAStop = EnvLock.manual("api", "prod", "Black Friday freeze.", "U0SRE", AT);
    for (RunStatus status : RunStatus.values()) {
      Refusal refusal = new Refusal(code, "api", "prod", "v1.2", status, RunEvent.ROLLBACK, "U0SRE", uuid,
          endsInAStop, List.of("sre", "lead"), 2, 128, "detail", ItemState.PASSED);

      String text = RefusalText.mrkdwn(refusal);

      assertFalse(text.contains(uuid) || text.contains(uuid.substring(0, 8)), text);
      assertFalse(text.contains(status.name()), text);
      assertFalse(text.contains(status.name().toLowerCase()) && status.name().contains("_"), text);
      // `..` quoted as a character a version may not hold is fine; a doubled full stop is not.
      assertFalse(text.endsWith("..") || text.contains(".. "), text);
    }
  }

  @Test
  void aLockReasonThatEndsInAFullStopGetsNoSecond() {
    EnvLock lock = EnvLock.manual("api", "prod", "Black Friday freeze.", "U0SRE", AT);
    assertEquals("*api* in *prod* is locked by <@U0SRE>: Black Friday freeze. `/unlock api prod` opens it again.",
        RefusalText.mrkdwn(Refusal.locked(lock)));
    assertEquals("This run was rolled back; it cannot launch now.",
        RefusalText.mrkdwn(Refusal.ofStatus(Code.NOT_IN_THIS_STATE, RunStatus.ROLLED_BACK, RunEvent.LAUNCH)));
  }

  @Test
  void theSentencesPeopleKnowStayTheSame() {
    assertEquals("This run is already deploying.",
        RefusalText.mrkdwn(RunLifecycle.refusal(RunStatus.VERIFYING, RunEvent.LAUNCH)));
    assertEquals("This run never deployed; there is nothing to roll back.",
        RefusalText.mrkdwn(RunLifecycle.refusal(RunStatus.READY, RunEvent.ROLLBACK)));
    assertEquals("Not yet: 2 blockers have not passed or been waived (`ready`, `notes`).",
        RefusalText.mrkdwn(Refusal.blockersOpen(List.of("ready", "notes"))));
    assertEquals("Not yet: it needs 1 more sign-off from *sre*.",
        RefusalText.mrkdwn(Refusal.signOffsMissing("sre", 1)));
    assertEquals("Deploying *api* to *production* needs the *sre* or *lead* role, and you hold none of them.",
        RefusalText.mrkdwn(Refusal.notADeployer("api", "production", List.of("sre", "lead"))));
    assertEquals("`1.4` does not match the version pattern of *api*: `v\\d+\\.\\d+\\.\\d+`.",
        RefusalText.mrkdwn(Refusal.versionPattern("api", "1.4", "v\\d+\\.\\d+\\.\\d+")));
    assertEquals("Another run of this service and environment is deploying right now; nothing was started. Wait for "
        + "it to finish.", RefusalText.mrkdwn(Refusal.otherRunInFlight(null, null, "r0", RunEvent.LAUNCH)));
  }

  @Test
  void signOffAndWaiverRefusalsReadAsBefore() {
    assertEquals("Sign-off needs one of these roles: backend-lead, sre. You hold none of them.",
        RefusalText.mrkdwn(Refusal.of(Code.SIGN_OFF_ROLE_MISSING).withNames(List.of("backend-lead", "sre"))));
    assertEquals("Every sign-off for your role (sre) is already in.",
        RefusalText.mrkdwn(Refusal.of(Code.ROLE_SIGN_OFFS_IN).withNames(List.of("sre"))));
    assertEquals("Only these roles may waive an item: sre, lead.",
        RefusalText.mrkdwn(Refusal.of(Code.WAIVER_ROLE_MISSING).withNames(List.of("sre", "lead"))));
    assertEquals("This run was rolled back; sign-offs are closed.",
        RefusalText.mrkdwn(Refusal.ofStatus(Code.SIGN_OFFS_CLOSED, RunStatus.ROLLED_BACK, null)));
  }

  @Test
  void aLockRefusalMentionsItsAuthorAndEscapesTheReason() {
    assertEquals("*api* in *prod* is locked by <@U0SRE>: freeze &lt;all&gt; &amp; wait. `/unlock api prod` opens "
        + "it again.", RefusalText.mrkdwn(Refusal.locked(LOCK)));
    EnvLock automatic = EnvLock.rolledBack("api", "prod", "v2", null, "health failed", AT);
    assertEquals("*api* in *prod* is locked by Preflight: Rolled back from `v2` automatically: health failed. "
        + "Unlock when the cause is understood. `/unlock api prod` opens it again.",
        RefusalText.mrkdwn(Refusal.locked(automatic)));
  }

  @Test
  void aLockOrAnUnlockWithoutTheRoleIsRefusedInItsOwnWordsNotAsADeploy() {
    Refusal one = Refusal.notADeployer("api", "production", List.of("sre"));
    Refusal two = Refusal.notADeployer("api", "production", List.of("sre", "lead"));

    assertEquals("Unlocking *api* in *production* needs the *sre* role, and you do not hold it.",
        RefusalText.locking(one, true));
    assertEquals("Locking *api* in *production* needs the *sre* or *lead* role, and you hold none of them.",
        RefusalText.locking(two, false));
    assertEquals("Nobody may unlock *api* in *production*: its config names no deployers.",
        RefusalText.locking(Refusal.noDeployers("api", "production"), true));
    Refusal reason = Refusal.lockNeedsReason("api", "production");
    assertEquals(RefusalText.mrkdwn(reason), RefusalText.locking(reason, false), "other refusals read as always");
  }

  @Test
  void aRollbackWithoutTheRoleIsRefusedAsARollbackNotAsADeploy() {
    Service.Environment one = environment(List.of("sre"));
    Service.Environment two = environment(List.of("sre", "lead"));
    Service.Environment none = environment(List.of());
    Set<String> held = Set.of("viewer");

    assertEquals("Rolling back *backend* in *production* needs the *sre* role, and you do not hold it.",
        RefusalText.mrkdwn(DeployRules.rollbackRefusal(one, "backend", held).orElseThrow()));
    assertEquals("Rolling back *backend* in *production* needs the *sre* or *lead* role, and you hold none of them.",
        RefusalText.mrkdwn(DeployRules.rollbackRefusal(two, "backend", held).orElseThrow()));
    assertEquals("Nobody may roll back *backend* in *production*: its config names no deployers.",
        RefusalText.mrkdwn(DeployRules.rollbackRefusal(none, "backend", held).orElseThrow()));
    assertEquals("Deploying *backend* to *production* needs the *sre* role, and you do not hold it.",
        RefusalText.mrkdwn(DeployRules.deployerRefusal(one, "backend", held).orElseThrow()));
    assertEquals(Optional.empty(), DeployRules.rollbackRefusal(one, "backend", Set.of("sre")));
  }

  private static Service.Environment environment(List<String> deployers) {
    return new Service.Environment("production", "gate", null, deployers, false, null, null, null);
  }

  @ParameterizedTest
  @EnumSource(RunStatus.class)
  void aRunsStatusReadsAsASentenceAfterThisRun(RunStatus status) {
    String closed = RefusalText.mrkdwn(Refusal.ofStatus(Code.CHECKLIST_CLOSED, status, null));
    String expected = switch (status) {
      case PREPARING -> "is preparing";
      case READY -> "is ready to launch";
      case DEPLOYING -> "is deploying";
      case VERIFYING -> "is verifying";
      case ABORTING -> "is aborting";
      case SUCCEEDED -> "has succeeded";
      case FAILED -> "has failed";
      case ROLLING_BACK -> "is rolling back";
      case ROLLED_BACK -> "was rolled back";
      case ROLLBACK_FAILED -> "failed to roll back";
      case CANCELLED -> "was cancelled";
    };
    assertEquals("This run " + expected + "; its checklist can no longer change.", closed);
    assertEquals("This run " + expected + "; sign-offs are closed.",
        RefusalText.mrkdwn(Refusal.ofStatus(Code.SIGN_OFFS_CLOSED, status, null)));
  }

  @Test
  void refusalsOfAFinishedRunSayWhatBecameOfIt() {
    assertEquals("This run has succeeded; sign-offs are closed.",
        RefusalText.mrkdwn(Refusal.ofStatus(Code.SIGN_OFFS_CLOSED, RunStatus.SUCCEEDED, null)));
    assertEquals("This run has failed; it cannot be launched again. Start a new one with `/deploy`.",
        RefusalText.mrkdwn(RunLifecycle.refusal(RunStatus.FAILED, RunEvent.LAUNCH)));
    assertEquals("This run has succeeded; there is nothing to cancel.",
        RefusalText.mrkdwn(RunLifecycle.refusal(RunStatus.SUCCEEDED, RunEvent.CANCEL)));
    assertEquals("This run was rolled back; there is nothing to abort.",
        RefusalText.mrkdwn(RunLifecycle.refusal(RunStatus.ROLLED_BACK, RunEvent.ABORT)));
  }

  @Test
  void aRollbackAlreadyUnderWayMentionsWhoStartedIt() {
    Refusal refusal = RunLifecycle.refusal(RunStatus.ROLLING_BACK, RunEvent.ROLLBACK).withUser("U0ANA");
    assertEquals("This run is already rolling back (started by <@U0ANA>); nothing more was started.",
        RefusalText.mrkdwn(refusal));
    assertEquals("This run is already rolling back (started by Preflight); nothing more was started.",
        RefusalText.mrkdwn(refusal.withUser(null)));
  }

  @Test
  void namesSomeoneTypedCannotBreakOutOfTheirMarkup() {
    String text = RefusalText.mrkdwn(Refusal.noSuchService("<!channel>`x", null, List.of("api")));
    assertEquals("There is no service `&lt;!channel&gt;'x`. Known services: api.", text);
  }
}
