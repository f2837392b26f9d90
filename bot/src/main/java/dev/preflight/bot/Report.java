package dev.preflight.bot;

import ch.qos.logback.classic.Level;
import dev.preflight.checklists.config.ConfigException;
import dev.preflight.checklists.config.ConfigLoader;
import dev.preflight.checklists.config.PreflightConfig;
import dev.preflight.deploy.api.NoSuchRunException;
import dev.preflight.deploy.report.RunReports;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code report <run-id>}: prints a run's report, the same Markdown the bot leaves in the run's
 * thread, so it can go into a postmortem or a ticket. It opens the database the way the bot
 * does (starting the embedded one when DATABASE_URL is unset, so the bot must not be running on
 * the same data directory); exits 1 when there is no such run.
 */
@Command(name = "report", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    customSynopsis = "java -jar preflight.jar report <run-id>",
    description = {"Prints a run's report (Markdown) from the database.",
        "It is the report the bot uploads into the run's thread."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:the report was printed", "1:no such run, or the database could not be read",
        "2:usage error, or the config has errors"})
final class Report implements Callable<Integer> {

  private static final long TIMEOUT_SECONDS = 60;

  @Spec
  private CommandSpec spec;

  @Parameters(index = "0", paramLabel = "<run-id>", description = "the run's id, as the bot shows it")
  private String runId;

  private final Supplier<BotSettings> settings;
  private final PrintStream out;
  private final PrintStream err;

  Report(Supplier<BotSettings> settings, PrintStream out, PrintStream err) {
    this.settings = settings;
    this.out = out;
    this.err = err;
  }

  /** The command on its own, with these settings. */
  static int run(String[] args, BotSettings settings, PrintStream out, PrintStream err) {
    return Main.execute(new CommandLine(new Report(() -> settings, out, err)), args, out, err);
  }

  @Override
  public Integer call() {
    if (runId.isBlank()) {
      throw new ParameterException(spec.commandLine(), "The run id is blank: java -jar preflight.jar report <run-id>");
    }
    BotSettings settings = this.settings.get();
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
      return report(runId.trim(), settings, config, out, err);
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
      if (e.getCause() instanceof NoSuchRunException) {
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
