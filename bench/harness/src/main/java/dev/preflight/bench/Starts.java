package dev.preflight.bench;

import dev.preflight.deploy.fake.FakeEcs;
import dev.preflight.handlers.fake.FakeSlack;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Start → ready of the packaged bot alone, many times: one first start on an empty data
 * directory (initdb), then {@code COUNT} starts with the embedded database (its data directory
 * exists) and {@code COUNT} with an external PostgreSQL, the two kinds alternating so that a
 * busy moment of the machine does not fall on one kind only. For each start: the milliseconds
 * until {@code /readyz} first answers 200, the bot's CPU time until then, and the phase times
 * of the bot's own "first ready" log line. Writes one JSON file; {@code bash bench/run --only
 * lifecycle} runs it.
 *
 * <p>Usage: {@code Starts JAR CONFIG WORKDIR OUT_JSON COUNT}; the bot's JVM flags come from
 * {@code BENCH_BOT_FLAGS}, as for {@link Lifecycle}.
 */
public final class Starts {

  private static final Pattern READY_LINE = Pattern.compile("first ready (\\d+) ms after its process started \\(([^)]*)");
  private static final Pattern PHASE = Pattern.compile("([a-z ]+?) (\\d+) ms");

  private Starts() {
  }

  public static void main(String[] args) throws Exception {
    Path jar = Path.of(args[0]);
    Path config = Path.of(args[1]).toAbsolutePath();
    Path work = Files.createDirectories(Path.of(args[2]).toAbsolutePath());
    int count = Integer.parseInt(args[4]);
    List<String> flags = new ArrayList<>(Arrays.asList(System.getenv().getOrDefault("BENCH_BOT_FLAGS", "").trim()
        .split("\\s+")));
    flags.removeIf(String::isBlank);
    Vertx vertx = Vertx.vertx();
    JsonObject result = new JsonObject().put("jvm_flags", String.join(" ", flags));
    try {
      FakeSlack slack = Lifecycle.await(FakeSlack.start(vertx));
      FakeEcs ecs = Lifecycle.await(FakeEcs.start(vertx));
      Holder holder = Holder.start(vertx);
      Map<String, String> env = Lifecycle.environment(slack, ecs, holder, config);
      Map<String, String> embedded = new HashMap<>(env);
      embedded.put("PREFLIGHT_DATA_DIR", work.resolve("embedded-data").toString());
      result.put("embedded_first", start(jar, flags, embedded, work, "embedded-first"));
      EmbeddedPostgres postgres = EmbeddedPostgres.builder()
          .setDataDirectory(work.resolve("external-pg")).setCleanDataDirectory(true).start();
      try {
        Map<String, String> external = new HashMap<>(env);
        external.put("DATABASE_URL", "postgresql://postgres:postgres@127.0.0.1:" + postgres.getPort() + "/postgres");
        // The external database's first start migrates it; that start is not counted.
        result.put("external_first", start(jar, flags, external, work, "external-first"));
        JsonArray embeddedStarts = new JsonArray();
        JsonArray externalStarts = new JsonArray();
        for (int n = 1; n <= count; n++) {
          embeddedStarts.add(start(jar, flags, embedded, work, "embedded-" + n));
          externalStarts.add(start(jar, flags, external, work, "external-" + n));
        }
        result.put("embedded", embeddedStarts).put("external", externalStarts);
        result.put("ready_embedded_ms_median", median(embeddedStarts, "ready_ms"));
        result.put("ready_external_ms_median", median(externalStarts, "ready_ms"));
        result.put("cpu_embedded_ms_median", median(embeddedStarts, "cpu_ms"));
        result.put("cpu_external_ms_median", median(externalStarts, "cpu_ms"));
      } finally {
        postgres.close();
      }
    } finally {
      Files.writeString(Path.of(args[3]), result.encodePrettily());
      vertx.close();
    }
    System.out.println(summary(result));
    System.exit(0);
  }

  private static JsonObject start(Path jar, List<String> flags, Map<String, String> env, Path work, String name)
      throws Exception {
    Path dir = Files.createDirectories(work.resolve("cwd"));
    try (Bot bot = Bot.start(jar, flags, env, Lifecycle.freePort(), dir, work.resolve("bot-" + name + ".log"))) {
      double ready = bot.awaitReady(Duration.ofSeconds(180));
      double cpu = bot.cpuSeconds();
      JsonObject start = new JsonObject().put("ready_ms", Math.round(ready)).put("cpu_ms", Math.round(cpu * 1000))
          .put("load", Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
      // The bot writes its ready line just after answering; give it a moment to reach the log.
      for (int tries = 0; tries < 50 && !READY_LINE.matcher(bot.log()).find(); tries++) {
        Thread.sleep(20);
      }
      Matcher line = READY_LINE.matcher(bot.log());
      if (line.find()) {
        JsonObject phases = new JsonObject();
        Matcher phase = PHASE.matcher(line.group(2));
        while (phase.find()) {
          phases.put(phase.group(1).trim(), Long.parseLong(phase.group(2)));
        }
        start.put("phases", phases);
      }
      System.out.println(name + ": " + start.encode());
      return start;
    }
  }

  private static double median(JsonArray starts, String field) {
    double[] values = starts.stream().mapToDouble(start -> ((JsonObject) start).getLong(field)).sorted().toArray();
    if (values.length == 0) {
      return Double.NaN;
    }
    int middle = values.length / 2;
    return values.length % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
  }

  private static String summary(JsonObject result) {
    return "start → ready, median of %d: embedded %.0f ms (CPU %.0f ms), external %.0f ms (CPU %.0f ms)".formatted(
        result.getJsonArray("embedded", new JsonArray()).size(), result.getDouble("ready_embedded_ms_median"),
        result.getDouble("cpu_embedded_ms_median"), result.getDouble("ready_external_ms_median"),
        result.getDouble("cpu_external_ms_median"));
  }
}
