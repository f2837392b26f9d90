package dev.preflight.deploy.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Where a runner on rounds puts its looks, for a 1 s interval: instants at whole seconds. */
class PollRoundsTest {

  private final PollRounds rounds = new PollRounds(Duration.ofSeconds(1));

  @ParameterizedTest(name = "a look at {0} ms belongs to the round of {1} ms")
  @CsvSource({"10000, 10000", "10003, 10000", "10499, 10000", "10500, 11000", "9990, 10000"})
  void aLookBelongsToTheNearestRound(long at, long round) {
    assertEquals(round, rounds.nearest(at));
  }

  @ParameterizedTest(name = "at {0} ms after a pause of {1} ms the next look waits {2} ms")
  @CsvSource({
      // answered 40 ms into the round: the next look is in the next round
      "10040, 1000, 960",
      // answered late in the round: still the next one, never the same one again
      "10990, 1000, 10",
      // exactly on an instant: the next instant
      "10000, 1000, 1000",
      // a backoff of two intervals skips one round, of four skips three
      "10040, 2000, 1960",
      "10040, 4000, 3960",
      // a pause shorter than the interval (never asked by the runner) still waits for a round
      "10040, 100, 960"})
  void theNextLookLandsOnARound(long now, long pause, long wait) {
    assertEquals(wait, rounds.wait(now, pause));
    assertEquals(0, (now + wait) % 1000, "on an instant");
  }

  @Test
  void anIntervalThatIsNotPositiveIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> new PollRounds(Duration.ZERO));
  }
}
