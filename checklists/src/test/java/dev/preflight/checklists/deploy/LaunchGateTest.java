package dev.preflight.checklists.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.preflight.checklists.checklist.Checklist;
import dev.preflight.checklists.checklist.Item;
import dev.preflight.checklists.checklist.Section;
import dev.preflight.checklists.checklist.SignOffRule;
import dev.preflight.checklists.checklist.SignOffRule.SignOffRequirement;
import dev.preflight.checklists.run.ChecklistRun;
import dev.preflight.checklists.run.ItemEvent;
import dev.preflight.checklists.run.Refusal;
import dev.preflight.checklists.run.RunEvent;
import dev.preflight.checklists.run.RunRuleException;
import dev.preflight.checklists.run.RunStatus;
import dev.preflight.checklists.run.SignOff;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** "Can this run launch now?" for every combination of its inputs that changes the answer. */
class LaunchGateTest {

  private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
  private static final Checklist GATE = new Checklist("gate", "Gate", "gate.yaml", null,
      List.of(new Section("Before", List.of(new Item("ready", "Ready", true, null),
          new Item("notes", "Release notes", true, null)))),
      new SignOffRule(List.of(new SignOffRequirement("sre", 2)), false), List.of());
  private static final EnvLock LOCK = EnvLock.manual("api", "production", "freeze", "U3", NOW);

  /**
   * @param status the run's status (PREPARING/READY follow from the gates)
   * @param blockersDone how many of the two blockers passed
   * @param signOffs how many of the two sre sign-offs are in
   * @param locked whether the environment is locked
   * @param other whether another run is in flight
   * @param expected the refusal code, or "launch"
   */
  @ParameterizedTest(name = "{0} blockers={1} signOffs={2} locked={3} other={4} -> {5}")
  @CsvSource(delimiter = '|', textBlock = """
      OPEN         | 0 | 0 | false | false | BLOCKERS_OPEN
      OPEN         | 1 | 2 | true  | true  | BLOCKERS_OPEN
      OPEN         | 2 | 0 | false | false | SIGN_OFFS_MISSING
      OPEN         | 2 | 1 | true  | true  | SIGN_OFFS_MISSING
      OPEN         | 2 | 2 | true  | true  | LOCKED
      OPEN         | 2 | 2 | true  | false | LOCKED
      OPEN         | 2 | 2 | false | true  | OTHER_RUN_IN_FLIGHT
      OPEN         | 2 | 2 | false | false | launch
      DEPLOYING    | 2 | 2 | false | false | ALREADY_DEPLOYING
      VERIFYING    | 2 | 2 | true  | true  | ALREADY_DEPLOYING
      ABORTING     | 2 | 2 | false | false | ALREADY_DEPLOYING
      SUCCEEDED    | 2 | 2 | false | false | LAUNCHED_BEFORE
      FAILED       | 2 | 2 | false | false | LAUNCHED_BEFORE
      ROLLING_BACK | 2 | 2 | false | false | LAUNCHED_BEFORE
      ROLLED_BACK  | 2 | 2 | false | false | LAUNCHED_BEFORE
      CANCELLED    | 0 | 0 | false | false | RUN_CANCELLED
      """)
  void aRunLaunchesOnlyWhenEveryGateAgrees(String status, int blockersDone, int signOffs, boolean locked,
      boolean other, String expected) {
    ChecklistRun run = run(blockersDone, signOffs);
    if (!status.equals("OPEN")) {
      run = run.withStatus(RunStatus.valueOf(status));
    }
    Optional<Refusal> refusal = LaunchGate.refusal(run, locked ? Optional.of(LOCK) : Optional.empty(),
        other ? Optional.of("r0") : Optional.empty());
    assertEquals(expected, refusal.map(r -> r.code().name()).orElse("launch"));
    if (expected.equals("launch")) {
      assertEquals(RunStatus.READY, run.status());
    }
  }

  @Test
  void eachRefusalCarriesTheFactsItNames() {
    assertEquals(Optional.of(Refusal.blockersOpen(List.of("ready", "notes"))),
        LaunchGate.refusal(run(0, 0), Optional.empty(), Optional.empty()));
    assertEquals(Optional.of(Refusal.signOffsMissing("sre", 1)),
        LaunchGate.refusal(run(2, 1), Optional.empty(), Optional.empty()));
    Refusal locked = LaunchGate.refusal(run(2, 2), Optional.of(LOCK), Optional.empty()).orElseThrow();
    assertEquals(LOCK, locked.lock());
    assertEquals("U3", locked.user());
    assertEquals("api", locked.service());
    assertEquals(Optional.of(Refusal.otherRunInFlight(null, null, "r0", RunEvent.LAUNCH)),
        LaunchGate.refusal(run(2, 2), Optional.empty(), Optional.of("r0")));
    assertEquals(Optional.of(Refusal.ofStatus(Refusal.Code.ALREADY_DEPLOYING, RunStatus.DEPLOYING, RunEvent.LAUNCH)),
        LaunchGate.refusal(run(2, 2).withStatus(RunStatus.DEPLOYING), Optional.empty(), Optional.empty()));
  }

  @Test
  void requireThrowsTheSameRefusal() {
    RunRuleException refused = assertThrows(RunRuleException.class,
        () -> LaunchGate.require(run(2, 2), Optional.of(LOCK), Optional.empty()));
    assertEquals(Refusal.Code.LOCKED, refused.refusal().code());
    assertEquals("the environment is locked (service api; environment production; user U3; locked by U3).",
        refused.getMessage());
    LaunchGate.require(run(2, 2), Optional.empty(), Optional.empty());
  }

  private static ChecklistRun run(int blockersDone, int signOffs) {
    ChecklistRun run = ChecklistRun.start("r1", GATE, "U1", NOW);
    List<String> blockers = List.of("ready", "notes");
    for (int i = 0; i < blockersDone; i++) {
      run = run.move(blockers.get(i), ItemEvent.TICK, "U1", NOW, null, null);
    }
    for (int i = 0; i < signOffs; i++) {
      run = run.withSignOff(new SignOff("U" + (10 + i), "sre", NOW));
    }
    return run;
  }
}
