package dev.preflight.checklists.analysis;

/**
 * Whether a condition is judged on every series the query returns ({@link #SERIES}: one bad
 * instance fails the check) or on their sum at each sample time ({@link #AGGREGATE}). Write the
 * aggregation into the query ({@code max(...)}, {@code avg(...)}) when a sum is not what is meant.
 */
public enum Per {
  SERIES,
  AGGREGATE
}
