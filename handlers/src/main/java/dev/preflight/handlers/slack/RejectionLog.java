package dev.preflight.handlers.slack;

import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * The WARN lines about requests the Slack endpoint refused, at most one per reason per
 * {@link #WINDOW}. Someone probing the endpoint, or a misconfigured proxy, can send thousands of
 * bad requests a second; a line for each filled the log at megabytes a second and cost the event
 * loop the writes. The first refusal of a reason is logged as it happens; the ones that follow
 * within the window are only counted, and the next line for that reason says how many there were.
 *
 * <p>Reasons are the signature check's (a fixed set) or a malformed payload's, which may quote
 * the input: past {@link #MAX_REASONS} distinct reasons, further ones share one count.
 */
final class RejectionLog {

  static final Duration WINDOW = Duration.ofSeconds(10);
  static final int MAX_REASONS = 64;
  static final String OTHER_REASONS = "(other reasons)";

  private final Logger log;
  private final LongSupplier nanoTime;
  private final Map<String, Window> windows = new ConcurrentHashMap<>();

  /** @param nanoTime a monotonic clock in nanoseconds: {@code System::nanoTime} outside tests */
  RejectionLog(Logger log, LongSupplier nanoTime) {
    this.log = log;
    this.nanoTime = nanoTime;
  }

  /** The window of one reason: when its last line was written, and what was refused since. */
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
  void refused(String reason, String message, Object... args) {
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
      log.warn(message + " ({} more refused for this reason since the last such line, not logged)", withCount);
    }
  }
}
