package dev.preflight.deploy.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RetryAfterTest {

  private static final Instant NOW = Instant.parse("2015-10-21T07:28:00Z");
  private static final Duration SHORTEST = Duration.ofSeconds(1);
  private static final Duration LONGEST = Duration.ofMinutes(1);

  /** header | what it asks for (empty: nothing readable) | the same kept between 1s and 1m */
  @ParameterizedTest(name = "Retry-After: [{0}] asks for [{1}], bounded [{2}]")
  @CsvSource(delimiter = '|', nullValues = "none", value = {
      "30                             | PT30S  | PT30S",
      "' 7 '                          | PT7S   | PT7S",
      "0                              | PT0S   | PT1S",
      "3600                           | PT1H   | PT1M",
      "Wed, 21 Oct 2015 07:28:45 GMT  | PT45S  | PT45S",
      "Wed, 21 Oct 2015 09:28:00 GMT  | PT2H   | PT1M",
      "Wed, 21 Oct 2015 07:27:00 GMT  | PT0S   | PT1S",
      "Wed, 21 Oct 2015 07:28:00 GMT  | PT0S   | PT1S",
      "-5                             | none   | none",
      "1.5                            | none   | none",
      "soon                           | none   | none",
      "2015-10-21T07:29:00Z           | none   | none",
      "''                             | none   | none",
      "none                           | none   | none",
  })
  void readsSecondsOrAnHttpDateAndKeepsTheWaitWithinBounds(String header, Duration asked, Duration bounded) {
    assertEquals(Optional.ofNullable(asked), RetryAfter.parse(header, NOW));
    assertEquals(Optional.ofNullable(bounded), RetryAfter.parse(header, NOW, SHORTEST, LONGEST));
  }
}
