package dev.preflight.bot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.preflight.checklists.alert.AlertRoute;
import dev.preflight.checklists.checklist.Checklist;
import dev.preflight.checklists.checklist.Item;
import dev.preflight.checklists.checklist.Section;
import dev.preflight.checklists.checklist.SignOffRule;
import dev.preflight.checklists.config.PreflightConfig;
import dev.preflight.checklists.config.Role;
import dev.preflight.checklists.config.Service;
import dev.preflight.checklists.deploy.AbortRule;
import dev.preflight.checklists.deploy.Target;
import dev.preflight.checklists.deploy.Verification;
import dev.preflight.checklists.run.Evidence;
import dev.preflight.checklists.secret.Variables;
import dev.preflight.deploy.TestDatabase;
import dev.preflight.deploy.alert.AlertParsers;
import dev.preflight.deploy.alert.AlertSamples;
import dev.preflight.deploy.alert.AlertStore;
import dev.preflight.deploy.run.ChecklistRuns;
import dev.preflight.deploy.run.DeployRuns;
import dev.preflight.deploy.run.DeploymentStore;
import dev.preflight.deploy.run.RunRepository;
import dev.preflight.handlers.Replies;
import dev.preflight.handlers.Roles;
import dev.preflight.handlers.alert.AlertActions;
import dev.preflight.handlers.alert.AlertPoster;
import dev.preflight.handlers.command.DeployReplies;
import dev.preflight.handlers.command.SlackHarness;
import dev.preflight.handlers.fake.FakeSlack;
import dev.preflight.handlers.slack.SlackApi;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code POST /alerts/:source} over real HTTP, with the real parsers, PostgreSQL, the fake
 * Slack Web API, and the Rollback button reached through a signed block action.
 */
@ExtendWith(VertxExtension.class)
class AlertsEndpointTest {

  private static final String TOKEN = "alerts-test-token";
  private static final String ALERTS = "C0ALERTS01";
  private static final String SAMPLE_SUBSCRIBE_HOST = "sns.eu-west-1.amazonaws.com";

  private Vertx vertx;
  private TestDatabase database;
  private Pool pool;
  private DeployRuns deploys;
  private SlackHarness slack;
  private HttpServer server;
  private WebClient client;
  private final List<String> confirmations = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    this.vertx = vertx;
    database = TestDatabase.create();
    pool = PgBuilder.pool().connectingTo(database.connectOptions()).using(vertx).build();
    PreflightConfig config = config();
    RunRepository repository = new RunRepository(pool, config::checklist);
    ChecklistRuns runs = new ChecklistRuns(vertx, repository, spec -> Future.succeededFuture(
        Evidence.failure("unused", null, 1)), config::checklist, Clock.systemUTC());
    deploys = new DeployRuns(vertx, config, runs, repository, target -> null,
        (verification, placeholders, onResult, aborted) -> Future.succeededFuture(List.of()),
        Variables.of(Map.of()), Clock.systemUTC(), Duration.ofSeconds(30));
    var loop = vertx.getOrCreateContext();
    AlertPoster[] posters = new AlertPoster[1];
    slack = await(SlackHarness.start(vertx, setup -> {
      posters[0] = new AlertPoster(config, new AlertStore(pool), new DeploymentStore(pool)::releases, setup.slack());
      new AlertActions(deploys, new Roles(config, setup.slack(), Clock.systemUTC()),
          new DeployReplies(new Replies(setup.slack()), setup.slack()), setup.slack(), loop, posters[0])
          .register(setup.app());
    }));
    AlertPoster poster = posters[0];
    client = WebClient.create(vertx);
    AlertsEndpoint local = new AlertsEndpoint(TOKEN, AlertParsers.standard(), poster, client,
        url -> "127.0.0.1".equals(url.getHost()), Duration.ofSeconds(5));
    AlertsEndpoint production = new AlertsEndpoint(TOKEN, AlertParsers.standard(), poster, client);
    AlertsEndpoint disabled = new AlertsEndpoint(null, AlertParsers.standard(), poster, client);
    // A Slack client that gives up after two attempts, so a lasting Slack failure is seen quickly.
    SlackApi impatient = new SlackApi(vertx, SlackApi.slack(slack.fake.url()), SlackHarness.BOT_TOKEN, 2,
        new CompositeMeterRegistry());
    AlertsEndpoint quick = new AlertsEndpoint(TOKEN, AlertParsers.standard(),
        new AlertPoster(config, new AlertStore(pool), new DeploymentStore(pool)::releases, impatient), client);
    Router router = Router.router(vertx);
    router.post("/alerts/:source").handler(local::handle);
    router.post("/impatient/alerts/:source").handler(quick::handle);
    router.post("/production/alerts/:source").handler(production::handle);
    router.post("/disabled/alerts/:source").handler(disabled::handle);
    router.get("/sns/confirm").handler(ctx -> {
      confirmations.add(ctx.request().getParam("Token"));
      ctx.response().putHeader("Content-Type", "text/xml").end("<ConfirmSubscriptionResponse/>");
    });
    server = await(vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"));
    await(pool.query("insert into releases (service, environment, version, released_by, released_at, kind) "
        + "values ('api', 'prod', 'v1.4.2', 'U0SHIPPER', now() - interval '20 minutes', 'deploy')").execute());
  }

  @AfterEach
  void stop() throws Exception {
    deploys.close();
    client.close();
    await(server.close());
    await(slack.close());
    await(pool.close());
  }

  private static PreflightConfig config() {
    Service.Environment prod = new Service.Environment("prod", "gate", "deploys", List.of("deployer"), false,
        new Target.Command(List.of("deploy.sh"), List.of("deploy.sh", "rollback"), Map.of(), null,
            Duration.ofMinutes(1)),
        Verification.NONE, AbortRule.DEFAULT, "alerts", null);
    return new PreflightConfig("preflight.yaml", "white_check_mark",
        Map.of("deployer", new Role("deployer", List.of("U0DEPLOYER"), List.of())),
        Map.of("deploys", "C0DEPLOYS1", "alerts", ALERTS),
        Map.of("api", new Service("api", Map.of("prod", prod)),
            // No channel of its own, nor an alertChannel: its runs and alerts go to its checklist's.
            "backend", new Service("backend", Map.of("staging", new Service.Environment("staging", "klk", null)))),
        Map.of("klk", new Checklist("klk", "KLK", "klk.yaml", "deploys",
            List.of(new Section("S", List.of(new Item("a", "A", false, null)))), SignOffRule.NONE, List.of())),
        List.of(new AlertRoute("alertmanager", Map.of("service", "api", "env", "prod"), "api", "prod", null),
            new AlertRoute("cloudwatch", Map.of("alarmName", "api-prod-5xx"), "api", "prod", null),
            new AlertRoute("sentry", Map.of("environment", "prod", "project", "1"), "api", "prod", null),
            new AlertRoute("sentry", Map.of("project", "front-end"), "api", "prod", null)));
  }

  // Authentication and refusals

  @Test
  void withoutAlertsTokenWebhooksAreOffAndSayWhy() throws Exception {
    HttpResponse<Buffer> response = post("/disabled/alerts/generic", TOKEN, AlertSamples.read("generic-firing.json"));
    assertEquals(404, response.statusCode());
    assertTrue(response.bodyAsString().contains("ALERTS_TOKEN is not set"), response.bodyAsString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"alertmanager-firing.json", "cloudwatch-alarm.json", "sentry-event-alert.json",
      "generic-firing.json"})
  void aWrongOrMissingTokenIs401AndPostsNothing(String sample) throws Exception {
    String source = sample.startsWith("sentry") ? "sentry" : sample.substring(0, sample.indexOf('-'));
    assertEquals(401, post("/alerts/" + source, "not-the-token", AlertSamples.read(sample)).statusCode());
    assertEquals(401, post("/alerts/" + source, null, AlertSamples.read(sample)).statusCode());
    assertTrue(slack.fake.calls("chat.postMessage").isEmpty());
  }

  @ParameterizedTest
  @ValueSource(strings = {"alertmanager", "cloudwatch", "sentry", "generic"})
  void aMalformedBodyIs400WithTheReasonAndPostsNothing(String source) throws Exception {
    HttpResponse<Buffer> response = post("/alerts/" + source, TOKEN, "{\"hello\": ");
    assertEquals(400, response.statusCode());
    assertTrue(response.bodyAsJsonObject().getString("error").startsWith("the body is not JSON"),
        response.bodyAsString());
    HttpResponse<Buffer> wrongShape = post("/alerts/" + source, TOKEN, "{\"hello\": \"world\"}");
    assertEquals(400, wrongShape.statusCode());
    assertTrue(wrongShape.bodyAsJsonObject().getString("error").contains("missing"), wrongShape.bodyAsString());
    assertTrue(slack.fake.calls("chat.postMessage").isEmpty());
  }

  @Test
  void anUnknownSourceIs400() throws Exception {
    HttpResponse<Buffer> response = post("/alerts/nagios", TOKEN, "{}");
    assertEquals(400, response.statusCode());
    assertTrue(response.bodyAsString().contains("alertmanager, cloudwatch, sentry, generic"), response.bodyAsString());
  }

  @Test
  void basicAuthWithTheTokenAsPasswordIsAcceptedForSns() throws Exception {
    // SNS sends the credentials of its subscription URL only when challenged for Basic auth.
    HttpResponse<Buffer> challenge = post("/alerts/cloudwatch", null, AlertSamples.read("cloudwatch-alarm.json"));
    assertEquals(401, challenge.statusCode());
    assertEquals("Basic realm=\"preflight\"", challenge.getHeader("WWW-Authenticate"));
    String basic = "Basic " + Base64.getEncoder().encodeToString(("sns:" + TOKEN).getBytes());
    HttpResponse<Buffer> response = client.post(server.actualPort(), "127.0.0.1", "/alerts/cloudwatch")
        .putHeader("Authorization", basic)
        .sendBuffer(Buffer.buffer(AlertSamples.read("cloudwatch-alarm.json")))
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    assertEquals(200, response.statusCode(), response.bodyAsString());
  }

  @Test
  void anAlertNoRouteClaimsIsAcceptedWith202AndPostsNothing() throws Exception {
    HttpResponse<Buffer> response = post("/alerts/generic", TOKEN, "{\"key\": \"k1\", \"summary\": \"disk full\"}");
    assertEquals(202, response.statusCode());
    assertEquals("no route", response.bodyAsJsonObject().getString("status"));
    assertTrue(slack.fake.calls("chat.postMessage").isEmpty());
  }

  // Each source, firing and resolved

  @Test
  void alertmanagerFiringPostsEachAlertBesideTheLastReleaseAndResolvedMarksIt() throws Exception {
    HttpResponse<Buffer> firing = post("/alerts/alertmanager", TOKEN, AlertSamples.read("alertmanager-firing.json"));
    assertEquals(200, firing.statusCode(), firing.bodyAsString());
    List<JsonObject> posted = slack.fake.messages(ALERTS);
    assertEquals(2, posted.size(), "one message per alert of the group");
    JsonObject probe = posted.stream().filter(m -> text(m).contains("BlackBox Probe Failure")).findFirst().orElseThrow();
    String shown = text(probe);
    assertTrue(shown.contains(":rotating_light:"), shown);
    assertTrue(shown.contains("has been down for over 5m"), shown);
    assertTrue(shown.contains("https://runbooks.example.org/probe-failure|Runbook"), shown);
    assertTrue(shown.contains("*Last release:* `v1.4.2` by <@U0SHIPPER>"), shown);
    assertTrue(shown.contains("`v1.4.2` shipped 20m before this fired"), shown);
    assertTrue(shown.contains("Critical · *api in prod* · Alertmanager"), shown);
    assertFalse(shown.contains(AlertActions.ROLLBACK),
        "v1.4.2 was not deployed by a Preflight run: there is no run to roll back, so no button");
    JsonObject warning = posted.stream().filter(m -> m != probe).findFirst().orElseThrow();
    assertTrue(text(warning).contains("Warning · *api in prod* · Alertmanager"), text(warning));

    HttpResponse<Buffer> resolved = post("/alerts/alertmanager", TOKEN,
        AlertSamples.read("alertmanager-resolved.json"));
    assertEquals(200, resolved.statusCode());
    assertEquals("updated", resolved.bodyAsJsonObject().getJsonArray("alerts").getJsonObject(0).getString("outcome"));
    JsonObject after = slack.fake.message(ALERTS, probe.getString("ts")).orElseThrow();
    assertTrue(text(after).contains("*Resolved:*"), text(after));
    assertTrue(text(after).contains("Fired once"), "the history stays");
    assertFalse(text(after).contains(AlertActions.ROLLBACK), "a resolved alert offers no rollback");
    assertEquals(2, slack.fake.calls("chat.postMessage").size(), "resolving posts nothing new");
  }

  @Test
  void cloudwatchAlarmPostsAndOkResolvesTheSameMessage() throws Exception {
    assertEquals(200, post("/alerts/cloudwatch", TOKEN, AlertSamples.read("cloudwatch-alarm.json")).statusCode());
    JsonObject alarm = single();
    assertTrue(alarm.getString("text").startsWith("Critical: api-prod-5xx (api in prod)"), text(alarm));
    assertTrue(text(alarm).contains(":rotating_light: *api-prod-5xx*"), text(alarm));
    assertTrue(text(alarm).contains("Threshold Crossed"), text(alarm));
    assertEquals(200, post("/alerts/cloudwatch", TOKEN, AlertSamples.read("cloudwatch-ok.json")).statusCode());
    assertTrue(text(slack.fake.message(ALERTS, alarm.getString("ts")).orElseThrow())
        .contains(":white_check_mark: *Resolved:* ~api-prod-5xx~"));
    assertEquals(1, slack.fake.calls("chat.postMessage").size());
  }

  @Test
  void anAlarmResolvedAfterInsufficientDataDoesNotReadAsStillInAState() throws Exception {
    String alarm = AlertSamples.read("cloudwatch-alarm.json");
    assertEquals(200, post("/alerts/cloudwatch", TOKEN, alarm).statusCode());
    assertEquals(200, post("/alerts/cloudwatch", TOKEN,
        alarm.replace("\\\"NewStateValue\\\": \\\"ALARM\\\"", "\\\"NewStateValue\\\": \\\"INSUFFICIENT_DATA\\\"")).statusCode());
    assertEquals(200, post("/alerts/cloudwatch", TOKEN, AlertSamples.read("cloudwatch-ok.json")).statusCode());

    JsonObject resolved = single();
    assertTrue(resolved.getString("text").startsWith("Resolved: api-prod-5xx (api in prod)"), text(resolved));
    assertTrue(text(resolved).contains("*Resolved:* ~api-prod-5xx~"), text(resolved));
    assertTrue(text(resolved).contains("Fired 2 times"), text(resolved));
    assertFalse(text(resolved).contains("INSUFFICIENT_DATA"), text(resolved));
  }

  @Test
  void sentryIssueAlertPostsAndTheIssueResolutionResolvesIt() throws Exception {
    assertEquals(200, post("/alerts/sentry", TOKEN, AlertSamples.read("sentry-event-alert.json")).statusCode());
    JsonObject issue = single();
    assertTrue(text(issue).contains("ReferenceError: heck is not defined"), text(issue));
    assertTrue(text(issue).contains("Sentry event"), text(issue));
    assertEquals(200, post("/alerts/sentry", TOKEN, AlertSamples.read("sentry-issue-resolved.json")).statusCode());
    assertTrue(text(slack.fake.message(ALERTS, issue.getString("ts")).orElseThrow()).contains("*Resolved:*"));
  }

  @Test
  void genericAlertNamingItsServiceAndEnvironmentRoutesItself() throws Exception {
    HttpResponse<Buffer> response = post("/alerts/generic", TOKEN, AlertSamples.read("generic-firing.json"));
    assertEquals(200, response.statusCode());
    assertEquals("posted", response.bodyAsJsonObject().getJsonArray("alerts").getJsonObject(0).getString("outcome"));
    assertTrue(text(single()).contains("Nightly backup of the api database failed"));
  }

  // Grouping

  @Test
  void threeRepeatsArrivingTogetherPostOnceAndTheMessageCountsThree() throws Exception {
    String body = AlertSamples.read("generic-firing.json");
    List<Future<HttpResponse<Buffer>>> sent = List.of(send("/alerts/generic", TOKEN, body),
        send("/alerts/generic", TOKEN, body), send("/alerts/generic", TOKEN, body));
    for (Future<HttpResponse<Buffer>> one : sent) {
      assertEquals(200, await(one).statusCode());
    }
    assertEquals(1, slack.fake.calls("chat.postMessage").size(), "repeats never post twice");
    JsonObject message = single();
    assertTrue(text(message).contains("Fired 3 times"), text(message));
    assertFalse(slack.fake.calls("chat.update").isEmpty(), "repeats edit the message");

    assertEquals(200, post("/alerts/generic", TOKEN, body).statusCode());
    assertTrue(text(slack.fake.message(ALERTS, message.getString("ts")).orElseThrow()).contains("Fired 4 times"));
    assertEquals(1, slack.fake.calls("chat.postMessage").size());
  }

  // SNS subscription handshake

  @Test
  void snsSubscriptionConfirmationVisitsTheSubscribeUrlAndPostsNothing() throws Exception {
    JsonObject confirmation = new JsonObject(AlertSamples.read("sns-subscription-confirmation.json"));
    confirmation.put("SubscribeURL", "http://127.0.0.1:" + server.actualPort() + "/sns/confirm?Token=tok-123");
    HttpResponse<Buffer> response = post("/alerts/cloudwatch", TOKEN, confirmation.encode());
    assertEquals(200, response.statusCode(), response.bodyAsString());
    assertEquals(List.of("tok-123"), confirmations);
    assertTrue(slack.fake.calls("chat.postMessage").isEmpty());
  }

  @Test
  void inProductionOnlyAnSnsHttpsUrlIsVisited() throws Exception {
    JsonObject confirmation = new JsonObject(AlertSamples.read("sns-subscription-confirmation.json"));
    confirmation.put("SubscribeURL", "http://127.0.0.1:" + server.actualPort() + "/sns/confirm?Token=tok-123");
    HttpResponse<Buffer> response = post("/production/alerts/cloudwatch", TOKEN, confirmation.encode());
    assertEquals(400, response.statusCode());
    assertTrue(response.bodyAsString().contains("not an Amazon SNS https URL"), response.bodyAsString());
    assertTrue(confirmations.isEmpty());
    assertTrue(AlertsEndpoint.isSnsUrl(URI.create(
        new JsonObject(AlertSamples.read("sns-subscription-confirmation.json")).getString("SubscribeURL"))));
    assertEquals(SAMPLE_SUBSCRIBE_HOST, URI.create(new JsonObject(
        AlertSamples.read("sns-subscription-confirmation.json")).getString("SubscribeURL")).getHost());
  }

  // Source names

  @Test
  void everySourceShowsTheNamePeopleKnowItBy() throws Exception {
    post("/alerts/cloudwatch", TOKEN, AlertSamples.read("cloudwatch-alarm.json"));
    post("/alerts/sentry", TOKEN, AlertSamples.read("sentry-metric-alert.json"));
    post("/alerts/generic", TOKEN, AlertSamples.read("generic-firing.json"));
    List<String> shown = slack.fake.messages(ALERTS).stream().map(AlertsEndpointTest::text).toList();
    assertEquals(3, shown.size(), shown.toString());
    assertTrue(shown.get(0).contains("*api in prod* · CloudWatch"), shown.get(0));
    assertTrue(shown.get(1).contains("*api in prod* · Sentry"), shown.get(1));
    assertTrue(shown.get(2).contains("*api in prod* · Webhook"), shown.get(2));
    assertTrue(shown.stream().noneMatch(t -> t.contains("generic")), shown.toString());
  }

  // Sentry routes by project slug

  @Test
  void sentryRoutesWrittenWithTheProjectSlugCatchIssueAndMetricAlerts() throws Exception {
    // The route in config() names the project front-end, as docs/alerts.md writes it; the issue
    // alert's event carries only the numeric project, and the metric alert only the slug.
    String issueAlert = AlertSamples.read("sentry-event-alert.json").replace("\"prod\"", "\"staging\"");
    HttpResponse<Buffer> issue = post("/alerts/sentry", TOKEN, issueAlert);
    assertEquals("posted", issue.bodyAsJsonObject().getJsonArray("alerts").getJsonObject(0).getString("outcome"),
        issue.bodyAsString());
    HttpResponse<Buffer> metric = post("/alerts/sentry", TOKEN, AlertSamples.read("sentry-metric-alert.json"));
    assertEquals("posted", metric.bodyAsJsonObject().getJsonArray("alerts").getJsonObject(0).getString("outcome"),
        metric.bodyAsString());
    List<JsonObject> posted = slack.fake.messages(ALERTS);
    assertEquals(2, posted.size());
    assertTrue(text(posted.get(0)).contains("ReferenceError: heck is not defined"), text(posted.get(0)));
    assertTrue(text(posted.get(1)).contains("Too many errors"), text(posted.get(1)));
    assertTrue(text(posted.get(1)).contains("1000 events in the last 10 minutes"), text(posted.get(1)));
  }

  // A channel Slack refuses

  @ParameterizedTest
  @ValueSource(strings = {"channel_not_found", "not_in_channel", "is_archived"})
  void aChannelSlackRefusesIs422WithTheReasonAndTheRetryAfterTheFixPostsOnce(String error) throws Exception {
    slack.fake.refuseChannel(ALERTS, error);

    HttpResponse<Buffer> refused = post("/alerts/generic", TOKEN, AlertSamples.read("generic-firing.json"));

    assertEquals(422, refused.statusCode(), "not 5xx nor 429, which the senders retry: " + refused.bodyAsString());
    JsonObject body = refused.bodyAsJsonObject();
    assertEquals("refused", body.getString("status"));
    assertTrue(body.getString("error").startsWith("Slack refused channel alerts (" + ALERTS + "): " + error + "; "),
        body.encode());
    JsonObject alert = body.getJsonArray("alerts").getJsonObject(0);
    assertEquals("refused", alert.getString("outcome"));
    assertEquals(body.getString("error"), alert.getString("detail"));
    assertTrue(slack.fake.messages(ALERTS).isEmpty());
    assertEquals(0L, storedAlerts(), "nothing half-stored");

    slack.fake.acceptChannel(ALERTS);
    HttpResponse<Buffer> retried = post("/alerts/generic", TOKEN, AlertSamples.read("generic-firing.json"));
    assertEquals(200, retried.statusCode(), retried.bodyAsString());
    assertEquals("posted", retried.bodyAsJsonObject().getJsonArray("alerts").getJsonObject(0).getString("outcome"));
    assertTrue(text(single()).contains("Fired once"), "the refused call is not counted: " + text(single()));
  }

  @Test
  void theHintFitsTheRefusal() throws Exception {
    slack.fake.refuseChannel(ALERTS, "not_in_channel");
    assertTrue(post("/alerts/generic", TOKEN, AlertSamples.read("generic-firing.json")).bodyAsJsonObject()
        .getString("error").endsWith("not_in_channel; invite the bot to it"));
    slack.fake.refuseChannel(ALERTS, "channel_not_found");
    assertTrue(post("/alerts/generic", TOKEN, AlertSamples.read("generic-firing.json")).bodyAsJsonObject()
        .getString("error").endsWith("channel_not_found; fix its id under channels, or the route's channel"));
  }

  @Test
  void anotherSlackFailureIsStill503AndItsRetryPostsOnce() throws Exception {
    slack.fake.failNext("chat.postMessage", "invalid_auth");

    HttpResponse<Buffer> failed = post("/alerts/generic", TOKEN, AlertSamples.read("generic-firing.json"));

    assertEquals(503, failed.statusCode(), failed.bodyAsString());
    assertEquals("the alert could not be delivered to Slack; try again", failed.bodyAsJsonObject().getString("error"));
    assertEquals(0L, storedAlerts(), "the sender's retry is the first delivery again");
    assertEquals(200, post("/alerts/generic", TOKEN, AlertSamples.read("generic-firing.json")).statusCode());
    assertTrue(text(single()).contains("Fired once"), text(single()));
  }

  @ParameterizedTest
  @ValueSource(strings = {"an outage", "a rate limit"})
  void aLastingSlackFailureIsStill503AndTheRetryAfterItPostsOnce(String failure) throws Exception {
    if (failure.equals("an outage")) {
      slack.fake.outage("chat.postMessage", 502);
    } else {
      slack.fake.rateLimitNext("chat.postMessage", 2);
    }

    HttpResponse<Buffer> failed = post("/impatient/alerts/generic", TOKEN, AlertSamples.read("generic-firing.json"));

    assertEquals(503, failed.statusCode(), failed.bodyAsString());
    assertEquals(0L, storedAlerts());
    slack.fake.endOutage("chat.postMessage");
    HttpResponse<Buffer> retried = post("/impatient/alerts/generic", TOKEN, AlertSamples.read("generic-firing.json"));
    assertEquals(200, retried.statusCode(), retried.bodyAsString());
    assertTrue(text(single()).contains("Fired once"), text(single()));
  }

  @Test
  void aRepeatWhoseChannelWasArchivedSinceIs422AndTheMessageKeepsItsHistory() throws Exception {
    assertEquals(200, post("/alerts/generic", TOKEN, AlertSamples.read("generic-firing.json")).statusCode());
    slack.fake.refuseChannel(ALERTS, "is_archived");

    HttpResponse<Buffer> repeat = post("/alerts/generic", TOKEN, AlertSamples.read("generic-firing.json"));

    assertEquals(422, repeat.statusCode(), repeat.bodyAsString());
    assertTrue(repeat.bodyAsJsonObject().getString("error").endsWith(
        "is_archived; unarchive it or point the alerts at another channel"), repeat.bodyAsString());
  }

  // Where alerts go without a route's channel

  @Test
  void anEnvironmentWithoutChannelsPostsItsAlertsInItsChecklistsChannel() throws Exception {
    HttpResponse<Buffer> response = post("/alerts/generic", TOKEN,
        "{\"key\": \"k1\", \"summary\": \"disk full\", \"service\": \"backend\", \"environment\": \"staging\"}");

    assertEquals(200, response.statusCode(), response.bodyAsString());
    assertEquals("posted", response.bodyAsJsonObject().getJsonArray("alerts").getJsonObject(0).getString("outcome"));
    List<JsonObject> posted = slack.fake.messages("C0DEPLOYS1");
    assertEquals(1, posted.size(), "the checklist klk's channel, deploys");
    assertTrue(text(posted.get(0)).contains("*backend in staging*"), text(posted.get(0)));
  }

  @Test
  void aGenericAlertForAnUnknownServiceSaysTheAlertNamesIt() throws Exception {
    HttpResponse<Buffer> response = post("/alerts/generic", TOKEN,
        "{\"key\": \"k1\", \"summary\": \"disk full\", \"service\": \"nosuch\", \"environment\": \"production\"}");

    assertEquals(202, response.statusCode(), response.bodyAsString());
    assertEquals("the alert names nosuch/production, which is not in the config",
        response.bodyAsJsonObject().getJsonArray("alerts").getJsonObject(0).getString("detail"));
  }

  // When it started

  @Test
  void aReleaseShippedAfterTheSenderSaysTheAlertStartedIsNotOfferedAsTheCause() throws Exception {
    preflightRelease("v1.5.0", 12);
    Instant started = Instant.now().minus(Duration.ofMinutes(12 + 74)).minusSeconds(20);
    String body = AlertSamples.read("alertmanager-firing.json")
        .replace("\"2023-02-06T13:08:45.828Z\"", "\"" + started + "\"");

    assertEquals(200, post("/alerts/alertmanager", TOKEN, body).statusCode());

    JsonObject critical = slack.fake.messages(ALERTS).stream().filter(m -> text(m).contains("BlackBox Probe Failure"))
        .findFirst().orElseThrow();
    String shown = text(critical);
    assertTrue(shown.contains("`v1.5.0` shipped 1h 14m after this started firing"), shown);
    assertTrue(shown.contains("Fired once · first <!date^" + started.getEpochSecond() + "^"), shown);
    assertFalse(shown.contains(AlertActions.ROLLBACK), "v1.5.0 came after the problem: " + shown);
  }

  @Test
  void aGenericStartsAtBeforeTheReleaseKeepsTheRollbackAndCountsFromTheStart() throws Exception {
    preflightRelease("v1.5.0", 12);
    Instant started = Instant.now().minus(Duration.ofMinutes(2)).minusSeconds(30);
    String body = new JsonObject(AlertSamples.read("generic-firing.json")).put("startsAt", started.toString()).encode();

    assertEquals(200, post("/alerts/generic", TOKEN, body).statusCode());

    String shown = text(single());
    assertTrue(shown.contains("`v1.5.0` shipped 9m before this fired"), shown);
    assertEquals("Rollback", rollbackButton(single()).getJsonObject("text").getString("text"));
  }

  @Test
  void aStartsAtInTheFutureOrOverADayOldIsNotBelieved() throws Exception {
    preflightRelease("v1.5.0", 12);
    JsonObject alert = new JsonObject(AlertSamples.read("generic-firing.json"));
    post("/alerts/generic", TOKEN, alert.copy().put("key", "future")
        .put("startsAt", Instant.now().plus(Duration.ofHours(3)).toString()).encode());
    post("/alerts/generic", TOKEN, alert.copy().put("key", "ancient")
        .put("startsAt", Instant.now().minus(Duration.ofDays(2)).toString()).encode());

    List<JsonObject> posted = slack.fake.messages(ALERTS);
    assertEquals(2, posted.size());
    for (JsonObject message : posted) {
      assertTrue(text(message).contains("`v1.5.0` shipped 12m before this fired"), "counted from its arrival: "
          + text(message));
      assertEquals("Rollback", rollbackButton(message).getJsonObject("text").getString("text"));
    }
  }

  // The Rollback button

  @Test
  void aCriticalAlertOffersAPlainRollbackOfThePreflightReleaseAndAWarningNone() throws Exception {
    String runId = "8c0f0a4e-6a53-4e55-9b4c-1d1e0c3a2b10";
    await(pool.query("insert into runs (id, kind, checklist_id, started_by, started_at, status, service, environment) "
        + "values ('" + runId + "', 'deploy', 'gate', 'U0DEPLOYER', now() - interval '15 minutes', 'SUCCEEDED', "
        + "'api', 'prod')").execute());
    await(pool.query("insert into releases (service, environment, version, run_id, released_by, released_at, kind) "
        + "values ('api', 'prod', 'v1.5.0', '" + runId + "', 'U0DEPLOYER', now() - interval '12 minutes', "
        + "'deploy')").execute());
    assertEquals(200, post("/alerts/alertmanager", TOKEN, AlertSamples.read("alertmanager-firing.json")).statusCode());
    List<JsonObject> posted = slack.fake.messages(ALERTS);
    JsonObject critical = posted.stream().filter(m -> text(m).contains("BlackBox Probe Failure")).findFirst()
        .orElseThrow();
    String shown = text(critical);
    assertTrue(shown.contains("*Last release:* `v1.5.0` by <@U0DEPLOYER>"), shown);
    assertTrue(shown.contains("`v1.5.0` shipped 12m before this fired"), shown);
    JsonObject button = rollbackButton(critical);
    assertEquals("Rollback", button.getJsonObject("text").getString("text"));
    assertFalse(button.containsKey("style"), "no red on the message itself: " + button);
    JsonObject confirm = button.getJsonObject("confirm");
    assertEquals("danger", confirm.getString("style"), "the red is kept for the confirm");
    assertTrue(confirm.getJsonObject("text").getString("text").contains("back from v1.5.0 to v1.4.2"),
        confirm.encode());
    assertEquals("api/prod/" + runId, button.getString("value"));

    JsonObject warning = posted.stream().filter(m -> m != critical).findFirst().orElseThrow();
    assertTrue(text(warning).contains("Warning ·"), text(warning));
    assertFalse(text(warning).contains(AlertActions.ROLLBACK), "a warning carries no Rollback: " + text(warning));
  }

  @Test
  void rollbackFromAnAlertGoesThroughDeployRunsAndItsRefusalIsToldPrivately() throws Exception {
    assertEquals(200, post("/alerts/cloudwatch", TOKEN, AlertSamples.read("cloudwatch-alarm.json")).statusCode());
    JsonObject alarm = single();
    assertFalse(text(alarm).contains(AlertActions.ROLLBACK), "no Preflight run to roll back, so no button");
    // A button left on an older message still answers under the same rules.
    String value = AlertActions.value("api", "prod");

    await(slack.send(slack.requests.blockAction(AlertActions.ROLLBACK, value, "U0VISITOR", ALERTS,
        alarm.getString("ts"), slack.fake.responseUrl("click"))));
    // The refusal comes through the click's response_url, which reaches the person wherever the alert is.
    JsonObject refusal = await(slack.fake.awaitResponse("click", body -> true));
    assertEquals("ephemeral", refusal.getString("response_type"));
    assertEquals(false, refusal.getBoolean("replace_original"), "the alert stays as it is");
    // Someone without a deployer role is refused before anything is looked up.
    assertEquals("Rolling back *api* in *prod* needs the *deployer* role, and you do not hold it.",
        refusal.getString("text"));

    // A click whose response_url has expired (an alert clicked 30 minutes on) is answered by direct message.
    slack.fake.expireResponseUrl("old-click");
    await(slack.send(slack.requests.blockAction(AlertActions.ROLLBACK, value, "U0DEPLOYER", ALERTS,
        alarm.getString("ts"), slack.fake.responseUrl("old-click"))));
    JsonObject deployer = await(slack.fake.awaitCall("chat.postMessage",
        c -> FakeSlack.dmChannel("U0DEPLOYER").equals(c.getString("channel"))));
    // The release on record was not deployed by a Preflight run, so there is nothing to roll back.
    assertTrue(deployer.getString("text").contains("has not deployed *api* to *prod* yet"), deployer.getString("text"));
    assertTrue(slack.fake.calls("chat.postEphemeral").isEmpty(), "never an ephemeral first");
    assertEquals(0L, (long) await(pool.query("select count(*) from runs where status = 'ROLLING_BACK'").execute())
        .iterator().next().getLong(0));
    assertTrue(slack.fake.calls("chat.update").isEmpty(), "a refused rollback leaves the alert as it was");
  }

  // Helpers

  /** A deploy a Preflight run made {@code minutesAgo}, the newest release of api in prod. */
  private void preflightRelease(String version, int minutesAgo) throws Exception {
    String runId = java.util.UUID.randomUUID().toString();
    await(pool.query("insert into runs (id, kind, checklist_id, started_by, started_at, status, service, environment) "
        + "values ('" + runId + "', 'deploy', 'gate', 'U0DEPLOYER', now() - interval '" + (minutesAgo + 3)
        + " minutes', 'SUCCEEDED', 'api', 'prod')").execute());
    await(pool.query("insert into releases (service, environment, version, run_id, released_by, released_at, kind) "
        + "values ('api', 'prod', '" + version + "', '" + runId + "', 'U0DEPLOYER', now() - interval '" + minutesAgo
        + " minutes', 'deploy')").execute());
  }

  private long storedAlerts() throws Exception {
    return await(pool.query("select count(*) from alerts").execute()).iterator().next().getLong(0);
  }

  private JsonObject single() {
    List<JsonObject> posted = slack.fake.messages(ALERTS);
    assertEquals(1, posted.size(), posted.toString());
    return posted.get(0);
  }

  private static String text(JsonObject message) {
    return message.getString("text") + "\n" + message.getValue("blocks");
  }

  private static JsonObject rollbackButton(JsonObject message) {
    JsonArray blocks = message.getJsonArray("blocks");
    for (int i = 0; i < blocks.size(); i++) {
      JsonObject block = blocks.getJsonObject(i);
      if ("actions".equals(block.getString("type"))) {
        for (Object element : block.getJsonArray("elements")) {
          if (element instanceof JsonObject button && AlertActions.ROLLBACK.equals(button.getString("action_id"))) {
            return button;
          }
        }
      }
    }
    throw new AssertionError("no Rollback button in " + blocks);
  }

  private HttpResponse<Buffer> post(String path, String token, String body) throws Exception {
    return await(send(path, token, body));
  }

  private Future<HttpResponse<Buffer>> send(String path, String token, String body) {
    var request = client.post(server.actualPort(), "127.0.0.1", path).putHeader("Content-Type", "application/json");
    if (token != null) {
      request.putHeader("Authorization", "Bearer " + token);
    }
    return request.sendBuffer(Buffer.buffer(body));
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
