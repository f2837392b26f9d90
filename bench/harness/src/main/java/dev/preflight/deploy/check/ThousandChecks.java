package dev.preflight.deploy.check;

import dev.preflight.checklists.secret.Variables;
import dev.preflight.deploy.aws.AwsClients;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * 1,000 HTTP checks at once (bench/run, in process): the bot's {@link CheckRunner} checks an
 * endpoint that answers check {@code n} after {@code 50 + (n % 16) * 10} ms. The slowest check is
 * first run alone; then all 1,000 start together, and the figure is their wall time over that
 * slowest single check. A first batch warms the JIT ({@code cold_ratio}); the figure is the
 * second batch, on connections of its own.
 *
 * <p>Usage: {@code ThousandChecks OUT_JSON [CHECKS]}. In the checks' package for the test spec
 * builder, which is package-private.
 */
public final class ThousandChecks {

  private ThousandChecks() {
  }

  public static void main(String[] args) throws Exception {
    int checks = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
    Vertx vertx = Vertx.vertx();
    int port = await(vertx.createHttpServer().requestHandler(request -> {
      long delay = Long.parseLong(request.getParam("delay"));
      vertx.setTimer(delay, id -> request.response().putHeader("Content-Type", "application/json")
          .end("{\"ok\":true}"));
    }).listen(0, "127.0.0.1")).actualPort();
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

    // A long-running bot has compiled its check path long before a thousand checks come at once:
    // one untimed batch warms the JIT, on a runner of its own so that the measured batch still
    // opens every connection.
    CheckRunner warmup = new CheckRunner(vertx, aws);
    double warmupWall = batch(warmup, base, checks)[1];
    warmup.close();

    double[] measured = batch(runner, base, checks);
    int passed = (int) measured[0];
    double wall = measured[1];
    double cpu = measured[2];
    JsonObject result = new JsonObject().put("checks", checks).put("passed", passed)
        .put("slowest_alone_ms", alone).put("wall_ms", wall).put("ratio", wall / alone)
        .put("cpu_ms", cpu).put("cores", Runtime.getRuntime().availableProcessors())
        .put("cold_wall_ms", warmupWall).put("cold_ratio", warmupWall / alone);
    Files.writeString(Path.of(args[0]), result.encodePrettily());
    runner.close();
    aws.close();
    vertx.close();
    System.exit(0);
  }

  /**
   * Starts {@code checks} checks at once; answers how many passed, the wall time and the CPU time
   * the whole process (the endpoint included) spent meanwhile, in ms. On a busy machine the wall
   * time is mostly waiting for a core; the CPU time says what a quiet one would need.
   */
  private static double[] batch(CheckRunner runner, String base, int checks) throws Exception {
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
    return new double[] {passed, (System.nanoTime() - start) / 1e6, (os.getProcessCpuTime() - cpu) / 1e6};
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(600, TimeUnit.SECONDS);
  }
}
