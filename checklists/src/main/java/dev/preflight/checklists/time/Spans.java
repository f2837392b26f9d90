package dev.preflight.checklists.time;

import java.time.Duration;
import java.time.Instant;

/**
 * How long something took, written for people: the one way Slack messages, run reports, the
 * command line and logs show a span of time.
 *
 * <p>Coarser as the span grows, so a glance is enough: {@code 850 ms}, {@code 1.5s},
 * {@code 45s}, {@code 3m 20s}, {@code 2h 5m}, {@code 3d 4h}; a trailing zero part is left out
 * ({@code 5m}, not {@code 5m 0s}). A negative span (the clocks of two replicas disagreeing)
 * reads as {@code 0s}. Config files use their own notation ({@code 5m}, {@code 500ms}), which
 * {@code checklists.config.Durations} reads and writes.
 */
public final class Spans {

  private static final long SECOND = 1_000;
  private static final long MINUTE = 60 * SECOND;
  private static final long HOUR = 60 * MINUTE;
  private static final long DAY = 24 * HOUR;

  private Spans() {}

  public static String format(Duration span) {
    long millis = span.isNegative() ? 0 : span.toMillis();
    if (millis == 0) {
      return "0s";
    }
    if (millis < SECOND) {
      return millis + " ms";
    }
    if (millis < 10 * SECOND && millis % SECOND >= 100) {
      // Under ten seconds a tenth still matters (a 1.5s timeout is not a 1s one).
      return millis / SECOND + "." + millis % SECOND / 100 + "s";
    }
    if (millis < MINUTE) {
      return millis / SECOND + "s";
    }
    if (millis < HOUR) {
      return pair(millis / MINUTE, "m", millis % MINUTE / SECOND, "s");
    }
    if (millis < DAY) {
      return pair(millis / HOUR, "h", millis % HOUR / MINUTE, "m");
    }
    return pair(millis / DAY, "d", millis % DAY / HOUR, "h");
  }

  /** The span between two instants; an unknown end gives {@code unknown}. */
  public static String between(Instant from, Instant to, String unknown) {
    return from == null || to == null ? unknown : format(Duration.between(from, to));
  }

  private static String pair(long big, String bigUnit, long small, String smallUnit) {
    return small == 0 ? big + bigUnit : big + bigUnit + " " + small + smallUnit;
  }
}
