package dev.preflight.checklists.analysis;

/**
 * What one metric analysis concluded. {@link #INCONCLUSIVE} is neither: the metric had no data
 * and the check's {@code noData} policy says a person should decide, so a canary stage can
 * pause on it rather than promote or roll back.
 */
public enum Verdict {
  PASS,
  FAIL,
  INCONCLUSIVE
}
