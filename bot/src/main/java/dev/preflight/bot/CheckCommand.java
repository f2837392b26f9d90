package dev.preflight.bot;

import dev.preflight.checklists.checklist.Checklist;
import dev.preflight.checklists.checklist.Item;
import dev.preflight.checklists.config.ConfigException;
import dev.preflight.checklists.config.ConfigLoader;
import dev.preflight.checklists.run.Evidence;
import dev.preflight.checklists.secret.Variables;
import dev.preflight.deploy.aws.AwsClients;
import dev.preflight.deploy.check.CheckRunner;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code check <checklist> [--set NAME=VALUE…]}: the same checklists, without Slack. Runs the
 * automated items, shows each result as it arrives, then a table; exits 1 when a blocker
 * failed, so runbooks and CI can use it.
 */
@Command(name = "check", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    customSynopsis = "java -jar preflight.jar check <checklist> [--set NAME=VALUE]...",
    separator = " ",
    description = {"Runs a checklist's automated items here, without Slack.",
        "Prints each result as it arrives, then a table; manual items are listed, not run."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:every automated blocker passed", "1:a blocker failed or the checks did not finish",
        "2:usage error, or the checklist could not be read"})
final class CheckCommand implements Callable<Integer> {

  @Spec
  private CommandSpec spec;

  @Parameters(index = "0", paramLabel = "<checklist>",
      description = "a checklist id from the config ($PREFLIGHT_CONFIG or preflight.yaml), or a checklist file")
  private String reference;

  @Option(names = "--set", paramLabel = "NAME=VALUE",
      description = "a value for $${NAME} in the checklist, over the environment's; repeat for each")
  private List<String> values = new ArrayList<>();

  private final PrintStream out;
  private final PrintStream err;

  CheckCommand(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  @Override
  public Integer call() {
    Map<String, String> overrides = new HashMap<>();
    for (String pair : values) {
      int equals = pair.indexOf('=');
      if (equals < 0) {
        throw new ParameterException(spec.commandLine(),
            "Unexpected `" + pair + "`: write --set NAME=VALUE for each value a checklist needs.");
      }
      String name = pair.substring(0, equals);
      if (!Variables.NAME.matcher(name).matches()) {
        throw new ParameterException(spec.commandLine(), "`" + name
            + "` is not a variable name: use letters, digits and _, e.g. --set BASE_URL=http://localhost:8080");
      }
      overrides.put(name, pair.substring(equals + 1));
    }
    Checklist checklist;
    try {
      checklist = find(reference);
    } catch (ConfigException e) {
      e.errors().forEach(err::println);
      return 2;
    } catch (IllegalArgumentException e) {
      err.println(e.getMessage());
      return 2;
    }
    return runChecklist(checklist, Variables.fromEnvironment().with(overrides), out);
  }

  private static Checklist find(String reference) {
    Path file = Path.of(reference);
    if (Files.isRegularFile(file)) {
      return ConfigLoader.loadChecklist(file);
    }
    Path configFile = Path.of(System.getenv().getOrDefault("PREFLIGHT_CONFIG", "./preflight.yaml"));
    return ConfigLoader.load(configFile).checklist(reference).orElseThrow(() -> new IllegalArgumentException(
        "No checklist `" + reference + "` in " + configFile + ", and no such file."));
  }

  private static int runChecklist(Checklist checklist, Variables variables, PrintStream out) {
    List<Item> automated = checklist.items().filter(Item::automated).toList();
    out.println(checklist.title() + ": running " + automated.size() + " automated of " + checklist.itemCount() + " items");
    Map<String, Evidence> results = new LinkedHashMap<>();
    Vertx vertx = Vertx.vertx();
    try (AwsClients aws = new AwsClients()) {
      CheckRunner runner = new CheckRunner(vertx, aws);
      AtomicInteger finished = new AtomicInteger();
      List<Future<Evidence>> all = new ArrayList<>();
      for (Item item : automated) {
        all.add(runner.run(item.check(), variables).onSuccess(evidence -> {
          synchronized (results) {
            results.put(item.id(), evidence);
          }
          out.printf("[%d/%d] %s %s — %s%n", finished.incrementAndGet(), automated.size(),
              evidence.passed() ? "PASS" : "FAIL", item.id(), evidence.summary());
        }));
      }
      Future.join(all).toCompletionStage().toCompletableFuture().get(1, TimeUnit.HOURS);
    } catch (Exception e) {
      out.println("The checks did not finish: " + e.getMessage());
      return 1;
    } finally {
      vertx.close();
    }
    return report(checklist, results, out);
  }

  private static int report(Checklist checklist, Map<String, Evidence> results, PrintStream out) {
    out.println();
    out.printf("%-6s %-7s %-32s %s%n", "STATE", "BLOCKER", "ITEM", "WHAT IT SAW");
    int failedBlockers = 0;
    for (Item item : checklist.items().toList()) {
      Evidence evidence = results.get(item.id());
      String state = !item.automated() ? "manual" : evidence == null ? "?" : evidence.passed() ? "pass" : "FAIL";
      String saw = !item.automated() ? item.title() : evidence == null ? "no result" : describe(evidence);
      out.printf("%-6s %-7s %-32s %s%n", state, item.blocker() ? "yes" : "", item.id(), saw);
      if (item.automated() && item.blocker() && (evidence == null || !evidence.passed())) {
        failedBlockers++;
      }
    }
    out.println();
    if (failedBlockers > 0) {
      out.println(failedBlockers + (failedBlockers == 1 ? " blocker failed." : " blockers failed."));
      return 1;
    }
    out.println("Every automated blocker passed. Manual items are for people to tick in Slack.");
    return 0;
  }

  private static String describe(Evidence evidence) {
    StringBuilder text = new StringBuilder(evidence.summary());
    if (evidence.latencyMillis() != null) {
      text.append(" · ").append(evidence.latencyMillis()).append(" ms");
    }
    if (evidence.attempts() > 1) {
      text.append(" · ").append(evidence.attempts()).append(" attempts");
    }
    if (evidence.error() != null && !evidence.error().equals(evidence.summary())) {
      text.append(" · ").append(evidence.error());
    }
    if (evidence.excerpt() != null && !evidence.excerpt().isBlank()) {
      String firstLine = evidence.excerpt().strip().lines().findFirst().orElse("");
      text.append(" · ").append(firstLine.length() > 80 ? firstLine.substring(0, 80) + "…" : firstLine);
    }
    return text.toString();
  }
}
