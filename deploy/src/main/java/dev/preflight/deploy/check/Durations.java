package dev.preflight.deploy.check;

import java.time.Duration;

/** Durations the way a person writes them in a channel: "250 ms", "2s", "1.5s", "5m". */
public final class Durations {

  private Durations() {}

  public static String format(Duration duration) {
    long millis = duration.toMillis();
    if (millis < 1000) {
      return millis + " ms";
    }
    if (millis % 60_000 == 0) {
      return millis / 60_000 + "m";
    }
    if (millis % 1000 == 0) {
      return millis / 1000 + "s";
    }
    return String.format(java.util.Locale.ROOT, "%.1fs", millis / 1000.0);
  }

  public static long millisSince(long startNanos) {
    return Duration.ofNanos(System.nanoTime() - startNanos).toMillis();
  }
}
