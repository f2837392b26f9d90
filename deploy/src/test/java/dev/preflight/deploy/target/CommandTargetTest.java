package dev.preflight.deploy.target;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.preflight.checklists.deploy.Target;
import dev.preflight.checklists.secret.Redactor;
import dev.preflight.checklists.secret.Variables;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class CommandTargetTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final List<String> SCRIPTS = List.of("deploy.sh", "fail.sh", "hang.sh", "wait-for-go.sh");

  @TempDir
  Path dir;
  private Path marker;
  private CommandTarget target;

  @BeforeEach
  void setUp(Vertx vertx) throws IOException {
    for (String script : SCRIPTS) {
      try (InputStream in = getClass().getResourceAsStream("/targets/" + script)) {
        Path copy = dir.resolve(script);
        Files.copy(in, copy);
        Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rwx------"));
      }
    }
    marker = dir.resolve("marker.txt");
    target = new CommandTarget(vertx, Duration.ofMillis(50));
  }

  private String script(String name) {
    return dir.resolve(name).toString();
  }

  private Target.Command command(List<String> deploy, List<String> rollback, Map<String, String> env) {
    return new Target.Command(deploy, rollback, env, null, TIMEOUT);
  }

  private static DeployJob job(Target target, String version, Map<String, String> variables) {
    return new DeployJob("run-7", "backend", "production", version, null, target, Variables.of(variables));
  }

  private List<String> markerLines() throws IOException {
    return Files.exists(marker) ? Files.readAllLines(marker) : List.of();
  }

  @Test
  void previousVersionIsTheLastLineItsCommandPrints() throws Exception {
    Target.Command reads = new Target.Command(List.of(script("deploy.sh"), "deploy"), List.of(script("deploy.sh"), "rollback"),
        Map.of(), null, TIMEOUT, List.of("printf", "reading the release file\nv1.4.1\n"));

    LiveVersion live = await(target.live(job(reads, "v1.4.2", Map.of()))).orElseThrow();

    assertEquals("v1.4.1", live.version());
    assertNull(live.revision());
  }

  @Test
  void previousVersionThatFailsOrPrintsNoVersionIsUnknown() throws Exception {
    List<List<String>> unusable = List.of(
        List.of("sh", "-c", "echo v1.4.1; exit 3"),
        List.of("printf", "not a version\n"),
        List.of("true"),
        List.of(dir.resolve("missing.sh").toString()));
    for (List<String> argv : unusable) {
      Target.Command reads = new Target.Command(List.of(script("deploy.sh"), "deploy"), List.of(script("deploy.sh")),
          Map.of(), null, TIMEOUT, argv);
      assertTrue(await(target.live(job(reads, "v1.4.2", Map.of()))).isEmpty(), argv.toString());
    }
    Target.Command none = command(List.of(script("deploy.sh")), List.of(script("deploy.sh")), Map.of());
    assertTrue(await(target.live(job(none, "v1.4.2", Map.of()))).isEmpty(), "nothing configured, nothing run");
  }

  @Test
  void exitZeroSucceedsWithTheLastLinesAndRecordsTheEnd() throws Exception {
    Target.Command deploy = new Target.Command(List.of(script("deploy.sh"), "deploy", "{version}"), List.of(),
        Map.of(), dir.toString(), TIMEOUT);
    MemoryJournal journal = new MemoryJournal();

    TargetOutcome outcome = await(target.deploy(job(deploy, "v1.4.2", Map.of()), journal));

    assertTrue(outcome.succeeded(), outcome::toString);
    assertTrue(outcome.summary().matches("\\Q" + script("deploy.sh") + "\\E exited with code 0 after .+"), outcome.summary());
    assertEquals("action=deploy version=v1.4.2\ncwd=" + dir.toRealPath() + "\ntarget= token=\ndone", outcome.detail());
    assertEquals("0", journal.state().get("exitCode"));
    assertTrue(journal.state().containsKey("startedAt"));
    assertTrue(journal.state().containsKey("finishedAt"));
  }

  @Test
  void theExitEndsTheDeployAtOnceRatherThanAtTheNextLook(Vertx vertx) throws Exception {
    // An hour between looks at the output: only the exit itself can end this deploy within the test's wait.
    // The script exits a while after it started, so after the first look (which comes at once).
    CommandTarget unhurried = new CommandTarget(vertx, Duration.ofHours(1));
    Path go = dir.resolve("go");
    // Nor can the last look at the deadline: it is far beyond the test's wait.
    Target.Command deploy = new Target.Command(List.of(script("wait-for-go.sh")), List.of(),
        Map.of("GO_FILE", go.toString()), null, Duration.ofHours(1));
    MemoryJournal journal = new MemoryJournal();
    journal.onProgress((step, detail) -> vertx.setTimer(300, id -> {
      try {
        Files.writeString(go, "go");
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }));

    TargetOutcome outcome = await(unhurried.deploy(job(deploy, "v1.4.2", Map.of()), journal));

    assertTrue(outcome.succeeded(), outcome::toString);
    assertEquals("migrating\nmigrated", outcome.detail());
  }

  @Test
  void nonZeroExitFailsWithTheLastThirtyLinesOfStdoutAndStderr() throws Exception {
    TargetOutcome outcome = await(target.deploy(job(command(List.of(script("fail.sh")), List.of(), Map.of()),
        "v1.4.2", Map.of()), new MemoryJournal()));

    assertFalse(outcome.succeeded());
    assertTrue(outcome.summary().startsWith(script("fail.sh") + " exited with code 3 after "), outcome.summary());
    List<String> lines = outcome.detail().lines().toList();
    assertEquals(30, lines.size());
    assertEquals("step 12", lines.get(0));
    assertEquals("error: migration 0042 failed", lines.get(29));
  }

  @Test
  void placeholdersAndVariablesReachTheArgvAndTheEnvironmentAndSecretsAreMasked() throws Exception {
    String token = "ghp_0123456789abcdefDEPLOY";
    Target.Command deploy = command(
        List.of(script("deploy.sh"), "deploy", "{version}", "{service}", "{environment}", "${REGISTRY}/{service}:{version}"),
        List.of(),
        Map.of("TARGET_ENV", "{environment}", "DEPLOY_TOKEN", "${DEPLOY_TOKEN}", "MARKER_FILE", marker.toString()));

    TargetOutcome outcome = await(target.deploy(
        job(deploy, "v1.4.2", Map.of("REGISTRY", "registry.example.com", "DEPLOY_TOKEN", token)), new MemoryJournal()));

    assertTrue(outcome.succeeded(), outcome::toString);
    assertEquals(List.of("deploy v1.4.2 backend production registry.example.com/backend:v1.4.2"
        + " | backend v1.4.2 production run-7 | target=production token=" + token + " bot=[]"), markerLines());
    assertTrue(outcome.detail().contains("target=production token=" + Redactor.MASK), outcome.detail());
    assertFalse(outcome.detail().contains(token));
  }

  @Test
  void theBotsOwnSecretsAreWithheldFromTheCommand() throws Exception {
    assertEquals("xoxb-the-bots-own-token", System.getenv("SLACK_BOT_TOKEN"), "set by the surefire configuration");
    Target.Command deploy = command(List.of(script("deploy.sh"), "deploy"), List.of(), Map.of("MARKER_FILE", marker.toString()));

    await(target.deploy(job(deploy, "v1.4.2", Map.of()), new MemoryJournal()));

    assertEquals(1, markerLines().size());
    assertTrue(markerLines().get(0).endsWith("bot=[]"), markerLines().get(0));
  }

  @Test
  void timeoutKillsTheScriptAndItsChildProcess() throws Exception {
    Path pid = dir.resolve("script.pid");
    Path childPid = dir.resolve("child.pid");
    // Long enough for a loaded machine to reach `wait`; the kill is what is tested.
    Target.Command deploy = new Target.Command(List.of(script("hang.sh")), List.of(),
        Map.of("PID_FILE", pid.toString(), "CHILD_PID_FILE", childPid.toString()), null, Duration.ofSeconds(5));
    MemoryJournal journal = new MemoryJournal();

    TargetOutcome outcome = await(target.deploy(job(deploy, "v1.4.2", Map.of()), journal));

    assertFalse(outcome.succeeded());
    assertEquals("timed out after 5s", outcome.summary());
    assertEquals("waiting for the rollout", outcome.detail());
    assertEquals("timed out after 5s", journal.state().get("ending"));
    assertGone(pid);
    assertGone(childPid);
  }

  @Test
  void abortKillsTheScriptAndItsChildProcess(Vertx vertx) throws Exception {
    Path pid = dir.resolve("script.pid");
    Path childPid = dir.resolve("child.pid");
    Target.Command deploy = command(List.of(script("hang.sh")), List.of(),
        Map.of("PID_FILE", pid.toString(), "CHILD_PID_FILE", childPid.toString()));
    MemoryJournal journal = new MemoryJournal();
    // The script writes both pid files before it prints this line.
    journal.onProgress((step, detail) -> whenWaiting(vertx, detail, journal::abort));

    TargetOutcome outcome = await(target.deploy(job(deploy, "v1.4.2", Map.of()), journal));

    assertFalse(outcome.succeeded());
    assertEquals("Aborted", outcome.summary());
    assertEquals("waiting for the rollout", outcome.detail());
    assertGone(pid);
    assertGone(childPid);
  }

  @Test
  void aStoppingBotKillsTheScriptAndItsChildAndRecordsWhySoTheNextBotNeverRunsItAgain(Vertx vertx)
      throws Exception {
    Path pid = dir.resolve("script.pid");
    Path childPid = dir.resolve("child.pid");
    Target.Command deploy = command(List.of(script("hang.sh")), List.of(),
        Map.of("PID_FILE", pid.toString(), "CHILD_PID_FILE", childPid.toString()));
    MemoryJournal journal = new MemoryJournal();
    // The script writes both pid files before it prints this line.
    journal.onProgress((step, detail) -> whenWaiting(vertx, detail, journal::stop));
    await(target.deploy(job(deploy, "v1.4.2", Map.of()), journal));

    assertGone(pid);
    assertGone(childPid);
    String ending = journal.state().get(CommandTarget.ENDING);
    assertEquals(script("hang.sh") + " was " + CommandTarget.STOPPED + ". Check it by hand", ending);
    assertEquals("true", journal.state().get(CommandTarget.UNKNOWN), "recorded as an end nobody saw");
    assertFalse(journal.state().containsKey(CommandTarget.EXIT_CODE));

    // The replica that takes the run over reads the ending and never starts the script again.
    Files.delete(pid);
    TargetOutcome next = await(target.deploy(job(deploy, "v1.4.2", Map.of()), new MemoryJournal(journal.state())));
    assertFalse(next.succeeded());
    assertTrue(next.unknown(), "not a failure the abort rules may act on");
    assertEquals(ending, next.summary());
    assertFalse(Files.exists(pid), "the script did not run a second time");
  }

  @Test
  void progressShowsTheNewestLineOfOutputWhileTheCommandRuns() throws Exception {
    Path go = dir.resolve("go");
    Target.Command deploy = command(List.of(script("wait-for-go.sh")), List.of(), Map.of("GO_FILE", go.toString()));
    MemoryJournal journal = new MemoryJournal();
    journal.onProgress((step, detail) -> {
      if ("migrating".equals(detail)) {
        try {
          Files.createFile(go);
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      }
    });

    TargetOutcome outcome = await(target.deploy(job(deploy, "v1.4.2", Map.of()), journal));

    assertTrue(outcome.succeeded(), outcome::toString);
    String step = "Running " + script("wait-for-go.sh");
    assertEquals(step + " | null", journal.progress().get(0));
    assertTrue(journal.progress().contains(step + " | migrating"), journal.progress()::toString);
  }

  @Test
  void aRestartWhileTheCommandRanReportsAnUnknownOutcomeAndNeverRunsItAgain(Vertx vertx) throws Exception {
    Target.Command deploy = command(List.of(script("deploy.sh"), "deploy"), List.of(), Map.of("MARKER_FILE", marker.toString()));
    // The bot dies after the command ran but before it could record the end.
    MemoryJournal dying = new MemoryJournal().failingOn(entries -> entries.containsKey("finishedAt"));
    await(target.deploy(job(deploy, "v1.4.2", Map.of()), dying));
    assertEquals(1, markerLines().size());
    assertTrue(dying.state().containsKey("startedAt"));

    MemoryJournal restarted = new MemoryJournal(dying.state());
    TargetOutcome outcome = await(new CommandTarget(vertx).deploy(job(deploy, "v1.4.2", Map.of()), restarted));

    assertFalse(outcome.succeeded());
    assertTrue(outcome.unknown());
    assertEquals("The bot restarted while " + script("deploy.sh") + " was running, so whether it finished is "
        + "unknown. Check it by hand.", outcome.summary());
    assertEquals(1, markerLines().size());
  }

  @Test
  void anEndingTheVersionBeforeRecordedForAStopIsReadAsUnknownAfterAnUpgrade(Vertx vertx) throws Exception {
    // The upgrade itself: the old jar stopped mid-deploy and recorded its words, the new jar takes over.
    Target.Command deploy = command(List.of(script("deploy.sh"), "deploy"), List.of(), Map.of("MARKER_FILE", marker.toString()));
    String old = "Preflight was shut down while the command ran, so it was stopped and the deploy's outcome is "
        + "unknown; check deploy.sh by hand";
    MemoryJournal stored = new MemoryJournal(Map.of("startedAt", "2026-12-06T10:00:00Z", "finishedAt",
        "2026-12-06T10:00:07Z", CommandTarget.ENDING, old));

    TargetOutcome outcome = await(new CommandTarget(vertx).deploy(job(deploy, "v1.4.2", Map.of()), stored));

    assertTrue(outcome.unknown(), "not a failure to roll back for");
    assertEquals(old, outcome.summary());
    assertEquals(0, markerLines().size(), "not run again");
  }

  @Test
  void aCommandLeftRunningByAKilledBotIsStoppedBeforeAnythingElse(Vertx vertx) throws Exception {
    // What a bot killed with SIGKILL leaves behind: its command, still running, and a journal
    // that says it started and which process it is.
    Process leftover = startLeftover();
    Map<String, String> stored = journalOf(leftover);
    Target.Command deploy = command(List.of(script("hang.sh")), List.of(), Map.of());

    TargetOutcome outcome = await(new CommandTarget(vertx).deploy(job(deploy, "v1.4.2", Map.of()),
        new MemoryJournal(stored)));

    assertFalse(outcome.succeeded());
    assertTrue(outcome.unknown());
    assertTrue(outcome.summary().contains("it was still running and was stopped"), outcome.summary());
    assertTrue(leftover.waitFor(10, java.util.concurrent.TimeUnit.SECONDS), "the leftover command is gone");
  }

  @Test
  void anAbortAfterAKilledBotStopsTheCommandItLeftRunning(Vertx vertx) throws Exception {
    Process leftover = startLeftover();
    Map<String, String> stored = journalOf(leftover);
    MemoryJournal aborted = new MemoryJournal(stored);
    aborted.abort();

    TargetOutcome outcome = await(new CommandTarget(vertx).deploy(job(command(List.of(script("hang.sh")), List.of(),
        Map.of()), "v1.4.2", Map.of()), aborted));

    assertEquals("Aborted", outcome.summary());
    assertEquals("The command an earlier attempt started was still running and was stopped.", outcome.detail());
    assertTrue(leftover.waitFor(10, java.util.concurrent.TimeUnit.SECONDS), "the leftover command is gone");
  }

  @Test
  void aRecordedExitCodeIsTheOutcomeWithoutRunningAgain() throws Exception {
    Target.Command deploy = new Target.Command(List.of(script("deploy.sh"), "deploy"), List.of(),
        Map.of("MARKER_FILE", marker.toString(), "EXIT_CODE", "4"), null, TIMEOUT);
    MemoryJournal journal = new MemoryJournal();
    TargetOutcome first = await(target.deploy(job(deploy, "v1.4.2", Map.of()), journal));

    TargetOutcome again = await(target.deploy(job(deploy, "v1.4.2", Map.of()), new MemoryJournal(journal.state())));

    assertFalse(first.succeeded());
    assertFalse(again.succeeded());
    assertEquals(first.summary(), again.summary());
    assertEquals(1, markerLines().size());
  }

  @Test
  void rollbackRunsTheRollbackArgvWithTheRestoredVersion() throws Exception {
    Target.Command deploy = command(List.of(script("deploy.sh"), "deploy", "{version}"),
        List.of(script("deploy.sh"), "rollback", "{version}"), Map.of("MARKER_FILE", marker.toString()));

    TargetOutcome outcome = await(target.rollback(job(deploy, "v1.4.1", Map.of()), new MemoryJournal()));

    assertTrue(outcome.succeeded(), outcome::toString);
    assertEquals(1, markerLines().size());
    assertTrue(markerLines().get(0).startsWith("rollback v1.4.1 | backend v1.4.1 production run-7 |"), markerLines().get(0));
  }

  @Test
  void rollbackWithoutARollbackCommandFailsAtOnce() throws Exception {
    Target.Command deploy = command(List.of(script("deploy.sh"), "deploy"), List.of(), Map.of("MARKER_FILE", marker.toString()));

    TargetOutcome outcome = await(target.rollback(job(deploy, "v1.4.1", Map.of()), new MemoryJournal()));

    assertFalse(outcome.succeeded());
    assertEquals("This environment has no rollback command", outcome.summary());
    assertEquals(List.of(), markerLines());
  }

  @Test
  void aMissingProgramFailsNamingItAndRecordsWhy() throws Exception {
    MemoryJournal journal = new MemoryJournal();
    TargetOutcome outcome = await(target.deploy(job(command(List.of("/opt/nowhere/deploy.sh", "deploy"), List.of(), Map.of()),
        "v1.4.2", Map.of()), journal));

    assertFalse(outcome.succeeded());
    assertTrue(outcome.summary().startsWith("cannot start /opt/nowhere/deploy.sh: "), outcome.summary());
    assertTrue(outcome.summary().contains("No such file or directory"), outcome.summary());
    assertEquals(outcome.summary(), journal.state().get("ending"));
    assertNull(outcome.detail());
  }

  @Test
  void aMissingVariableFailsBeforeAnythingRuns() throws Exception {
    MemoryJournal journal = new MemoryJournal();
    Target.Command deploy = command(List.of(script("deploy.sh"), "${REGISTRY}"), List.of(), Map.of("MARKER_FILE", marker.toString()));

    TargetOutcome outcome = await(target.deploy(job(deploy, "v1.4.2", Map.of()), journal));

    assertFalse(outcome.succeeded());
    assertEquals("environment variable REGISTRY is not set", outcome.summary());
    assertEquals(Map.of(), journal.state());
    assertEquals(List.of(), markerLines());
  }

  /** What a bot killed with SIGKILL leaves behind: its command, still running. */
  private Process startLeftover() throws IOException {
    ProcessBuilder builder = new ProcessBuilder(script("hang.sh")).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD);
    builder.environment().put("PID_FILE", Files.createTempFile("hang", ".pid").toString());
    builder.environment().put("CHILD_PID_FILE", Files.createTempFile("hang", ".child").toString());
    return builder.start();
  }

  /** The journal such a bot leaves: the command started, and which process it is. */
  private static Map<String, String> journalOf(Process leftover) {
    ProcessHandle handle = leftover.toHandle();
    return Map.of("startedAt", java.time.Instant.now().toString(), "pid", String.valueOf(handle.pid()),
        "pidStartedAt", handle.info().startInstant().orElseThrow().toString());
  }

  /** hang.sh says it waits once both its pid files are written. */
  private static void whenWaiting(Vertx vertx, String detail, Runnable then) {
    if ("waiting for the rollout".equals(detail)) {
      vertx.runOnContext(v -> then.run());
    }
  }

  private static void assertGone(Path pidFile) throws IOException {
    long pid = Long.parseLong(Files.readString(pidFile).trim());
    assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "process " + pid + " survived");
  }

  static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(45, TimeUnit.SECONDS);
  }
}
