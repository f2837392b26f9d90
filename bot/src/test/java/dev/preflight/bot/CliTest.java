package dev.preflight.bot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commands a team runs in its own CI: {@code validate} and {@code check}. */
class CliTest {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private HttpServer target;

  @BeforeEach
  void startTarget() throws IOException {
    // A plain JDK server: this test drives the CLI, which owns its own Vert.x.
    target = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    target.createContext("/health", exchange -> {
      byte[] body = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    target.createContext("/broken", exchange -> {
      byte[] body = "{\"ok\":false,\"error\":\"db down\"}".getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(503, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    target.start();
  }

  @AfterEach
  void stopTarget() {
    target.stop(0);
  }

  @Test
  void validatePassesTheExampleConfig() {
    int code = run("validate", "../preflight.yaml");
    assertEquals(0, code, text(err));
    assertTrue(text(out).contains("OK"), text(out));
  }

  @Test
  void validateCountsInTheSingularAndThePlural() {
    assertEquals(0, run("validate", "src/test/resources/cli/one-of-each/preflight.yaml"), text(err));
    assertEquals("src/test/resources/cli/one-of-each/preflight.yaml: OK (1 checklist, 1 service, 1 environment, "
        + "1 role)", text(out).strip());

    out.reset();
    assertEquals(0, run("validate", "../preflight.yaml"), text(err));
    assertTrue(text(out).strip().matches("\\.\\./preflight\\.yaml: OK \\([2-9]\\d* checklists, [2-9]\\d* services, "
        + "[2-9]\\d* environments, [2-9]\\d* roles\\)"), text(out));
  }

  @Test
  void validatePrintsEveryErrorOnItsOwnLineAndFails() {
    int code = run("validate", "src/test/resources/cli/broken.yaml");
    assertEquals(1, code);
    List<String> lines = text(out).lines().toList();
    assertTrue(lines.stream().anyMatch(l -> l.contains("release.yaml:11") && l.contains("blockr")
        && l.contains("did you mean `blocker`")), text(out));
    assertTrue(lines.stream().anyMatch(l -> l.contains("security")), text(out));
    assertTrue(lines.stream().anyMatch(l -> l.contains("no-such-checklist")), text(out));
    assertEquals(3, lines.size(), text(out));
  }

  @Test
  void checkRunsTheAutomatedItemsAndPassesWhenEveryBlockerPasses(@TempDir Path dir) throws IOException {
    Path checklist = checklist(dir, "/health", true);
    int code = run("check", checklist.toString(), "--set", "TARGET=" + url());
    String printed = text(out);
    assertEquals(0, code, printed + text(err));
    assertTrue(printed.contains("[1/1] PASS health"), printed);
    assertTrue(printed.contains("manual"), "manual items are listed, not run: " + printed);
  }

  @Test
  void checkFailsWhenABlockerFailsAndShowsWhatItSaw(@TempDir Path dir) throws IOException {
    Path checklist = checklist(dir, "/broken", true);
    int code = run("check", checklist.toString(), "--set", "TARGET=" + url());
    String printed = text(out);
    assertEquals(1, code, printed);
    assertTrue(printed.contains("FAIL health"), printed);
    assertTrue(printed.contains("503"), printed);
    assertTrue(printed.contains("1 blocker failed"), printed);
    assertFalse(printed.contains(url()), "values from --set are masked in what is printed: " + printed);
  }

  @Test
  void checkWithAFailingNonBlockerStillPasses(@TempDir Path dir) throws IOException {
    Path checklist = checklist(dir, "/broken", false);
    assertEquals(0, run("check", checklist.toString(), "--set", "TARGET=" + url()), text(out));
  }

  @Test
  void checkRefusesAMalformedSet() {
    assertEquals(2, run("check", "whatever.yaml", "--set", "no-equals-sign"));
    assertTrue(text(err).contains("--set NAME=VALUE"), text(err));
  }

  private Path checklist(Path dir, String path, boolean blocker) throws IOException {
    Path file = dir.resolve("smoke.yaml");
    Files.writeString(file, String.join("\n",
        "id: smoke",
        "title: Smoke",
        "sections:",
        "  - title: Service",
        "    items:",
        "      - id: health",
        "        title: Health answers",
        "        blocker: " + blocker,
        "        check:",
        "          kind: http",
        "          url: ${TARGET}" + path,
        "          expect:",
        "            json:",
        "              /ok: true",
        "      - id: notes",
        "        title: Release notes written",
        ""));
    return file;
  }

  private String url() {
    return "http://127.0.0.1:" + target.getAddress().getPort();
  }

  private int run(String... args) {
    return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private static String text(ByteArrayOutputStream stream) {
    return stream.toString(StandardCharsets.UTF_8);
  }
}
