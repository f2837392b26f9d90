package dev.preflight.deploy.check;

import dev.preflight.checklists.analysis.Condition;
import dev.preflight.checklists.analysis.Judgement;
import dev.preflight.checklists.analysis.MetricRule;
import dev.preflight.checklists.analysis.Sparkline;
import dev.preflight.checklists.analysis.Verdict;
import dev.preflight.checklists.run.Evidence;
import dev.preflight.checklists.secret.Redactor;
import dev.preflight.checklists.time.Spans;

/**
 * The evidence of a metric check: the reason as the summary; the query, the graph link, the
 * baseline and one line per series (a sparkline, min, max, last) as the excerpt. Plain text;
 * the Slack layer decides how to show it.
 */
public final class MetricEvidence {

  private MetricEvidence() {}

  /**
   * @param query the query as shown (already free of secrets)
   * @param graph a link to the source's graph of it, or null
   * @param millis how long fetching took
   */
  public static Evidence of(MetricRule rule, Judgement judgement, String query, String graph, long millis,
      Redactor redactor) {
    StringBuilder excerpt = new StringBuilder("query: ").append(query);
    if (graph != null) {
      excerpt.append("\ngraph: ").append(graph);
    }
    judgement.baseline().ifPresent(value -> excerpt.append("\nbaseline: ").append(Condition.format(value))
        .append(" over the ").append(Spans.format(rule.baselineWindow())).append(" before the deploy"));
    for (Judgement.SeriesSeen seen : judgement.series()) {
      excerpt.append('\n').append(seen.name()).append(' ').append(Sparkline.of(seen.values()))
          .append(" min ").append(Condition.format(seen.min()))
          .append(" max ").append(Condition.format(seen.max()))
          .append(" last ").append(Condition.format(seen.last()));
    }
    String summary = switch (judgement.verdict()) {
      case PASS -> judgement.reason() + last(judgement);
      case FAIL -> judgement.reason();
      case INCONCLUSIVE -> "inconclusive: " + judgement.reason();
    };
    boolean passed = judgement.verdict() == Verdict.PASS;
    return new Evidence(passed, redactor.redact(summary), null, millis, redactor.redact(excerpt.toString()),
        passed ? null : redactor.redact(judgement.reason()), 1);
  }

  private static String last(Judgement judgement) {
    if (judgement.series().isEmpty()) {
      return "";
    }
    double highest = judgement.series().stream().mapToDouble(Judgement.SeriesSeen::last).max().orElseThrow();
    return judgement.series().size() == 1
        ? "; last " + Condition.format(highest)
        : "; highest last value " + Condition.format(highest);
  }
}
