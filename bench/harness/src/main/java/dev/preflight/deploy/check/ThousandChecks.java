package dev.preflight.deploy.check;

import dev.preflight.checklists.run.Evidence;
import dev.preflight.checklists.secret.Variables;
import dev.preflight.deploy.aws.AwsClients;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.lang.management.CompilationMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * 1,000 HTTP checks at once (bench/run, in process): the bot's {@link CheckRunner} checks an
 * endpoint that answers check {@code n} after {@code 50 + (n % 16) * 10} ms. The slowest check is
 * first run alone; then all 1,000 start together, and the figure is their wall time over that
 * slowest single check. A first batch is timed cold ({@code cold_ratio}); more untimed batches
 * then warm the JIT until a batch no longer makes it compile much, and the figure is the batch
 * after them, on a new runner, so on connections of its own.
 *
 * <p>The endpoint is a server of its own (its own Vert.x, one event loop per core, as a real
 * service would run), so its CPU time is measured apart from the bot's (15-20% of a batch's CPU
 * time when measured on this 2-core machine). The slowest check alone goes to the same endpoint.
 *
 * <p>Usage: {@code ThousandChecks OUT_JSON [CHECKS]}. With {@code BENCH_CHECKS_JFR=FILE} it then
 * records {@link #PROFILED_BATCHES} more warm batches with JFR's profile settings into FILE, and
 * the ids of the endpoint's threads into FILE.endpoint-threads. In the checks' package for the
 * test spec builder, which is package-private.
 */
public final class ThousandChecks {

  /**
   * Warm batches before the JIT is even asked whether it has settled. Code that runs once per
   * connection is called a thousand times a batch, and C2 takes such a method only after some
   * 10,000 calls, so a handful of batches leaves most of the connection path in C1's slower code
   * and the compiler threads busy during the measured batch (200 ms of a 600 ms batch after four).
   */
  private static final int MIN_WARMUP_BATCHES = 4;
  /** Gives up waiting for the JIT to settle; the JSON says how much it compiled meanwhile. */
  private static final int MAX_WARMUP_BATCHES = 60;
  /** A batch during which the JIT compiled for less than this counts as quiet... */
  private static final long SETTLED_JIT_MS = 20;
  /**
   * ...and this many quiet batches in a row as warm: one alone was not enough, the batch after
   * it still had C2 compile the HTTP decoder for half a second.
   */
  private static final int QUIET_BATCHES = 3;
  /** Warm batches recorded when {@code BENCH_CHECKS_JFR} names a flight recording to write. */
  private static final int PROFILED_BATCHES = 5;

  /** When the endpoint last received a request (System.nanoTime). */
  private static final AtomicLong LAST_ARRIVAL = new AtomicLong();

  private ThousandChecks() {
  }

  /** What one batch took; times in ms. */
  private record Batch(int passed, double wall, double cpu, double endpointCpu, double userCpu, double systemCpu,
      double lastArrival, double jit, double gc) {}

  public static void main(String[] args) throws Exception {
    int checks = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
    int cores = Runtime.getRuntime().availableProcessors();
    Vertx endpoint = Vertx.vertx();
    Set<Thread> endpointThreads = ConcurrentHashMap.newKeySet();
    int port;
    try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
      port = probe.getLocalPort();
    }
    int listening = port;
    await(endpoint.deployVerticle(() -> new VerticleBase() {
      @Override
      public Future<?> start() {
        endpointThreads.add(Thread.currentThread());
        return vertx.createHttpServer().requestHandler(request -> {
          LAST_ARRIVAL.accumulateAndGet(System.nanoTime(), Math::max);
          long delay = Long.parseLong(request.getParam("delay"));
          vertx.setTimer(delay, id -> request.response().putHeader("Content-Type", "application/json")
              .end("{\"ok\":true}"));
        }).listen(listening, "127.0.0.1");
      }
    }, new DeploymentOptions().setInstances(cores)));
    Vertx vertx = Vertx.vertx();
    AwsClients aws = new AwsClients();
    CheckRunner runner = new CheckRunner(vertx, aws);
    String base = "http://127.0.0.1:" + port + "/check?delay=";
    long slowestDelay = 50 + 15 * 10;

    // Warm up the client, then time the slowest check on its own (best of three).
    await(runner.run(HttpSpec.get(base + "1").build(), Variables.of(Map.of())));
    double alone = Double.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      long start = System.nanoTime();
      await(runner.run(HttpSpec.get(base + slowestDelay).build(), Variables.of(Map.of())));
      alone = Math.min(alone, (System.nanoTime() - start) / 1e6);
    }

    // A long-running bot has compiled its check path long before a thousand checks come at once.
    // The first batch is timed as the cold figure; it and more warm the JIT until QUIET_BATCHES
    // batches in a row make it compile for less than SETTLED_JIT_MS each. Each runs on a runner of its own, so that the
    // measured batch still opens every connection; a runner's connections are closed, and the
    // compiler's queue drained, before the next batch starts, so neither is counted in it.
    double coldWall = 0;
    int warmups = 0;
    int quiet = 0;
    double lastWarmupJit = Double.NaN;
    while (warmups < MAX_WARMUP_BATCHES && (warmups < MIN_WARMUP_BATCHES || quiet < QUIET_BATCHES)) {
      CheckRunner warmup = new CheckRunner(vertx, aws);
      Batch batch = batch(warmup, base, checks, endpointThreads);
      warmups++;
      if (warmups == 1) {
        coldWall = batch.wall();
      }
      await(warmup.close());
      settle();
      lastWarmupJit = batch.jit();
      quiet = batch.jit() < SETTLED_JIT_MS ? quiet + 1 : 0;
    }

    Batch measured = batch(runner, base, checks, endpointThreads);
    String profile = System.getenv("BENCH_CHECKS_JFR");
    if (profile != null && !profile.isBlank()) {
      profile(Path.of(profile), vertx, aws, base, checks, endpointThreads);
    }
    JsonObject result = new JsonObject().put("checks", checks).put("passed", measured.passed())
        .put("slowest_alone_ms", alone).put("wall_ms", measured.wall()).put("ratio", measured.wall() / alone)
        .put("cpu_ms", measured.cpu()).put("endpoint_cpu_ms", measured.endpointCpu())
        .put("user_cpu_ms", measured.userCpu()).put("system_cpu_ms", measured.systemCpu())
        .put("jit_ms", measured.jit()).put("gc_ms", measured.gc())
        .put("last_request_received_ms", measured.lastArrival()).put("cores", cores)
        .put("warmup_batches", warmups).put("last_warmup_jit_ms", lastWarmupJit)
        .put("cold_wall_ms", coldWall).put("cold_ratio", coldWall / alone);
    Files.writeString(Path.of(args[0]), result.encodePrettily());
    runner.close();
    aws.close();
    vertx.close();
    endpoint.close();
    System.exit(0);
  }

  /**
   * Starts {@code checks} checks at once. Besides the wall time: the CPU time the whole process
   * (the endpoint included) spent meanwhile, the endpoint's share of it, its user and system
   * parts, when the endpoint received the last request, and how long the JIT compiled and the
   * garbage collector ran meanwhile. On a busy machine the wall time is mostly waiting for a
   * core; the CPU time says what a quiet one would need.
   */
  private static Batch batch(CheckRunner runner, String base, int checks, Set<Thread> endpointThreads)
      throws Exception {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long endpointCpu = endpointCpu(threads, endpointThreads);
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long cpu = os.getProcessCpuTime();
    long[] ticks = ticks();
    long jit = jitMillis();
    long gc = gcMillis();
    long start = System.nanoTime();
    LAST_ARRIVAL.set(start);
    List<Future<Evidence>> all = new ArrayList<>();
    for (int n = 0; n < checks; n++) {
      all.add(runner.run(HttpSpec.get(base + (50 + (n % 16) * 10)).timeout(Duration.ofMinutes(5)).build(),
          Variables.of(Map.of())));
    }
    int passed = 0;
    for (Future<Evidence> check : all) {
      if (await(check).passed()) {
        passed++;
      }
    }
    double wall = (System.nanoTime() - start) / 1e6;
    long[] after = ticks();
    return new Batch(passed, wall, (os.getProcessCpuTime() - cpu) / 1e6,
        (endpointCpu(threads, endpointThreads) - endpointCpu) / 1e6, (after[0] - ticks[0]) * 10.0,
        (after[1] - ticks[1]) * 10.0, (LAST_ARRIVAL.get() - start) / 1e6, jitMillis() - jit, gcMillis() - gc);
  }

  /**
   * Waits until the JIT has compiled nothing for 300 ms (at most 30 s): the queue a batch left.
   * No System.gc() here: tried, the full collection had the JIT recompile for seconds during the
   * next batch.
   */
  private static void settle() throws InterruptedException {
    long last = -1;
    for (int i = 0; i < 100 && jitMillis() != last; i++) {
      last = jitMillis();
      Thread.sleep(300);
    }
  }

  private static long jitMillis() {
    CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : 0;
  }

  private static long gcMillis() {
    return ManagementFactory.getGarbageCollectorMXBeans().stream()
        .mapToLong(GarbageCollectorMXBean::getCollectionTime).filter(time -> time > 0).sum();
  }

  /**
   * Records {@link #PROFILED_BATCHES} more warm batches, each on a new runner as the measured one
   * is, with JFR's profile settings, and writes beside the recording the ids of the endpoint's
   * threads, so a summary can leave the endpoint's samples out.
   */
  private static void profile(Path jfr, Vertx vertx, AwsClients aws, String base, int checks,
      Set<Thread> endpointThreads) throws Exception {
    try (jdk.jfr.Recording recording = new jdk.jfr.Recording(jdk.jfr.Configuration.getConfiguration("profile"))) {
      // A sample every millisecond rather than every 10 or 20: a batch is only a few hundred ms.
      recording.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(1));
      recording.start();
      for (int i = 0; i < PROFILED_BATCHES; i++) {
        CheckRunner profiled = new CheckRunner(vertx, aws);
        batch(profiled, base, checks, endpointThreads);
        await(profiled.close());
      }
      recording.stop();
      recording.dump(jfr);
    }
    Files.writeString(Path.of(jfr + ".endpoint-threads"), endpointThreads.stream()
        .map(thread -> String.valueOf(thread.getId())).collect(Collectors.joining("\n")) + "\n");
  }

  /**
   * The process's user and system CPU time in clock ticks (/proc/self/stat; 100 a second on
   * Linux), or zeros where there is no such file. Opening a connection is mostly kernel work,
   * which a flight recording does not see, so the two are reported apart.
   */
  private static long[] ticks() {
    try {
      String stat = Files.readString(Path.of("/proc/self/stat"));
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return new long[] {Long.parseLong(fields[11]), Long.parseLong(fields[12])};
    } catch (java.io.IOException | RuntimeException e) {
      return new long[] {0, 0};
    }
  }

  private static long endpointCpu(ThreadMXBean threads, Set<Thread> endpointThreads) {
    return endpointThreads.stream().mapToLong(thread -> Math.max(0, threads.getThreadCpuTime(thread.getId()))).sum();
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(600, TimeUnit.SECONDS);
  }
}
