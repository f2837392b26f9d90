package dev.preflight.bot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The runbook ({@code docs/operations.md}) against the code: every warning the bot can log is
 * explained there, every metric the running bot exposes is listed, and every endpoint it tells
 * an operator to call answers.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class OperationsDocTest {

  private static final Path ROOT = Path.of("..");
  private static final Path RUNBOOK = ROOT.resolve("docs/operations.md");
  private static final Pattern WARN = Pattern.compile("LOG\\.warn\\(\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

  @Test
  void everyWarningTheBotLogsIsExplainedInTheRunbook() throws IOException {
    String runbook = Files.readString(RUNBOOK);
    List<String> warnings = warnings();
    List<String> missing = new ArrayList<>();
    for (String warning : warnings) {
      // The fixed text between the placeholders; the runbook writes the placeholders as words.
      boolean explained = Stream.of(warning.split("\\{}"))
          .filter(fixed -> fixed.strip().length() >= 3)
          .allMatch(runbook::contains);
      if (!explained) {
        missing.add(warning);
      }
    }
    assertFalse(warnings.size() < 20, "the scan found the warnings: " + warnings);
    assertEquals(List.of(), missing, "warnings docs/operations.md does not explain");
  }

  @Test
  void everyMetricOfTheRunningBotIsListedAndEveryEndpointItNamesAnswers(Vertx vertx, VertxTestContext test)
      throws IOException {
    String runbook = Files.readString(RUNBOOK);
    PreflightVerticle bot = BotWithoutSlack.create();
    WebClient client = WebClient.create(vertx);
    List<String> endpoints = new ArrayList<>();
    Matcher curl = Pattern.compile("curl -fsS http://localhost:3000(/\\w+)").matcher(runbook);
    while (curl.find()) {
      endpoints.add(curl.group(1));
    }
    vertx.deployVerticle(bot)
        .compose(id -> Future.all(endpoints.stream()
            .map(path -> client.get(bot.port(), "127.0.0.1", path).send()
                .map(response -> path + " " + response.statusCode()))
            .toList()))
        .compose(answers -> {
          test.verify(() -> {
            assertNotEquals(List.of(), endpoints);
            for (Object answer : answers.list()) {
              assertFalse(answer.toString().endsWith(" 404"), answer + ": the runbook names it, the bot must serve it");
            }
          });
          return client.get(bot.port(), "127.0.0.1", "/metrics").send();
        })
        .onComplete(test.succeeding(response -> test.verify(() -> {
          List<String> unlisted = new ArrayList<>();
          Matcher family = Pattern.compile("(?m)^# TYPE (\\S+) ").matcher(response.bodyAsString());
          while (family.find()) {
            // A timer's _max gauge is listed with its timer.
            String name = family.group(1).replaceFirst("_max$", "");
            if (!runbook.contains("`" + name)) {
              unlisted.add(name);
            }
          }
          assertEquals(List.of(), unlisted, "metrics docs/operations.md does not list");
          test.completeNow();
        })));
  }

  /** The message of every {@code LOG.warn} in the modules' main sources. */
  private static List<String> warnings() throws IOException {
    List<String> found = new ArrayList<>();
    for (String module : List.of("checklists", "deploy", "handlers", "bot")) {
      try (Stream<Path> files = Files.walk(ROOT.resolve(module).resolve("src/main/java"))) {
        files.filter(file -> file.toString().endsWith(".java")).forEach(file -> {
          Matcher matcher = WARN.matcher(read(file));
          while (matcher.find()) {
            found.add(matcher.group(1).replace("\\\"", "\""));
          }
        });
      }
    }
    return found;
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
