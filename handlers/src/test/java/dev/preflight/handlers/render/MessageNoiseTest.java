package dev.preflight.handlers.render;

import static dev.preflight.handlers.render.Fixtures.LATER;
import static dev.preflight.handlers.render.Fixtures.LAUNCHED;
import static dev.preflight.handlers.render.Fixtures.PREVIOUS;
import static dev.preflight.handlers.render.Fixtures.STARTED;
import static dev.preflight.handlers.render.Fixtures.STARTER;
import static dev.preflight.handlers.render.Fixtures.automated;
import static dev.preflight.handlers.render.Fixtures.checklist;
import static dev.preflight.handlers.render.Fixtures.deployRun;
import static dev.preflight.handlers.render.Fixtures.fail;
import static dev.preflight.handlers.render.Fixtures.manual;
import static dev.preflight.handlers.render.Fixtures.needs;
import static dev.preflight.handlers.render.Fixtures.pass;
import static dev.preflight.handlers.render.Fixtures.section;
import static dev.preflight.handlers.render.Fixtures.tick;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.preflight.checklists.checklist.Checklist;
import dev.preflight.checklists.deploy.Deployment;
import dev.preflight.checklists.deploy.EnvLock;
import dev.preflight.checklists.deploy.Verification;
import dev.preflight.checklists.deploy.VerifyResult;
import dev.preflight.checklists.run.ChecklistRun;
import dev.preflight.checklists.run.Evidence;
import dev.preflight.checklists.run.RunStatus;
import dev.preflight.checklists.run.SignOff;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A realistic deploy run read the way a person reads it, before launch, while deploying and
 * after failing on a refused connection: at most the launch and the finish are dated, no run id
 * (whole or cut short) is printed, and no failure is told twice in one line.
 */
class MessageNoiseTest {

  private static final String RUN_ID = "5f0c2a9e-3b1d-4c6e-9a8f-1e2d3c4b5a69";
  private static final Pattern UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}", Pattern.CASE_INSENSITIVE);
  private static final List<String> TICKERS = List.of("U0ALICE", "U0BOB", "U0CAROL", "U0DAVE", "U0ERIN", "U0FRANK");
  private static final Instant NOW = LAUNCHED.plus(Duration.ofMinutes(3));
  private static final Instant FINISHED = LAUNCHED.plus(Duration.ofMinutes(7));
  private static final String REFUSED = "Connection refused: api.internal/10.0.0.7:8080";

  private static Checklist release() {
    return checklist("Release backend", List.of(
        section("Database", manual("backup", "Backup taken", true), manual("migrations", "Migrations reviewed", true),
            automated("db", "Database reachable", false)),
        section("Service", manual("flags", "Feature flags set", true), manual("oncall", "On-call told", true),
            manual("changelog", "Changelog written", false), manual("dashboards", "Dashboards open", false))),
        needs("sre", 2), List.of("sre"));
  }

  /** Six items ticked by six people, a check that could not connect, and both sign-offs in. */
  private static ChecklistRun prepared() {
    ChecklistRun run = ChecklistRun.start(RUN_ID, release(), STARTER, STARTED);
    List<String> manual = List.of("backup", "migrations", "flags", "oncall", "changelog", "dashboards");
    for (int i = 0; i < manual.size(); i++) {
      run = tick(run, manual.get(i), TICKERS.get(i));
    }
    return fail(run, "db", "connection refused", REFUSED)
        .withSignOff(new SignOff("U0SRE1", "sre", LATER))
        .withSignOff(new SignOff("U0SRE2", "sre", LATER));
  }

  private static Deployment deploying() {
    return Deployment.requested("backend", "production", "v1.4.2").launched("U0LAUNCHER", LAUNCHED, PREVIOUS)
        .withStep("Waiting for the rollout", "2 of 3 new tasks running");
  }

  private static Deployment failedOnARefusedConnection() {
    VerifyResult health = new VerifyResult("api", "API answers on /ready", Verification.Kind.HEALTH,
        Evidence.failure("connection refused", REFUSED, 3), List.of());
    return deploying().withVerification(List.of(health))
        .failed("API answers on /ready: connection refused")
        .finished(FINISHED);
  }

  private static Rendered render(ChecklistRun run, Deployment deployment) {
    Rendered message = Rendered.of(RunMessage.render(deployRun(run, deployment), Optional.empty(), "white_check_mark",
        NOW));
    SlackLimits.assertWithinSlackLimits(message);
    return message;
  }

  @Test
  void beforeLaunchTickedItemsSayWhoTickedThemAndNothingIsDated() {
    Rendered message = render(prepared(), Deployment.requested("backend", "production", "v1.4.2"));

    String text = message.allText();
    assertEquals(0, dates(text), "nothing has launched or finished yet: " + text);
    for (String ticker : TICKERS) {
      assertTrue(text.contains("Ticked by <@" + ticker + ">"), "who ticked is still shown: " + text);
    }
    assertTrue(text.contains("✅ <@U0SRE1> for *sre*"), text);
    assertNoIdAndNoRepeatedFailure(message);
  }

  @Test
  void whileDeployingNothingIsDated() {
    Rendered message = render(prepared().withStatus(RunStatus.DEPLOYING), deploying());

    assertEquals(0, dates(message.allText()), message.allText());
    assertNoIdAndNoRepeatedFailure(message);
  }

  @Test
  void afterFailingOnlyTheLaunchAndTheFinishAreDatedAndTheRefusedConnectionIsToldOnce() {
    Rendered message = render(prepared().withStatus(RunStatus.FAILED), failedOnARefusedConnection());

    String text = message.allText();
    assertEquals(2, dates(text), "the launch and the finish: " + text);
    assertTrue(text.contains("launched by <@U0LAUNCHER> " + Mrkdwn.date(LAUNCHED) + " · finished "
        + Mrkdwn.date(FINISHED)), text);
    assertTrue(text.contains("❌ *API answers on /ready* · health — " + REFUSED), text);
    assertTrue(text.contains("*What went wrong:* *API answers on /ready* failed (see *Verification* below)"), text);
    assertNoIdAndNoRepeatedFailure(message);
    assertEquals(1, refusals(text), "the check's own line says it, with the host; nothing else repeats it: " + text);
  }

  @Test
  void afterAnAutomaticRollbackTheRefusedConnectionIsStillToldOnce() {
    Deployment failed = failedOnARefusedConnection();
    Deployment rolledBack = failed.rollbackRequested(null, FINISHED, failed.failure()).finished(FINISHED);

    EnvLock lock = EnvLock.rolledBack("backend", "production", "v1.4.2", null, failed.failure(), FINISHED);
    Rendered message = Rendered.of(RunMessage.render(deployRun(prepared().withStatus(RunStatus.ROLLED_BACK),
        rolledBack), Optional.of(lock), "white_check_mark", NOW));

    String text = message.allText();
    assertTrue(text.contains("↩️ Rollback started automatically"), text);
    assertTrue(text.contains("🔒 *production* is locked by Preflight: Rolled back from `v1.4.2` automatically. Unlock "
        + "when the cause is understood."), "the lock says why it holds without repeating the failure: " + text);
    assertFalse(text.contains("Rollback started automatically:"), "its reason is the failure, told already: " + text);
    assertEquals(1, refusals(text), text);
  }

  private static int refusals(String text) {
    return text.toLowerCase(Locale.ROOT).split("connection refused", -1).length - 1;
  }

  private static int dates(String text) {
    return text.split("<!date", -1).length - 1;
  }

  /** Neither the run's id nor its first eight characters, and no line saying "connection refused" twice. */
  private static void assertNoIdAndNoRepeatedFailure(Rendered message) {
    String text = message.allText() + "\n" + message.content.text();
    assertFalse(text.contains(RUN_ID.substring(0, 8)), "no run id, whole or short: " + text);
    assertFalse(UUID.matcher(text).find(), "no id of any run in what people read: " + text);
    for (String line : text.split("\n")) {
      String lower = line.toLowerCase(Locale.ROOT);
      int first = lower.indexOf("connection refused");
      assertTrue(first < 0 || lower.indexOf("connection refused", first + 1) < 0,
          "a failure is told once: " + line);
    }
  }
}
