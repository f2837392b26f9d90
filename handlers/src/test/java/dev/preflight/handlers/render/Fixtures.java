package dev.preflight.handlers.render;

import dev.preflight.checklists.checklist.CheckSpec;
import dev.preflight.checklists.checklist.Checklist;
import dev.preflight.checklists.checklist.Item;
import dev.preflight.checklists.checklist.Section;
import dev.preflight.checklists.checklist.SignOffRule;
import dev.preflight.checklists.deploy.Deployment;
import dev.preflight.checklists.deploy.EnvLock;
import dev.preflight.checklists.deploy.Release;
import dev.preflight.checklists.deploy.Verification;
import dev.preflight.checklists.deploy.VerifyResult;
import dev.preflight.checklists.run.ChecklistRun;
import dev.preflight.checklists.run.Evidence;
import dev.preflight.checklists.run.ItemEvent;
import dev.preflight.deploy.run.TrackedRun;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Checklists and runs built directly, the way the orchestrator holds them. */
final class Fixtures {

  static final String STARTER = "U0STARTER";
  static final Instant STARTED = Instant.parse("2024-05-01T14:00:00Z");
  static final Instant LATER = Instant.parse("2024-05-01T14:03:00Z");
  /** {@link #LATER} as Slack date formatting. */
  static final String LATER_DATE = "<!date^1714572180^{date_short_pretty} {time}|2024-05-01 14:03 UTC>";

  static final String CHANNEL = "C0DEPLOYS";
  static final String MESSAGE_TS = "1700000000.000100";
  static final String LAUNCHER = "U0LAUNCHER";
  /** When the deploys below launch: ten minutes after the run started. */
  static final Instant LAUNCHED = Instant.parse("2024-05-01T14:10:00Z");
  static final Instant PREVIOUS_AT = Instant.parse("2024-04-28T09:00:00Z");
  static final Release PREVIOUS = new Release("backend", "production", "v1.4.1",
      "arn:aws:ecs:eu-west-1:123456789012:task-definition/backend:41", "r-0", "U0PREV", PREVIOUS_AT, Release.DEPLOY);

  private Fixtures() {}

  // ---- deploy runs ---------------------------------------------------------------------------

  /** backend v1.4.2 to production, not launched. */
  static Deployment requested() {
    return Deployment.requested("backend", "production", "v1.4.2");
  }

  static Deployment launched() {
    return requested().launched(LAUNCHER, LAUNCHED, PREVIOUS);
  }

  static TrackedRun deployRun(ChecklistRun run, Deployment deployment) {
    return new TrackedRun(run, CHANNEL, MESSAGE_TS, deployment);
  }

  static EnvLock lock(String by, String reason) {
    return EnvLock.manual("backend", "production", reason, by, LATER);
  }

  static VerifyResult health(String id, boolean passed, String summary) {
    Evidence seen = passed
        ? new Evidence(true, summary, 200, 84L, null, null, 1)
        : new Evidence(false, summary, 503, 120L, null, "upstream connect error", 5);
    return new VerifyResult(id, "Health " + id, Verification.Kind.HEALTH, seen, List.of());
  }

  static VerifyResult smoke(String id, VerifyResult.StepResult... steps) {
    boolean passed = Arrays.stream(steps).allMatch(step -> step.evidence().passed());
    Evidence seen = passed
        ? new Evidence(true, steps.length + " steps passed", null, null, null, null, 1)
        : new Evidence(false, "a step failed", null, null, null, "see the failed step", 1);
    return new VerifyResult(id, "Smoke " + id, Verification.Kind.SMOKE, seen, List.of(steps));
  }

  static VerifyResult.StepResult step(String name, boolean passed, String summary) {
    return new VerifyResult.StepResult(name, passed
        ? new Evidence(true, summary, 200, 90L, null, null, 1)
        : new Evidence(false, summary, 200, 2400L, null, "took 2400 ms, more than 2000 ms", 1));
  }

  static Item manual(String id, String title, boolean blocker) {
    return new Item(id, title, blocker, null);
  }

  static Item automated(String id, String title, boolean blocker) {
    CheckSpec.Timing timing = new CheckSpec.Timing(Duration.ofSeconds(5), 0, Duration.ofSeconds(1));
    CheckSpec http = new CheckSpec.Http("GET", "http://127.0.0.1:1/healthz", Map.of(), null, List.of(200),
        Map.of(), null, null, timing);
    return new Item(id, title, blocker, http);
  }

  static Section section(String title, Item... items) {
    return new Section(title, List.of(items));
  }

  static Checklist checklist(String title, List<Section> sections, SignOffRule signOff, List<String> waiverRoles) {
    return new Checklist("release", title, "checklists/release.yaml", null, sections, signOff, waiverRoles);
  }

  static SignOffRule needs(String role, int count) {
    return new SignOffRule(List.of(new SignOffRule.SignOffRequirement(role, count)), false);
  }

  static ChecklistRun start(Checklist checklist) {
    return ChecklistRun.start("r-1", checklist, STARTER, STARTED);
  }

  static ChecklistRun tick(ChecklistRun run, String itemId, String user) {
    return run.move(itemId, ItemEvent.TICK, user, LATER, null, null);
  }

  static ChecklistRun pass(ChecklistRun run, String itemId, String summary) {
    Evidence seen = new Evidence(true, summary, 200, 84L, "{\"status\":\"ok\"}", null, 1);
    return run.move(itemId, ItemEvent.START, null, STARTED, null, null)
        .move(itemId, ItemEvent.PASS, null, LATER, seen, null);
  }

  static ChecklistRun fail(ChecklistRun run, String itemId, String summary, String error) {
    return run.move(itemId, ItemEvent.START, null, STARTED, null, null)
        .move(itemId, ItemEvent.FAIL, null, LATER, Evidence.failure(summary, error, 3), null);
  }

  static ChecklistRun waive(ChecklistRun run, String itemId, String user, String reason) {
    return run.move(itemId, ItemEvent.WAIVE, user, LATER, null, reason);
  }
}
