package dev.preflight.handlers.render;

import dev.preflight.checklists.deploy.Deployment;
import dev.preflight.checklists.time.Spans;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The pipeline steps of a run's message, one line each, in the order they ran: the deploy's
 * steps before and after the target, then the rollback's. A step shows once it has started:
 * running with the time it has taken so far, passed or failed with its one line, or skipped.
 */
final class StepsPart {

  private static final int SUMMARY_LIMIT = 200;
  private static final int NAME_LIMIT = 60;

  private StepsPart() {}

  /** The lines as one mrkdwn text, or empty when the run has no steps that started. */
  static Optional<String> lines(Deployment d, Instant now) {
    List<String> lines = new ArrayList<>();
    lines.addAll(phase(d.deployState(), "before", "", now));
    lines.addAll(phase(d.deployState(), "after", "", now));
    lines.addAll(phase(d.rollbackState(), "before", "rollback ", now));
    lines.addAll(phase(d.rollbackState(), "after", "rollback ", now));
    if (lines.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(Mrkdwn.clipEscaped(String.join("\n", lines), Mrkdwn.SECTION_TEXT_LIMIT));
  }

  private static List<String> phase(Map<String, String> state, String phase, String label, Instant now) {
    List<String> lines = new ArrayList<>();
    for (int i = 0; state.containsKey(phase + "." + i + ".name"); i++) {
      String p = phase + "." + i + ".";
      lines.add(line(state, p, label, now));
    }
    return lines;
  }

  static String line(Map<String, String> state, String p, String label, Instant now) {
    String name = "*" + Mrkdwn.inline(label + "step " + state.get(p + "name"), NAME_LIMIT) + "*";
    String summary = Mrkdwn.inline(state.get(p + "summary"), SUMMARY_LIMIT);
    String link = state.containsKey(p + "link") ? " · " + Mrkdwn.link(state.get(p + "link"), "logs") : "";
    String outcome = state.get(p + "outcome");
    if (outcome == null) {
      String took = instant(state.get(p + "began")).map(at -> " for " + Spans.format(Duration.between(at, now)))
          .orElse("");
      return "⏳ " + name + " running" + took;
    }
    return switch (outcome) {
      case "passed" -> "✅ " + name + " passed: " + summary + link;
      case "skipped" -> "⏭️ " + name + " skipped: " + summary;
      case "unknown" -> "⚠️ " + name + " was interrupted, so how it ended is unknown: " + summary;
      default -> "❌ " + name + " failed: " + summary + link;
    };
  }

  private static Optional<Instant> instant(String text) {
    try {
      return Optional.ofNullable(text).map(Instant::parse);
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
