package dev.preflight.handlers.home;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.preflight.checklists.checklist.Checklist;
import dev.preflight.checklists.checklist.Item;
import dev.preflight.checklists.checklist.Section;
import dev.preflight.checklists.checklist.SignOffRule;
import dev.preflight.checklists.config.PreflightConfig;
import dev.preflight.checklists.config.Role;
import dev.preflight.checklists.config.Service;
import dev.preflight.checklists.deploy.AbortRule;
import dev.preflight.checklists.deploy.Deployment;
import dev.preflight.checklists.deploy.EnvLock;
import dev.preflight.checklists.deploy.Verification;
import dev.preflight.checklists.run.ChecklistRun;
import dev.preflight.checklists.run.RunStatus;
import dev.preflight.deploy.run.Overview;
import dev.preflight.deploy.run.TrackedRun;
import dev.preflight.deploy.stats.EnvironmentFigures;
import dev.preflight.deploy.stats.PendingSignOff;
import dev.preflight.handlers.ActionIds;
import dev.preflight.handlers.Roles;
import dev.preflight.handlers.command.SlackHarness;
import dev.preflight.handlers.render.HomeView;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The Home tab as Slack asks for it and as it is kept current: a signed {@code app_home_opened}
 * event through the endpoint into Bolt, the view published to the fake Slack, and the tab
 * republished, at most once per gap, for the visitors a run or lock change concerns.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class HomeOpenedTest {

  private static final String APPROVER = "U0APPROVER";
  private static final String DEPLOYER = "U0DEPLOYER";
  private static final String NOBODY = "U0NOBODY";
  private static final String STRANGER = "U0STRANGER";
  private static final Instant STARTED = Instant.parse("2024-06-29T09:00:00Z");
  private static final Duration GAP = Duration.ofSeconds(3);

  private final PreflightConfig config = new PreflightConfig("preflight.yaml",
      PreflightConfig.DEFAULT_SIGN_OFF_REACTION, Map.of(
          "approver", new Role("approver", List.of(APPROVER), List.of()),
          "deployer", new Role("deployer", List.of(DEPLOYER), List.of())),
      Map.of(), Map.of("backend", new Service("backend", Map.of("production",
          new Service.Environment("production", "release", null, List.of("deployer"), false, null, Verification.NONE, AbortRule.DEFAULT)))),
      Map.of());
  private final List<String> visitors = new CopyOnWriteArrayList<>();
  private final List<EnvLock> locks = new CopyOnWriteArrayList<>();
  private volatile TrackedRun waiting;
  private SlackHarness harness;
  private HomeRefresher refresher;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext test) {
    Checklist checklist = new Checklist("release", "Release checklist", "checklists/release.yaml", null,
        List.of(new Section("Before", List.of(new Item("backup", "Backup taken", true, null)))),
        new SignOffRule(List.of(new SignOffRule.SignOffRequirement("approver", 1)), false), List.of());
    waiting = new TrackedRun(ChecklistRun.start("r-1", checklist, "U0ALICE", STARTED), "C0DEPLOYS",
        "1700000000.000100", Deployment.requested("backend", "production", "v1.4.2"));
    HomeFacts facts = new HomeFacts() {
      @Override
      public Future<Overview> overview() {
        return Future.succeededFuture(new Overview(List.of(waiting), List.copyOf(locks), List.of()));
      }

      @Override
      public Future<List<PendingSignOff>> pendingSignOffs(Set<String> rolesOfUser, String userId) {
        boolean open = waiting.run().status() == RunStatus.PREPARING;
        return Future.succeededFuture(open && rolesOfUser.contains("approver")
            ? List.of(new PendingSignOff(waiting, "approver")) : List.of());
      }

      @Override
      public Future<List<EnvironmentFigures>> figures() {
        return Future.succeededFuture(List.of(new EnvironmentFigures("backend", "production", 4, 4, 1,
            Duration.ofMinutes(20), 1, 1, Duration.ofMinutes(7))));
      }

      @Override
      public Future<Void> opened(String userId, Instant at) {
        if (!visitors.contains(userId)) {
          visitors.add(userId);
        }
        return Future.succeededFuture();
      }

      @Override
      public Future<List<String>> visitors() {
        return Future.succeededFuture(List.copyOf(visitors));
      }
    };
    SlackHarness.start(vertx, setup -> {
      Roles roles = new Roles(config, setup.slack(), Clock.systemUTC());
      HomeTab tab = new HomeTab(config, facts, roles, setup.slack(), Clock.systemUTC());
      refresher = new HomeRefresher(config, facts, roles, tab, vertx.getOrCreateContext(), GAP);
      new HomeOpened(facts, refresher, Clock.systemUTC(), vertx.getOrCreateContext()).register(setup.app());
    }).onComplete(test.succeeding(started -> {
      harness = started;
      test.completeNow();
    }));
  }

  @AfterEach
  void stop(VertxTestContext test) {
    harness.close().onComplete(test.succeedingThenComplete());
  }

  @Test
  void openingHomePublishesTheSignOffsWaitingForThatUserLinkedToTheRunsMessage(VertxTestContext test) {
    open("Ev0HOME1", APPROVER, "home")
        .compose(v -> harness.fake.awaitCall("views.publish"))
        .onComplete(test.succeeding(call -> test.verify(() -> {
          assertEquals(APPROVER, call.getString("user_id"));
          JsonObject view = call.getJsonObject("view");
          assertEquals("home", view.getString("type"));
          String text = texts(view);
          assertTrue(text.contains("*" + HomeView.WAITING_TITLE + "*\n✍️ *backend* `v1.4.2` → *production*\n"
              + "Sign off as *approver* · started by <@U0ALICE>"), text);
          assertFalse(text.contains("reopen"), text);
          JsonObject button = button(view, ActionIds.HOME_OPEN_RUN);
          assertEquals("https://fake.slack/archives/C0DEPLOYS/p1700000000000100", button.getString("url"),
              "the permalink Slack gave for the run's message");
          assertEquals(List.of(APPROVER), visitors, "the opening is remembered");
          test.completeNow();
        })));
  }

  @Test
  void theMessagesTabPublishesNothingAndAUserWithoutRolesIsAskedForNothing(VertxTestContext test) {
    open("Ev0MSGS1", APPROVER, "messages")
        .compose(ignored -> open("Ev0HOME2", NOBODY, "home"))
        .compose(response -> harness.fake.awaitCall("views.publish"))
        .onComplete(test.succeeding(call -> test.verify(() -> {
          assertEquals(NOBODY, call.getString("user_id"));
          assertTrue(texts(call.getJsonObject("view")).contains("_" + HomeView.NOTHING_WAITING + "_"));
          assertEquals(1, harness.fake.calls("views.publish").size(), "the messages tab was acked and left alone");
          assertEquals(List.of(NOBODY), visitors);
          test.completeNow();
        })));
  }

  @Test
  void aRunChangeRepublishesTheTabsOfTheVisitorsItConcernsOnly(VertxTestContext test) {
    open("Ev0HOME3", APPROVER, "home")
        .compose(v -> open("Ev0HOME4", NOBODY, "home"))
        .compose(v -> harness.fake.awaitCall("views.publish", call -> NOBODY.equals(call.getString("user_id"))))
        .compose(v -> harness.fake.awaitCall("views.publish", call -> APPROVER.equals(call.getString("user_id"))))
        .compose(v -> {
          // The run launches: it no longer waits for the approver, and shows as deploying.
          waiting = waiting.with(waiting.run().withStatus(RunStatus.DEPLOYING));
          refresher.runChanged(waiting);
          return refresher.drain();
        })
        .onComplete(test.succeeding(v -> test.verify(() -> {
          List<JsonObject> approver = publishesOf(APPROVER);
          assertEquals(2, approver.size(), "opened, then the change");
          String text = texts(approver.get(1).getJsonObject("view"));
          assertTrue(text.contains("_" + HomeView.NOTHING_WAITING + "_"), text);
          assertTrue(text.contains("🚀 *backend* `v1.4.2` → *production*\nDeploying"), text);
          assertEquals(1, publishesOf(NOBODY).size(), "the run is nothing to someone without a role in it");
          assertEquals(0, publishesOf(STRANGER).size());
          test.completeNow();
        })));
  }

  @Test
  void twoChangesWithinTheGapPublishOnceMoreWithTheLatestState(VertxTestContext test) {
    open("Ev0HOME5", APPROVER, "home")
        .compose(v -> harness.fake.awaitCall("views.publish"))
        .compose(v -> {
          waiting = waiting.with(waiting.run().withStatus(RunStatus.READY));
          refresher.runChanged(waiting);
          waiting = waiting.with(waiting.run().withStatus(RunStatus.DEPLOYING));
          refresher.runChanged(waiting);
          return refresher.drain();
        })
        .onComplete(test.succeeding(v -> test.verify(() -> {
          List<JsonObject> published = publishesOf(APPROVER);
          assertEquals(2, published.size(), "the opening, then one publish for both changes");
          String latest = texts(published.get(1).getJsonObject("view"));
          assertTrue(latest.contains("\nDeploying · "), latest);
          assertFalse(latest.contains("\nReady · "), latest);
          test.completeNow();
        })));
  }

  @Test
  void aLockChangeRepublishesTheTabsOfTheServicesDeployersWithUnlock(VertxTestContext test) {
    open("Ev0HOME6", DEPLOYER, "home")
        .compose(v -> open("Ev0HOME7", APPROVER, "home"))
        .compose(v -> harness.fake.awaitCall("views.publish", call -> DEPLOYER.equals(call.getString("user_id"))))
        .compose(v -> harness.fake.awaitCall("views.publish", call -> APPROVER.equals(call.getString("user_id"))))
        .compose(v -> {
          locks.add(EnvLock.manual("backend", "production", "DB migration", "U0SRE", Instant.now()));
          refresher.lockChanged("backend", "production");
          return refresher.drain();
        })
        .onComplete(test.succeeding(v -> test.verify(() -> {
          List<JsonObject> deployer = publishesOf(DEPLOYER);
          assertEquals(2, deployer.size());
          JsonObject view = deployer.get(1).getJsonObject("view");
          assertTrue(texts(view).contains("🔒 *backend* in *production*\nLocked by <@U0SRE>"), texts(view));
          JsonObject unlock = button(view, ActionIds.HOME_UNLOCK);
          assertEquals("Unlock backend in production?",
              unlock.getJsonObject("confirm").getJsonObject("title").getString("text"));
          assertEquals(1, publishesOf(APPROVER).size(), "not a deployer of backend: not republished");
          test.completeNow();
        })));
  }

  private Future<Void> open(String eventId, String user, String tab) {
    return harness.send(harness.requests.eventCallback(eventId, homeOpened(user, tab))).compose(response ->
        response.statusCode() == 200 ? Future.succeededFuture()
            : Future.failedFuture("app_home_opened answered " + response.statusCode()));
  }

  private List<JsonObject> publishesOf(String user) {
    return harness.fake.calls("views.publish").stream().filter(call -> user.equals(call.getString("user_id")))
        .toList();
  }

  /** Slack's sample event (shared/slack-samples/app_home_opened_event.json), for this user and tab. */
  private static final String APP_HOME_OPENED = """
      {
        "type": "app_home_opened",
        "user": "U123ABC456",
        "channel": "D123ABC456",
        "event_ts": "1515449522000016",
        "tab": "home",
        "view": {
          "id": "V123ABC456", "team_id": "T123ABC456", "type": "home", "blocks": [],
          "private_metadata": "", "callback_id": "", "hash": "1231232323.12321312",
          "clear_on_close": false, "notify_on_close": false, "root_view_id": "V123ABC456",
          "app_id": "A123ABC456", "external_id": "", "app_installed_team_id": "T123ABC456",
          "bot_id": "B123ABC456"
        }
      }
      """;

  private static JsonObject homeOpened(String user, String tab) {
    return new JsonObject(APP_HOME_OPENED).put("user", user).put("tab", tab);
  }

  /** The first button {@code actionId} in the view: the topmost item's. */
  private static JsonObject button(JsonObject view, String actionId) {
    List<JsonObject> found = new ArrayList<>();
    view.getJsonArray("blocks").stream().map(JsonObject.class::cast)
        .map(block -> block.getJsonObject("accessory"))
        .filter(accessory -> accessory != null && actionId.equals(accessory.getString("action_id")))
        .forEach(found::add);
    assertFalse(found.isEmpty(), "a " + actionId + " button in " + view.encode());
    return found.get(0);
  }

  private static String texts(JsonObject view) {
    return view.getJsonArray("blocks").stream().map(JsonObject.class::cast)
        .map(block -> block.getJsonObject("text"))
        .filter(text -> text != null)
        .map(text -> text.getString("text"))
        .collect(Collectors.joining("\n"));
  }
}
