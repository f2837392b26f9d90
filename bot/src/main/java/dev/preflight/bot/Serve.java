package dev.preflight.bot;

import dev.preflight.bot.observe.SecretMask;
import dev.preflight.bot.observe.SentryReporting;
import dev.preflight.checklists.config.ConfigException;
import dev.preflight.checklists.config.ConfigLoader;
import dev.preflight.checklists.config.PreflightConfig;
import dev.preflight.checklists.secret.Variables;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
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
    StartupTimes times = StartupTimes.sinceProcessStart();
    times.mark("jvm");
    PreflightConfig config;
    try {
      config = ConfigLoader.load(settings.configPath());
    } catch (ConfigException e) {
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
    Vertx vertx = Vertx.vertx();
    SentryReporting.catchUnhandled(vertx);
    times.mark("vertx");
    Future<PgConnectOptions> connectOptions = Future.fromCompletionStage(opening, vertx.getOrCreateContext())
        .map(Database::connectOptions);
    // What the parts start at once (the reconciler's first round, the runbook refresh) waits for
    // a connection; an initdb takes longer than that wait may, so a first start opens first.
    Future<String> deployed = firstStart
        ? null
        : vertx.deployVerticle(new PreflightVerticle(settings, config, connectOptions, environment).startupTimes(times));
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
      deployed = vertx.deployVerticle(new PreflightVerticle(settings, config, database.connectOptions(), environment)
          .startupTimes(times));
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
    return KEEP_RUNNING;
  }

  private static void closeQuietly(Database database) {
    try {
      database.close();
    } catch (Exception e) {
      LOG.warn("The database did not close cleanly: {}", e.getMessage());
    }
  }
}
