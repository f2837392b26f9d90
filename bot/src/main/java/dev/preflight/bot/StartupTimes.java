package dev.preflight.bot;

import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

/**
 * When each phase of the start ended, in milliseconds since the process started (the operating
 * system's start time, so the JVM's own boot is counted, unless the process ran something else
 * before java): one log line then says where a slow start went. Phases are noted from several
 * threads; the first note of a name is kept.
 */
final class StartupTimes {

  /** How much later than its process a JVM may note its start and still be the process's first program. */
  private static final long EXEC_SLACK_MILLIS = 1_000;

  private final long startedMillis;
  private final Map<String, Long> marks = new LinkedHashMap<>();
  private boolean told;

  StartupTimes(long startedMillis) {
    this.startedMillis = startedMillis;
  }

  /** Measured from the process's start as the OS reports it, or from now when it does not. */
  static StartupTimes sinceProcessStart() {
    long now = System.currentTimeMillis();
    return new StartupTimes(startedAt(
        ProcessHandle.current().info().startInstant().map(Instant::toEpochMilli).orElse(now),
        ManagementFactory.getRuntimeMXBean().getStartTime(), now));
  }

  /**
   * Where the count starts: the process's start, unless the JVM began later in the same process.
   * A shell that runs a build and then {@code exec}s java ({@code sh -c 'mvn … && exec java …'})
   * hands java its process, start time included; counting from it would put the build in the start.
   * The JVM notes its own start early in its boot, so only the moments before that are left out.
   */
  static long startedAt(long processStartMillis, long jvmStartMillis, long nowMillis) {
    long started = jvmStartMillis > processStartMillis + EXEC_SLACK_MILLIS ? jvmStartMillis : processStartMillis;
    return Math.min(started, nowMillis);
  }

  /** Notes that the phase {@code name} ended now. */
  synchronized void mark(String name) {
    marks.putIfAbsent(name, System.currentTimeMillis() - startedMillis);
  }

  /** Notes a phase's own length, when what came before it is not the phase (migrations inside the database's open). */
  synchronized void took(String name, long millis) {
    marks.putIfAbsent(name + " took", millis);
  }

  /** Milliseconds since the process started. */
  long elapsed() {
    return System.currentTimeMillis() - startedMillis;
  }

  /** {@code jvm 180 ms, config 420 ms, …}; the phases in the order they were noted. */
  synchronized String summary() {
    StringJoiner line = new StringJoiner(", ");
    marks.forEach((name, millis) -> line.add(name + " " + millis + " ms"));
    return line.toString();
  }

  /** True the first time only: the ready line is written once. */
  synchronized boolean firstTell() {
    boolean first = !told;
    told = true;
    return first;
  }
}
