package dev.preflight.checklists.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** The run lifecycle of the design, restated here move by move; everything else is refused. */
class RunTransitionsTest {

  static final Set<String> LEGAL = Set.of(
      "PREPARING→READY", "PREPARING→CANCELLED",
      "READY→PREPARING", "READY→DEPLOYING", "READY→CANCELLED",
      "DEPLOYING→VERIFYING", "DEPLOYING→FAILED", "DEPLOYING→ROLLING_BACK",
      "VERIFYING→SUCCEEDED", "VERIFYING→FAILED", "VERIFYING→ROLLING_BACK",
      "SUCCEEDED→ROLLING_BACK",
      "FAILED→ROLLING_BACK",
      "ROLLING_BACK→ROLLED_BACK", "ROLLING_BACK→ROLLBACK_FAILED",
      "ROLLBACK_FAILED→ROLLING_BACK");

  static Stream<Arguments> everyPair() {
    return EnumSet.allOf(RunStatus.class).stream()
        .flatMap(from -> EnumSet.allOf(RunStatus.class).stream().map(to -> Arguments.of(from, to)));
  }

  @ParameterizedTest(name = "{0} → {1}")
  @MethodSource("everyPair")
  void onlyTheDesignedMovesAreAllowed(RunStatus from, RunStatus to) {
    boolean legal = LEGAL.contains(from + "→" + to);
    assertEquals(legal, RunTransitions.allowed(from, to));
    if (legal) {
      assertEquals(to, RunTransitions.require(from, to));
    } else {
      assertThrows(RunRuleException.class, () -> RunTransitions.require(from, to));
    }
  }

  @ParameterizedTest(name = "{0} → {1}")
  @CsvSource(delimiter = '|', textBlock = """
      DEPLOYING       | CANCELLED    | A run that is deploying cannot become cancelled.
      PREPARING       | DEPLOYING    | A run that is preparing cannot become deploying.
      SUCCEEDED       | DEPLOYING    | A run that is succeeded cannot become deploying.
      ROLLED_BACK     | ROLLING_BACK | A run that is rolled_back cannot become rolling_back.
      CANCELLED       | PREPARING    | A run that is cancelled cannot become preparing.
      """)
  void refusalSaysWhatWasAsked(RunStatus from, RunStatus to, String message) {
    assertEquals(message, assertThrows(RunRuleException.class, () -> RunTransitions.require(from, to)).getMessage());
  }

  @ParameterizedTest
  @CsvSource({"PREPARING", "READY"})
  void cancellingIsPossibleOnlyBeforeDeploying(RunStatus from) {
    assertEquals(RunStatus.CANCELLED, RunTransitions.require(from, RunStatus.CANCELLED));
  }

  @ParameterizedTest
  @CsvSource({"SUCCEEDED", "FAILED", "ROLLED_BACK", "ROLLBACK_FAILED", "CANCELLED"})
  void finishedRunsAreNotActive(RunStatus status) {
    assertEquals(false, status.active());
    assertEquals(false, status.open());
  }
}
