package dev.preflight.bot;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Where the start-up line starts counting. */
class StartupTimesTest {

  private static final long NOW = 1_800_000_000_000L;

  @Test
  void aJavaProcessCountsFromItsOwnStartSoTheJvmsBootIsIncluded() {
    assertEquals(NOW - 2_000, StartupTimes.startedAt(NOW - 2_000, NOW - 1_950, NOW));
  }

  @Test
  void aProcessThatRanABuildBeforeItBecameJavaCountsFromTheJvmsStart() {
    // `sh -c 'mvn package && exec java -jar …'`: the shell started 40 s before the JVM in the same process.
    assertEquals(NOW - 1_500, StartupTimes.startedAt(NOW - 41_500, NOW - 1_500, NOW));
  }

  @Test
  void aStartReportedInTheFutureCountsFromNow() {
    assertEquals(NOW, StartupTimes.startedAt(NOW + 5_000, NOW + 5_000, NOW));
  }
}
