package dev.preflight.bot;

import ch.qos.logback.classic.Level;
import dev.preflight.checklists.config.ConfigException;
import dev.preflight.checklists.config.ConfigLoader;
import dev.preflight.checklists.config.PreflightConfig;
import dev.preflight.deploy.report.RunReports;
import dev.preflight.deploy.run.RunRepository;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.io.PrintStream;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code report <run-id>}: prints a run's report, the same Markdown the bot leaves in the run's
 * thread, so it can go into a postmortem or a ticket. It opens the database the way the bot
 * does (starting the embedded one when DATABASE_URL is unset, so the bot must not be running on
 * the same data directory); exits 1 when there is no such run.
 */
final class Report {

  private static final long TIMEOUT_SECONDS = 60;

  private Report() {}

  static int run(String[] args, BotSettings settings, PrintStream out, PrintStream err) {
    if (args.length != 1 || args[0].isBlank()) {
      err.println("report needs one run id: java -jar preflight.jar report <run-id>");
      return 2;
    }
    String runId = args[0].trim();
    PreflightConfig config;
    try {
      config = ConfigLoader.load(settings.configPath());
    } catch (ConfigException e) {
      err.println("The config has errors; a run's checklist is read from it:");
      e.errors().forEach(error -> err.println("  " + error));
      return 2;
    }
    Level before = quietLogs(Level.WARN);
    try {
      return report(runId, settings, config, out, err);
    } finally {
      quietLogs(before);
    }
  }

  private static int report(String runId, BotSettings settings, PreflightConfig config, PrintStream out,
      PrintStream err) {
    Database database;
    try {
      database = Database.openBeside(settings);
    } catch (Exception e) {
      err.println("The database could not be opened: " + e.getMessage());
      return 1;
    }
    Vertx vertx = Vertx.vertx();
    Pool pool = Database.pool(vertx, database.connectOptions(), settings);
    try {
      String markdown = new RunReports(pool, config::checklist).report(runId)
          .toCompletionStage().toCompletableFuture().get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
          .markdown();
      out.print(markdown);
      out.flush();
      return 0;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RunRepository.NoSuchRunException) {
        err.println("There is no run `" + runId + "` in this database.");
      } else {
        err.println("The report could not be made: " + e.getCause().getMessage());
      }
      return 1;
    } catch (Exception e) {
      err.println("The report could not be made: " + e.getMessage());
      return 1;
    } finally {
      pool.close();
      vertx.close().toCompletionStage().toCompletableFuture().join();
      try {
        database.close();
      } catch (Exception e) {
        err.println("The database did not close cleanly: " + e.getMessage());
      }
    }
  }

  /**
   * The report owns stdout, where the bot's INFO lines (the embedded database starting) would
   * land too. Sets the root level and answers the one it replaced.
   */
  private static Level quietLogs(Level level) {
    if (LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME) instanceof ch.qos.logback.classic.Logger root) {
      Level before = root.getLevel();
      root.setLevel(level);
      return before;
    }
    return null;
  }
}
