package dev.preflight.bot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The command line itself: version, help, and the exit codes the README documents. */
class CommandLineTest {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @Test
  void versionPrintsTheProjectVersion() throws IOException {
    assertEquals(0, run("--version"));
    assertEquals("preflight " + projectVersion(), text(out).strip());
    assertEquals("", text(err));
  }

  @Test
  void helpListsTheCommandsAndTheExitCodes() {
    assertEquals(0, run("--help"));
    String help = text(out);
    assertTrue(help.startsWith("Usage: java -jar preflight.jar [-hV] [COMMAND]"), help);
    for (String command : new String[] {"serve", "validate", "check", "report", "help"}) {
      assertTrue(help.lines().anyMatch(line -> line.startsWith("  " + command + " ")), command + " listed: " + help);
    }
    assertTrue(help.contains("Exit codes:"), help);
    assertTrue(help.lines().anyMatch(line -> line.matches("\\s+2\\s+usage error.*")), help);
  }

  @ParameterizedTest
  @ValueSource(strings = {"validate", "check", "report"})
  void helpCommandAndHelpOptionPrintTheSameUsage(String command) {
    assertEquals(0, run("help", command));
    String viaHelp = text(out);
    out.reset();
    assertEquals(0, run(command, "--help"));
    assertEquals(viaHelp, text(out));
    assertTrue(viaHelp.startsWith("Usage: java -jar preflight.jar " + command), viaHelp);
    assertTrue(viaHelp.contains("Exit codes:"), viaHelp);
    assertEquals("", text(err));
  }

  @Test
  void checkHelpShowsHowToSetValues() {
    assertEquals(0, run("check", "--help"));
    assertTrue(text(out).contains("--set NAME=VALUE"), text(out));
    assertTrue(text(out).contains("a value for ${NAME} in the checklist"), "not interpolated: " + text(out));
  }

  @Test
  void anUnknownCommandIsAUsageError() {
    assertEquals(2, run("deploy-everything"));
    assertTrue(text(err).contains("Unmatched argument at index 0: 'deploy-everything'"), text(err));
    assertEquals("", text(out));
    err.reset();
    assertEquals(2, run("valdate", "../preflight.yaml"));
    assertTrue(text(err).contains("Did you mean: java -jar preflight.jar validate?"), text(err));
  }

  @Test
  void anUnknownOptionIsAUsageError() {
    assertEquals(2, run("validate", "--strict"));
    assertTrue(text(err).contains("--strict"), text(err));
  }

  @Test
  void aMissingArgumentIsAUsageError() {
    assertEquals(2, run("check"));
    assertTrue(text(err).contains("Missing required parameter: '<checklist>'"), text(err));
    err.reset();
    assertEquals(2, run("report"));
    assertTrue(text(err).contains("Missing required parameter: '<run-id>'"), text(err));
    assertTrue(text(err).contains("java -jar preflight.jar report <run-id>"), text(err));
  }

  @Test
  void aSecondFileForValidateIsAUsageError() {
    assertEquals(2, run("validate", "../preflight.yaml", "../preflight.yaml"));
    assertTrue(text(err).contains("Unmatched argument"), text(err));
  }

  @Test
  void anArgumentStartingWithAtIsTakenLiterallyNotAsAFileOfArguments() {
    assertEquals(1, run("validate", "@../preflight.yaml"));
    assertTrue(text(out).contains("@../preflight.yaml: file not found"), text(out));
  }

  @Test
  void aFailingCommandExitsWithOneAndSaysWhyInOneLine() {
    assertEquals(1, run("validate", "src/test/resources/cli/broken.yaml"));
    assertFalse(text(err).contains("Exception"), text(err));
  }

  /** README's exit-code table says so: serving on a config with errors is a 2, not a 1. */
  @Test
  void servingAConfigWithErrorsExitsWithTwoNamingEachError() throws IOException {
    BotSettings settings = BotSettings.fromEnvironment(Map.of("PREFLIGHT_CONFIG", "src/test/resources/cli/broken.yaml"));

    assertEquals(2, Serve.run(settings, new PrintStream(err, true, StandardCharsets.UTF_8)));
    assertTrue(text(err).startsWith("The config has errors; fix them and start again:\n  "), text(err));
    assertTrue(Files.readString(Path.of("../README.md")).contains(
        "| `2` | usage error: an unknown command or option, a missing or malformed argument; `serve` (and the jar "
            + "with no command) when the config has errors"), "README's exit-code table lists it");
  }

  private static String projectVersion() throws IOException {
    Matcher version = Pattern.compile("<artifactId>preflight</artifactId>\\s*<version>([^<]+)</version>")
        .matcher(Files.readString(Path.of("../pom.xml")));
    assertTrue(version.find(), "the root pom names its version");
    return version.group(1);
  }

  private int run(String... args) {
    return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private static String text(ByteArrayOutputStream stream) {
    return stream.toString(StandardCharsets.UTF_8);
  }
}
