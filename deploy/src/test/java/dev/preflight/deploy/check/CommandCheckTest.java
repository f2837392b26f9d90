package dev.preflight.deploy.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.preflight.checklists.checklist.CheckSpec;
import dev.preflight.checklists.run.Evidence;
import dev.preflight.checklists.secret.Redactor;
import dev.preflight.checklists.secret.Variables;
import dev.preflight.deploy.aws.AwsClients;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class CommandCheckTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private AwsClients aws;
  private CheckRunner runner;

  @BeforeEach
  void start(Vertx vertx) {
    aws = new AwsClients();
    runner = new CheckRunner(vertx, aws);
  }

  @AfterEach
  void stop() {
    runner.close();
    aws.close();
  }

  private static CheckSpec.Command command(List<String> argv, int exitCode, String outputContains) {
    return new CheckSpec.Command(argv, null, Map.of(), exitCode, outputContains,
        new CheckSpec.Timing(TIMEOUT, 0, Duration.ZERO));
  }

  private static List<String> sh(String script) {
    return List.of("/bin/sh", "-c", script);
  }

  private Future<Evidence> run(CheckSpec.Command spec) {
    return runner.run(spec, Variables.of(Map.of()));
  }

  @Test
  void exitZeroPassesWithItsOutput(VertxTestContext ctx) {
    Verify.evidence(run(command(sh("echo migrations up to date"), 0, null)), ctx, evidence -> {
      assertTrue(evidence.passed(), evidence::toString);
      assertEquals(0, evidence.status());
      assertTrue(evidence.summary().matches("exit 0 in \\d+ ms"), evidence.summary());
      assertEquals("migrations up to date\n", evidence.excerpt());
    });
  }

  @Test
  void exitThreeFailsWithStatusThreeAndStderrInTheExcerpt(VertxTestContext ctx) {
    Verify.evidence(run(command(sh("echo checking; echo 'lock held by deploy 41' >&2; exit 3"), 0, null)), ctx,
        evidence -> {
          assertFalse(evidence.passed());
          assertEquals(3, evidence.status());
          assertEquals("expected exit 0, got 3", evidence.summary());
          assertEquals("checking\nlock held by deploy 41\n", evidence.excerpt());
        });
  }

  @Test
  void expectedNonZeroExitPasses(VertxTestContext ctx) {
    Verify.evidence(run(command(sh("exit 3"), 3, null)), ctx, evidence -> {
      assertTrue(evidence.passed(), evidence::toString);
      assertEquals(3, evidence.status());
      assertNull(evidence.excerpt());
    });
  }

  @Test
  void outputContainsPassesWhenTheTextIsPrinted(VertxTestContext ctx) {
    Verify.evidence(run(command(sh("echo 'status: healthy (3/3)'"), 0, "healthy")), ctx,
        evidence -> assertTrue(evidence.passed(), evidence::toString));
  }

  @Test
  void outputContainsMayComeFromTheEnvironment(VertxTestContext ctx) {
    CheckSpec.Command spec = command(sh("echo 'running as agente'"), 0, "as ${EXPECTED_USER}");
    Verify.evidence(runner.run(spec, Variables.of(Map.of("EXPECTED_USER", "agente"))), ctx,
        evidence -> assertTrue(evidence.passed(), evidence::toString));
  }

  @Test
  void outputContainsFailsWhenTheTextIsMissing(VertxTestContext ctx) {
    Verify.evidence(run(command(sh("echo 'status: degraded'"), 0, "healthy")), ctx, evidence -> {
      assertFalse(evidence.passed());
      assertEquals(0, evidence.status());
      assertEquals("output does not contain \"healthy\"", evidence.summary());
    });
  }

  @Test
  void timeoutKillsTheCommandAndItsChildren(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    Path parentPid = dir.resolve("parent.pid");
    Path childPid = dir.resolve("child.pid");
    // The timeout leaves room for a loaded machine to reach `wait`; the kill is what is tested.
    String script = "echo started; sleep 30 & echo $! > " + childPid + "; echo $$ > " + parentPid + "; wait";
    CheckSpec.Command spec = new CheckSpec.Command(sh(script), null, Map.of(), 0, null,
        new CheckSpec.Timing(Duration.ofSeconds(5), 0, Duration.ZERO));
    run(spec)
        .compose(evidence -> Future.all(pid(vertx, parentPid), pid(vertx, childPid))
            .map(pids -> {
              ctx.verify(() -> {
                assertFalse(evidence.passed());
                assertEquals("timed out after 5s", evidence.summary());
                assertNull(evidence.status());
                assertEquals("started\n", evidence.excerpt());
                for (Object pid : pids.list()) {
                  assertFalse(ProcessHandle.of((Long) pid).map(ProcessHandle::isAlive).orElse(false),
                      "process " + pid + " survived the timeout");
                }
              });
              return evidence;
            }))
        .onComplete(ctx.succeedingThenComplete());
  }

  private static Future<Long> pid(Vertx vertx, Path file) {
    return vertx.fileSystem().readFile(file.toString()).map(buffer -> Long.parseLong(buffer.toString().trim()));
  }

  @Test
  void shellMetacharactersInArgvArePassedLiterally(VertxTestContext ctx) {
    Verify.evidence(run(command(List.of("echo", "$(whoami);rm -rf x", "`id`", "a|b"), 0, null)), ctx, evidence -> {
      assertTrue(evidence.passed(), evidence::toString);
      assertEquals("$(whoami);rm -rf x `id` a|b\n", evidence.excerpt());
    });
  }

  @Test
  void environmentIsMergedOverTheBotsOwn(VertxTestContext ctx) {
    CheckSpec.Command spec = new CheckSpec.Command(sh("echo \"$TARGET_ENV|$PATH\""), null, Map.of("TARGET_ENV", "staging"),
        0, null, new CheckSpec.Timing(TIMEOUT, 0, Duration.ZERO));
    Verify.evidence(run(spec), ctx,
        evidence -> assertEquals("staging|" + System.getenv("PATH") + "\n", evidence.excerpt()));
  }

  @Test
  void theBotsOwnSecretsAreNotPassedToACommand(VertxTestContext ctx) {
    assertEquals("xoxb-the-bots-own-token", System.getenv("SLACK_BOT_TOKEN"), "set by the surefire configuration");
    CheckSpec.Command spec = new CheckSpec.Command(sh("echo \"[$SLACK_BOT_TOKEN]\""), null, Map.of(),
        0, null, new CheckSpec.Timing(TIMEOUT, 0, Duration.ZERO));
    Verify.evidence(run(spec), ctx, evidence -> assertEquals("[]\n", evidence.excerpt()));
  }

  @Test
  void runsInTheGivenWorkingDirectory(VertxTestContext ctx, @TempDir Path dir) throws IOException {
    Path real = dir.toRealPath();
    CheckSpec.Command spec = new CheckSpec.Command(List.of("pwd"), dir.toString(), Map.of(), 0, null,
        new CheckSpec.Timing(TIMEOUT, 0, Duration.ZERO));
    Verify.evidence(run(spec), ctx, evidence -> assertEquals(real + "\n", evidence.excerpt()));
  }

  @Test
  void secretPassedInTheEnvironmentIsMaskedInTheOutput(VertxTestContext ctx) {
    String token = "ghp_0123456789abcdefSECRET";
    CheckSpec.Command spec = new CheckSpec.Command(sh("echo \"using token $DEPLOY_TOKEN\"; exit 1"), null,
        Map.of("DEPLOY_TOKEN", "${GITHUB_TOKEN}"), 0, null, new CheckSpec.Timing(TIMEOUT, 0, Duration.ZERO));
    Verify.evidence(runner.run(spec, Variables.of(Map.of("GITHUB_TOKEN", token))), ctx, evidence -> {
      assertEquals("using token " + Redactor.MASK + "\n", evidence.excerpt());
      assertFalse(Verify.allText(evidence).contains(token));
    });
  }

  @Test
  void longOutputKeepsItsEnd(VertxTestContext ctx) {
    Verify.evidence(run(command(sh("seq 1 100000; echo ALL-CHECKS-DONE"), 0, "ALL-CHECKS-DONE")), ctx, evidence -> {
      assertTrue(evidence.passed(), evidence::toString);
      assertEquals(Evidence.EXCERPT_LIMIT, evidence.excerpt().length());
      assertTrue(evidence.excerpt().startsWith("…"));
      assertTrue(evidence.excerpt().endsWith("99999\n100000\nALL-CHECKS-DONE\n"), evidence.excerpt());
    });
  }

  @Test
  void missingProgramFailsAtOnceNamingIt(VertxTestContext ctx) {
    CheckSpec.Command spec = new CheckSpec.Command(List.of("/opt/nowhere/deploy.sh", "status"), null, Map.of(), 0, null,
        new CheckSpec.Timing(TIMEOUT, 2, Duration.ofMillis(10)));
    Verify.evidence(run(spec), ctx, evidence -> {
      assertFalse(evidence.passed());
      assertTrue(evidence.summary().startsWith("cannot start /opt/nowhere/deploy.sh: "), evidence.summary());
      assertTrue(evidence.summary().contains("No such file or directory"), evidence.summary());
      assertEquals(1, evidence.attempts());
    });
  }
}
