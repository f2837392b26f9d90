package dev.preflight.handlers.render;

import static dev.preflight.handlers.render.Fixtures.LAUNCHED;
import static dev.preflight.handlers.render.Fixtures.deployRun;
import static dev.preflight.handlers.render.Fixtures.launched;
import static dev.preflight.handlers.render.Fixtures.lock;
import static dev.preflight.handlers.render.Fixtures.manual;
import static dev.preflight.handlers.render.Fixtures.needs;
import static dev.preflight.handlers.render.Fixtures.requested;
import static dev.preflight.handlers.render.Fixtures.start;
import static dev.preflight.handlers.render.Fixtures.step;
import static dev.preflight.handlers.render.Fixtures.tick;
import static dev.preflight.handlers.render.SlackLimits.assertWithinSlackLimits;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.preflight.checklists.checklist.Checklist;
import dev.preflight.checklists.checklist.Item;
import dev.preflight.checklists.checklist.Section;
import dev.preflight.checklists.checklist.SignOffRule;
import dev.preflight.checklists.deploy.Deployment;
import dev.preflight.checklists.deploy.Verification;
import dev.preflight.checklists.deploy.VerifyResult;
import dev.preflight.checklists.run.ChecklistRun;
import dev.preflight.checklists.run.Evidence;
import dev.preflight.checklists.run.RunStatus;
import dev.preflight.handlers.ActionIds;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class DeployMessageLimitsTest {

  private static final Instant NOW = LAUNCHED.plus(Duration.ofMinutes(7));
  private static final String LONG = " & <checks> the service answers within its latency budget".repeat(4);
  private static final Pattern MORE_PASSED = Pattern.compile("(\\d+) more checks? passed");
  private static final Pattern MORE_FAILED = Pattern.compile("…and (\\d+) more failed checks? not shown here");

  private static Checklist longChecklist(int sectionCount, int perSection) {
    List<Section> sections = new ArrayList<>();
    for (int s = 1; s <= sectionCount; s++) {
      List<Item> items = new ArrayList<>();
      for (int i = 1; i <= perSection; i++) {
        items.add(manual("s" + s + "-i" + i, "Item s" + s + "-i" + i + LONG, i % 2 == 0));
      }
      sections.add(new Section("Section " + s, items));
    }
    return Fixtures.checklist("A long pre-deploy review", sections, needs("sre", 1), List.of("sre"));
  }

  private static ChecklistRun allTicked(Checklist checklist) {
    ChecklistRun run = start(checklist);
    for (Item item : checklist.items().toList()) {
      run = tick(run, item.id(), "U0ALICE");
    }
    return run;
  }

  /** {@code count} smoke tests of eight steps; every {@code failEvery}-th fails in its last step. */
  private static List<VerifyResult> smokeTests(int count, int failEvery) {
    List<VerifyResult> results = new ArrayList<>();
    for (int n = 1; n <= count; n++) {
      boolean fails = n % failEvery == 0;
      List<VerifyResult.StepResult> steps = new ArrayList<>();
      for (int k = 1; k <= 8; k++) {
        steps.add(step("step " + k + LONG, !(fails && k == 8), "200 OK in " + (40 + k) + " ms" + LONG));
      }
      Evidence seen = fails
          ? new Evidence(false, "step 8 failed" + LONG, 500, 90L, null, "expected 200" + LONG, 1)
          : new Evidence(true, "8 steps passed" + LONG, null, null, null, null, 1);
      results.add(new VerifyResult("smoke-" + n, "Smoke test " + n + LONG, Verification.Kind.SMOKE, seen, steps));
    }
    return results;
  }

  private static Rendered render(ChecklistRun run, Deployment deployment) {
    Rendered message = Rendered.of(RunMessage.render(deployRun(run, deployment),
        Optional.of(lock("U0SRE", "freeze" + LONG)), "white_check_mark", NOW));
    assertWithinSlackLimits(message);
    return message;
  }

  private static int count(Pattern pattern, String text) {
    Matcher m = pattern.matcher(text);
    int total = 0;
    while (m.find()) {
      total += Integer.parseInt(m.group(1));
    }
    return total;
  }

  private static long listed(String text, String emoji) {
    return text.lines().filter(line -> line.startsWith(emoji + " *Smoke test")).count();
  }

  /** Only the blockers ticked, as at launch: the other items stay open, so no section collapses. */
  private static ChecklistRun blockersTicked(Checklist checklist) {
    ChecklistRun run = start(checklist);
    for (Item item : checklist.items().filter(Item::blocker).toList()) {
      run = tick(run, item.id(), "U0ALICE");
    }
    return run;
  }

  @Test
  void sixtySmokeTestsAfterAHundredTwentyItemsFitAndEveryResultIsShownOrCounted() {
    ChecklistRun run = blockersTicked(longChecklist(12, 10)).withSignOff(
        new dev.preflight.checklists.run.SignOff("U0BOB", "sre", Fixtures.LATER)).withStatus(RunStatus.FAILED);
    Deployment failed = launched().withVerification(smokeTests(60, 3)).failed("20 smoke tests failed")
        .finished(NOW);

    Rendered message = render(run, failed);

    String text = message.allText();
    assertTrue(text.contains("*Verification* — 40/60 passed"), text);
    long failedShown = listed(text, "❌");
    long passedShown = listed(text, "✅");
    assertTrue(failedShown > 0, "failures are what a reader came for: " + text);
    assertEquals(20, failedShown + count(MORE_FAILED, text), "every failure is listed or counted");
    assertEquals(40, passedShown + count(MORE_PASSED, text), "every pass is listed or counted");
    assertTrue(message.texts().contains("📋 Checklist passed · 60/120 items done · signed off by <@U0BOB>"),
        "the checklist shrinks to a line: " + text);
    assertTrue(text.contains("*Summary*"), text);
    assertTrue(text.contains("🔒 *production* is locked by <@U0SRE>"), text);
    assertEquals(List.of(ActionIds.ROLLBACK), message.runActions());
    assertEquals("actions", message.blocks.get(message.blocks.size() - 1).getString("type"));
  }

  @Test
  void afterLaunchTheChecklistIsOneLineHoweverMuchRoomIsLeft() {
    ChecklistRun run = allTicked(longChecklist(3, 4)).withStatus(RunStatus.VERIFYING);
    Deployment verifying = launched().withStep("Running smoke tests", null).withVerification(smokeTests(2, 5));

    Rendered message = render(run, verifying);

    String text = message.allText();
    assertTrue(message.texts().contains("📋 Checklist 12/12 done"), text);
    assertFalse(text.contains("Item s1-i1"), "the items are history once launched: " + text);
    assertEquals(16, text.lines().filter(line -> line.startsWith("      ✅ step")).count(), "every step shown");
  }

  @Test
  void aLongChecklistBeforeLaunchIsSummarisedAndKeepsTheRunButtons() {
    ChecklistRun run = start(longChecklist(12, 10));

    Rendered message = render(run, requested());

    String text = message.allText();
    assertTrue(text.contains("0/120 done"), text);
    assertTrue(text.contains("not shown here"), "the open items are summarised as on a checklist run: " + text);
    assertEquals(List.of(ActionIds.CANCEL), message.runActions());
  }

  @Test
  void hugeVerificationAfterAHugeRollbackStillFitsAndSaysWhatIsMissing() {
    ChecklistRun run = allTicked(longChecklist(4, 10)).withStatus(RunStatus.ROLLBACK_FAILED);
    Deployment broken = launched().withVerification(smokeTests(200, 1)).failed("everything failed" + LONG)
        .rollbackRequested(null, NOW, "smoke" + LONG).withRollbackVerification(smokeTests(200, 1))
        .finished(NOW);

    Rendered message = render(run, broken);

    String text = message.allText();
    assertTrue(text.contains("*Verification* — 0/200 passed"), text);
    assertTrue(text.contains("*Verification after the rollback* — 0/200 passed"), text);
    assertEquals(400, listed(text, "❌") + count(MORE_FAILED, text));
    assertTrue(text.contains("🔥 *Rollback failed*"), text);
    assertEquals(List.of(ActionIds.ROLLBACK), message.runActions());
  }

  @Test
  void noSignOffRuleAndNoResultsStillMakesAWellFormedMessage() {
    ChecklistRun run = start(Fixtures.checklist("Empty", List.of(), SignOffRule.NONE, List.of()));

    Rendered message = render(run, requested());

    assertTrue(message.allText().contains("0/0 done"), message.allText());
    assertTrue(message.allText().contains("🔒 *Launch is held:* *production* is locked by <@U0SRE>"),
        message.allText());
    assertEquals(List.of(ActionIds.RUN_UNLOCK, ActionIds.CANCEL), message.runActions(), "the lock holds Launch; Unlock is offered");
  }
}
