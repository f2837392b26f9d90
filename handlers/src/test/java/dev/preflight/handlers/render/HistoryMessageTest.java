package dev.preflight.handlers.render;

import static dev.preflight.handlers.render.SlackLimits.assertWithinSlackLimits;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.preflight.checklists.deploy.Release;
import dev.preflight.deploy.stats.HistoryEntry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class HistoryMessageTest {

  private static final Instant NOW = Instant.parse("2024-06-30T12:00:00Z");
  private static final Instant DEPLOYED = Instant.parse("2024-06-12T11:15:00Z");
  private static final Instant ROLLED_BACK = Instant.parse("2024-06-05T09:20:00Z");

  @Test
  void listsDeploysAndRollbacksWithWhoWhenAndHowLong() {
    HistoryEntry deploy = new HistoryEntry(new Release("backend", "production", "v1.3.1", null, "r-5", "U0ALICE",
        DEPLOYED, Release.DEPLOY), Duration.ofMinutes(10), null);
    HistoryEntry rollback = new HistoryEntry(new Release("backend", "production", "v1.0.0", null, "r-2", "U0SRE",
        ROLLED_BACK, Release.ROLLBACK), Duration.ofMinutes(5), "v1.1.0");
    HistoryEntry imported = new HistoryEntry(new Release("backend", "production", "v0.9.0", null, null, null,
        ROLLED_BACK.minus(Duration.ofDays(3)), Release.DEPLOY), null, null);

    Rendered message = Rendered.of(HistoryMessage.render("backend", "production", List.of(deploy, rollback, imported),
        NOW));
    assertWithinSlackLimits(message);

    assertEquals("History of backend in production", message.texts().get(0));
    assertEquals(List.of(
            "🚀 deployed `v1.3.1` by <@U0ALICE> · " + Mrkdwn.date(DEPLOYED) + " · took 10m",
            "↩️ rolled back to `v1.0.0` from `v1.1.0` by <@U0SRE> · " + Mrkdwn.date(ROLLED_BACK) + " · took 5m",
            "🚀 deployed `v0.9.0` by Preflight · " + Mrkdwn.date(ROLLED_BACK.minus(Duration.ofDays(3)))),
        message.texts().get(2).lines().toList());
    assertEquals("History of backend in production: 3 entries", message.content.text());
  }

  @Test
  void aFailedRollbackReadsAsFailedNotAsRolledBack() {
    HistoryEntry failed = new HistoryEntry(new Release("web", "production", "v1.1.0", null, "r-8", null,
        ROLLED_BACK, Release.ROLLBACK), Duration.ofSeconds(1), "v1.8.0", true);
    HistoryEntry unknown = new HistoryEntry(new Release("web", "production", null, null, "r-7", "U0SRE",
        ROLLED_BACK.minusSeconds(60), Release.ROLLBACK), Duration.ofSeconds(4), "v1.7.0", true);

    Rendered message = Rendered.of(HistoryMessage.render("web", "production", List.of(failed, unknown), NOW));

    assertEquals(List.of(
            "🔥 rollback to `v1.1.0` from `v1.8.0` failed, started by Preflight · " + Mrkdwn.date(ROLLED_BACK)
                + " · took 1s",
            "🔥 rollback to `unknown version` from `v1.7.0` failed, started by <@U0SRE> · "
                + Mrkdwn.date(ROLLED_BACK.minusSeconds(60)) + " · took 4s"),
        message.texts().get(2).lines().toList());
    assertFalse(message.allText().contains("rolled back"), message.allText());
  }

  @Test
  void anEnvironmentWithoutReleasesSaysSo() {
    Rendered message = Rendered.of(HistoryMessage.render("backend", "staging", List.of(), NOW));
    assertWithinSlackLimits(message);
    assertEquals("_Nothing has been released to *backend* in *staging* yet._", message.texts().get(2));
  }

  @Test
  void namesAndVersionsAreEscaped() {
    HistoryEntry odd = new HistoryEntry(new Release("backend", "production", "<!channel>", null, "r", "U0X",
        DEPLOYED, Release.DEPLOY), Duration.ofSeconds(42), null);
    String line = HistoryMessage.line(odd);
    assertTrue(line.startsWith("🚀 deployed `&lt;!channel&gt;` by <@U0X>"), line);
    assertTrue(line.endsWith("took 42s"), line);
  }
}
