package dev.preflight.handlers.render;

import static dev.preflight.handlers.render.Fixtures.LAUNCHED;
import static dev.preflight.handlers.render.Fixtures.STARTED;
import static dev.preflight.handlers.render.Fixtures.manual;
import static dev.preflight.handlers.render.Fixtures.needs;
import static dev.preflight.handlers.render.Fixtures.section;
import static dev.preflight.handlers.render.SlackLimits.assertWithinSlackLimits;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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

  @Test
  void homeShowsTheSignOffsWaitingForThisUserFirst() {
    TrackedRun waiting = preparing("r-1", "backend");
    Rendered home = render(HomeView.render(new Overview(List.of(waiting), List.of(), List.of()),
        List.of(new PendingSignOff(waiting, "approver")), List.of(BACKEND), NOW));

    List<String> texts = home.texts();
    assertEquals(HomeView.TITLE, texts.get(0));
    String first = texts.get(2);
    assertTrue(first.startsWith("*" + HomeView.WAITING_TITLE + "*\n"), first);
    assertEquals("✍️ *backend* `v2.0.1` → *production* · needs your sign-off as *approver* · started by <@U0ALICE> "
        + Mrkdwn.date(STARTED) + " · in <#C0DEPLOYS>", first.lines().toList().get(1));
  }

  @Test
  void homeShowsTheFiguresOfEachServiceAndEnvironment() {
    Rendered home = render(HomeView.render(new Overview(List.of(), List.of(), List.of()), List.of(),
        List.of(QUIET, BACKEND), NOW));

    String figures = home.texts().get(home.texts().size() - 1);
    assertEquals(List.of("*Last 30 days*",
            "*backend* in *production*: 6 deploys · change failure rate 40% (2 of 5) · median lead time 30m 0s"
                + " · median time to restore 32m 30s · ⚠️ 1 failure not restored yet",
            "*docs* in *preview*: 1 deploy · change failure rate — · median lead time — · median time to restore —"),
        figures.lines().toList(), "sorted by service and environment");
  }

  @Test
  void homeShowsActiveRunsLocksAndReleasesAsDeploysDoes() {
    TrackedRun deploying = preparing("r-2", "fluxion");
    deploying = deploying.with(deploying.run().withStatus(RunStatus.DEPLOYING));
    EnvLock lock = EnvLock.manual("fluxion", "production", "Black Friday freeze", "U0SRE", LAUNCHED);
    Release release = new Release("fluxion", "staging", "v2.0.0", null, "r-0", "U0DEV", LAUNCHED, Release.DEPLOY);

    String all = render(HomeView.render(new Overview(List.of(deploying), List.of(lock), List.of(release)),
        List.of(), List.of(), NOW)).allText();

    assertTrue(all.contains("_" + HomeView.NOTHING_WAITING + "_"), all);
    assertTrue(all.contains(OverviewMessage.activeLine(deploying, NOW)), all);
    assertTrue(all.contains(OverviewMessage.lockLine(lock, NOW)), all);
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

    Rendered home = render(HomeView.render(new Overview(runs, locks, releases), waiting, figures, NOW));

    assertTrue(home.blocks.size() <= HomeView.MAX_BLOCKS);
    String all = home.allText();
    assertTrue(all.contains(HomeView.WAITING_TITLE) && all.contains(HomeView.FIGURES_TITLE), "every section shows");
    assertTrue(all.matches("(?s).*_…and \\d+ more not shown here\\._.*"), "what is cut is counted");
  }
}
