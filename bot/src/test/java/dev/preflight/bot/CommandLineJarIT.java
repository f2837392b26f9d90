package dev.preflight.bot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The packaged jar's command line, as a shell or CI sees it: what it prints and its exit code. */
class CommandLineJarIT {

  private static final Path JAR = Path.of(System.getProperty("preflight.jar", "target/preflight.jar"));

  private record Run(int code, String output) {}

  @Test
  void versionComesFromTheJar() throws Exception {
    Run run = run("--version");
    assertEquals(0, run.code(), run.output());
    assertTrue(run.output().matches("preflight \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\\R"), run.output());
  }

  @Test
  void helpOfACommandExitsZero() throws Exception {
    Run run = run("help", "report");
    assertEquals(0, run.code(), run.output());
    assertTrue(run.output().startsWith("Usage: java -jar preflight.jar report <run-id>"), run.output());
  }

  @Test
  void anUnknownCommandExitsTwo() throws Exception {
    Run run = run("unknown-command");
    assertEquals(2, run.code(), run.output());
    assertTrue(run.output().contains("'unknown-command'"), run.output());
  }

  @Test
  void aBrokenConfigExitsOne() throws Exception {
    Run run = run("validate", "src/test/resources/cli/broken.yaml");
    assertEquals(1, run.code(), run.output());
    assertTrue(run.output().contains("did you mean `blocker`"), run.output());
  }

  private static Run run(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(BotProcess.java(), "-jar", JAR.toString()));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the command ended");
    return new Run(process.exitValue(), output);
  }
}
