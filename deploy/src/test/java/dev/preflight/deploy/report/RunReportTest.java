package dev.preflight.deploy.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.preflight.checklists.checklist.CheckSpec;
import dev.preflight.checklists.checklist.Checklist;
import dev.preflight.checklists.checklist.Item;
import dev.preflight.checklists.checklist.Section;
import dev.preflight.checklists.checklist.SignOffRule;
import dev.preflight.checklists.deploy.Deployment;
import dev.preflight.checklists.deploy.Release;
import dev.preflight.checklists.deploy.Verification;
import dev.preflight.checklists.deploy.VerifyResult;
import dev.preflight.checklists.run.ChecklistRun;
import dev.preflight.checklists.run.Evidence;
import dev.preflight.checklists.run.ItemProgress;
import dev.preflight.checklists.run.ItemState;
import dev.preflight.checklists.run.RunStatus;
import dev.preflight.checklists.run.SignOff;
import dev.preflight.deploy.run.TrackedRun;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The report's text for runs built by hand, so every line it should carry can be named exactly. */
class RunReportTest {

  private static final Instant OPENED = Instant.parse("2024-05-02T10:00:00Z");
  private static final CheckSpec.Timing TIMING = new CheckSpec.Timing(Duration.ofSeconds(5), 0, Duration.ofSeconds(1));
  private static final CheckSpec HTTP = new CheckSpec.Http("GET", "${API_URL}/healthz", Map.of(), null, List.of(200),
      Map.of(), null, null, TIMING);
  private static final Checklist CHECKLIST = new Checklist("api-release", "API release", "api.yaml", null,
      List.of(
          new Section("Before the deploy", List.of(
              new Item("health", "Staging answers", true, HTTP),
              new Item("backup", "Database backed up", true, null))),
          new Section("Paperwork", List.of(new Item("notes", "Release notes written", false, null)))),
      new SignOffRule(List.of(new SignOffRule.SignOffRequirement("approver", 1)), false), List.of("lead"));

  @Test
  void aRolledBackDeployShowsEvidenceSignOffsVerificationAndTheRollback() {
    String report = RunReport.markdown(rolledBack(), audit());
    List<String> lines = report.lines().toList();

    assertEquals("# Deploy report: api v2 to prod", lines.get(0));
    for (String line : List.of(
        "| Service | api |",
        "| Version | v2 |",
        "| Environment | prod |",
        "| Status | **ROLLED_BACK** |",
        "| Started by | @U1 at 2024-05-02 10:00:00 UTC |",
        "| Launched by | @U1 at 2024-05-02 10:05:00 UTC |",
        "## Timings",
        "- Opened: 2024-05-02 10:00:00 UTC",
        "- Launched: 2024-05-02 10:05:00 UTC",
        "- Rollback started: 2024-05-02 10:07:30 UTC",
        "- Finished: 2024-05-02 10:09:00 UTC",
        "- Preparation (opened to launch): 5m",
        "- Deploy and verification: 2m 30s",
        "- Rollback: 1m 30s",
        "- Total: 9m",
        "## Sign-offs",
        "- @U2 as approver at 2024-05-02 10:04:00 UTC",
        "## Checklist",
        "### Before the deploy",
        "- **PASSED** Staging answers (`health`, blocker, automated) — checked by Preflight at 2024-05-02 10:01:00 UTC",
        "  - Saw: 200 OK in 84 ms (status 200, 84 ms)",
        "    ```",
        "    {\"status\":\"ok\",\"db\":\"up\"}",
        "- **PASSED** Database backed up (`backup`, blocker, manual) — ticked by @U1 at 2024-05-02 10:02:00 UTC",
        "### Paperwork",
        "- **WAIVED** Release notes written (`notes`, manual) — waived by @U3 at 2024-05-02 10:03:00 UTC",
        "  - Reason: hotfix, notes follow tomorrow",
        "## Waivers",
        "- Release notes written (`notes`) by @U3 at 2024-05-02 10:03:00 UTC: hotfix, notes follow tomorrow",
        "## Deploy",
        "- Previous release: v1 by @U9 at 2024-05-01 09:00:00 UTC",
        "- Target: **SUCCEEDED** deployed v2",
        "- Revision: `rev-2`",
        "## Verification",
        "### FAILED health: Health (`health`)",
        "- Saw: 503 Service Unavailable (status 503, 12 ms, 5 attempts)",
        "- Error: expected 200",
        "### FAILED smoke: Login flow (`login`)",
        "1. **PASSED** step login",
        "   - Saw: 200 OK (status 200, 30 ms)",
        "2. **FAILED** step profile",
        "   - Saw: 504 Gateway Timeout (status 504, 2100 ms)",
        "## Rollback",
        "- Requested by: Preflight (automatic) at 2024-05-02 10:07:30 UTC",
        "- Reason: automatic: Health: 503 Service Unavailable",
        "- Restoring: v1",
        "- Target: **SUCCEEDED** restored v1",
        "- Result: **ROLLED_BACK**",
        "## Rollback verification",
        "### PASSED health: Health (`health`)",
        "- Saw: 200 OK (status 200, 5 ms)",
        "## Failures",
        "- Deploy: Health: 503 Service Unavailable",
        "- Verification Health: 503 Service Unavailable",
        "- Verification Login flow: smoke failed at profile",
        "## Audit trail",
        "| 2024-05-02 10:05:00 UTC | @U1 | `deploy.launched` | `{\"from\":\"READY\",\"to\":\"DEPLOYING\"}` |")) {
      assertTrue(lines.contains(line), "missing line: " + line + "\n---\n" + report);
    }
    assertTrue(report.indexOf("## Verification") < report.indexOf("## Rollback\n"), report);
    assertTrue(report.indexOf("## Rollback\n") < report.indexOf("## Rollback verification"), report);
  }

  @Test
  void aManualRollbackNamesWhoAskedAndWhy() {
    TrackedRun run = rolledBack();
    Deployment d = run.deployment();
    Deployment manual = new Deployment(d.service(), d.environment(), d.version(), d.step(), d.progress(),
        d.deployState(), d.rollbackState(), d.verification(), d.rollbackVerification(), d.previous(), d.launchedBy(),
        d.launchedAt(), d.failure(), "U4", d.rollbackAt(), "errors in the checkout page", d.finishedAt());
    String report = RunReport.markdown(run.with(manual), List.of());
    assertTrue(report.contains("- Requested by: @U4 at 2024-05-02 10:07:30 UTC\n- Reason: errors in the checkout page\n"),
        report);
    assertFalse(report.contains("## Audit trail"), "no trail, no empty table: " + report);
  }

  @Test
  void aCancelledChecklistRunHasAReportWithoutADeploy() {
    Map<String, ItemProgress> items = new LinkedHashMap<>();
    items.put("health", new ItemProgress(ItemState.FAILED, null, OPENED.plusSeconds(30),
        new Evidence(false, "connection refused", null, 3L, null, "connect ECONNREFUSED", 3), null, 1));
    items.put("backup", ItemProgress.pending());
    items.put("notes", ItemProgress.pending());
    ChecklistRun run = new ChecklistRun("0f1e2d3c-0000-4000-8000-000000000001", CHECKLIST, "U1", OPENED,
        RunStatus.CANCELLED, items, List.of());
    List<AuditEntry> audit = List.of(
        new AuditEntry(OPENED, "U1", "run.started", new JsonObject().put("checklist", "api-release"), "slash:/checklist"),
        new AuditEntry(OPENED.plusSeconds(600), "U5", "run.cancelled",
            new JsonObject().put("from", "PREPARING").put("to", "CANCELLED"), "button:cancel"));
    TrackedRun tracked = new TrackedRun(run, "C1", "1700000000.000100");

    String report = RunReport.markdown(tracked, audit);

    assertEquals("# Checklist report: API release", report.lines().findFirst().orElseThrow());
    assertEquals("preflight-api-release-0f1e2d3c.md", RunReport.fileName(tracked));
    for (String line : List.of(
        "| Status | **CANCELLED** |",
        "| Cancelled by | @U5 at 2024-05-02 10:10:00 UTC |",
        "- Finished: 2024-05-02 10:10:00 UTC",
        "- Total: 10m",
        "Nobody signed off.",
        "0 of 3 items passed or waived.",
        "- **FAILED** Staging answers (`health`, blocker, automated) — checked by Preflight at 2024-05-02 10:00:30 UTC",
        "  - Error: connect ECONNREFUSED",
        "- **PENDING** Database backed up (`backup`, blocker, manual)",
        "- Checklist item Staging answers: connect ECONNREFUSED")) {
      assertTrue(report.lines().anyMatch(line::equals), "missing line: " + line + "\n---\n" + report);
    }
    assertFalse(report.contains("## Deploy"), report);
    assertFalse(report.contains("## Verification"), report);
  }

  @Test
  void textFromOutsideCannotBreakTheLayout() {
    String excerpt = "before\n```\n# not a heading\n```\nafter";
    Map<String, ItemProgress> items = new LinkedHashMap<>();
    items.put("health", new ItemProgress(ItemState.PASSED, null, OPENED,
        new Evidence(true, "ok | *bold*", 200, 1L, excerpt, null, 1), null, 1));
    items.put("backup", ItemProgress.pending());
    items.put("notes", new ItemProgress(ItemState.WAIVED, "U3", OPENED, null, "see <https://x|link>\n# boom", 0));
    ChecklistRun run = new ChecklistRun("0f1e2d3c-0000-4000-8000-000000000002", CHECKLIST, "U1", OPENED,
        RunStatus.CANCELLED, items, List.of());

    String report = RunReport.markdown(new TrackedRun(run, "C1", null), List.of());

    assertTrue(report.contains("  - Saw: ok \\| \\*bold\\* (status 200, 1 ms)\n"), report);
    assertTrue(report.contains("    ````\n    before\n    ```\n    # not a heading\n    ```\n    after\n    ````\n"),
        "the fence is longer than the backticks inside: " + report);
    assertTrue(report.contains("  - Reason: see \\<https://x\\|link\\> \\# boom\n"), report);
    assertFalse(report.lines().anyMatch(line -> line.startsWith("# boom")), report);
  }

  // A deploy of v2 whose health check failed, rolled back by the bot to v1.
  private static TrackedRun rolledBack() {
    Map<String, ItemProgress> items = new LinkedHashMap<>();
    items.put("health", new ItemProgress(ItemState.PASSED, null, OPENED.plusSeconds(60),
        new Evidence(true, "200 OK in 84 ms", 200, 84L, "{\"status\":\"ok\",\"db\":\"up\"}", null, 1), null, 1));
    items.put("backup", new ItemProgress(ItemState.PASSED, "U1", OPENED.plusSeconds(120), null, null, 0));
    items.put("notes", new ItemProgress(ItemState.WAIVED, "U3", OPENED.plusSeconds(180), null,
        "hotfix, notes follow tomorrow", 0));
    ChecklistRun run = new ChecklistRun("5a6b7c8d-0000-4000-8000-000000000001", CHECKLIST, "U1", OPENED,
        RunStatus.ROLLED_BACK, items, List.of(new SignOff("U2", "approver", OPENED.plusSeconds(240))));
    VerifyResult health = new VerifyResult("health", "Health", Verification.Kind.HEALTH,
        new Evidence(false, "503 Service Unavailable", 503, 12L, "upstream down", "expected 200", 5), List.of());
    VerifyResult smoke = new VerifyResult("login", "Login flow", Verification.Kind.SMOKE,
        new Evidence(false, "smoke failed at profile", 504, 2100L, null, null, 1), List.of(
            new VerifyResult.StepResult("login", new Evidence(true, "200 OK", 200, 30L, null, null, 1)),
            new VerifyResult.StepResult("profile", new Evidence(false, "504 Gateway Timeout", 504, 2100L, null, null, 1))));
    VerifyResult healthAgain = new VerifyResult("health", "Health", Verification.Kind.HEALTH,
        new Evidence(true, "200 OK", 200, 5L, null, null, 1), List.of());
    Deployment deployment = new Deployment("api", "prod", "v2", null, "restored v1",
        Map.of("outcome", "succeeded", "summary", "deployed v2", "revision", "rev-2"),
        Map.of("outcome", "succeeded", "summary", "restored v1"),
        List.of(health, smoke), List.of(healthAgain),
        new Release("api", "prod", "v1", "rev-1", "run-0", "U9", Instant.parse("2024-05-01T09:00:00Z"), Release.DEPLOY),
        "U1", OPENED.plusSeconds(300), "Health: 503 Service Unavailable", null, OPENED.plusSeconds(450),
        "automatic: Health: 503 Service Unavailable", OPENED.plusSeconds(540));
    return new TrackedRun(run, "C0DEPLOYS1", "1700000000.000200", deployment);
  }

  private static List<AuditEntry> audit() {
    return List.of(
        new AuditEntry(OPENED, "U1", "run.started", new JsonObject().put("checklist", "api-release"), "slash:/deploy"),
        new AuditEntry(OPENED.plusSeconds(300), "U1", "deploy.launched",
            new JsonObject().put("from", "READY").put("to", "DEPLOYING"), "button:launch"),
        new AuditEntry(OPENED.plusSeconds(540), null, "rollback.verified",
            new JsonObject().put("from", "ROLLING_BACK").put("to", "ROLLED_BACK"), "deploy"));
  }
}
