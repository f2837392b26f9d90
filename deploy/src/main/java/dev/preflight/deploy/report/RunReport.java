package dev.preflight.deploy.report;

import static dev.preflight.deploy.report.Markdown.between;
import static dev.preflight.deploy.report.Markdown.block;
import static dev.preflight.deploy.report.Markdown.code;
import static dev.preflight.deploy.report.Markdown.text;
import static dev.preflight.deploy.report.Markdown.time;
import static dev.preflight.deploy.report.Markdown.who;

import dev.preflight.checklists.checklist.Item;
import dev.preflight.checklists.checklist.Section;
import dev.preflight.checklists.deploy.Deployment;
import dev.preflight.checklists.deploy.Release;
import dev.preflight.checklists.deploy.VerifyResult;
import dev.preflight.checklists.run.ChecklistRun;
import dev.preflight.checklists.run.Evidence;
import dev.preflight.checklists.run.ItemProgress;
import dev.preflight.checklists.run.ItemState;
import dev.preflight.checklists.run.RunStatus;
import dev.preflight.checklists.run.SignOff;
import dev.preflight.deploy.run.TrackedRun;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Optional;

/**
 * The written record of a finished run, in Markdown: what was checked and what each check saw,
 * who signed off and launched, how long each part took, what verification saw, and how a
 * rollback went. It goes into the run's thread as a file and is printed by the {@code report}
 * command, so a review after an incident can start from one document.
 *
 * <p>It only repeats what the run stored. Evidence was masked when it was taken and no config
 * value is read here, so the report holds no secret the run did not already show in Slack.
 */
public final class RunReport {

  /** Said of a run whose checklist left the config: the report is made from the stored rows alone. */
  public static final String CHECKLIST_GONE = "no longer in the config: items are named by their ids, "
      + "and their titles, blocker marks and the sign-off rule are not known";

  private RunReport() {}

  /** The report's file name in Slack, e.g. {@code preflight-api-v2-prod-1a2b3c4d.md}. */
  public static String fileName(TrackedRun tracked) {
    String name = tracked.deploy()
        .map(d -> d.service() + "-" + d.version() + "-" + d.environment())
        .orElse(tracked.run().checklist().id());
    String shortId = tracked.id().length() > 8 ? tracked.id().substring(0, 8) : tracked.id();
    return ("preflight-" + name + "-" + shortId).replaceAll("[^A-Za-z0-9._-]", "_") + ".md";
  }

  /** The report's title, also the file's title in Slack. */
  public static String title(TrackedRun tracked) {
    return tracked.deploy()
        .map(d -> "Deploy report: " + d.service() + " " + d.version() + " to " + d.environment())
        .orElse("Checklist report: " + tracked.run().checklist().title());
  }

  /** The whole report. {@code audit} is the run's audit trail, oldest first; it may be empty. */
  public static String markdown(TrackedRun tracked, List<AuditEntry> audit) {
    StringBuilder out = new StringBuilder();
    out.append("# ").append(text(title(tracked))).append("\n\n");
    summary(out, tracked, audit);
    timings(out, tracked, audit);
    signOffs(out, tracked.run());
    checklist(out, tracked.run(), tracked.checklistGone());
    waivers(out, tracked.run());
    tracked.deploy().ifPresent(d -> {
      deploy(out, d);
      verification(out, "Verification", d.verification(), d.launched());
      rollback(out, tracked, d);
    });
    failures(out, tracked);
    trail(out, audit);
    return out.toString();
  }

  // Sections

  private static void summary(StringBuilder out, TrackedRun tracked, List<AuditEntry> audit) {
    ChecklistRun run = tracked.run();
    out.append("| | |\n|---|---|\n");
    row(out, "Run", code(run.id()));
    tracked.deploy().ifPresent(d -> {
      row(out, "Service", text(d.service()));
      row(out, "Version", text(d.version()));
      row(out, "Environment", text(d.environment()));
    });
    row(out, "Checklist", tracked.checklistGone()
        ? code(run.checklist().id()) + ", " + CHECKLIST_GONE
        : text(run.checklist().title()) + " (" + code(run.checklist().id()) + ")");
    row(out, "Status", "**" + run.status().name() + "**");
    row(out, "Started by", who(run.startedBy()) + " at " + time(run.startedAt()));
    tracked.deploy().filter(Deployment::launched)
        .ifPresent(d -> row(out, "Launched by", who(d.launchedBy()) + " at " + time(d.launchedAt())));
    last(audit, "run.cancelled")
        .ifPresent(e -> row(out, "Cancelled by", who(e.actor()) + " at " + time(e.at())));
    if (tracked.channelId() != null) {
      row(out, "Slack", "channel " + code(tracked.channelId())
          + (tracked.messageTs() == null ? "" : ", message " + code(tracked.messageTs())));
    }
    out.append('\n');
  }

  private static void timings(StringBuilder out, TrackedRun tracked, List<AuditEntry> audit) {
    ChecklistRun run = tracked.run();
    Deployment d = tracked.deployment();
    Instant launched = d == null ? null : d.launchedAt();
    Instant finished = finishedAt(tracked, audit);
    out.append("## Timings\n\n");
    out.append("- Opened: ").append(time(run.startedAt())).append('\n');
    if (launched != null) {
      out.append("- Launched: ").append(time(launched)).append('\n');
    }
    if (d != null && d.rollbackAt() != null) {
      out.append("- Rollback started: ").append(time(d.rollbackAt())).append('\n');
    }
    out.append("- Finished: ").append(time(finished)).append('\n');
    if (launched != null) {
      out.append("- Preparation (opened to launch): ").append(between(run.startedAt(), launched)).append('\n');
      Instant deployEnd = d.rollbackAt() != null ? d.rollbackAt() : finished;
      out.append("- Deploy and verification: ").append(between(launched, deployEnd)).append('\n');
      if (d.rollbackAt() != null) {
        out.append("- Rollback: ").append(between(d.rollbackAt(), finished)).append('\n');
      }
    }
    out.append("- Total: ").append(between(run.startedAt(), finished)).append("\n\n");
  }

  private static void signOffs(StringBuilder out, ChecklistRun run) {
    out.append("## Sign-offs\n\n");
    if (run.signOffs().isEmpty()) {
      out.append(run.checklist().signOff().requirements().isEmpty()
          ? "This checklist needs no sign-off.\n\n" : "Nobody signed off.\n\n");
      return;
    }
    for (SignOff signOff : run.signOffs()) {
      out.append("- ").append(who(signOff.user())).append(" as ").append(text(signOff.role()))
          .append(" at ").append(time(signOff.at())).append('\n');
    }
    out.append('\n');
  }

  /** @param gone the checklist left the config: items are known by id and state only, not by kind */
  private static void checklist(StringBuilder out, ChecklistRun run, boolean gone) {
    out.append("## Checklist\n\n");
    out.append(run.gates().done()).append(" of ").append(run.checklist().itemCount())
        .append(" items passed or waived.\n\n");
    for (Section section : run.checklist().sections()) {
      out.append("### ").append(text(section.title())).append("\n\n");
      for (Item item : section.items()) {
        ItemProgress progress = run.items().getOrDefault(item.id(), ItemProgress.pending());
        if (gone) {
          storedItem(out, item.id(), progress);
        } else {
          item(out, item, progress);
        }
      }
      out.append('\n');
    }
  }

  /** An item of a checklist no longer in the config: its id, state, who moved it when, and what it saw. */
  private static void storedItem(StringBuilder out, String itemId, ItemProgress progress) {
    out.append("- **").append(progress.state().name()).append("** ").append(code(itemId));
    if (progress.at() != null && progress.state() != ItemState.PENDING) {
      out.append(" — ").append(progress.state() == ItemState.WAIVED ? "waived" : "moved").append(" by ")
          .append(who(progress.actor())).append(" at ").append(time(progress.at()));
    }
    out.append('\n');
    if (progress.state() == ItemState.WAIVED && progress.note() != null) {
      out.append("  - Reason: ").append(text(progress.note())).append('\n');
    }
    if (progress.evidence() != null) {
      evidence(out, progress.evidence(), "  ");
    }
  }

  private static void item(StringBuilder out, Item item, ItemProgress progress) {
    out.append("- **").append(progress.state().name()).append("** ").append(text(item.title()))
        .append(" (").append(code(item.id())).append(item.blocker() ? ", blocker" : "")
        .append(item.automated() ? ", automated" : ", manual").append(")");
    if (progress.at() != null && progress.state() != ItemState.PENDING) {
      String verb = switch (progress.state()) {
        case WAIVED -> "waived by ";
        case RUNNING -> "started by ";
        default -> item.automated() ? "checked by " : "ticked by ";
      };
      out.append(" — ").append(verb).append(who(progress.actor())).append(" at ").append(time(progress.at()));
    }
    out.append('\n');
    if (progress.state() == ItemState.WAIVED && progress.note() != null) {
      out.append("  - Reason: ").append(text(progress.note())).append('\n');
    }
    if (progress.evidence() != null) {
      evidence(out, progress.evidence(), "  ");
    }
  }

  private static void waivers(StringBuilder out, ChecklistRun run) {
    List<Item> waived = run.checklist().items()
        .filter(item -> run.items().get(item.id()) != null && run.items().get(item.id()).state() == ItemState.WAIVED)
        .toList();
    if (waived.isEmpty()) {
      return;
    }
    out.append("## Waivers\n\n");
    for (Item item : waived) {
      ItemProgress progress = run.items().get(item.id());
      out.append("- ").append(text(item.title())).append(" (").append(code(item.id())).append(") by ")
          .append(who(progress.actor())).append(" at ").append(time(progress.at())).append(": ")
          .append(text(progress.note())).append('\n');
    }
    out.append('\n');
  }

  private static void deploy(StringBuilder out, Deployment d) {
    out.append("## Deploy\n\n");
    if (!d.launched()) {
      out.append("The deploy was never launched.\n\n");
      return;
    }
    Release previous = d.previous();
    out.append("- Previous release: ").append(previous == null ? "none on record"
        : text(previous.version()) + " by " + who(previous.by()) + " at " + time(previous.at())).append('\n');
    steps(out, d.deployState(), "before");
    outcome(out, "Target", d.deployState().get("outcome"), d.deployState().get("summary"));
    steps(out, d.deployState(), "after");
    if (d.deployState().get("revision") != null) {
      out.append("- Revision: ").append(code(d.deployState().get("revision"))).append('\n');
    }
    out.append('\n');
  }

  private static void verification(StringBuilder out, String heading, List<VerifyResult> results, boolean ran) {
    out.append("## ").append(heading).append("\n\n");
    if (results.isEmpty()) {
      out.append(ran ? "Nothing was verified.\n\n" : "Not reached.\n\n");
      return;
    }
    for (VerifyResult result : results) {
      out.append("### ").append(result.passed() ? "PASSED" : "FAILED").append(" ")
          .append(result.kind().configName()).append(": ").append(text(result.title()))
          .append(" (").append(code(result.id())).append(")\n\n");
      evidence(out, result.evidence(), "");
      int n = 0;
      for (VerifyResult.StepResult step : result.steps()) {
        n++;
        Evidence seen = step.evidence();
        out.append(n).append(". **").append(seen == null ? "NOT RUN" : seen.passed() ? "PASSED" : "FAILED")
            .append("** step ").append(text(step.name())).append('\n');
        if (seen != null) {
          evidence(out, seen, "   ");
        }
      }
      out.append('\n');
    }
  }

  private static void rollback(StringBuilder out, TrackedRun tracked, Deployment d) {
    if (d.rollbackAt() == null) {
      return;
    }
    out.append("## Rollback\n\n");
    out.append("- Requested by: ").append(d.rollbackBy() == null ? "Preflight (automatic)" : who(d.rollbackBy()))
        .append(" at ").append(time(d.rollbackAt())).append('\n');
    out.append("- Reason: ").append(text(d.rollbackReason() == null ? "none given" : d.rollbackReason())).append('\n');
    Release previous = d.previous();
    out.append("- Restoring: ").append(previous == null || previous.version() == null
        ? "the release before this deploy" : text(previous.version())).append('\n');
    steps(out, d.rollbackState(), "before");
    outcome(out, "Target", d.rollbackState().get("outcome"), d.rollbackState().get("summary"));
    steps(out, d.rollbackState(), "after");
    out.append("- Result: **").append(tracked.run().status().name()).append("**\n\n");
    verification(out, "Rollback verification", d.rollbackVerification(), true);
  }

  private static void failures(StringBuilder out, TrackedRun tracked) {
    List<String> lines = new ArrayList<>();
    Deployment d = tracked.deployment();
    if (d != null && d.failure() != null) {
      lines.add("Deploy: " + text(d.failure()));
    }
    ChecklistRun run = tracked.run();
    run.checklist().items().forEach(item -> {
      ItemProgress progress = run.items().get(item.id());
      if (progress != null && progress.state() == ItemState.FAILED) {
        Evidence seen = progress.evidence();
        lines.add("Checklist item " + text(item.title()) + ": "
            + text(seen == null ? "failed" : firstNonNull(seen.error(), seen.summary(), "failed")));
      }
    });
    if (d != null) {
      failedChecks(lines, "Verification", d.verification());
      failedChecks(lines, "Rollback verification", d.rollbackVerification());
    }
    if (lines.isEmpty() && !RunStatus.UNSUCCESSFUL.contains(run.status())) {
      return;
    }
    out.append("## Failures\n\n");
    if (lines.isEmpty()) {
      out.append("None recorded.\n");
    }
    lines.forEach(line -> out.append("- ").append(line).append('\n'));
    out.append('\n');
  }

  private static void failedChecks(List<String> lines, String where, List<VerifyResult> results) {
    for (VerifyResult result : results) {
      if (!result.passed()) {
        Evidence seen = result.evidence();
        lines.add(where + " " + text(result.title()) + ": "
            + text(firstNonNull(seen.summary(), seen.error(), "failed")));
      }
    }
  }

  private static void trail(StringBuilder out, List<AuditEntry> audit) {
    if (audit.isEmpty()) {
      return;
    }
    out.append("## Audit trail\n\n| When | Who | What | Detail |\n|---|---|---|---|\n");
    for (AuditEntry entry : audit) {
      out.append("| ").append(time(entry.at())).append(" | ").append(who(entry.actor())).append(" | ")
          .append(code(entry.action())).append(" | ")
          .append(entry.detail().isEmpty() ? "" : code(entry.detail().encode()).replace("|", "\\|"))
          .append(" |\n");
    }
    out.append('\n');
  }

  // Pieces

  private static void evidence(StringBuilder out, Evidence seen, String indent) {
    List<String> facts = new ArrayList<>();
    if (seen.status() != null) {
      facts.add("status " + seen.status());
    }
    if (seen.latencyMillis() != null) {
      facts.add(seen.latencyMillis() + " ms");
    }
    if (seen.attempts() > 1) {
      facts.add(seen.attempts() + " attempts");
    }
    out.append(indent).append("- Saw: ").append(text(seen.summary() == null ? "(no summary)" : seen.summary()));
    if (!facts.isEmpty()) {
      out.append(" (").append(String.join(", ", facts)).append(")");
    }
    out.append('\n');
    if (seen.error() != null) {
      out.append(indent).append("- Error: ").append(text(seen.error())).append('\n');
    }
    if (seen.excerpt() != null && !seen.excerpt().isBlank()) {
      out.append('\n').append(block(seen.excerpt(), indent + "  ")).append('\n');
    }
  }

  /** The pipeline steps of one phase that started, each with its outcome (RUNNING while under way) and link. */
  private static void steps(StringBuilder out, Map<String, String> state, String phase) {
    for (int i = 0; state.containsKey(phase + "." + i + ".name"); i++) {
      String p = phase + "." + i + ".";
      String outcome = state.getOrDefault(p + "outcome", "running");
      outcome(out, "Step " + state.get(p + "name") + " (" + phase + ")", outcome, state.get(p + "summary"));
      if (state.get(p + "link") != null) {
        out.append("  - Logs: ").append(text(state.get(p + "link"))).append('\n');
      }
    }
  }

  private static void outcome(StringBuilder out, String what, String outcome, String summary) {
    if (outcome == null && summary == null) {
      return;
    }
    out.append("- ").append(what).append(": ")
        .append(outcome == null ? "" : "**" + outcome.toUpperCase(Locale.ROOT) + "** ")
        .append(text(summary == null ? "" : summary)).append('\n');
  }

  private static void row(StringBuilder out, String name, String value) {
    out.append("| ").append(name).append(" | ").append(value.replace("\n", " ")).append(" |\n");
  }

  private static Instant finishedAt(TrackedRun tracked, List<AuditEntry> audit) {
    if (tracked.deployment() != null && tracked.deployment().finishedAt() != null) {
      return tracked.deployment().finishedAt();
    }
    Instant found = null;
    for (AuditEntry entry : audit) {
      String to = entry.detail().getString("to");
      boolean ended = "run.cancelled".equals(entry.action())
          || (to != null && RunStatus.FINISHED.stream().anyMatch(s -> s.name().equals(to)));
      if (ended) {
        found = entry.at();
      }
    }
    return found;
  }

  private static Optional<AuditEntry> last(List<AuditEntry> audit, String action) {
    AuditEntry found = null;
    for (AuditEntry entry : audit) {
      if (action.equals(entry.action())) {
        found = entry;
      }
    }
    return Optional.ofNullable(found);
  }

  private static String firstNonNull(String... values) {
    for (String value : values) {
      if (value != null) {
        return value;
      }
    }
    return "";
  }
}
