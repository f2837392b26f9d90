package dev.preflight.bot.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.slack.api.bolt.App;
import com.slack.api.model.event.ReactionAddedEvent;
import dev.preflight.checklists.checklist.CheckSpec;
import dev.preflight.checklists.checklist.Checklist;
import dev.preflight.checklists.checklist.Item;
import dev.preflight.checklists.checklist.Section;
import dev.preflight.checklists.checklist.SignOffRule;
import dev.preflight.checklists.deploy.Deployment;
import dev.preflight.checklists.run.ChecklistRun;
import dev.preflight.checklists.run.RunStatus;
import dev.preflight.checklists.secret.Variables;
import dev.preflight.deploy.aws.AwsClients;
import dev.preflight.deploy.check.CheckRunner;
import dev.preflight.deploy.fake.FakeAws;
import dev.preflight.deploy.run.TrackedRun;
import dev.preflight.handlers.fake.FakeSlack;
import dev.preflight.handlers.fake.SlackRequests;
import dev.preflight.handlers.slack.SlackApi;
import dev.preflight.handlers.slack.SlackEndpoint;
import dev.preflight.handlers.slack.SlackEventLog;
import dev.preflight.handlers.slack.SlackSignature;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * {@code GET /metrics} on a real HTTP server, after real activity: checks against a local
 * health endpoint and the fake AWS, Slack calls answered 429 by the fake Slack, signed Slack
 * requests through the endpoint, and runs reaching a finished status.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class MetricsEndpointTest {

  private static final String TOKEN = "xoxb-metrics-test-token";
  private static final CheckSpec.Timing TIMING = new CheckSpec.Timing(Duration.ofSeconds(5), 0, Duration.ZERO);
  private static final Checklist CHECKLIST = new Checklist("gate", "Gate", "gate.yaml", null,
      List.of(new Section("S", List.of(new Item("a", "A", false, null)))), SignOffRule.NONE, List.of());

  private final MetricsEndpoint metrics = new MetricsEndpoint();
  private final SlackRequests requests = new SlackRequests();
  private final List<TrackedRun> reported = new ArrayList<>();
  private FakeSlack slack;
  private FakeAws aws;
  private AwsClients awsClients;
  private HttpServer health;
  private HttpServer bot;
  private WebClient client;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext ctx) {
    client = WebClient.create(vertx);
    FakeSlack.start(vertx)
        .compose(started -> {
          slack = started;
          return FakeAws.start(vertx);
        })
        .compose(started -> {
          aws = started.secret("prod/api/key", "s3cr3t-value", Instant.parse("2025-01-01T00:00:00Z"));
          awsClients = new AwsClients(Optional.of(aws.endpoint()),
              StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "dummy-secret")),
              metrics.registry());
          return vertx.createHttpServer()
              .requestHandler(request -> request.response().setStatusCode(200).end("ok"))
              .listen(0, "127.0.0.1");
        })
        .compose(server -> {
          health = server;
          return vertx.createHttpServer().requestHandler(router(vertx)).listen(0, "127.0.0.1");
        })
        .onSuccess(server -> bot = server)
        .onComplete(ctx.succeedingThenComplete());
  }

  private Router router(Vertx vertx) {
    App app = new App(SlackEndpoint.boltConfig(TOKEN, SlackApi.slack(slack.url())));
    app.command("/deploy", (request, context) -> context.ack("on it"));
    app.event(ReactionAddedEvent.class, (payload, context) -> context.ack());
    SlackEndpoint endpoint = SlackEndpoint.serving(vertx, app, new SlackSignature(SlackRequests.SIGNING_SECRET),
        new SlackEventLog() {
          @Override
          public Future<Boolean> firstSeen(String eventId) {
            return Future.succeededFuture(true);
          }

          @Override
          public Future<Void> forget(String eventId) {
            return Future.succeededFuture();
          }
        }, metrics.registry());
    Router router = Router.router(vertx);
    router.route().handler(metrics::timeRequests);
    router.post("/slack/events").handler(ctx -> ctx.request().body()
        .compose(body -> endpoint.handle(ctx.request(), body)));
    router.get("/metrics").handler(metrics::handle);
    return router;
  }

  @AfterEach
  void stop(Vertx vertx) {
    if (awsClients != null) {
      awsClients.close();
    }
    metrics.close();
  }

  @Test
  void servesEveryNamedMetricAfterItsActivity(Vertx vertx, VertxTestContext ctx) {
    CheckRunner checks = new CheckRunner(vertx, awsClients, metrics.registry());
    SlackApi api = new SlackApi(vertx, SlackApi.slack(slack.url()), TOKEN, metrics.registry());
    slack.rateLimitNext("chat.postMessage", 1);
    FinishedRuns runs = new FinishedRuns(metrics.registry(), reported::add);
    CheckSpec http = new CheckSpec.Http("GET", "http://127.0.0.1:" + health.actualPort() + "/healthz", Map.of(), null,
        List.of(200), Map.of(), null, null, TIMING);

    checks.run(http, Variables.of(Map.of()))
        .compose(evidence -> checks.run(new CheckSpec.AwsSecret("prod/api/key", FakeAws.REGION, TIMING),
            Variables.of(Map.of())))
        .compose(evidence -> api.postMessage("C0DEPLOYS", "hello", null))
        .compose(ts -> requests.slashCommand("/deploy", "api 1.2.3 to production", "U0ALICE", "C0DEPLOYS",
            slack.responseUrl("r1")).send(client, "127.0.0.1", bot.actualPort()))
        .compose(answer -> requests.eventCallback("Ev0001", new JsonObject()
                .put("type", "reaction_added").put("user", "U0ALICE").put("reaction", "eyes")
                .put("item", new JsonObject().put("type", "message").put("channel", "C0DEPLOYS").put("ts", "1.2"))
                .put("event_ts", "1.3"))
            .send(client, "127.0.0.1", bot.actualPort()))
        .compose(answer -> requests.blockAction("tick_item", "run-1:a", "U0ALICE", "C0DEPLOYS", "1.1",
            slack.responseUrl("r2")).send(client, "127.0.0.1", bot.actualPort()))
        .compose(answer -> requests.viewSubmission("deploy_modal", "U0ALICE", new JsonObject(), null)
            .send(client, "127.0.0.1", bot.actualPort()))
        .onSuccess(answer -> {
          TrackedRun deploy = run("run-1", RunStatus.FAILED, Deployment.requested("api", "production", "1.2.3"));
          runs.accept(deploy);
          runs.accept(deploy); // a later change to the same finished run is not a second finish
          runs.accept(run("run-2", RunStatus.PREPARING, null));
          runs.accept(run("run-3", RunStatus.CANCELLED, null));
        })
        .compose(v -> client.get(bot.actualPort(), "127.0.0.1", "/metrics").send())
        .onComplete(ctx.succeeding(response -> ctx.verify(() -> {
          assertEquals(200, response.statusCode());
          assertTrue(response.getHeader("Content-Type").startsWith("text/plain; version=0.0.4"),
              response.getHeader("Content-Type"));
          String text = response.bodyAsString();

          assertEquals(1.0, value(text, "preflight_check_seconds_count", "kind=\"http\"", "outcome=\"passed\""), text);
          assertEquals(1.0, value(text, "preflight_check_seconds_count", "kind=\"aws-secret\"", "outcome=\"passed\""),
              text);
          assertEquals(1.0, value(text, "preflight_aws_calls_total", "operation=\"DescribeSecret\"",
              "service=\"", "outcome=\"success\""), text);
          assertEquals(2.0, value(text, "preflight_slack_api_calls_total", "method=\"chat.postMessage\""), text);
          assertEquals(1.0, value(text, "preflight_slack_api_rate_limited_total", "method=\"chat.postMessage\""), text);
          assertEquals(1.0, value(text, "preflight_slack_ack_seconds_count", "kind=\"command\""), text);
          assertEquals(1.0, value(text, "preflight_slack_ack_seconds_count", "kind=\"event\""), text);
          assertEquals(1.0, value(text, "preflight_slack_ack_seconds_count", "kind=\"action\""), text);
          assertEquals(1.0, value(text, "preflight_slack_ack_seconds_count", "kind=\"view\""), text);
          assertTrue(text.contains("preflight_slack_ack_seconds_bucket{kind=\"command\",le="), "a histogram: " + text);
          assertEquals(1.0, value(text, "preflight_runs_finished_total", "kind=\"deploy\"", "outcome=\"FAILED\""), text);
          assertEquals(1.0, value(text, "preflight_runs_finished_total", "kind=\"checklist\"", "outcome=\"CANCELLED\""),
              text);
          assertEquals(List.of("run-1", "run-3"), reported.stream().map(TrackedRun::id).toList());
          assertEquals(List.of(), undescribed(metrics.registry()), "every meter says what it measures");
          ctx.completeNow();
        })));
  }

  @Test
  void aRunRolledBackAfterItFinishedIsCountedAndReportedAgainForItsNewStatus(Vertx vertx, VertxTestContext ctx) {
    FinishedRuns runs = new FinishedRuns(metrics.registry(), reported::add);
    Deployment deployment = Deployment.requested("api", "production", "1.2.4");

    runs.accept(run("run-4", RunStatus.SUCCEEDED, deployment));
    runs.accept(run("run-4", RunStatus.SUCCEEDED, deployment)); // its message posted
    // Hours later someone rolls it back, and the rollback fails; its end is announced twice.
    runs.accept(run("run-4", RunStatus.ROLLING_BACK, deployment));
    runs.accept(run("run-4", RunStatus.ROLLBACK_FAILED, deployment));
    runs.accept(run("run-4", RunStatus.ROLLBACK_FAILED, deployment));

    client.get(bot.actualPort(), "127.0.0.1", "/metrics").send()
        .onComplete(ctx.succeeding(response -> ctx.verify(() -> {
          String text = response.bodyAsString();
          assertEquals(1.0, value(text, "preflight_runs_finished_total", "kind=\"deploy\"", "outcome=\"SUCCEEDED\""),
              text);
          assertEquals(1.0, value(text, "preflight_runs_finished_total", "kind=\"deploy\"",
              "outcome=\"ROLLBACK_FAILED\""), text);
          assertEquals(List.of("run-4 SUCCEEDED", "run-4 ROLLBACK_FAILED"),
              reported.stream().map(r -> r.id() + " " + r.run().status()).toList(),
              "each finish handed on once, the failed rollback included");
          ctx.completeNow();
        })));
  }

  @Test
  void everyMeterOfTheJvmProcessAndHttpServerHasADescription(Vertx vertx, VertxTestContext ctx) {
    client.get(bot.actualPort(), "127.0.0.1", "/metrics").send()
        .onComplete(ctx.succeeding(response -> ctx.verify(() -> {
          List<String> names = metrics.registry().getMeters().stream().map(m -> m.getId().getName()).toList();
          for (String family : List.of("jvm.memory.used", "jvm.gc.memory.allocated", "jvm.threads.live",
              "jvm.classes.loaded", "process.cpu.usage", "process.uptime", "process.files.open",
              "http.server.requests.active", "http.server.requests")) {
            assertTrue(names.contains(family), family + " in " + names);
          }
          assertEquals(List.of(), undescribed(metrics.registry()), "every meter says what it measures");
          // The check itself: a meter made without a description is caught.
          metrics.registry().counter("preflight.test.undescribed");
          assertEquals(List.of("preflight.test.undescribed"), undescribed(metrics.registry()));
          ctx.completeNow();
        })));
  }

  @Test
  void aGaugeThatCannotBeReadDoesNotStopTheScrape(Vertx vertx, VertxTestContext ctx) {
    metrics.refreshBeforeScrape(() -> Future.failedFuture("the database is down"));
    client.get(bot.actualPort(), "127.0.0.1", "/metrics").send()
        .onComplete(ctx.succeeding(response -> ctx.verify(() -> {
          assertEquals(200, response.statusCode());
          assertTrue(response.bodyAsString().contains("jvm_memory_used_bytes"), response.bodyAsString());
          ctx.completeNow();
        })));
  }

  /** Meters without a description, by name. */
  private static List<String> undescribed(MeterRegistry registry) {
    return registry.getMeters().stream()
        .filter(meter -> meter.getId().getDescription() == null || meter.getId().getDescription().isBlank())
        .map(meter -> meter.getId().getName())
        .distinct()
        .sorted()
        .toList();
  }

  private static TrackedRun run(String id, RunStatus status, Deployment deployment) {
    ChecklistRun run = ChecklistRun.start(id, CHECKLIST, "U0ALICE", Instant.parse("2025-01-01T00:00:00Z"))
        .withStatus(status);
    return new TrackedRun(run, "C0DEPLOYS", "1.1", deployment);
  }

  /** The value of the one sample of {@code name} whose labels include every one of {@code labels}. */
  private static double value(String text, String name, String... labels) {
    Matcher matcher = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{([^}]*)} (\\S+)$").matcher(text);
    List<Double> found = new ArrayList<>();
    while (matcher.find()) {
      String sampleLabels = matcher.group(1);
      if (List.of(labels).stream().allMatch(sampleLabels::contains)) {
        found.add(Double.parseDouble(matcher.group(2)));
      }
    }
    assertEquals(1, found.size(), () -> "one sample of " + name + " " + List.of(labels) + " in:\n" + text);
    return found.get(0);
  }
}
