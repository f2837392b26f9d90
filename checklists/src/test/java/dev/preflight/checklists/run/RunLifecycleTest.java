package dev.preflight.checklists.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.preflight.checklists.run.Refusal.Code;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The run lifecycle restated cell by cell: every status x every event, with the status it leads
 * to or the refusal a person gets. A cell not written below is refused with NOT_IN_THIS_STATE.
 */
class RunLifecycleTest {

  /** "STATUS EVENT" -> next status, or a refusal code prefixed with "!". */
  private static final Map<String, String> CELLS = new HashMap<>();

  static {
    cells("PREPARING", "GATES_PASSED READY", "CANCEL CANCELLED", "LAUNCH !GATES_NOT_PASSED",
        "ABORT !NOTHING_TO_ABORT", "ROLLBACK !NEVER_DEPLOYED");
    cells("READY", "GATES_BROKEN PREPARING", "LAUNCH DEPLOYING", "CANCEL CANCELLED", "ABORT !NOTHING_TO_ABORT",
        "ROLLBACK !NEVER_DEPLOYED");
    cells("DEPLOYING", "DEPLOYED VERIFYING", "FAILED FAILED", "ABORT ABORTING", "GIVE_UP FAILED",
        "LAUNCH !ALREADY_DEPLOYING", "CANCEL !USE_ABORT", "ROLLBACK !USE_ABORT");
    cells("VERIFYING", "VERIFIED SUCCEEDED", "FAILED FAILED", "ABORT ABORTING", "GIVE_UP FAILED",
        "LAUNCH !ALREADY_DEPLOYING", "CANCEL !USE_ABORT", "ROLLBACK !USE_ABORT");
    cells("ABORTING", "STOPPED FAILED", "FAILED FAILED", "GIVE_UP FAILED", "LAUNCH !ALREADY_DEPLOYING",
        "CANCEL !ALREADY_ABORTING", "ABORT !ALREADY_ABORTING", "ROLLBACK !ALREADY_ABORTING");
    cells("SUCCEEDED", "ROLLBACK ROLLING_BACK", "LAUNCH !LAUNCHED_BEFORE", "CANCEL !NOTHING_TO_CANCEL",
        "ABORT !NOTHING_TO_ABORT");
    cells("FAILED", "ROLLBACK ROLLING_BACK", "LAUNCH !LAUNCHED_BEFORE", "CANCEL !NOTHING_TO_CANCEL",
        "ABORT !NOTHING_TO_ABORT");
    cells("ROLLING_BACK", "ROLLBACK_SUCCEEDED ROLLED_BACK", "ROLLBACK_FAILED ROLLBACK_FAILED",
        "GIVE_UP ROLLBACK_FAILED", "LAUNCH !LAUNCHED_BEFORE", "CANCEL !NOTHING_TO_CANCEL", "ABORT !NOTHING_TO_ABORT",
        "ROLLBACK !ALREADY_ROLLING_BACK");
    cells("ROLLED_BACK", "LAUNCH !LAUNCHED_BEFORE", "CANCEL !NOTHING_TO_CANCEL", "ABORT !NOTHING_TO_ABORT",
        "ROLLBACK !ALREADY_ROLLED_BACK");
    cells("ROLLBACK_FAILED", "ROLLBACK ROLLING_BACK", "LAUNCH !LAUNCHED_BEFORE", "CANCEL !NOTHING_TO_CANCEL",
        "ABORT !NOTHING_TO_ABORT");
    cells("CANCELLED", "LAUNCH !RUN_CANCELLED", "CANCEL !NOTHING_TO_CANCEL", "ABORT !NOTHING_TO_ABORT",
        "ROLLBACK !NEVER_DEPLOYED");
  }

  private static void cells(String status, String... moves) {
    for (String move : moves) {
      String[] parts = move.split(" ");
      CELLS.put(status + " " + parts[0], parts[1]);
    }
  }

  static Stream<Arguments> everyCell() {
    return EnumSet.allOf(RunStatus.class).stream()
        .flatMap(status -> EnumSet.allOf(RunEvent.class).stream().map(event -> Arguments.of(status, event)));
  }

  @ParameterizedTest(name = "{0} x {1}")
  @MethodSource("everyCell")
  void everyStatusAndEventLeadsWhereTheDesignSays(RunStatus status, RunEvent event) {
    String expected = CELLS.getOrDefault(status + " " + event, "!" + Code.NOT_IN_THIS_STATE);
    if (expected.startsWith("!")) {
      assertEquals(java.util.Optional.empty(), RunLifecycle.next(status, event));
      RunRuleException refused = assertThrows(RunRuleException.class, () -> RunLifecycle.require(status, event));
      Refusal expectedRefusal = Refusal.ofStatus(Code.valueOf(expected.substring(1)), status, event);
      assertEquals(expectedRefusal, refused.refusal());
      assertEquals(expectedRefusal, RunLifecycle.refusal(status, event));
    } else {
      RunStatus next = RunStatus.valueOf(expected);
      assertEquals(java.util.Optional.of(next), RunLifecycle.next(status, event));
      assertEquals(next, RunLifecycle.require(status, event));
      RunEvent between = RunLifecycle.eventBetween(status, next).orElseThrow();
      assertEquals(java.util.Optional.of(next), RunLifecycle.next(status, between), "eventBetween leads there");
    }
  }

  @ParameterizedTest(name = "{0} offers {1}")
  @CsvSource(delimiter = '|', textBlock = """
      PREPARING       | CANCEL
      READY           | LAUNCH CANCEL
      DEPLOYING       | ABORT
      VERIFYING       | ABORT
      ABORTING        |
      SUCCEEDED       | ROLLBACK
      FAILED          | ROLLBACK
      ROLLING_BACK    |
      ROLLED_BACK     |
      ROLLBACK_FAILED | ROLLBACK
      CANCELLED       |
      """)
  void theButtonsOfferedAreTheUserEventsTheTableAllows(RunStatus status, String events) {
    Set<RunEvent> expected = EnumSet.noneOf(RunEvent.class);
    if (events != null) {
      Stream.of(events.split(" ")).map(RunEvent::valueOf).forEach(expected::add);
    }
    assertEquals(expected, RunLifecycle.offered(status));
  }

  @ParameterizedTest
  @EnumSource(RunStatus.class)
  void inFlightRunsAreActiveAndFinishedRunsAreNot(RunStatus status) {
    if (RunStatus.IN_FLIGHT.contains(status)) {
      assertEquals(true, status.active(), status + " is in flight");
    }
    assertEquals(!RunStatus.FINISHED.contains(status), status.active(), status + ": active or finished, not both");
    assertEquals(RunStatus.OPEN.contains(status), status == RunStatus.PREPARING || status == RunStatus.READY);
  }

  @org.junit.jupiter.api.Test
  void aFinishedRunOnlyMovesByARollback() {
    int moves = 0;
    for (RunStatus status : RunStatus.FINISHED) {
      for (RunEvent event : RunEvent.values()) {
        if (RunLifecycle.next(status, event).isPresent()) {
          assertEquals(RunEvent.ROLLBACK, event, status + " x " + event);
          assertEquals(RunStatus.ROLLING_BACK, RunLifecycle.next(status, event).orElseThrow());
          moves++;
        }
      }
    }
    assertEquals(3, moves, "succeeded, failed and rollback failed may roll back");
  }
}
