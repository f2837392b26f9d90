package dev.preflight.handlers.slack;

import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * WARN lines that can come by the thousand, at most one per reason per {@link #WINDOW}: requests
 * the Slack endpoint refused (someone probing it, a misconfigured proxy), or changes a flood of
 * clicks left unsaved. A line for each filled the log at megabytes a second and cost the event
 * loop the writes. The first line of a reason is logged as it happens; the ones that follow within
 * the window are only counted, and the next line for that reason says how many there were.
 *
 * <p>Reasons may quote the input (a malformed payload's) or a driver's message: past
 * {@link #MAX_REASONS} distinct reasons, further ones share one count.
 */
public final class SummarisedLog {

  static final Duration WINDOW = Duration.ofSeconds(10);
  static final int MAX_REASONS = 64;
  static final String OTHER_REASONS = "(other reasons)";

  private final Logger log;
  private final LongSupplier nanoTime;
  private final String countedAs;
  private final Map<String, Window> windows = new ConcurrentHashMap<>();

  /**
   * @param nanoTime a monotonic clock in nanoseconds: {@code System::nanoTime} outside tests
   * @param countedAs what the left-out lines were, as the count's note says it: "refused for this
   *     reason" gives "(12 more refused for this reason since the last such line, not logged)"
   */
  public SummarisedLog(Logger log, LongSupplier nanoTime, String countedAs) {
    this.log = log;
    this.nanoTime = nanoTime;
    this.countedAs = countedAs;
  }

  /** The window of one reason: when its last line was written, and how many were left out since. */
  private static final class Window {
    long openedAt;
    long suppressed;

    Window(long openedAt) {
      this.openedAt = openedAt;
    }
  }

  /**
   * Logs {@code message} (an SLF4J pattern whose arguments are {@code args}, {@code reason} among
   * them) unless a line for {@code reason} was written less than {@link #WINDOW} ago; then it is
   * only counted.
   */
  public void warn(String reason, String message, Object... args) {
    long now = nanoTime.getAsLong();
    String key = windows.size() >= MAX_REASONS && !windows.containsKey(reason) ? OTHER_REASONS : reason;
    long suppressed;
    Window window = windows.computeIfAbsent(key, k -> new Window(now - WINDOW.toNanos()));
    synchronized (window) {
      if (now - window.openedAt < WINDOW.toNanos()) {
        window.suppressed++;
        return;
      }
      suppressed = window.suppressed;
      window.suppressed = 0;
      window.openedAt = now;
    }
    if (suppressed == 0) {
      log.warn(message, args);
    } else {
      Object[] withCount = Arrays.copyOf(args, args.length + 1);
      withCount[args.length] = suppressed;
      log.warn(message + " ({} more " + countedAs + " since the last such line, not logged)", withCount);
    }
  }
}
