package dev.preflight.bot;

import java.io.PrintStream;
import java.util.Arrays;

/**
 * {@code java -jar preflight.jar [serve]} runs the bot; {@code validate [file]} checks a
 * config; {@code check <checklist> [--set NAME=VALUE…]} runs a checklist's automated items in
 * the terminal. The exit code is the verdict.
 */
public final class Main {

  private Main() {}

  public static void main(String[] args) {
    int code = run(args, System.out, System.err);
    if (code != Serve.KEEP_RUNNING) {
      System.exit(code);
    }
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    String command = args.length == 0 ? "serve" : args[0];
    String[] rest = args.length == 0 ? args : Arrays.copyOfRange(args, 1, args.length);
    return switch (command) {
      case "serve" -> Serve.run(BotSettings.fromEnvironment(System.getenv()), err);
      case "validate" -> Validate.run(rest, out, err);
      case "check" -> Check.run(rest, out, err);
      case "report" -> Report.run(rest, BotSettings.fromEnvironment(System.getenv()), out, err);
      case "help", "--help", "-h" -> {
        out.println(usage());
        yield 0;
      }
      default -> {
        err.println("Unknown command `" + command + "`.");
        err.println(usage());
        yield 2;
      }
    };
  }

  static String usage() {
    return String.join("\n",
        "Usage: java -jar preflight.jar [command]",
        "  serve                              run the bot (the default)",
        "  validate [preflight.yaml]          check a config and its checklists; prints every error",
        "  check <checklist> [--set N=V ...]  run a checklist's automated items here and print what they saw;",
        "                                     <checklist> is an id from the config or a checklist file",
        "  report <run-id>                    print a run's report (Markdown) from the database",
        "Settings come from the environment: PREFLIGHT_CONFIG, PORT, SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET,",
        "SLACK_API_URL, DATABASE_URL, PREFLIGHT_DATA_DIR (see README.md).");
  }
}
