package dev.preflight.handlers.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.preflight.deploy.watch.WatchState;
import dev.preflight.handlers.render.Mrkdwn;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** What a succeeded run's message says about its watch, round by round. */
class WatchLineTest {

  private static final Instant STARTED = Instant.parse("2024-05-01T15:00:00Z");
  private static final Instant UNTIL = STARTED.plus(Duration.ofHours(4));
  private static final Duration EVERY = Duration.ofMinutes(5);

  @Test
  void beforeItsFirstRoundTheLineSaysWhenThatRoundIsDue() {
    WatchState watch = watch(0, null, null, 0, 0, null, null);
    assertEquals("👀 Watched every 5m until " + Mrkdwn.date(UNTIL) + " · first round " + Mrkdwn.date(at(1)),
        WatchLine.line(watch));
  }

  @Test
  void aPassingRoundShowsItsTimeAndTheRoundsSoFar() {
    assertEquals("👀 Watched every 5m until " + Mrkdwn.date(UNTIL) + " · latest round " + Mrkdwn.date(at(3))
        + " passed · 3 rounds, all passed", WatchLine.line(watch(3, at(3), true, 0, 0, null, null)));
    assertEquals("👀 Watched every 5m until " + Mrkdwn.date(UNTIL) + " · latest round " + Mrkdwn.date(at(1))
        + " passed · 1 round, passed", WatchLine.line(watch(1, at(1), true, 0, 0, null, null)));
  }

  @Test
  void aPassingRoundAfterAStreakCountsTheStreaksFailedRounds() {
    assertEquals("👀 Watched every 5m until " + Mrkdwn.date(UNTIL) + " · latest round " + Mrkdwn.date(at(7))
        + " passed · 7 rounds, 2 failed", WatchLine.line(watch(7, at(7), true, 0, 2, null, null)));
  }

  @Test
  void aFailingRoundShowsItsTimeTheStreakAndTheCounts() {
    assertEquals("⚠️ *Post-deploy watch failing* · latest round " + Mrkdwn.date(at(5)) + " failed · 2 failing in a row"
        + " · 5 rounds, 2 failed · details in the thread", WatchLine.line(watch(5, at(5), false, 2, 2, null, null)));
    assertEquals("⚠️ *Post-deploy watch failing* · latest round " + Mrkdwn.date(at(1)) + " failed · 1 failing in a row"
        + " · 1 round, failed · details in the thread", WatchLine.line(watch(1, at(1), false, 1, 1, null, null)));
  }

  @Test
  void anEndedWatchSaysHowItsRoundsWent() {
    assertEquals("👀 Watch ended · 48 rounds, 1 failed",
        WatchLine.line(watch(48, at(48), true, 0, 1, at(48), WatchState.ENDED)));
    assertEquals("⚠️ *Post-deploy watch ended failing* · latest round " + Mrkdwn.date(at(48)) + " failed · "
        + "3 failing in a row · 48 rounds, 3 failed · details in the thread",
        WatchLine.line(watch(48, at(48), false, 3, 3, at(48), WatchState.ENDED)));
  }

  @Test
  void aSupersededOrRolledBackWatchIsNoLongerShown() {
    assertNull(WatchLine.line(watch(4, at(4), false, 2, 2, at(5), WatchState.SUPERSEDED + ": v2 launched")));
    assertNull(WatchLine.line(watch(4, at(4), true, 0, 0, at(5), WatchState.ROLLED_BACK + ": run r-2")));
  }

  private static Instant at(int round) {
    return STARTED.plus(EVERY.multipliedBy(round));
  }

  private static WatchState watch(int rounds, Instant lastAt, Boolean lastPassed, int failing, int failedRounds,
      Instant stoppedAt, String stopReason) {
    return new WatchState("r-1", "backend", "production", "v1.4.2", EVERY, UNTIL, at(rounds + 1), rounds, lastAt,
        failing, failing > 0 ? lastAt : null, stoppedAt, stopReason, lastAt, lastPassed, failedRounds, null, null);
  }
}
