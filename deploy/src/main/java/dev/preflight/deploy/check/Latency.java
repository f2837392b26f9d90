package dev.preflight.deploy.check;

import java.time.Duration;

/** How long a check waited for what it asked, from a {@link System#nanoTime()} taken before asking. */
final class Latency {

  private Latency() {}

  static long millisSince(long startNanos) {
    return Duration.ofNanos(System.nanoTime() - startNanos).toMillis();
  }
}
