package dev.preflight.deploy.failure;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** A failure's summary and detail read as one line that never says the same thing twice. */
class FailuresTest {

  @Test
  void aDetailThatRepeatsTheSummaryIsSaidOnce() {
    assertEquals("expected 200, got 500", Failures.summaryWithDetail("expected 200, got 500", "expected 200, got 500",
        " — "));
  }

  @Test
  void aDetailThatHoldsTheSummaryStandsAloneWhateverItsCase() {
    assertEquals("Connection refused: api.internal/10.0.0.7:443",
        Failures.summaryWithDetail("connection refused", "Connection refused: api.internal/10.0.0.7:443", " — "));
    assertEquals("expected 200, got 500; body is not JSON",
        Failures.summaryWithDetail("expected 200, got 500", "expected 200, got 500; body is not JSON", " — "));
  }

  @Test
  void aSummaryThatHoldsTheDetailStandsAlone() {
    assertEquals("check failed: boom", Failures.summaryWithDetail("check failed: boom", "boom", " — "));
  }

  @Test
  void twoDifferentThingsAreBothSaidAndAMissingOneIsLeftOut() {
    assertEquals("503 Service Unavailable — upstream connect error",
        Failures.summaryWithDetail("503 Service Unavailable", "upstream connect error", " — "));
    assertEquals("timed out", Failures.summaryWithDetail("timed out", null, " — "));
    assertEquals("killed", Failures.summaryWithDetail(" ", "killed", " — "));
    assertEquals("", Failures.summaryWithDetail(null, null, " — "));
  }
}
