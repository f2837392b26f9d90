package dev.preflight.bot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.preflight.checklists.config.ConfigLoader;
import dev.preflight.checklists.config.PreflightConfig;
import dev.preflight.checklists.run.Evidence;
import dev.preflight.deploy.TestDatabase;
import dev.preflight.deploy.run.ChecklistRuns;
import dev.preflight.deploy.run.Origin;
import dev.preflight.deploy.run.RunRepository;
import dev.preflight.deploy.run.TrackedRun;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code report <run-id>} against a run stored by the real run service in a real PostgreSQL. */
class ReportCliTest {

  private static final Origin SRE = new Origin("U0SRE0001", "test");

  @TempDir
  Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private TestDatabase database;
  private Path configFile;
  private Vertx vertx;
  private Pool pool;
  private ChecklistRuns runs;

  @BeforeEach
  void store() throws IOException {
    configFile = writeConfig();
    PreflightConfig config = ConfigLoader.load(configFile);
    database = TestDatabase.create();
    vertx = Vertx.vertx();
    pool = PgBuilder.pool().connectingTo(database.connectOptions()).using(vertx).build();
    runs = new ChecklistRuns(vertx, new RunRepository(pool, config::checklist),
        spec -> Future.succeededFuture(Evidence.failure("unused", null, 1)), config::checklist, Clock.systemUTC());
  }

  @AfterEach
  void close() {
    pool.close();
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }

  @Test
  void printsTheReportOfAStoredRun() throws Exception {
    TrackedRun run = get(runs.start("release-review", "C0OPS0001", SRE));
    get(runs.tick(run.id(), "notes", SRE));
    get(runs.waive(run.id(), "docs", "no user-facing change", Set.of("sre"), SRE));

    int code = report(run.id());

    String printed = text(out);
    assertEquals(0, code, text(err));
    List<String> lines = printed.lines().toList();
    assertEquals("# Checklist report: Release review", lines.get(0), printed);
    for (String line : List.of(
        "| Run | `" + run.id() + "` |",
        "| Status | **READY** |",
        "2 of 2 items passed or waived.",
        "### Paperwork",
        "  - Reason: no user-facing change",
        "## Waivers")) {
      assertTrue(lines.contains(line), "missing line: " + line + "\n---\n" + printed);
    }
    assertTrue(lines.stream().anyMatch(line -> line.startsWith(
        "- **PASSED** Release notes written (`notes`, blocker, manual) — ticked by @U0SRE0001 at ")), printed);
    assertTrue(printed.contains("| `item.waived` |"), "the audit trail comes from the database: " + printed);
    assertTrue(lines.stream().noneMatch(line -> line.startsWith("{")), "no log line in the report: " + printed);
  }

  @Test
  void aRunWhoseChecklistLeftTheConfigIsReportedFromWhatIsStored() throws Exception {
    TrackedRun run = get(runs.start("release-review", "C0OPS0001", SRE));
    get(runs.tick(run.id(), "notes", SRE));
    get(runs.waive(run.id(), "docs", "no user-facing change", Set.of("sre"), SRE));
    // The checklist is taken out of the config; another one keeps the config valid.
    Files.delete(dir.resolve("checklists/release-review.yaml"));
    Files.writeString(dir.resolve("checklists/other.yaml"), RemovedChecklistInSlackTest.OTHER_CHECKLIST);

    int code = report(run.id());

    String printed = text(out);
    assertEquals(0, code, text(err));
    List<String> lines = printed.lines().toList();
    assertEquals("# Checklist report: release-review", lines.get(0), printed);
    for (String line : List.of(
        "| Run | `" + run.id() + "` |",
        "| Checklist | `release-review`, no longer in the config: items are named by their ids, and their titles, "
            + "blocker marks and the sign-off rule are not known |",
        "| Status | **READY** |",
        "2 of 2 items passed or waived.",
        "  - Reason: no user-facing change")) {
      assertTrue(lines.contains(line), "missing line: " + line + "\n---\n" + printed);
    }
    assertTrue(lines.stream().anyMatch(line -> line.startsWith("- **PASSED** `notes` — moved by @U0SRE0001 at ")),
        printed);
    assertTrue(lines.stream().anyMatch(line -> line.startsWith("- **WAIVED** `docs` — waived by @U0SRE0001 at ")),
        printed);
    assertTrue(printed.contains("| `item.ticked` |"), "the audit trail is there too: " + printed);
  }

  @Test
  void anUnknownRunIdExitsWithOneAndSaysSo() {
    assertEquals(1, report("5a6b7c8d-0000-4000-8000-00000000dead"));
    assertTrue(text(err).contains("There is no run `5a6b7c8d-0000-4000-8000-00000000dead`"), text(err));
    assertEquals("", text(out));
  }

  @Test
  void withoutARunIdItExplainsHowToCallIt() {
    assertEquals(2, Report.run(new String[0], settings(), print(out), print(err)));
    assertTrue(text(err).contains("report <run-id>"), text(err));
  }

  private int report(String runId) {
    return Report.run(new String[] {runId}, settings(), print(out), print(err));
  }

  private BotSettings settings() {
    return BotSettings.fromEnvironment(Map.of(
        "PREFLIGHT_CONFIG", configFile.toString(),
        "DATABASE_URL", database.url()));
  }

  private Path writeConfig() throws IOException {
    Path checklists = Files.createDirectories(dir.resolve("checklists"));
    Files.writeString(checklists.resolve("release-review.yaml"), String.join("\n",
        "id: release-review",
        "title: Release review",
        "channel: ops",
        "waivers: [sre]",
        "sections:",
        "  - title: Paperwork",
        "    items:",
        "      - id: notes",
        "        title: Release notes written",
        "        blocker: true",
        "      - id: docs",
        "        title: Docs updated",
        ""));
    Path config = dir.resolve("preflight.yaml");
    Files.writeString(config, String.join("\n",
        "roles:",
        "  sre:",
        "    users: [U0SRE0001]",
        "channels:",
        "  ops: C0OPS0001",
        "checklists:",
        "  - checklists",
        ""));
    return config;
  }

  private static PrintStream print(ByteArrayOutputStream stream) {
    return new PrintStream(stream, true, StandardCharsets.UTF_8);
  }

  private static String text(ByteArrayOutputStream stream) {
    return stream.toString(StandardCharsets.UTF_8);
  }

  private static <T> T get(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }
}
