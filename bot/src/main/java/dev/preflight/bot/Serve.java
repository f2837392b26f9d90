package dev.preflight.bot;

import com.slack.api.Slack;
import dev.preflight.bot.observe.SecretMask;
import dev.preflight.bot.observe.SentryReporting;
import dev.preflight.checklists.config.ConfigException;
import dev.preflight.checklists.config.ConfigLoader;
import dev.preflight.checklists.config.PreflightConfig;
import dev.preflight.checklists.secret.Variables;
import dev.preflight.handlers.slack.SlackApi;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.pgclient.PgConnectOptions;
import java.io.PrintStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts the bot: config, database, the HTTP server; stops it cleanly on SIGTERM. */
final class Serve {

  static final int KEEP_RUNNING = -1;
  private static final Logger LOG = LoggerFactory.getLogger(Serve.class);

  private Serve() {}

  static int run(BotSettings settings, PrintStream err) {
    return start(settings, err, false);
  }

  /**
   * The class-data archive's training start (docs/packaging.md, "Start-up"): starts as {@link
   * #run} does, then asks itself what a start is first asked ({@code /readyz}, and a Slack
   * request, refused unsigned), so the classes that serve them are in the archive too, and
   * returns with the bot still running; the JVM's exit stops it.
   */
  static int rehearse(BotSettings settings, PrintStream err) {
    return start(settings, err, true);
  }

  private static int start(BotSettings settings, PrintStream err, boolean rehearse) {
    StartupTimes times = StartupTimes.sinceProcessStart();
    times.mark("jvm");
    // Vert.x and the Slack client need only the settings: each starts on a thread of its own while
    // this one reads the config (docs/packaging.md, "Start-up").
    CompletableFuture<Vertx> starting = CompletableFuture.supplyAsync(Vertx::vertx, Serve::ahead);
    CompletableFuture<Slack> slackClient = settings.slackConfigured()
        ? CompletableFuture.supplyAsync(() -> SlackApi.slack(settings.slackApiUrl()), Serve::ahead)
        : null;
    PreflightConfig config;
    try {
      config = ConfigLoader.load(settings.configPath());
    } catch (ConfigException e) {
      starting.thenAccept(Vertx::close);
      err.println("The config has errors; fix them and start again:");
      e.errors().forEach(error -> err.println("  " + error));
      return 2;
    }
    LOG.info("Starting Preflight with {}", settings);
    LOG.info("Loaded {}: {} checklists, {} services", settings.configPath(), config.checklists().size(),
        config.services().size());
    times.mark("config");
    settings.missingForSlack().forEach(missing -> LOG.warn("Slack is not configured: {}", missing));
    Variables environment = Variables.fromEnvironment();
    SecretMask.install(SecretMask.of(settings, config, environment));
    SentryReporting.init(settings.sentryDsn(), settings.sentryEnvironment());

    // Opening the database (an embedded server's start, the migrations) mostly waits on
    // PostgreSQL. Vert.x starts and the verticle builds its parts meanwhile; the verticle
    // listens only once the database is open and migrated.
    boolean firstStart = Database.initialisesOnOpen(settings);
    CompletableFuture<Database> opening = new CompletableFuture<>();
    Thread opener = new Thread(() -> {
      try {
        Database database = Database.open(settings);
        times.took(database.migrationsSkipped() ? "migrations check" : "migrations", database.migrationMillis());
        times.mark("database");
        opening.complete(database);
      } catch (Throwable e) {
        opening.completeExceptionally(e);
      }
    }, "preflight-database-open");
    opener.start();
    Vertx vertx = starting.join();
    SentryReporting.catchUnhandled(vertx);
    times.mark("vertx");
    Future<PgConnectOptions> connectOptions = Future.fromCompletionStage(opening, vertx.getOrCreateContext())
        .map(Database::connectOptions);
    // What the parts start at once (the reconciler's first round, the runbook refresh) waits for
    // a connection; an initdb takes longer than that wait may, so a first start opens first.
    PreflightVerticle verticle = null;
    Future<String> deployed = null;
    if (!firstStart) {
      verticle = new PreflightVerticle(settings, config, connectOptions, environment).startupTimes(times)
          .slackClient(slackClient);
      deployed = vertx.deployVerticle(verticle);
    }
    Database database;
    try {
      database = opening.join();
    } catch (CompletionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      LOG.error("The database could not be opened: {}", cause.getMessage(), cause);
      vertx.close();
      return 1;
    }
    if (deployed == null) {
      verticle = new PreflightVerticle(settings, config, database.connectOptions(), environment).startupTimes(times)
          .slackClient(slackClient);
      deployed = vertx.deployVerticle(verticle);
    }
    try {
      deployed.toCompletionStage().toCompletableFuture().get(2, TimeUnit.MINUTES);
    } catch (Exception e) {
      LOG.error("Preflight could not start: {}", e.getMessage(), e);
      vertx.close();
      closeQuietly(database);
      return 1;
    }
    new Shutdown(vertx, database, settings.shutdownTimeout()).install();
    if (rehearse) {
      err.println(askOnce(vertx, verticle.port()));
    }
    return KEEP_RUNNING;
  }

  /** A thread of its own for one piece of the start that needs only the settings. */
  private static void ahead(Runnable work) {
    Thread thread = new Thread(work, "preflight-start-ahead");
    thread.setDaemon(true);
    thread.start();
  }

  /** One {@code GET /readyz} and one unsigned {@code POST /slack/events}; what each was answered, in a line. */
  static String askOnce(Vertx vertx, int port) {
    HttpClient http = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port));
    Future<String> answers = status(http, HttpMethod.GET, "/readyz", Buffer.buffer())
        .compose(ready -> status(http, HttpMethod.POST, "/slack/events", Buffer.buffer("command=%2Fdeploys"))
            .map(slack -> "training start: /readyz answered " + ready + ", an unsigned Slack request " + slack))
        .eventually(http::close);
    try {
      return answers.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      return "training start: asking itself failed: " + e;
    }
  }

  private static Future<Integer> status(HttpClient http, HttpMethod method, String path, Buffer body) {
    return http.request(new RequestOptions().setMethod(method).setURI(path).setIdleTimeout(10_000))
        .compose(request -> request.send(body))
        .compose(response -> response.body().map(ignored -> response.statusCode()));
  }

  private static void closeQuietly(Database database) {
    try {
      database.close();
    } catch (Exception e) {
      LOG.warn("The database did not close cleanly: {}", e.getMessage());
    }
  }
}
