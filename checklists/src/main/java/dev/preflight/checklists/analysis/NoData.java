package dev.preflight.checklists.analysis;

/** What a metric check concludes when its query returns no samples (or only NaN ones). */
public enum NoData {
  FAIL(Verdict.FAIL),
  PASS(Verdict.PASS),
  INCONCLUSIVE(Verdict.INCONCLUSIVE);

  private final Verdict verdict;

  NoData(Verdict verdict) {
    this.verdict = verdict;
  }

  public Verdict verdict() {
    return verdict;
  }
}
