package dev.preflight.handlers.runbook;

import static com.slack.api.model.block.Blocks.actions;
import static com.slack.api.model.block.Blocks.section;
import static com.slack.api.model.block.composition.BlockCompositions.markdownText;
import static com.slack.api.model.block.composition.BlockCompositions.plainText;
import static com.slack.api.model.block.element.BlockElements.button;

import com.slack.api.model.block.LayoutBlock;
import dev.preflight.checklists.checklist.SignOffRule.SignOffRequirement;
import dev.preflight.checklists.runbook.Runbook;
import dev.preflight.checklists.time.Spans;
import dev.preflight.deploy.runbook.RunbookRun;
import dev.preflight.deploy.runbook.RunbookStatus;
import dev.preflight.deploy.runbook.StepState;
import dev.preflight.handlers.render.Mrkdwn;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The one live message of a runbook run: its title, parameters and who ran it, each step on a
 * line (waiting, running with elapsed time, passed, failed with its one-line summary), then how
 * it ended; Approve and Cancel while it waits for approval.
 */
final class RunbookMessage {

  private static final int LINE_LIMIT = 300;

  private RunbookMessage() {}

  /** The whole text, also the notification text and what tests read. */
  static String text(RunbookRun run, Runbook runbook, Instant now) {
    List<String> lines = new ArrayList<>();
    lines.add(headline(run) + " *" + Mrkdwn.inline(run.title(), Mrkdwn.HEADER_TEXT_LIMIT) + "* (`"
        + Mrkdwn.escape(run.runbook()) + "`), run by " + Mrkdwn.user(run.startedBy()));
    if (!run.parameters().isEmpty()) {
      lines.add("Parameters: " + run.parameters().entrySet().stream()
          .map(e -> "`" + Mrkdwn.escape(e.getKey()) + "=" + Mrkdwn.inline(e.getValue(), Mrkdwn.ECHO_LIMIT) + "`")
          .collect(Collectors.joining(" ")));
    }
    if (run.status() == RunbookStatus.WAITING && runbook != null) {
      lines.add(":hourglass_flowing_sand: Waiting for approval from " + needed(runbook, run) + "."
          + approvedBy(run));
    } else if (!run.approvals().isEmpty()) {
      lines.add("Approved by " + run.approvals().stream().map(a -> Mrkdwn.user(a.user()))
          .collect(Collectors.joining(", ")) + ".");
    }
    for (int i = 0; i < run.steps().size(); i++) {
      lines.add(step(i + 1, run.steps().get(i), run.status(), now));
    }
    lines.add(ending(run));
    return String.join("\n", lines);
  }

  static List<LayoutBlock> blocks(RunbookRun run, Runbook runbook, Instant now) {
    List<LayoutBlock> blocks = new ArrayList<>();
    blocks.add(section(s -> s.text(markdownText(Mrkdwn.clipEscaped(text(run, runbook, now), Mrkdwn.SECTION_TEXT_LIMIT)))));
    if (run.status() == RunbookStatus.WAITING) {
      blocks.add(actions(a -> a.elements(List.of(
          button(b -> b.actionId(RunbookIds.APPROVE).value(run.id()).style("primary").text(plainText("Approve"))),
          button(b -> b.actionId(RunbookIds.CANCEL).value(run.id()).text(plainText("Cancel")))))));
    }
    return blocks;
  }

  private static String headline(RunbookRun run) {
    return switch (run.status()) {
      case WAITING -> ":raised_hand:";
      case RUNNING -> ":arrows_counterclockwise:";
      case SUCCEEDED -> ":white_check_mark:";
      case FAILED -> ":x:";
      case CANCELLED -> ":no_entry_sign:";
    };
  }

  static String step(int number, StepState step, RunbookStatus status, Instant now) {
    String name = number + ". " + Mrkdwn.inline(step.name(), Mrkdwn.ECHO_LIMIT);
    return switch (step.phase()) {
      case PENDING -> ":white_circle: " + name + (status.finished() ? " (not run)" : "");
      case RUNNING -> status.finished()
          ? ":warning: " + name + " (stopped)"
          : ":arrows_counterclockwise: " + name + " running for " + elapsed(step.startedAt(), now);
      case PASSED -> ":white_check_mark: " + name + " passed in " + elapsed(step.startedAt(), step.endedAt()) + ": "
          + Mrkdwn.inline(step.summary(), LINE_LIMIT);
      case FAILED -> ":x: " + name + " failed after " + elapsed(step.startedAt(), step.endedAt()) + ": "
          + Mrkdwn.inline(step.summary(), LINE_LIMIT);
    };
  }

  private static String ending(RunbookRun run) {
    return switch (run.status()) {
      case WAITING -> "Nothing runs until the approvals are in.";
      case RUNNING -> "Running.";
      case SUCCEEDED -> "*Succeeded*: every step passed.";
      case FAILED -> "*Failed*: the run stopped at the failed step; later steps did not run.";
      case CANCELLED -> "*Cancelled* before it ran.";
    };
  }

  private static String needed(Runbook runbook, RunbookRun run) {
    List<String> parts = new ArrayList<>();
    for (SignOffRequirement requirement : runbook.signOff().requirements()) {
      long have = run.approvals().stream().filter(a -> a.roles().contains(requirement.role())).count();
      parts.add("*" + Mrkdwn.escape(requirement.role()) + "* (" + have + " of " + requirement.count() + ")");
    }
    return String.join(", ", parts) + (runbook.signOff().allowRunStarter() ? "" : ", not the person who ran it");
  }

  private static String approvedBy(RunbookRun run) {
    return run.approvals().isEmpty() ? "" : " Approved so far by "
        + run.approvals().stream().map(a -> Mrkdwn.user(a.user())).collect(Collectors.joining(", ")) + ".";
  }

  private static String elapsed(Instant from, Instant to) {
    if (from == null || to == null) {
      return "0s";
    }
    Duration span = Duration.between(from, to);
    return Spans.format(span.isNegative() ? Duration.ZERO : span);
  }

  /** A step's output for the run's thread. */
  static String threadNote(int number, StepState step) {
    String head = (step.phase() == StepState.Phase.PASSED ? ":white_check_mark: " : ":x: ") + "Step " + number + ", "
        + Mrkdwn.inline(step.name(), Mrkdwn.ECHO_LIMIT) + ": " + Mrkdwn.inline(step.summary(), LINE_LIMIT)
        + (step.link() == null ? "" : " · " + Mrkdwn.link(step.link(), "logs"));
    if (step.output() == null || step.output().isBlank()) {
      return head;
    }
    String output = step.output().replace("```", "'''");
    return head + "\n```" + Mrkdwn.clipEscaped(Mrkdwn.escape(output), 3500) + "```";
  }

  /** The closing report in the thread: how it ended, who ran and approved it, each step with its time. */
  static String report(RunbookRun run) {
    List<String> lines = new ArrayList<>();
    lines.add("*Report* of " + Mrkdwn.inline(run.title(), Mrkdwn.HEADER_TEXT_LIMIT) + ": " + run.status().name().toLowerCase()
        + ". Run by " + Mrkdwn.user(run.startedBy()) + (run.approvals().isEmpty() ? "" : ", approved by "
        + run.approvals().stream().map(a -> Mrkdwn.user(a.user())).collect(Collectors.joining(", ")))
        + ".");
    for (int i = 0; i < run.steps().size(); i++) {
      StepState step = run.steps().get(i);
      lines.add((i + 1) + ". " + Mrkdwn.inline(step.name(), Mrkdwn.ECHO_LIMIT) + ": " + step.phase().name().toLowerCase()
          + (step.endedAt() != null ? " in " + elapsed(step.startedAt(), step.endedAt()) : "")
          + (step.summary() != null ? " (" + Mrkdwn.inline(step.summary(), LINE_LIMIT) + ")" : ""));
    }
    return String.join("\n", lines);
  }
}
