package dev.preflight.deploy.check;

import dev.preflight.checklists.secret.Variables;
import dev.preflight.deploy.aws.AwsClients;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * 1,000 HTTP checks at once (bench/run, in process): the bot's {@link CheckRunner} checks an
 * endpoint that answers check {@code n} after {@code 50 + (n % 16) * 10} ms. The slowest check is
 * first run alone; then all 1,000 start together, and the figure is their wall time over that
 * slowest single check. A first batch is timed cold ({@code cold_ratio}); more untimed batches
 * then warm the JIT, and the figure is the batch after them, on connections of its own.
 *
 * <p>The endpoint is a server of its own (its own Vert.x, one event loop per core, as a real
 * service would run), so its CPU time is measured apart from the bot's (15-20% of a batch's CPU
 * time when measured on this 2-core machine). The slowest check alone goes to the same endpoint.
 *
 * <p>Usage: {@code ThousandChecks OUT_JSON [CHECKS]}. In the checks' package for the test spec
 * builder, which is package-private.
 */
public final class ThousandChecks {

  private static final int WARMUP_BATCHES = 4;

  private ThousandChecks() {
  }

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
    // The first batch is timed as the cold figure; it and a few more warm the JIT (one was not
    // enough: the second batch of a process still took twice the CPU of the fifth). Each runs on a
    // runner of its own, so that the measured batch still opens every connection.
    double coldWall = 0;
    for (int i = 0; i < WARMUP_BATCHES; i++) {
      CheckRunner warmup = new CheckRunner(vertx, aws);
      double wall = batch(warmup, base, checks, endpointThreads)[1];
      if (i == 0) {
        coldWall = wall;
      }
      warmup.close();
    }

    double[] measured = batch(runner, base, checks, endpointThreads);
    int passed = (int) measured[0];
    double wall = measured[1];
    double cpu = measured[2];
    JsonObject result = new JsonObject().put("checks", checks).put("passed", passed)
        .put("slowest_alone_ms", alone).put("wall_ms", wall).put("ratio", wall / alone)
        .put("cpu_ms", cpu).put("endpoint_cpu_ms", measured[3]).put("cores", cores)
        .put("warmup_batches", WARMUP_BATCHES)
        .put("cold_wall_ms", coldWall).put("cold_ratio", coldWall / alone);
    Files.writeString(Path.of(args[0]), result.encodePrettily());
    runner.close();
    aws.close();
    vertx.close();
    endpoint.close();
    System.exit(0);
  }

  /**
   * Starts {@code checks} checks at once; answers how many passed, the wall time, the CPU time
   * the whole process (the endpoint included) spent meanwhile and the endpoint's share of it, in
   * ms. On a busy machine the wall time is mostly waiting for a core; the CPU time says what a
   * quiet one would need.
   */
  private static double[] batch(CheckRunner runner, String base, int checks, Set<Thread> endpointThreads)
      throws Exception {
    java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
    long endpointCpu = endpointCpu(threads, endpointThreads);
    com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean)
        java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    long cpu = os.getProcessCpuTime();
    long start = System.nanoTime();
    List<Future<dev.preflight.checklists.run.Evidence>> all = new ArrayList<>();
    for (int n = 0; n < checks; n++) {
      all.add(runner.run(HttpSpec.get(base + (50 + (n % 16) * 10)).timeout(Duration.ofMinutes(5)).build(),
          Variables.of(Map.of())));
    }
    int passed = 0;
    for (Future<dev.preflight.checklists.run.Evidence> check : all) {
      if (await(check).passed()) {
        passed++;
      }
    }
    return new double[] {passed, (System.nanoTime() - start) / 1e6, (os.getProcessCpuTime() - cpu) / 1e6,
        (endpointCpu(threads, endpointThreads) - endpointCpu) / 1e6};
  }

  private static long endpointCpu(java.lang.management.ThreadMXBean threads, Set<Thread> endpointThreads) {
    return endpointThreads.stream().mapToLong(thread -> Math.max(0, threads.getThreadCpuTime(thread.getId()))).sum();
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(600, TimeUnit.SECONDS);
  }
}
