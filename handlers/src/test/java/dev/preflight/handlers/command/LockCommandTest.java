package dev.preflight.handlers.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.preflight.checklists.config.PreflightConfig;
import dev.preflight.checklists.deploy.EnvLock;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What {@code /lock} and {@code /unlock} make of their text, and how a lock is told. */
class LockCommandTest {

  private final PreflightConfig config = DeployConfigs.config();

  @Test
  void lockKeepsTheWholeReasonAsTyped() {
    LockCommand.Change change = assertInstanceOf(LockCommand.Change.class,
        LockCommand.readLock(config, "backend production DB migration &amp; reindex   until 16:00"));

    assertEquals(new LockCommand.Change("backend", "production", "DB migration & reindex until 16:00"), change);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "help"})
  void lockWithNothingOrHelpShowsTheHelp(String text) {
    LockCommand.Answer answer = assertInstanceOf(LockCommand.Answer.class, LockCommand.readLock(config, text));

    assertEquals(LockCommand.help(), answer.text());
  }

  @Test
  void lockWithOnlyAServiceAsksForTheEnvironment() {
    LockCommand.Answer answer =
        assertInstanceOf(LockCommand.Answer.class, LockCommand.readLock(config, "backend"));

    assertTrue(answer.text().startsWith("Which environment?"), answer.text());
  }

  @Test
  void lockWithoutAReasonIsRefused() {
    LockCommand.Answer answer =
        assertInstanceOf(LockCommand.Answer.class, LockCommand.readLock(config, "backend production"));

    assertEquals("Say why, so whoever finds it locked knows: e.g. `/lock backend production DB migration in progress`.",
        answer.text());
  }

  @Test
  void lockOfAnUnknownEnvironmentSuggestsTheClosest() {
    LockCommand.Answer answer = assertInstanceOf(LockCommand.Answer.class,
        LockCommand.readLock(config, "backend stagin freeze for the demo"));

    assertEquals("*backend* has no environment `stagin`. Did you mean `staging`?", answer.text());
  }

  @Test
  void overlongReasonIsRefused() {
    LockCommand.Answer answer = assertInstanceOf(LockCommand.Answer.class,
        LockCommand.readLock(config, "backend production " + "x".repeat(LockCommand.REASON_MAX_LENGTH + 1)));

    assertTrue(answer.text().startsWith("Keep the reason under " + LockCommand.REASON_MAX_LENGTH), answer.text());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "help", "backend", "backend production now"})
  void unlockTakesExactlyServiceAndEnvironment(String text) {
    LockCommand.Answer answer = assertInstanceOf(LockCommand.Answer.class, LockCommand.readUnlock(config, text));

    assertEquals(LockCommand.help(), answer.text());
  }

  @Test
  void unlockOfAKnownEnvironmentGoesOn() {
    assertEquals(new LockCommand.Change("api", "production", null), LockCommand.readUnlock(config, "api production"));
  }

  @Test
  void lockIsToldWithAuthorTimeAndEscapedReason() {
    EnvLock lock = EnvLock.manual("backend", "production", "migrating <orders> & payments", "U0ALICE",
        Instant.parse("2024-05-01T14:03:00Z"));

    assertEquals(":lock: *backend* in *production* is locked by <@U0ALICE> since "
            + "<!date^1714572180^{date_short_pretty} {time}|2024-05-01 14:03 UTC>: "
            + "migrating &lt;orders&gt; &amp; payments"
            + "\nNothing launches there until `/unlock backend production`.",
        LockCommand.locked(lock));
  }

  @Test
  void unlockAfterARollbackMentionsWhoAskedForIt() {
    EnvLock lock = EnvLock.rolledBack("backend", "production", "v2.1.0", "U0ALICE", null,
        Instant.parse("2024-05-01T14:03:00Z"));

    assertEquals(":unlock: *backend* in *production* is open again. It had been locked by <@U0ALICE> since "
            + "<!date^1714572180^{date_short_pretty} {time}|2024-05-01 14:03 UTC>: "
            + "Rolled back from `v2.1.0`, asked for by <@U0ALICE>. Unlock when the cause is understood",
        LockCommand.unlocked("backend", "production", Optional.of(lock)));
  }

  @Test
  void unlockSaysWhoHadLockedItOrThatNothingWasLocked() {
    EnvLock lock = EnvLock.manual("backend", "production", "demo", "U0ALICE", Instant.parse("2024-05-01T14:03:00Z"));

    assertEquals(":unlock: *backend* in *production* is open again. It had been locked by <@U0ALICE> since "
            + "<!date^1714572180^{date_short_pretty} {time}|2024-05-01 14:03 UTC>: demo",
        LockCommand.unlocked("backend", "production", Optional.of(lock)));
    assertEquals("*backend* in *production* was not locked; nothing changed.",
        LockCommand.unlocked("backend", "production", Optional.empty()));
  }
}
