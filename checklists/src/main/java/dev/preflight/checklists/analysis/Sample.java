package dev.preflight.checklists.analysis;

import java.time.Instant;

/** One value of a metric at one time; NaN is kept as given and read as a missing sample. */
public record Sample(Instant at, double value) {

  public boolean present() {
    return Double.isFinite(value);
  }
}
