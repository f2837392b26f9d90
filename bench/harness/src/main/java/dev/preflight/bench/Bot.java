package dev.preflight.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The packaged bot as a process of its own, started with the container's JVM flags. */
final class Bot implements AutoCloseable {

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
  private static final Pattern LIVE_BYTES = Pattern.compile("(?m)^Total\\s+\\d+\\s+(\\d+)\\s*$");

  final Process process;
  final int port;
  final long startedNanos;
  private final Path log;

  private Bot(Process process, int port, long startedNanos, Path log) {
    this.process = process;
    this.port = port;
    this.startedNanos = startedNanos;
    this.log = log;
  }

  static Bot start(Path jar, List<String> jvmFlags, Map<String, String> env, int port, Path workdir, Path log)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.addAll(jvmFlags);
    command.add("-jar");
    command.add(jar.toAbsolutePath().toString());
    ProcessBuilder builder = new ProcessBuilder(command).directory(workdir.toFile())
        .redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().keySet().removeIf(name -> name.startsWith("SLACK_") || name.equals("DATABASE_URL"));
    builder.environment().putAll(env);
    builder.environment().put("PORT", String.valueOf(port));
    long started = System.nanoTime();
    return new Bot(builder.start(), port, started, log);
  }

  /** Milliseconds from the process start until {@code /readyz} first answers 200. */
  double awaitReady(Duration limit) throws Exception {
    long deadline = System.nanoTime() + limit.toNanos();
    HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/readyz"))
        .timeout(Duration.ofSeconds(1)).build();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("the bot exited with " + process.exitValue() + ":\n" + log());
      }
      try {
        if (HTTP.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return (System.nanoTime() - startedNanos) / 1e6;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(10);
    }
    throw new IllegalStateException("the bot was not ready within " + limit + ":\n" + log());
  }

  /** Resident set size from /proc, in MB. */
  double rssMb() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
      }
    }
    throw new IllegalStateException("no VmRSS for " + process.pid());
  }

  /** Live heap in MB: the class histogram forces a full collection and sums what survived it. */
  double liveHeapMb() throws Exception {
    Process jcmd = new ProcessBuilder("jcmd", String.valueOf(process.pid()), "GC.class_histogram")
        .redirectErrorStream(true).start();
    String out = new String(jcmd.getInputStream().readAllBytes());
    jcmd.waitFor(60, TimeUnit.SECONDS);
    Matcher total = LIVE_BYTES.matcher(out);
    if (!total.find()) {
      throw new IllegalStateException("no Total line from jcmd: " + out.substring(0, Math.min(out.length(), 500)));
    }
    return Long.parseLong(total.group(1)) / (1024.0 * 1024.0);
  }

  /** CPU seconds the process used so far (user + system), from /proc. */
  double cpuSeconds() throws IOException {
    String stat = Files.readString(Path.of("/proc/" + process.pid() + "/stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
  }

  String log() {
    try {
      return Files.exists(log) ? Files.readString(log) : "";
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  @Override
  public void close() throws Exception {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
