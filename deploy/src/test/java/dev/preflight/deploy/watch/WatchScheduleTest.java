package dev.preflight.deploy.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** When the next round is due, from the round that just ran. */
class WatchScheduleTest {

  private static final Instant DUE = Instant.parse("2024-05-01T15:00:00Z");

  @ParameterizedTest(name = "every {0} ms, recorded {1} ms after its due time: next due {2} ms after it")
  @CsvSource({
      // a round that ran on time: one interval after its due time, however long it took
      "2000, 0, 2000",
      "2000, 300, 2000",
      "2000, 1999, 2000",
      // recorded exactly on the next slot: that slot is gone
      "2000, 2000, 4000",
      // a round that outlasted its interval skips the slots it overran, keeping the grid
      "2000, 4500, 6000",
      // the bot was down ten slots: due once, then back on the grid
      "60000, 600500, 660000",
      // a replica whose round was recorded a little before its due time (clocks) still moves on one slot
      "2000, -150, 2000",
  })
  void theNextRoundIsAWholeNumberOfIntervalsAfterThisOnesDueTime(long everyMs, long recordedAfterMs, long nextAfterMs) {
    assertEquals(DUE.plusMillis(nextAfterMs),
        WatchSchedule.next(DUE, Duration.ofMillis(everyMs), DUE.plusMillis(recordedAfterMs)));
  }

  @Test
  void anIntervalThatIsNotPositiveIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> WatchSchedule.next(DUE, Duration.ZERO, DUE));
  }
}
