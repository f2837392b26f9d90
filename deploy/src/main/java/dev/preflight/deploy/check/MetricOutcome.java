package dev.preflight.deploy.check;

import dev.preflight.checklists.analysis.Judgement;
import dev.preflight.checklists.analysis.Verdict;
import dev.preflight.checklists.run.Evidence;

/**
 * What a metric check concluded ({@link CheckRunner#analyse}).
 *
 * @param judgement the series, values and baseline seen; null when the source could not be read
 */
public record MetricOutcome(Verdict verdict, Evidence evidence, Judgement judgement) {

  static MetricOutcome of(Evidence evidence, Judgement judgement) {
    if (judgement == null) {
      return new MetricOutcome(evidence.passed() ? Verdict.PASS : Verdict.FAIL, evidence, null);
    }
    return new MetricOutcome(judgement.verdict(), evidence, judgement);
  }
}
