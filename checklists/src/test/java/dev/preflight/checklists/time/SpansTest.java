package dev.preflight.checklists.time;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SpansTest {

  @ParameterizedTest(name = "{0} reads as {1}")
  @CsvSource(delimiter = '|', value = {
      "PT0S          | 0s",
      "PT-5S         | 0s",
      "PT0.001S      | 1 ms",
      "PT0.85S       | 850 ms",
      "PT0.999S      | 999 ms",
      "PT1S          | 1s",
      "PT1.05S       | 1s",
      "PT1.5S        | 1.5s",
      "PT2.25S       | 2.2s",
      "PT9.9S        | 9.9s",
      "PT10.5S       | 10s",
      "PT45S         | 45s",
      "PT59.999S     | 59s",
      "PT1M          | 1m",
      "PT5M          | 5m",
      "PT3M20S       | 3m 20s",
      "PT59M59.9S    | 59m 59s",
      "PT1H          | 1h",
      "PT2H5M        | 2h 5m",
      "PT2H5M59S     | 2h 5m",
      "PT23H59M      | 23h 59m",
      "PT24H         | 1d",
      "PT76H30M      | 3d 4h",
      "PT720H        | 30d",
  })
  void aSpanReadsCoarserAsItGrows(Duration span, String expected) {
    assertEquals(expected, Spans.format(span));
  }

  @Test
  void aSpanWithAnUnknownEndReadsAsTheCallersWord() {
    Instant at = Instant.parse("2026-01-01T10:00:00Z");
    assertEquals("—", Spans.between(null, at, "—"));
    assertEquals("—", Spans.between(at, null, "—"));
    assertEquals("3m 12s", Spans.between(at, at.plusSeconds(192), "—"));
  }
}
