package dev.preflight.checklists.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.preflight.checklists.checklist.CheckSpec;
import dev.preflight.checklists.checklist.Checklist;
import dev.preflight.checklists.checklist.Item;
import dev.preflight.checklists.checklist.Section;
import dev.preflight.checklists.checklist.SignOffRule;
import dev.preflight.checklists.checklist.SignOffRule.SignOffRequirement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ChecklistRunTest {

  static final Instant T0 = Instant.parse("2025-11-24T10:00:00Z");
  static final Instant T1 = T0.plusSeconds(60);
  static final CheckSpec HEALTH = new CheckSpec.Http("GET", "https://api/health", Map.of(), null, List.of(200), Map.of(),
      null, null, new CheckSpec.Timing(Duration.ofSeconds(10), 0, Duration.ofSeconds(5)));
  static final Evidence OK = new Evidence(true, "200 OK in 84 ms", 200, 84L, "{\"ok\":true}", null, 1);
  static final Evidence DOWN = Evidence.failure("503 in 12 ms", "expected 200, got 503", 1);

  /** Two blockers (one manual, one automated), one ordinary item; one SRE must sign off. */
  static final Checklist CHECKLIST = new Checklist("release", "Release", "release.yaml", null,
      List.of(new Section("Gate", List.of(
          new Item("backup", "Backup taken", true, null),
          new Item("health", "Health", true, HEALTH),
          new Item("notes", "Release notes", false, null)))),
      new SignOffRule(List.of(new SignOffRequirement("sre", 1)), false),
      List.of("sre"));

  static ChecklistRun started() {
    return ChecklistRun.start("run-1", CHECKLIST, "U0STARTER", T0);
  }

  @Test
  void aRunningItemIsOverdueOnlyPastEveryAttemptItsPausesAndTheGrace() {
    CheckSpec retried = new CheckSpec.Http("GET", "https://api/health", Map.of(), null, List.of(200), Map.of(),
        null, null, new CheckSpec.Timing(Duration.ofSeconds(10), 2, Duration.ofSeconds(5)));
    Item item = new Item("health", "Health", true, retried);
    // Three attempts of 10 s, two pauses of 5 s, then a minute's grace for the result to be written.
    assertEquals(Duration.ofSeconds(100), ChecklistRun.timeLimit(item));

    ChecklistRun running = started().move("health", ItemEvent.START, null, T1, null, null);
    Duration limit = ChecklistRun.timeLimit(CHECKLIST.item("health").orElseThrow());
    assertEquals(false, running.overdue("health", T1.plus(limit)));
    assertTrue(running.overdue("health", T1.plus(limit).plusSeconds(1)));
    assertEquals(false, running.overdue("backup", T1.plus(limit).plusSeconds(1)), "a manual item never is");
    assertEquals(false, running.overdue("health", null), "without a clock nothing is judged overdue");

    ChecklistRun restarted = running.move("health", ItemEvent.RESTART, null, T1.plus(limit).plusSeconds(1), null, null);
    assertEquals(ItemState.RUNNING, restarted.items().get("health").state());
    assertEquals(2, restarted.items().get("health").attempt(), "a new attempt, so the lost one's result is stale");
    RunRuleException early = assertThrows(RunRuleException.class,
        () -> running.move("health", ItemEvent.RESTART, "U0SRE", T1.plusSeconds(5), null, null));
    assertTrue(early.getMessage().contains("within its time limit"), early.getMessage());
  }

  @Test
  void newRunHasEveryItemPendingAndItsBlockersOpen() {
    ChecklistRun run = started();

    assertEquals(RunStatus.PREPARING, run.status());
    assertTrue(run.items().values().stream().allMatch(p -> p.state() == ItemState.PENDING));
    GateStatus gates = run.gates();
    assertEquals(List.of("backup", "health"), gates.openBlockers());
    assertEquals(List.of(new GateStatus.MissingSignOff("sre", 0, 1)), gates.missingSignOffs());
    assertEquals(0, gates.done());
    assertEquals(3, gates.total());
  }

  @Test
  void statusBecomesReadyWhenBlockersAndSignOffsAreInAndFlipsBackWhenOneIsTakenBack() {
    ChecklistRun run = started()
        .move("backup", ItemEvent.TICK, "U0DEV", T1, null, null)
        .move("health", ItemEvent.START, null, T1, null, null)
        .move("health", ItemEvent.PASS, null, T1, OK, null);
    assertEquals(RunStatus.PREPARING, run.status(), "still missing the sign-off");

    run = run.withSignOff(new SignOff("U0SRE", "sre", T1));
    assertEquals(RunStatus.READY, run.status());
    assertTrue(run.gates().passed());
    assertEquals(2, run.gates().done(), "the non-blocking item does not hold the run");

    run = run.move("backup", ItemEvent.UNTICK, "U0DEV", T1, null, null);
    assertEquals(RunStatus.PREPARING, run.status());
    assertEquals(List.of("backup"), run.gates().openBlockers());

    run = run.move("backup", ItemEvent.TICK, "U0DEV", T1, null, null).withoutSignOff("U0SRE");
    assertEquals(RunStatus.PREPARING, run.status());
  }

  @Test
  void waivedBlockerPassesItsGateAndKeepsTheReason() {
    ChecklistRun run = started()
        .move("backup", ItemEvent.TICK, "U0DEV", T1, null, null)
        .move("health", ItemEvent.START, null, T1, null, null)
        .move("health", ItemEvent.FAIL, null, T1, DOWN, null)
        .move("health", ItemEvent.WAIVE, "U0SRE", T1, null, "health endpoint is being replaced in this release")
        .withSignOff(new SignOff("U0SRE", "sre", T1));

    assertEquals(RunStatus.READY, run.status());
    ItemProgress health = run.progress("health");
    assertEquals(ItemState.WAIVED, health.state());
    assertEquals("health endpoint is being replaced in this release", health.note());
    assertEquals(DOWN, health.evidence(), "what the check saw stays with the waived item");
    assertEquals("U0SRE", health.actor());
  }

  @Test
  void attemptIncrementsOnEveryStart() {
    ChecklistRun run = started().move("health", ItemEvent.START, null, T1, null, null);
    assertEquals(1, run.progress("health").attempt());

    run = run.move("health", ItemEvent.FAIL, null, T1, DOWN, null);
    assertEquals(1, run.progress("health").attempt(), "a result does not start an attempt");

    run = run.move("health", ItemEvent.START, null, T1, null, null);
    assertEquals(2, run.progress("health").attempt());
    assertEquals(DOWN, run.progress("health").evidence(), "the last result stays visible while the re-run runs");
  }

  @Test
  void resultIsRefusedWhenTheItemIsNotRunning() {
    ChecklistRun run = started();

    RunRuleException thrown = assertThrows(RunRuleException.class,
        () -> run.move("health", ItemEvent.PASS, null, T1, OK, null));

    assertEquals(Refusal.item(Refusal.Code.RESULT_IGNORED, "health", ItemState.PENDING), thrown.refusal());
    assertEquals(ItemState.PENDING, run.progress("health").state());
    assertNull(run.progress("health").evidence());
  }

  @Test
  void resultAfterAWaiverIsRefused() {
    ChecklistRun waived = started()
        .move("health", ItemEvent.START, null, T1, null, null)
        .move("health", ItemEvent.WAIVE, "U0SRE", T1, null, "known outage");

    assertThrows(RunRuleException.class, () -> waived.move("health", ItemEvent.PASS, null, T1, OK, null));
  }

  @Test
  void refusalsAreAddressedToThePersonWhoAsked() {
    ChecklistRun run = started();
    assertEquals(Refusal.item(Refusal.Code.AUTOMATED_NOT_TICKABLE, "health", ItemState.PENDING),
        assertThrows(RunRuleException.class, () -> run.move("health", ItemEvent.TICK, "U0DEV", T1, null, null)).refusal());
    assertEquals(Refusal.item(Refusal.Code.NO_CHECK_TO_RUN, "backup", ItemState.PENDING),
        assertThrows(RunRuleException.class, () -> run.move("backup", ItemEvent.START, null, T1, null, null)).refusal());
    assertEquals(Refusal.noSuchItem("nope"),
        assertThrows(RunRuleException.class, () -> run.move("nope", ItemEvent.TICK, "U0DEV", T1, null, null)).refusal());
    assertEquals("the checklist has no such item (detail nope).",
        assertThrows(RunRuleException.class, () -> run.move("nope", ItemEvent.TICK, "U0DEV", T1, null, null))
            .getMessage(), "a plain line for logs");
  }

  @Test
  void cancelledRunRefusesEveryChange() {
    ChecklistRun cancelled = started().cancel();

    assertEquals(RunStatus.CANCELLED, cancelled.status());
    assertEquals(Refusal.ofStatus(Refusal.Code.CHECKLIST_CLOSED, RunStatus.CANCELLED, null),
        assertThrows(RunRuleException.class, () -> cancelled.move("backup", ItemEvent.TICK, "U0DEV", T1, null, null)).refusal());
    assertEquals(Refusal.Code.SIGN_OFFS_CLOSED, assertThrows(RunRuleException.class,
        () -> cancelled.withSignOff(new SignOff("U0SRE", "sre", T1))).refusal().code());
    assertEquals(new SignOffDecision.Rejected(Refusal.ofStatus(Refusal.Code.SIGN_OFFS_CLOSED, RunStatus.CANCELLED, null)),
        cancelled.decideSignOff("U0SRE", Set.of("sre")));
    assertEquals(Refusal.Code.NOTHING_TO_CANCEL, assertThrows(RunRuleException.class, cancelled::cancel).refusal().code());
  }

  @Test
  void signOffDecisionFollowsThePolicy() {
    ChecklistRun run = started();
    assertEquals(new SignOffDecision.Accepted("sre"), run.decideSignOff("U0SRE", Set.of("sre")));
    assertEquals(new SignOffDecision.Rejected(Refusal.of(Refusal.Code.STARTER_MAY_NOT_SIGN)),
        run.decideSignOff("U0STARTER", Set.of("sre")));
  }

  @Test
  void checklistWithoutBlockersOrSignOffIsReadyAtOnce() {
    Checklist trivial = new Checklist("trivial", "Trivial", "t.yaml", null,
        List.of(new Section("S", List.of(new Item("a", "A", false, null)))), SignOffRule.NONE, List.of());

    assertEquals(RunStatus.READY, ChecklistRun.start("run-2", trivial, "U0STARTER", T0).status());
  }

  @Test
  void runIsImmutable() {
    ChecklistRun run = started();
    ChecklistRun moved = run.move("backup", ItemEvent.TICK, "U0DEV", T1, null, null);

    assertEquals(ItemState.PENDING, run.progress("backup").state());
    assertEquals(ItemState.PASSED, moved.progress("backup").state());
    assertSame(run.checklist(), moved.checklist());
    assertThrows(UnsupportedOperationException.class, () -> moved.items().clear());
  }
}
