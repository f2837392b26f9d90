package dev.preflight.handlers.home;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.preflight.checklists.checklist.Checklist;
import dev.preflight.checklists.checklist.Item;
import dev.preflight.checklists.checklist.Section;
import dev.preflight.checklists.checklist.SignOffRule;
import dev.preflight.checklists.config.PreflightConfig;
import dev.preflight.checklists.config.Role;
import dev.preflight.checklists.deploy.Deployment;
import dev.preflight.checklists.run.ChecklistRun;
import dev.preflight.deploy.run.Overview;
import dev.preflight.deploy.run.TrackedRun;
import dev.preflight.deploy.stats.EnvironmentFigures;
import dev.preflight.deploy.stats.PendingSignOff;
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
 * The Home tab as Slack asks for it: a signed {@code app_home_opened} event through the endpoint
 * into Bolt, and the view published to the fake Slack, for a user whose role (from the config)
 * opens a sign-off.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class HomeOpenedTest {

  private static final String APPROVER = "U0APPROVER";
  private static final String NOBODY = "U0NOBODY";
  private static final Instant STARTED = Instant.parse("2024-06-29T09:00:00Z");

  private final PreflightConfig config = new PreflightConfig("preflight.yaml",
      PreflightConfig.DEFAULT_SIGN_OFF_REACTION, Map.of("approver", new Role("approver", List.of(APPROVER), List.of())),
      Map.of(), Map.of(), Map.of());
  private final List<Set<String>> rolesAsked = new CopyOnWriteArrayList<>();
  private SlackHarness harness;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext test) {
    Checklist checklist = new Checklist("release", "Release checklist", "checklists/release.yaml", null,
        List.of(new Section("Before", List.of(new Item("backup", "Backup taken", true, null)))),
        new SignOffRule(List.of(new SignOffRule.SignOffRequirement("approver", 1)), false), List.of());
    TrackedRun waiting = new TrackedRun(ChecklistRun.start("r-1", checklist, "U0ALICE", STARTED), "C0DEPLOYS",
        "1700000000.000100", Deployment.requested("backend", "production", "v1.4.2"));
    HomeFacts facts = new HomeFacts() {
      @Override
      public Future<Overview> overview() {
        return Future.succeededFuture(new Overview(List.of(waiting), List.of(), List.of()));
      }

      @Override
      public Future<List<PendingSignOff>> pendingSignOffs(Set<String> rolesOfUser, String userId) {
        rolesAsked.add(rolesOfUser);
        return Future.succeededFuture(rolesOfUser.contains("approver")
            ? List.of(new PendingSignOff(waiting, "approver")) : List.of());
      }

      @Override
      public Future<List<EnvironmentFigures>> figures() {
        return Future.succeededFuture(List.of(new EnvironmentFigures("backend", "production", 4, 4, 1,
            Duration.ofMinutes(20), 1, 1, Duration.ofMinutes(7))));
      }
    };
    SlackHarness.start(vertx, setup -> new HomeOpened(facts, new Roles(config, setup.slack(), Clock.systemUTC()),
            setup.slack(), Clock.systemUTC(), vertx.getOrCreateContext()).register(setup.app()))
        .onComplete(test.succeeding(started -> {
          harness = started;
          test.completeNow();
        }));
  }

  @AfterEach
  void stop(VertxTestContext test) {
    harness.close().onComplete(test.succeedingThenComplete());
  }

  @Test
  void openingHomePublishesAHomeViewWithTheSignOffsWaitingForThatUser(VertxTestContext test) {
    harness.send(harness.requests.eventCallback("Ev0HOME1", homeOpened(APPROVER, "home")))
        .compose(response -> {
          test.verify(() -> assertEquals(200, response.statusCode()));
          return harness.fake.awaitCall("views.publish");
        })
        .onComplete(test.succeeding(call -> test.verify(() -> {
          assertEquals(APPROVER, call.getString("user_id"));
          JsonObject view = call.getJsonObject("view");
          assertEquals("home", view.getString("type"));
          String text = texts(view);
          assertTrue(text.contains("*" + HomeView.WAITING_TITLE + "*\n✍️ *backend* `v1.4.2` → *production* · "
              + "needs your sign-off as *approver*"), text);
          assertTrue(text.contains("*backend* in *production*: 4 deploys · change failure rate 25% (1 of 4)"), text);
          assertEquals(List.of(Set.of("approver")), rolesAsked, "the roles come from the config");
          test.completeNow();
        })));
  }

  @Test
  void theMessagesTabPublishesNothingAndAUserWithoutRolesIsAskedForNothing(VertxTestContext test) {
    harness.send(harness.requests.eventCallback("Ev0MSGS1", homeOpened(APPROVER, "messages")))
        .compose(ignored -> harness.send(harness.requests.eventCallback("Ev0HOME2", homeOpened(NOBODY, "home"))))
        .compose(response -> harness.fake.awaitCall("views.publish"))
        .onComplete(test.succeeding(call -> test.verify(() -> {
          assertEquals(NOBODY, call.getString("user_id"));
          assertTrue(texts(call.getJsonObject("view")).contains("_" + HomeView.NOTHING_WAITING + "_"));
          assertEquals(1, harness.fake.calls("views.publish").size(), "the messages tab was acked and left alone");
          test.completeNow();
        })));
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

  private static String texts(JsonObject view) {
    return view.getJsonArray("blocks").stream().map(JsonObject.class::cast)
        .map(block -> block.getJsonObject("text"))
        .filter(text -> text != null)
        .map(text -> text.getString("text"))
        .collect(Collectors.joining("\n"));
  }
}
