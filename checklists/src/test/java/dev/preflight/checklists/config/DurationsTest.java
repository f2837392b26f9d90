package dev.preflight.checklists.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DurationsTest {

  @ParameterizedTest
  @CsvSource({
      "500ms, PT0.5S",
      "10s,   PT10S",
      "5m,    PT5M",
      "4h,    PT4H",
      "0s,    PT0S",
      "90s,   PT1M30S",
  })
  void parsesAWholeNumberAndAUnit(String text, Duration expected) {
    assertEquals(expected, Durations.parse(text));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "10    | `10` has no unit                     | write 10s for seconds; units are ms, s, m and h",
      "1.5s  | `1.5s` is not a duration             | write a whole number and a unit: 500ms, 10s, 5m or 4h",
      "10 s  | `10 s` is not a duration             | write a whole number and a unit: 500ms, 10s, 5m or 4h",
      "-5s   | `-5s` is not a duration              | write a whole number and a unit: 500ms, 10s, 5m or 4h",
      "1d    | `1d` is not a duration               | write a whole number and a unit: 500ms, 10s, 5m or 4h",
      "10S   | `10S` is not a duration              | write a whole number and a unit: 500ms, 10s, 5m or 4h",
      "1h30m | `1h30m` is not a duration            | write a whole number and a unit: 500ms, 10s, 5m or 4h",
      "''    | a duration is required               | write a whole number and a unit: 500ms, 10s, 5m or 4h",
  })
  void refusesAnythingElseSayingWhatToWrite(String text, String problem, String hint) {
    Durations.InvalidDurationException thrown =
        assertThrows(Durations.InvalidDurationException.class, () -> Durations.parse(text));
    assertEquals(problem, thrown.problem());
    assertEquals(hint, thrown.hint());
    assertEquals(problem + " (" + hint + ")", thrown.getMessage());
  }

  @ParameterizedTest
  @CsvSource({
      "PT0.5S,   500ms",
      "PT1.5S,   1500ms",
      "PT10S,    10s",
      "PT1M30S,  90s",
      "PT5M,     5m",
      "PT4H,     4h",
      "PT0S,     0s",
      "PT1.0001S, 1s",
  })
  void formatsTheShortestWayParseReadsBack(Duration duration, String expected) {
    assertEquals(expected, Durations.format(duration));
    assertEquals(duration.truncatedTo(java.time.temporal.ChronoUnit.MILLIS), Durations.parse(expected));
  }
}
