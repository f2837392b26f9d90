package dev.preflight.bot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Slack text belongs to the handlers module: the domain and the deploy engine return values, and
 * handlers decides how a user reads them. This test reads the string literals of {@code checklists}
 * and {@code deploy} and fails on anything only Slack would render: a mention, a channel link, a
 * special mention, a code fence, code spans and bold marks around a name, an emoji short code or
 * an emoji character.
 */
class SlackMarkupLayeringTest {

  private static final Path ROOT = Path.of("..");
  private static final Pattern LITERAL = Pattern.compile("\"((?:[^\"\\\\\\n]|\\\\.)*)\"");
  private static final List<Rule> RULES = List.of(
      new Rule("a mention or link", Pattern.compile("<[@#]|<!(channel|here|everyone|subteam|date)")),
      new Rule("a code fence", Pattern.compile("```")),
      new Rule("a code span around a value", Pattern.compile("^`$|^`\\s|\\s`$|`[^`$;|&\\\\]+`")),
      new Rule("bold marks around a value", Pattern.compile("^\\*$|^\\*\\s|\\s\\*$|\\*[A-Za-z][^*]*\\*")),
      new Rule("an emoji short code", Pattern.compile("(?<![A-Za-z0-9]):[a-z][a-z0-9_+-]*[a-z0-9_]:(?![A-Za-z0-9])")),
      new Rule("an emoji or check mark", Pattern.compile("[\\x{2600}-\\x{27BF}\\x{1F300}-\\x{1FAFF}]")));

  @Test
  void theDomainAndTheDeployEngineWriteNoSlackMarkup() {
    List<String> found = new ArrayList<>();
    for (String module : List.of("checklists", "deploy")) {
      try (Stream<Path> files = Files.walk(ROOT.resolve(module).resolve("src/main/java"))) {
        files.filter(f -> f.toString().endsWith(".java")).sorted().forEach(f -> scan(f, found));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    assertEquals(List.of(), found, "Slack markup below handlers");
  }

  @Test
  void theRulesRecogniseWhatSlackRenders() {
    for (String markup : List.of("<@U0123>", "<!here>", "asked by <@", "```", "`", " in `", "`prod`", "*", "* in *",
        "*backend*", ":rocket:", "✓ ", "⚠")) {
      assertTrue(RULES.stream().anyMatch(r -> r.pattern.matcher(markup).find()), markup);
    }
    for (String plain : List.of("UpdateService", "count(*)", "a;b|c`$&", "10:30:00", "https://x.test/a?b=1",
        "expected 200, got 500", "yyyy-MM-dd HH:mm:ss", "(?<!\\$)\\{x}")) {
      assertTrue(RULES.stream().noneMatch(r -> r.pattern.matcher(plain).find()), plain);
    }
  }

  private static void scan(Path file, List<String> found) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.startsWith("//") || line.startsWith("*") || line.startsWith("/*")) {
        continue;
      }
      Matcher literal = LITERAL.matcher(line);
      while (literal.find()) {
        for (Rule rule : RULES) {
          if (rule.pattern.matcher(literal.group(1)).find() && !exempt(file, rule, literal.group(1))) {
            found.add(ROOT.relativize(file) + ":" + (i + 1) + " " + rule.name + ": \"" + literal.group(1) + "\"");
          }
        }
      }
    }
  }

  /**
   * Text that is not for Slack: the validator's messages (printed by {@code validate} in a terminal),
   * the Markdown report files, and SQL.
   */
  private static boolean exempt(Path file, Rule rule, String literal) {
    String path = file.toString().replace('\\', '/');
    boolean prose = rule.name.startsWith("a code") || rule.name.startsWith("bold");
    return prose && (path.contains("/checklists/config/") || path.contains("/deploy/report/") || SQL.matcher(literal).find());
  }

  private static final Pattern SQL = Pattern.compile("(?i)\\b(select|returning|insert into|update|delete from)\\b.*");

  private record Rule(String name, Pattern pattern) {}
}
