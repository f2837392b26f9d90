package dev.preflight.bot;

import com.slack.api.Slack;
import dev.preflight.bot.observe.FinishedRuns;
import dev.preflight.bot.observe.MetricsEndpoint;
import dev.preflight.bot.observe.RunGauges;
import dev.preflight.bot.observe.SentryReporting;
import dev.preflight.checklists.config.PreflightConfig;
import dev.preflight.checklists.secret.Variables;
import dev.preflight.deploy.alert.AlertParsers;
import dev.preflight.deploy.alert.AlertStore;
import dev.preflight.deploy.action.ActionKinds;
import dev.preflight.deploy.aws.AwsClients;
import dev.preflight.deploy.check.CheckRunner;
import dev.preflight.deploy.check.MetricBaselines;
import dev.preflight.deploy.inbox.DeliveryTable;
import dev.preflight.deploy.report.RunReports;
import dev.preflight.deploy.run.ChecklistRuns;
import dev.preflight.deploy.run.DeployRuns;
import dev.preflight.deploy.run.DeploymentStore;
import dev.preflight.deploy.run.RunPublications;
import dev.preflight.deploy.run.RunRepository;
import dev.preflight.deploy.run.VerificationExecutor;
import dev.preflight.deploy.home.HomeVisitors;
import dev.preflight.deploy.stats.DeployStats;
import dev.preflight.deploy.target.CommandTarget;
import dev.preflight.deploy.target.Targets;
import dev.preflight.deploy.target.EcsTarget;
import dev.preflight.deploy.target.GithubActionsTarget;
import dev.preflight.deploy.verify.Verifier;
import dev.preflight.deploy.watch.Watches;
import dev.preflight.handlers.SlackSurface;
import dev.preflight.handlers.runbook.RunbookSurface;
import dev.preflight.deploy.action.Actions;
import dev.preflight.deploy.runbook.RunbookDriver;
import dev.preflight.deploy.runbook.RunbookRuns;
import dev.preflight.deploy.runbook.RunbookStore;
import dev.preflight.handlers.report.ThreadReports;
import dev.preflight.handlers.slack.ProcessedEvents;
import dev.preflight.handlers.slack.SlackApi;
import dev.preflight.handlers.slack.SlackBudget;
import dev.preflight.handlers.slack.SlackEndpoint;
import dev.preflight.handlers.slack.SlackEventLog;
import dev.preflight.handlers.slack.SlackSignature;
import dev.preflight.handlers.slack.SocketMode;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running bot: the database pool, the services, the Slack surface and the HTTP server.
 * Its start is one chain; if any step fails, the deployment fails and the bot exits.
 */
final class PreflightVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(PreflightVerticle.class);
  private static final long FORGET_EVENTS_EVERY_MS = TimeUnit.HOURS.toMillis(1);
  /** The longest a replica goes without looking for watch rounds another replica scheduled or gave back. */
  private static final Duration WATCH_RESCAN = Duration.ofSeconds(5);
  /** How long a stop waits for requests in flight: Slack wants its acknowledgement within 3 s. */
  private static final Duration ACK_WAIT = Duration.ofSeconds(3);
  /** How long a stop waits for a deploy's target to stop (a command's tree to be killed) before giving its lease back. */
  private static final Duration TARGET_STOP_WAIT = Duration.ofSeconds(8);
  private static final Duration WATCH_CLAIM = Duration.ofMinutes(15);
  /** How often items stored as running are checked for a lost result. */
  private static final Duration LOST_RESULT_SWEEP = Duration.ofSeconds(30);
  /** /readyz answers within this even when the database host does not answer at all. */
  private static final long READY_PROBE_MS = 2_000;

  private final BotSettings settings;
  private final PreflightConfig config;
  /** Completes once the database is open and migrated; the verticle listens only then. */
  private final Future<PgConnectOptions> database;
  private final Variables variables;
  private final MetricsEndpoint metrics = new MetricsEndpoint();

  private SocketMode.Timing socketTiming = SocketMode.Timing.SLACK;
  private StartupTimes startupTimes = StartupTimes.sinceProcessStart();
  /** The Slack Web API client, when it is being built ahead on a thread of its own; else {@link #wire} builds it. */
  private CompletableFuture<Slack> slackClient;
  /** Everything {@link #wire} built; null until then. */
  private Parts parts;
  private RunbookDriver runbookDriver;
  private HttpServer server;
  /** Set when the bot begins to stop: from then on new requests are refused. */
  private volatile boolean stopping;
  /** Set by the first {@link #drain}: when every server may close. */
  private Future<Void> drained;
  private final AtomicInteger requestsInFlight = new AtomicInteger();
  private final Promise<Void> requestsDone = Promise.promise();

  /** @param variables what {@code ${NAME}} in checklists resolves against: the environment, in production */
  PreflightVerticle(BotSettings settings, PreflightConfig config, PgConnectOptions database, Variables variables) {
    this(settings, config, Future.succeededFuture(database), variables);
  }

  /**
   * @param database completes with where the database is once it is open and migrated; the parts
   *     are built meanwhile, and nothing is served before it completes
   */
  PreflightVerticle(BotSettings settings, PreflightConfig config, Future<PgConnectOptions> database,
      Variables variables) {
    this.settings = settings;
    this.config = config;
    this.database = database;
    this.variables = variables;
  }

  /**
   * What the bot is made of. The Slack parts are null when Slack is not configured, the Socket
   * Mode connection also when the bot takes Slack's requests over HTTP only.
   */
  record Parts(Pool pool, AwsClients aws, ChecklistRuns runs, DeployRuns deploys, DeploymentStore deployments,
      GithubActionsTarget githubActions, Watches watches, ProcessedEvents processedEvents, SlackSurface surface,
      ThreadReports reports, SocketMode socketMode, SlackEndpoint slackEndpoint, WebClient alertsWeb,
      AlertsEndpoint alerts) {}

  /**
   * Builds the parts on a worker thread (loading and initialising their classes takes seconds of
   * CPU on a small machine, and would hold the event loop that long), while the database opens;
   * listens once both are done, then takes up the work stored in the database.
   */
  @Override
  public Future<?> start() {
    return vertx.executeBlocking(this::wire, false)
        .onSuccess(built -> startupTimes.mark("wired"))
        .compose(built -> database.map(open -> built))
        .compose(this::serve)
        .onSuccess(listening -> startupTimes.mark("listening"))
        .compose(listening -> parts.runs().resume())
        .onSuccess(resumed -> LOG.info("Resumed {} open runs", resumed))
        .onSuccess(resumed -> parts.runs().sweepEvery(LOST_RESULT_SWEEP))
        // An embedded database has one bot; leases left by its previous process are void.
        .compose(v -> settings.databaseUrl().isEmpty()
            ? parts.deployments().voidAllLeases().compose(x -> parts.watches().voidAllClaims())
            : Future.succeededFuture())
        .compose(v -> parts.deploys().resume())
        .onSuccess(resumed -> LOG.info("Took over {} deploys in flight", resumed))
        .compose(v -> runbookDriver.resumeEvery(settings.lease()).resume())
        .compose(v -> parts.watches().start())
        .onSuccess(watching -> LOG.info("Watching {} deploys", watching))
        .onSuccess(watching -> startupTimes.mark("started"));
  }

  /** Serves HTTP on this event loop and on the extra ones {@link HttpLoops} adds. */
  private Future<?> serve(Parts built) {
    parts = built;
    Handler<HttpServerRequest> routes = HttpLoops.counted(metrics.registry(), router(built));
    return vertx.createHttpServer()
        .requestHandler(routes)
        .listen(HttpLoops.sharedPort(settings.port()))
        .onSuccess(listening -> {
          server = listening;
          LOG.info("Preflight is listening on port {}", listening.actualPort());
        })
        .compose(listening -> HttpLoops.deployMore(vertx, routes, settings.port(), settings.httpLoops(), ACK_WAIT,
                this::drain)
            .onSuccess(more -> LOG.info("HTTP is served by at least {} event loop(s)", settings.httpLoops())));
  }

  /**
   * Builds every part and connects them, in the order they depend on each other: the pool and the
   * services, then the Slack surface (whose publisher and Socket Mode connection start here), then
   * the alert webhooks. Nothing is served until {@link #start} listens.
   */
  private Parts wire() {
    Pool pool = Database.pool(vertx, database, settings);
    // The pool's first connection (TCP, authentication) opens as soon as the database is open,
    // while the rest is built here, rather than when the first /readyz or resumed run asks for it.
    database.onSuccess(open -> pool.getConnection().onSuccess(SqlConnection::close));
    AwsClients aws = new AwsClients(settings.awsEndpoint(), null, metrics.registry());
    CheckRunner checks = new CheckRunner(vertx, aws, metrics.registry(), new MetricBaselines(pool));
    RunRepository repository = new RunRepository(pool, config::checklist);
    ChecklistRuns runs = new ChecklistRuns(vertx, repository, spec -> checks.run(spec, variables), config::checklist,
        Clock.systemUTC());
    new FinishedRuns(metrics.registry(), SentryReporting::failedRun).listenTo(runs);
    GithubActionsTarget githubActions = new GithubActionsTarget(vertx, settings.pollInterval());
    Targets targets = Targets.byKind(new EcsTarget(vertx, aws, settings.pollInterval()),
        new CommandTarget(vertx), githubActions);
    Verifier verifier = new Verifier(checks);
    VerificationExecutor verification = (spec, placeholders, onResult, aborted) ->
        verifier.verify(spec, placeholders, variables, onResult, aborted);
    WebClient stepsWeb = WebClient.create(vertx, new WebClientOptions().setConnectTimeout(5_000).setIdleTimeout(15)
        .setUserAgent("Preflight"));
    // One registry for every action kind: deploy, rollback and runbook steps run through it alike.
    Actions actions = ActionKinds.all(vertx, aws, stepsWeb, settings.pollInterval()).build();
    DeployRuns deploys = new DeployRuns(vertx, config, runs, repository, targets, verification, variables,
        Clock.systemUTC(), settings.lease(), actions);
    DeploymentStore deployments = new DeploymentStore(pool);
    metrics.refreshBeforeScrape(RunGauges.register(metrics.registry(), deploys, deployments::countInFlight)::refresh);
    // A pass must be claimed for longer than its slowest verification (health retries included).
    Watches watches = new Watches(vertx, config, repository, verification, WATCH_RESCAN, WATCH_CLAIM);
    watches.attach(deploys);
    DeployStats stats = new DeployStats(pool, config::checklist, Clock.systemUTC());
    ProcessedEvents processedEvents = new ProcessedEvents(new DeliveryTable(pool), runs.pendingWrites());
    RunbookRuns runbookRuns = runbooks(pool, actions);

    SlackSurface surface = null;
    ThreadReports reports = null;
    SocketMode socketMode = null;
    if (settings.slackConfigured()) {
      // On a worker: waiting here holds no event loop.
      Slack client = slackClient == null ? SlackApi.slack(settings.slackApiUrl()) : slackClient.join();
      String token = settings.slackBotToken().orElseThrow();
      SlackApi slack = new SlackApi(vertx, client, token, SlackApi.Policy.DEFAULT,
          new SlackBudget(vertx, settings.slackRateShare()), metrics.registry());
      surface = SlackSurface.build(config, new SlackSurface.Services(runs, deploys, stats, watches,
          new AlertStore(pool), deployments::releases, new RunPublications(pool), new HomeVisitors(pool)), slack, client,
          token, context);
      reports = ThreadReports.start(vertx, runs, new RunReports(pool, config::checklist), slack);
      new RunbookSurface(config, runbookRuns, surface.roles(), slack, context, Clock.systemUTC()).register(surface.app())
          .refreshEvery(Duration.ofSeconds(20));
      if (settings.socketMode()) {
        socketMode = SocketMode.start(vertx, surface.app(), client, settings.slackAppToken().orElseThrow(),
            processedEvents, metrics.registry(), socketTiming);
      }
    }
    SlackEndpoint slackEndpoint = slackEndpoint(surface, processedEvents);
    vertx.setPeriodic(FORGET_EVENTS_EVERY_MS, id -> processedEvents.forgetOlderThanADay());
    WebClient alertsWeb = WebClient.create(vertx, new WebClientOptions().setConnectTimeout(5_000).setIdleTimeout(15)
        .setUserAgent("Preflight"));
    AlertsEndpoint alerts = new AlertsEndpoint(settings.alertsToken().orElse(null), AlertParsers.standard(),
        surface == null ? null : surface.alerts(), alertsWeb);
    return new Parts(pool, aws, runs, deploys, deployments, githubActions, watches, processedEvents, surface,
        reports, socketMode, slackEndpoint, alertsWeb, alerts);
  }

  /** Runbook runs ({@code /run}) with every action kind, driven under this replica's own lease. */
  private RunbookRuns runbooks(Pool pool, Actions actions) {
    RunbookStore store = new RunbookStore(pool);
    DeploymentStore locks = new DeploymentStore(pool);
    RunbookRuns runbookRuns = new RunbookRuns(store, locks::lockOf, Clock.systemUTC());
    runbookDriver = new RunbookDriver(vertx, store, actions, config::runbook, variables,
        "replica-" + java.util.UUID.randomUUID(), settings.lease(), Clock.systemUTC(), runbookRuns::changed);
    return runbookRuns.drivenBy(runbookDriver);
  }

  /** How {@code /slack/events} answers: with the surface, or with why this bot does not take Slack's requests. */
  private SlackEndpoint slackEndpoint(SlackSurface surface, SlackEventLog eventLog) {
    if (surface == null) {
      return SlackEndpoint.refusing("Slack is not configured on this bot: "
          + String.join("; ", settings.missingForSlack()) + ".\n");
    }
    if (settings.slackSigningSecret().isEmpty()) {
      return SlackEndpoint.refusing("This bot takes Slack's requests over Socket Mode (SLACK_APP_TOKEN is set); "
          + "set SLACK_SIGNING_SECRET as well to accept them at /slack/events.\n");
    }
    return SlackEndpoint.serving(vertx, surface.app(), surface.loopCommands(),
        new SlackSignature(settings.slackSigningSecret().orElseThrow(), Clock.systemUTC()), eventLog,
        metrics.registry());
  }

  /** Where the ready line's phase times are noted; call before deploying. */
  PreflightVerticle startupTimes(StartupTimes times) {
    this.startupTimes = times;
    return this;
  }

  /**
   * The Slack client built ahead, while the config is read: building one loads the JDK's trusted
   * certificates, OkHttp and Gson, a few hundred milliseconds of CPU that would otherwise run on
   * the worker that builds the rest; call before deploying.
   */
  PreflightVerticle slackClient(CompletableFuture<Slack> client) {
    this.slackClient = client;
    return this;
  }

  /** Shorter Socket Mode waits, for tests that drop connections on purpose; call before deploying. */
  PreflightVerticle socketTiming(SocketMode.Timing timing) {
    this.socketTiming = timing;
    return this;
  }

  /** How the Socket Mode connection stands; disabled, with the reason, when the bot does not use it. */
  SocketMode.State socketState() {
    if (parts != null && parts.socketMode() != null) {
      return parts.socketMode().state();
    }
    return new SocketMode.State(SocketMode.Status.DISABLED, settings.socketMode()
        ? "Slack is not configured on this bot"
        : "SLACK_APP_TOKEN is not set: Slack reaches this bot over HTTP at /slack/events");
  }

  /** The routes, from the parts alone: building it twice (one router per event loop) starts nothing twice. */
  private Router router(Parts parts) {
    Router router = Router.router(vertx);
    router.route().handler(metrics::timeRequests);
    router.route().handler(this::admit);
    router.post("/slack/events").handler(ctx -> slackEvents(ctx, parts.slackEndpoint()));
    router.get("/healthz").handler(ctx -> json(ctx, 200, new JsonObject().put("status", "alive")));
    router.get("/readyz").handler(ctx -> ready(ctx, parts));
    router.get("/metrics").handler(metrics::handle);
    router.post("/alerts/:source").handler(parts.alerts()::handle);
    return router;
  }

  private static void slackEvents(RoutingContext ctx, SlackEndpoint slackEndpoint) {
    BoundedBody.read(ctx.request(), SlackEndpoint.MAX_BODY_BYTES)
        .compose(body -> slackEndpoint.handle(ctx.request(), body))
        .onFailure(e -> {
          if (BoundedBody.clientWentAway(ctx.request(), e)) {
            LOG.debug("A Slack request's client went away before it was answered: {}", e.getMessage());
            return;
          }
          if (ctx.response().headWritten()) {
            return;
          }
          if (e instanceof BoundedBody.TooLarge) {
            ctx.response().setStatusCode(413).putHeader("Connection", "close").end("request body too large\n");
          } else {
            LOG.error("A Slack request failed", e);
            ctx.response().setStatusCode(500).end();
          }
        });
  }

  /**
   * Counts the requests in flight, and once the bot is stopping refuses new ones with 503, so
   * Slack and the load balancer go to another replica (Slack retries its events on 5xx). Health
   * and metrics are still answered while the bot stops; readiness says it is stopping.
   */
  private void admit(RoutingContext ctx) {
    if (stopping) {
      String path = ctx.normalizedPath();
      if (path.equals("/readyz")) {
        json(ctx, 503, new JsonObject().put("status", "stopping"));
        return;
      }
      if (!path.equals("/healthz") && !path.equals("/metrics")) {
        ctx.response().setStatusCode(503).putHeader("Retry-After", "1").putHeader("Connection", "close")
            .end("Preflight is stopping; another replica answers.\n");
        return;
      }
    }
    requestsInFlight.incrementAndGet();
    ctx.addEndHandler(ended -> {
      if (requestsInFlight.decrementAndGet() == 0 && stopping) {
        requestsDone.tryComplete();
      }
    });
    ctx.next();
  }

  /**
   * Ready when the database answers, Slack is configured and accepts the bot token and, in Socket
   * Mode, the connection is up; the body says what is missing.
   */
  private void ready(RoutingContext ctx, Parts parts) {
    databaseUp(parts)
        .onSuccess(databaseUp -> {
          List<String> problems = new ArrayList<>();
          if (!databaseUp) {
            problems.add("the database does not answer");
          }
          int waiting = parts.runs().pendingWrites().waiting();
          if (!databaseUp && waiting > 0) {
            problems.add(waiting + " changes are kept in memory until it does");
          }
          problems.addAll(settings.missingForSlack());
          if (parts.surface() != null) {
            parts.surface().botToken().problem().ifPresent(problems::add);
          }
          SocketMode.State socket = socketState();
          if (parts.socketMode() != null && socket.status() != SocketMode.Status.CONNECTED) {
            problems.add("Socket Mode is not connected: " + socket.reason());
          }
          JsonObject body = new JsonObject()
              .put("status", problems.isEmpty() ? "ready" : "not ready")
              .put("database", databaseUp ? "up" : "down")
              .put("slack", settings.slackConfigured() ? "configured" : "not configured")
              .put("bot_token", parts.surface() == null ? "not configured" : parts.surface().botToken().state())
              .put("socket_mode", new JsonObject()
                  .put("state", socket.status().name().toLowerCase(java.util.Locale.ROOT))
                  .put("reason", socket.reason()))
              .put("problems", new JsonArray(problems));
          json(ctx, problems.isEmpty() ? 200 : 503, body);
          if (problems.isEmpty() && startupTimes.firstTell()) {
            startupTimes.mark("ready");
            LOG.info("Preflight was first ready {} ms after its process started ({}; the bot token: {})",
                startupTimes.elapsed(), startupTimes.summary(), body.getString("bot_token"));
          }
        });
  }

  /**
   * Down at once while writes are known to wait for the database; otherwise whatever a quick
   * query says, so a load balancer stops sending work here as soon as changes cannot be stored.
   */
  private static Future<Boolean> databaseUp(Parts parts) {
    if (parts.runs().pendingWrites().databaseDown()) {
      return Future.succeededFuture(false);
    }
    return parts.pool().query("select 1").execute()
        .timeout(READY_PROBE_MS, TimeUnit.MILLISECONDS)
        .map(rows -> true)
        .otherwise(false);
  }

  private static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
  }

  /** Requests being answered right now, on any loop. */
  int requestsInFlight() {
    return requestsInFlight.get();
  }

  /** The port actually bound; differs from the setting when that is 0. */
  int port() {
    return server.actualPort();
  }

  /**
   * Stops in the order that loses nothing: refuse new requests and let those in flight (Slack's
   * acknowledgements) finish; close the server; stop the work (deploys in flight give their
   * leases back once their targets stopped, watch rounds give their claims back, so the other
   * replicas carry both on at once); then close the clients and the pool, which the work needed
   * until then. Each wait is bounded; {@link Shutdown} bounds the whole.
   */
  @Override
  public Future<?> stop() {
    stopping = true;
    if (parts == null) {
      return Future.succeededFuture();
    }
    // Slack's Socket Mode deliveries stop first, as HTTP ones do once the server refuses them.
    Future<?> socketClosed = parts.socketMode() == null ? Future.succeededFuture() : parts.socketMode().close();
    return socketClosed
        .transform(v -> drain())
        .transform(v -> server == null ? Future.succeededFuture() : server.close())
        .transform(v -> stopWork(parts))
        .transform(v -> runbookDriver.stop())
        // Pending edits of run messages go out now: the stopped work has queued its last ones, and
        // the Slack client and the pool are still open.
        .transform(v -> parts.surface() == null ? Future.succeededFuture() : parts.surface().flush())
        .transform(v -> closeClients(parts));
  }

  /**
   * The first step of the stop, shared by every HTTP server of the bot (the extra ones of
   * {@link HttpLoops} stop before this verticle does, and must not close their connections
   * before it): new requests are refused from now on, and the future completes once the
   * requests in flight on any loop are answered, or after {@link #ACK_WAIT}.
   */
  private synchronized Future<Void> drain() {
    stopping = true;
    if (drained == null) {
      drained = requestsFinished();
    }
    return drained;
  }

  /** Completes when no request is in flight, or after {@link #ACK_WAIT}. */
  private Future<Void> requestsFinished() {
    if (requestsInFlight.get() == 0) {
      return Future.succeededFuture();
    }
    return requestsDone.future()
        .timeout(ACK_WAIT.toMillis(), TimeUnit.MILLISECONDS)
        .onFailure(e -> LOG.warn("{} request(s) still in flight after {} ms; stopping anyway", requestsInFlight.get(),
            ACK_WAIT.toMillis()))
        .otherwiseEmpty();
  }

  private static Future<?> stopWork(Parts parts) {
    List<Future<?>> work = new ArrayList<>();
    work.add(parts.deploys().stop(TARGET_STOP_WAIT));
    work.add(parts.watches().close());
    if (parts.reports() != null) {
      work.add(parts.reports().close());
    }
    return Future.join(work);
  }

  private Future<?> closeClients(Parts parts) {
    parts.alertsWeb().close();
    parts.githubActions().close();
    List<Future<?>> closing = new ArrayList<>();
    closing.add(parts.pool().close());
    metrics.close();
    // Closing the SDK's Netty client waits for its event loops to go quiet.
    closing.add(vertx.executeBlocking(() -> {
      parts.aws().close();
      return null;
    }, false));
    return Future.join(closing);
  }
}
