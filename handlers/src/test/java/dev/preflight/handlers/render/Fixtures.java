package dev.preflight.handlers.render;

import dev.preflight.checklists.checklist.CheckSpec;
import dev.preflight.checklists.checklist.Checklist;
import dev.preflight.checklists.checklist.Item;
import dev.preflight.checklists.checklist.Section;
import dev.preflight.checklists.checklist.SignOffRule;
import dev.preflight.checklists.run.ChecklistRun;
import dev.preflight.checklists.run.Evidence;
import dev.preflight.checklists.run.ItemEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Checklists and runs built directly, the way the orchestrator holds them. */
final class Fixtures {

  static final String STARTER = "U0STARTER";
  static final Instant STARTED = Instant.parse("2024-05-01T14:00:00Z");
  static final Instant LATER = Instant.parse("2024-05-01T14:03:00Z");
  /** {@link #LATER} as Slack date formatting. */
  static final String LATER_DATE = "<!date^1714572180^{date_short_pretty} {time}|2024-05-01 14:03 UTC>";

  private Fixtures() {}

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
