package dev.preflight.checklists.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConditionTest {

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      // written            | value  | baseline | holds | described
      "< 0.005              | 0.004  |          | true  | < 0.005",
      "< 0.005              | 0.005  |          | false | < 0.005",
      "<= 0.005             | 0.005  |          | true  | <= 0.005",
      ">10                  | 10     |          | false | > 10",
      ">= 10                | 10     |          | true  | >= 10",
      "<= 2 * baseline      | 0.8    | 0.4      | true  | <= 2 * baseline",
      "<= 2 * baseline      | 0.81   | 0.4      | false | <= 2 * baseline",
      "<= baseline * 1.5    | 0.6    | 0.4      | true  | <= 1.5 * baseline",
      "< baseline           | 0.4    | 0.4      | false | < baseline",
      "<= 2*BASELINE        | 1      | 0.5      | true  | <= 2 * baseline",
      "<  1e-3              | 0.0009 |          | true  | < 0.001",
  })
  void readsAndJudgesEachForm(String written, double value, Double baseline, boolean holds, String described) {
    Condition condition = Condition.parse(written);
    assertEquals(holds, condition.holds(value, baseline == null ? OptionalDouble.empty() : OptionalDouble.of(baseline)));
    assertEquals(described, condition.describe());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "0.1 | 0.5 | 0.1  | true",
      "0.1 | 0.5 | 0.5  | true",
      "0.1 | 0.5 | 0.51 | false",
      "0.1 | 0.5 | 0.09 | false",
  })
  void betweenIsClosedAtBothEnds(double low, double high, double value, boolean holds) {
    assertEquals(holds, Condition.between(low, high).holds(value, OptionalDouble.empty()));
    assertEquals("between " + Condition.format(low) + " and " + Condition.format(high), Condition.between(low, high).describe());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "less than 5       | is not a condition",
      "== 5              | equality is not a metric condition",
      "< five            | is not a condition",
      "<= 0 * baseline   | the baseline factor must be above 0, not 0",
      "''                | is not a condition",
  })
  void refusesWhatItCannotRead(String written, String message) {
    Condition.InvalidConditionException thrown =
        assertThrows(Condition.InvalidConditionException.class, () -> Condition.parse(written));
    assertEquals(message, thrown.getMessage());
  }

  @Test
  void betweenRefusesAnUpsideDownRange() {
    assertEquals("the lower end 5 is above the upper end 1",
        assertThrows(Condition.InvalidConditionException.class, () -> Condition.between(5, 1)).getMessage());
  }

  @Test
  void describesTheBoundWithTheBaselineFilledIn() {
    assertEquals("<= 2 * baseline (0.8)", Condition.parse("<= 2 * baseline").describe(OptionalDouble.of(0.4)));
  }
}
