package dev.preflight.handlers.render;

import static dev.preflight.handlers.render.Fixtures.LAUNCHED;
import static dev.preflight.handlers.render.Fixtures.LAUNCHER;
import static dev.preflight.handlers.render.Fixtures.STARTED;
import static dev.preflight.handlers.render.Fixtures.manual;
import static dev.preflight.handlers.render.Fixtures.section;
import static dev.preflight.handlers.render.SlackLimits.assertWithinSlackLimits;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.preflight.checklists.checklist.Checklist;
import dev.preflight.checklists.checklist.SignOffRule;
import dev.preflight.checklists.deploy.Deployment;
import dev.preflight.checklists.deploy.EnvLock;
import dev.preflight.checklists.deploy.Release;
import dev.preflight.checklists.run.ChecklistRun;
import dev.preflight.checklists.run.RunStatus;
import dev.preflight.deploy.run.Overview;
import dev.preflight.deploy.run.TrackedRun;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class OverviewMessageTest {

  private static final Instant NOW = LAUNCHED.plus(Duration.ofMinutes(5));
  private static final Checklist CHECKLIST = Fixtures.checklist("Pre-deploy",
      List.of(section("Database", manual("backup", "Backup taken", true))), SignOffRule.NONE, List.of());

  private static TrackedRun deploying(String id, String service) {
    ChecklistRun run = ChecklistRun.start(id, CHECKLIST, "U0STARTER", STARTED).withStatus(RunStatus.DEPLOYING);
    Deployment deployment = Deployment.requested(service, "production", "v2.0.1")
        .launched(LAUNCHER, LAUNCHED, null);
    return new TrackedRun(run, "C0DEPLOYS", "1700000000.000100", deployment);
  }

  private static Rendered render(Overview overview) {
    Rendered message = Rendered.of(OverviewMessage.render(overview, NOW));
    assertWithinSlackLimits(message);
    return message;
  }

  @Test
  void showsActiveRunsLocksAndTheLatestReleasePerServiceAndEnvironment() {
    TrackedRun checklistRun = new TrackedRun(ChecklistRun.start("r-9", CHECKLIST, "U0ANA", STARTED), "C0OPS", null);
    EnvLock lock = EnvLock.manual("fluxion", "production", "Black Friday freeze", "U0SRE", LAUNCHED);
    Release deployed = new Release("fluxion", "staging", "v2.0.0", null, "r-2", "U0DEV", LAUNCHED, Release.DEPLOY);
    Release rolledBack = new Release("backend", "production", "v1.4.1", null, "r-3", "U0SRE", LAUNCHED,
        Release.ROLLBACK);

    Rendered message = render(new Overview(List.of(deploying("r-1", "fluxion"), checklistRun), List.of(lock),
        List.of(deployed, rolledBack)));

    assertEquals(OverviewMessage.TITLE, message.blocks.get(0).getJsonObject("text").getString("text"));
    String text = message.allText();
    assertTrue(text.contains("🚀 *fluxion* `v2.0.1` → *production* · deploying · launched by <@" + LAUNCHER
        + "> 5m ago"), text);
    assertTrue(text.contains("📋 *Pre-deploy* · preparing · started by <@U0ANA>"), text);
    assertFalse(text.contains("r-1") || text.contains("r-9"), "runs are named by what they do, not by id: " + text);
    assertTrue(text.contains("🔒 *fluxion* in *production* — by <@U0SRE>: Black Friday freeze · 5m ago"), text);
    assertEquals(2, text.split("<!date", -1).length - 1, "dates only where releases went out: " + text);
    assertTrue(text.contains("*fluxion* in *staging*: `v2.0.0` · 🚀 deploy by <@U0DEV> · " + Mrkdwn.date(LAUNCHED)),
        text);
    assertTrue(text.contains("*backend* in *production*: `v1.4.1` · ↩️ rollback by <@U0SRE>"), text);
    assertTrue(text.indexOf("*backend* in *production*") < text.indexOf("*fluxion* in *staging*"),
        "releases are sorted by service, then environment");
    assertFalse(text.contains("Nothing is under way"), text);
    assertEquals("Deploys: 2 runs under way · 1 lock · 2 releases", message.content.text());
    assertTrue(message.buttons().isEmpty());
  }

  @Test
  void aRollbackLockMentionsWhoAskedForIt() {
    EnvLock lock = EnvLock.rolledBack("api", "prod", "v3", "U0SRE", null, LAUNCHED);

    String text = render(new Overview(List.of(), List.of(lock), List.of())).allText();

    assertTrue(text.contains("🔒 *api* in *prod* — by <@U0SRE>: Rolled back from `v3`, asked for by <@U0SRE>. "
        + "Unlock when the cause is understood · 5m ago"), text);
    assertFalse(text.contains("&lt;@"), text);
  }

  @Test
  void emptySectionsSaySo() {
    Rendered message = render(new Overview(List.of(), List.of(), List.of()));

    String text = message.allText();
    assertTrue(text.contains("*Under way*\n_" + OverviewMessage.NO_ACTIVE_RUNS + "_"), text);
    assertTrue(text.contains("*Locks*\n_" + OverviewMessage.NO_LOCKS + "_"), text);
    assertTrue(text.contains("*Latest releases*\n_" + OverviewMessage.NO_RELEASES + "_"), text);
  }

  @Test
  void userTextIsEscaped() {
    EnvLock lock = EnvLock.manual("api", "prod", "freeze <!channel> & co", "U0SRE", LAUNCHED);

    String text = render(new Overview(List.of(), List.of(lock), List.of())).allText();

    assertTrue(text.contains("freeze &lt;!channel&gt; &amp; co"), text);
    assertFalse(text.contains("<!channel>"), text);
  }

  @Test
  void hundredsOfEntriesFitAndTheRestIsCounted() {
    List<TrackedRun> active = new ArrayList<>();
    List<EnvLock> locks = new ArrayList<>();
    List<Release> releases = new ArrayList<>();
    String longText = " & a rather long explanation of why this is so".repeat(5);
    for (int n = 1; n <= 400; n++) {
      active.add(deploying("run-" + n, "service-" + n + longText));
      locks.add(EnvLock.manual("service-" + n, "production", "reason" + longText, "U0SRE", LAUNCHED));
      releases.add(new Release("service-" + n, "production", "v" + n, null, "r", "U0DEV", LAUNCHED, Release.DEPLOY));
    }

    Rendered message = render(new Overview(active, locks, releases));

    String text = message.allText();
    Matcher more = Pattern.compile("…and (\\d+) more not shown here").matcher(text);
    int counted = 0;
    while (more.find()) {
      counted += Integer.parseInt(more.group(1));
    }
    long listed = text.lines().filter(l -> l.startsWith("🚀 *service-") || l.startsWith("🔒 *service-")
        || l.startsWith("*service-")).count();
    assertEquals(1200, listed + counted, "every entry is listed or counted");
    assertTrue(text.contains("*Under way*") && text.contains("*Locks*") && text.contains("*Latest releases*"), text);
  }
}
