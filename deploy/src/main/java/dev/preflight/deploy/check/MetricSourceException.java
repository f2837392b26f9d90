package dev.preflight.deploy.check;

/** A metric source answered, but not with data: its own words, free of secrets, for the evidence. */
final class MetricSourceException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  MetricSourceException(String message) {
    super(message);
  }
}
