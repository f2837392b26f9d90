package dev.preflight.handlers.publish;

import dev.preflight.checklists.deploy.VerifyResult;
import dev.preflight.checklists.time.Spans;
import dev.preflight.deploy.failure.Failures;
import dev.preflight.deploy.run.RunNote;
import dev.preflight.handlers.render.Mrkdwn;
import java.time.Duration;
import java.util.stream.Collectors;

/**
 * The words of a thread note, in Slack's mrkdwn: a target's output in a code block, the checks
 * that failed as bullets with each smoke step marked ✓ or ✗, who aborted as a mention.
 */
final class NoteText {

  private static final String FENCE = "```";

  private NoteText() {}

  static String of(RunNote note) {
    return switch (note.kind()) {
      case DEPLOY_OUTPUT -> target("Deploy output", note);
      case DEPLOY_FAILED -> target("Deploy failed", note);
      case ROLLBACK_OUTPUT -> target("Rollback output", note);
      case ROLLBACK_FAILED -> target("Rollback failed", note);
      case VERIFICATION_FAILED -> checks("Verification failed", note);
      case ROLLBACK_VERIFICATION_FAILED -> checks("Verification after the rollback failed", note);
      case ABORTED -> "Aborted by " + Mrkdwn.user(note.actor()) + "; the step has stopped.";
      case GIVEN_UP -> note.text();
      case STEP_OUTPUT -> step("Step " + note.step() + " passed", note);
      case STEP_FAILED -> step("Step " + note.step() + " failed", note);
      case STEP_UNKNOWN -> step("Step " + note.step() + " was interrupted, so how it ended is unknown", note)
          + "\nNothing was rolled back for it: check what it did.";
      case CANARY_FAILED -> checks("Canary stage " + note.stage().number() + " of " + note.stage().of() + " failed", note);
      case CANARY_PAUSED -> paused(note);
    };
  }

  /** Why a canary stage stopped its clock, and what a person can do about it. */
  private static String paused(RunNote note) {
    RunNote.Stage stage = note.stage();
    String left = stage.left() == null ? ""
        : " with " + Spans.format(Duration.ofSeconds(stage.left().toSeconds())) + " of the hold left";
    String checks = note.failed().stream().map(check -> Mrkdwn.escape(check.title())).collect(Collectors.joining(", "));
    return "⏸️ Paused at stage " + stage.number() + " of " + stage.of() + left + ": no data for " + checks
        + ". Resume or Rollback.";
  }

  private static String target(String headline, RunNote note) {
    return headline + ": " + note.text() + (note.output() == null ? "" : "\n" + codeBlock(note.output()));
  }

  private static String step(String headline, RunNote note) {
    return target(headline, note) + (note.link() == null ? "" : "\n" + Mrkdwn.link(note.link(), "Logs"));
  }

  private static String checks(String headline, RunNote note) {
    return headline + ":\n" + note.failed().stream().map(NoteText::check).collect(Collectors.joining("\n"));
  }

  private static String check(VerifyResult result) {
    // The error in brackets only when it says something the summary does not.
    String summary = result.evidence().summary();
    String said = Failures.summaryWithDetail(summary, result.evidence().error(), " (");
    boolean both = summary != null && !said.equals(summary.strip()) && said.startsWith(summary.strip() + " (");
    StringBuilder text = new StringBuilder("• " + result.title() + ": " + said + (both ? ")" : ""));
    for (VerifyResult.StepResult step : result.steps()) {
      text.append("\n    ").append(step.evidence().passed() ? "✓ " : "✗ ").append(step.name()).append(": ")
          .append(step.evidence().summary());
    }
    if (result.evidence().excerpt() != null && result.steps().isEmpty()) {
      text.append("\n").append(codeBlock(result.evidence().excerpt()));
    }
    return text.toString();
  }

  /** Output shown as it is: in a code block, which the output itself cannot close. */
  private static String codeBlock(String output) {
    return FENCE + "\n" + output.replace(FENCE, "ˋˋˋ") + "\n" + FENCE;
  }
}
