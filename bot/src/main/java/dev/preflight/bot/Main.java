package dev.preflight.bot;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.IVersionProvider;

/**
 * {@code java -jar preflight.jar} serves the bot; {@code validate}, {@code check} and
 * {@code report} are for terminals and CI. The exit code is the verdict: 0 ok, 1 the
 * validation, check or report failed, 2 the command line was wrong.
 */
@Command(
    name = "java -jar preflight.jar",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    synopsisSubcommandLabel = "[COMMAND]",
    description = "Preflight, the Slack deploy bot. With no command it serves the bot.",
    subcommands = HelpCommand.class,
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {Main.EXIT_OK, Main.EXIT_FAILED, Main.EXIT_USAGE},
    footer = {"%nSettings come from the environment: PREFLIGHT_CONFIG, PORT, SLACK_BOT_TOKEN,",
        "SLACK_SIGNING_SECRET, DATABASE_URL and more (see README.md).",
        "`java -jar preflight.jar help <command>` explains a command."})
public final class Main implements Callable<Integer> {

  static final String EXIT_OK = "0:ok";
  static final String EXIT_FAILED = "1:the validation, the check or the report failed";
  static final String EXIT_USAGE = "2:usage error: an unknown command, a missing or malformed argument";

  private final Supplier<BotSettings> settings;
  private final PrintStream err;

  private Main(Supplier<BotSettings> settings, PrintStream err) {
    this.settings = settings;
    this.err = err;
  }

  public static void main(String[] args) {
    int code = args.length == 0 ? serve(System.err) : run(args, System.out, System.err);
    if (code != Serve.KEEP_RUNNING) {
      System.exit(code);
    }
  }

  /**
   * {@code java -jar preflight.jar} with no argument, as the image and most supervisors start it:
   * what {@link #call} does, without building the command line first. Picocli's classes are of a
   * class-file version the class-data archive cannot hold, so on this path they would be loaded,
   * verified and linked at every start for nothing. A failure is told in one line with exit code
   * 1, as {@link #execute} tells it.
   */
  static int serve(PrintStream err) {
    try {
      return Serve.run(BotSettings.fromEnvironment(System.getenv()), err);
    } catch (RuntimeException e) {
      err.println(e.getMessage() != null ? e.getMessage() : e.toString());
      return 1;
    }
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    Supplier<BotSettings> settings = () -> BotSettings.fromEnvironment(System.getenv());
    CommandLine cli = new CommandLine(new Main(settings, err))
        .addSubcommand("serve", new ServeCommand(settings, err))
        .addSubcommand("validate", new Validate(out, err))
        .addSubcommand("check", new CheckCommand(out, err))
        .addSubcommand("report", new Report(settings, out, err));
    return execute(cli, args, out, err);
  }

  /** Serving is what the jar does with no command. */
  @Override
  public Integer call() {
    return Serve.run(settings.get(), err);
  }

  /**
   * Runs one command line the same way whether a command is reached from {@link #run} or on its
   * own (as tests do): picocli's output on our streams, {@code @file} arguments taken literally,
   * and a failure told in one line with exit code 1 instead of a stack trace.
   */
  static int execute(CommandLine cli, String[] args, PrintStream out, PrintStream err) {
    PrintWriter outWriter = new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), true);
    PrintWriter errWriter = new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true);
    cli.setOut(outWriter)
        .setErr(errWriter)
        .setExpandAtFiles(false)
        .setExecutionExceptionHandler((failure, commandLine, parsed) -> {
          commandLine.getErr().println(failure.getMessage() != null ? failure.getMessage() : failure.toString());
          return 1;
        });
    try {
      return cli.execute(args);
    } finally {
      outWriter.flush();
      errWriter.flush();
    }
  }

  @Command(name = "serve", mixinStandardHelpOptions = true, versionProvider = Version.class,
      customSynopsis = "java -jar preflight.jar serve",
      description = "Runs the bot: what the jar does with no command.")
  static final class ServeCommand implements Callable<Integer> {

    @CommandLine.Option(names = "--exit-when-started",
        description = "Start everything (database, migrations, Slack surface, HTTP), ask /readyz and /slack/events "
            + "once, then stop cleanly and exit 0: the training run that writes the class-data archive at "
            + "packaging (docs/packaging.md).")
    boolean exitWhenStarted;

    private final Supplier<BotSettings> settings;
    private final PrintStream err;

    ServeCommand(Supplier<BotSettings> settings, PrintStream err) {
      this.settings = settings;
      this.err = err;
    }

    @Override
    public Integer call() {
      int code = exitWhenStarted ? Serve.rehearse(settings.get(), err) : Serve.run(settings.get(), err);
      return exitWhenStarted && code == Serve.KEEP_RUNNING ? 0 : code;
    }
  }

  /** The project version, written into a resource by the build. */
  static final class Version implements IVersionProvider {

    static final String RESOURCE = "/dev/preflight/bot/version.properties";

    @Override
    public String[] getVersion() throws IOException {
      return new String[] {"preflight " + version()};
    }

    static String version() throws IOException {
      try (InputStream in = Main.class.getResourceAsStream(RESOURCE)) {
        if (in == null) {
          throw new IOException(RESOURCE + " is missing from the jar");
        }
        Properties properties = new Properties();
        properties.load(in);
        return properties.getProperty("version");
      }
    }
  }
}
