package dev.preflight.handlers.render;

import static dev.preflight.handlers.render.Fixtures.LAUNCHED;
import static dev.preflight.handlers.render.Fixtures.STARTED;
import static dev.preflight.handlers.render.Fixtures.manual;
import static dev.preflight.handlers.render.Fixtures.needs;
import static dev.preflight.handlers.render.Fixtures.section;
import static dev.preflight.handlers.render.SlackLimits.assertWithinSlackLimits;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.slack.api.model.view.View;
import dev.preflight.checklists.checklist.Checklist;
import dev.preflight.checklists.deploy.Deployment;
import dev.preflight.checklists.deploy.EnvLock;
import dev.preflight.checklists.deploy.Release;
import dev.preflight.checklists.run.ChecklistRun;
import dev.preflight.checklists.run.RunStatus;
import dev.preflight.deploy.run.Overview;
import dev.preflight.deploy.run.TrackedRun;
import dev.preflight.deploy.stats.EnvironmentFigures;
import dev.preflight.deploy.stats.PendingSignOff;
import dev.preflight.handlers.ActionIds;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class HomeViewTest {

  private static final Instant NOW = LAUNCHED.plus(Duration.ofMinutes(5));
  private static final Checklist CHECKLIST = Fixtures.checklist("Pre-deploy",
      List.of(section("Database", manual("backup", "Backup taken", true))), needs("approver", 1), List.of());

  private static TrackedRun preparing(String id, String service) {
    ChecklistRun run = ChecklistRun.start(id, CHECKLIST, "U0ALICE", STARTED);
    return new TrackedRun(run, "C0DEPLOYS", "1700000000.000100",
        Deployment.requested(service, "production", "v2.0.1"));
  }

  private static final EnvironmentFigures BACKEND = new EnvironmentFigures("backend", "production", 6, 5, 2,
      Duration.ofMinutes(30), 2, 1, Duration.ofMinutes(32).plusSeconds(30));
  private static final EnvironmentFigures QUIET = new EnvironmentFigures("docs", "preview", 1, 0, 0, null, 0, 0, null);

  private static Rendered render(View view) {
    assertEquals("home", view.getType());
    assertTrue(view.getBlocks().size() <= HomeView.MAX_BLOCKS, "blocks: " + view.getBlocks().size());
    Rendered rendered = Rendered.of(new MessageContent("home", view.getBlocks()));
    for (var block : rendered.blocks) {
      var text = block.getJsonObject("text");
      if (text != null) {
        assertTrue(text.getString("text").length() <= ("header".equals(block.getString("type")) ? 150 : 3000));
      }
    }
    return rendered;
  }

  private static final String LINK = "https://acme.slack.com/archives/C0DEPLOYS/p1700000000000100";
  private static final Predicate<EnvLock> NOBODYS = lock -> false;

  private static View render(Overview overview, List<PendingSignOff> waiting, List<EnvironmentFigures> figures,
      Map<String, String> links, Predicate<EnvLock> mayUnlock) {
    return HomeView.render(new HomeView.Facts(overview, waiting, figures, links, mayUnlock), NOW);
  }

  @Test
  void aSignOffWaitingForYouComesFirstAndLinksToTheRunsMessage() {
    TrackedRun waiting = preparing("r-1", "backend");
    Rendered home = render(render(new Overview(List.of(waiting), List.of(), List.of()),
        List.of(new PendingSignOff(waiting, "approver")), List.of(BACKEND), Map.of("r-1", LINK), NOBODYS));

    List<String> texts = home.texts();
    assertEquals(HomeView.TITLE, texts.get(0));
    assertEquals("Updated " + Mrkdwn.date(NOW), texts.get(1), "dated, and no plea to reopen the tab");
    assertEquals("*" + HomeView.WAITING_TITLE + "*", texts.get(2));
    assertEquals("✍️ *backend* `v2.0.1` → *production*\nSign off as *approver* · started by <@U0ALICE> "
        + Mrkdwn.date(STARTED), texts.get(3));
    JsonObject open = home.blocks.get(3).getJsonObject("accessory");
    assertEquals(HomeView.OPEN_RUN, open.getJsonObject("text").getString("text"));
    assertEquals(LINK, open.getString("url"), "the button opens the message to react on, not the channel");
    assertFalse(home.allText().contains("<#C0DEPLOYS>"), home.allText());
  }

  @Test
  void aRunSlackCouldNotLinkNamesItsChannelAndHasNoButton() {
    TrackedRun waiting = preparing("r-1", "backend");
    Rendered home = render(render(new Overview(List.of(), List.of(), List.of()),
        List.of(new PendingSignOff(waiting, "approver")), List.of(), Map.of(), NOBODYS));

    assertEquals("✍️ *backend* `v2.0.1` → *production*\nSign off as *approver* · started by <@U0ALICE> "
        + Mrkdwn.date(STARTED) + " · in <#C0DEPLOYS>", home.texts().get(3));
    assertNull(home.blocks.get(3).getJsonObject("accessory"));
  }

  @Test
  void eachRunUnderWayIsItsOwnShortItemWithOpenTheRun() {
    TrackedRun deploying = preparing("r-2", "fluxion");
    deploying = deploying.with(deploying.run().withStatus(RunStatus.DEPLOYING));
    Rendered home = render(render(new Overview(List.of(deploying), List.of(), List.of()), List.of(), List.of(),
        Map.of("r-2", LINK), NOBODYS));

    JsonObject item = home.blocks.stream()
        .filter(b -> b.getJsonObject("text") != null && b.getJsonObject("text").getString("text").contains("fluxion"))
        .findFirst().orElseThrow();
    assertEquals("🚀 *fluxion* `v2.0.1` → *production*\nDeploying · started by <@U0ALICE> 15m ago",
        item.getJsonObject("text").getString("text"));
    assertEquals(LINK, item.getJsonObject("accessory").getString("url"));
    assertFalse(home.allText().contains("r-2"), "no raw run id");
  }

  @Test
  void aLockOffersUnlockWithAConfirmOnlyToItsDeployers() {
    EnvLock lock = EnvLock.manual("fluxion", "production", "Black Friday freeze", "U0SRE", LAUNCHED);
    Overview overview = new Overview(List.of(), List.of(lock), List.of());

    Rendered deployer = render(render(overview, List.of(), List.of(), Map.of(), l -> true));
    JsonObject item = deployer.blocks.stream()
        .filter(b -> b.getJsonObject("text") != null && b.getJsonObject("text").getString("text").startsWith("🔒"))
        .findFirst().orElseThrow();
    assertEquals("🔒 *fluxion* in *production*\nLocked by <@U0SRE> 5m ago: Black Friday freeze",
        item.getJsonObject("text").getString("text"));
    JsonObject unlock = item.getJsonObject("accessory");
    assertEquals(ActionIds.HOME_UNLOCK, unlock.getString("action_id"));
    assertEquals(HomeView.UNLOCK, unlock.getJsonObject("text").getString("text"));
    assertEquals(Map.entry("fluxion", "production"), HomeView.readUnlockValue(unlock.getString("value")).orElseThrow());
    JsonObject confirm = unlock.getJsonObject("confirm");
    assertEquals("Unlock fluxion in production?", confirm.getJsonObject("title").getString("text"));
    assertEquals("Deploys can launch in fluxion in production again. Make sure the reason for the lock is settled "
        + "first.", confirm.getJsonObject("text").getString("text"));
    assertEquals("Unlock", confirm.getJsonObject("confirm").getString("text"));
    assertEquals("Keep it locked", confirm.getJsonObject("deny").getString("text"));

    Rendered other = render(render(overview, List.of(), List.of(), Map.of(), NOBODYS));
    assertTrue(other.allText().contains("🔒 *fluxion* in *production*"), other.allText());
    assertTrue(other.buttons().isEmpty(), "no Unlock for someone who may not unlock: " + other.buttons());
  }

  @Test
  void unlockValuesThatAreNotOursAreRecognised() {
    for (String value : new String[] {null, "", "backend/production", "{\"service\":\"backend\"}",
        "{\"service\":1,\"environment\":\"x\"}", "[1]"}) {
      assertTrue(HomeView.readUnlockValue(value).isEmpty(), value);
    }
  }

  @Test
  void homeShowsTheFiguresOfEachServiceAndEnvironmentOnShortLines() {
    Rendered home = render(render(new Overview(List.of(), List.of(), List.of()), List.of(),
        List.of(QUIET, BACKEND), Map.of(), NOBODYS));

    String figures = home.texts().get(home.texts().size() - 1);
    assertEquals(List.of("*Last 30 days*",
            "*backend* in *production*: 6 deploys · 40% failed (2 of 5)",
            "      lead time 30m · time to restore 32m 30s · ⚠️ 1 failure not restored yet",
            "*docs* in *preview*: 1 deploy · no finished deploys",
            "      lead time — · time to restore —"),
        figures.lines().toList(), "sorted by service and environment");
  }

  @Test
  void emptySectionsSaySoAndReleasesAreListed() {
    Release release = new Release("fluxion", "staging", "v2.0.0", null, "r-0", "U0DEV", LAUNCHED, Release.DEPLOY);

    String all = render(render(new Overview(List.of(), List.of(), List.of(release)), List.of(), List.of(), Map.of(),
        NOBODYS)).allText();

    assertTrue(all.contains("_" + HomeView.NOTHING_WAITING + "_"), all);
    assertTrue(all.contains("_" + OverviewMessage.NO_ACTIVE_RUNS + "_"), all);
    assertTrue(all.contains("_" + OverviewMessage.NO_LOCKS + "_"), all);
    assertTrue(all.contains(OverviewMessage.releaseLine(release)), all);
    assertTrue(all.contains("_" + HomeView.NO_FIGURES + "_"), all);
  }

  @Test
  void aCrowdedHomeStaysWithinSlacksHundredBlocksAndSaysWhatIsLeftOut() {
    List<TrackedRun> runs = IntStream.range(0, 400).mapToObj(i -> preparing("r-" + i, "service-" + i)).toList();
    List<PendingSignOff> waiting = runs.stream().map(run -> new PendingSignOff(run, "approver")).toList();
    List<EnvironmentFigures> figures = new ArrayList<>();
    List<EnvLock> locks = new ArrayList<>();
    List<Release> releases = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      String service = "service-" + i + "-" + "x".repeat(200);
      figures.add(new EnvironmentFigures(service, "production", 3, 3, 1, Duration.ofMinutes(i), 1, 1,
          Duration.ofMinutes(5)));
      locks.add(EnvLock.manual(service, "production", "r".repeat(300), "U0SRE", LAUNCHED));
      releases.add(new Release(service, "production", "v1", null, "r", "U0DEV", LAUNCHED, Release.DEPLOY));
    }

    Rendered home = render(render(new Overview(runs, locks, releases), waiting, figures, Map.of(), l -> true));

    assertTrue(home.blocks.size() <= HomeView.MAX_BLOCKS);
    String all = home.allText();
    assertTrue(all.contains(HomeView.WAITING_TITLE) && all.contains(HomeView.FIGURES_TITLE), "every section shows");
    assertTrue(all.contains("_…and 375 more not shown here._"), "what is cut is counted");
    home.buttons().forEach(button -> assertTrue(
        button.getJsonObject("confirm").getJsonObject("title").getString("text").length() <= 100));
  }
}
