package dev.preflight.bench;

import dev.preflight.deploy.fake.FakeEcs;
import dev.preflight.handlers.ActionIds;
import dev.preflight.handlers.fake.FakeSlack;
import dev.preflight.handlers.fake.SlackRequests;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The benchmarks that need the packaged bot as a process, against the test fakes over real HTTP
 * and a real PostgreSQL: start to ready (embedded database: first start with initdb, then a
 * restart; external database: first start running every migration, then a restart on the
 * migrated database, which is the target's figure), RSS and live heap idle and with 500 runs in flight, ack latency with 0, 100 and 500
 * runs in flight and while 250 results land at once, and Rollback click to {@code UpdateService}
 * at the fake ECS while the runs are in flight and results land. Writes one JSON file.
 *
 * <p>Usage: {@code Lifecycle JAR CONFIG WORKDIR OUT_JSON}; the bot's JVM flags come from
 * {@code BENCH_BOT_FLAGS} (space-separated), and {@code BENCH_JFR}, when set, is where the bot
 * records a flight recording: a third start on the external database, after the measured ones,
 * carries the recording and the loaded benchmarks.
 */
public final class Lifecycle {

  static final String SECRET = "bench-signing-secret";
  static final String DEPLOYER = "U0BENCH000";
  static final String DEPLOYS = "C0BENCH01";
  static final int SERVICES = 32;
  static final int IN_FLIGHT = 500;
  static final int LANDING = 250;
  static final int PROBE_RATE = 20;
  static final long PROBE_MILLIS = 8_000;

  private final Vertx vertx = Vertx.vertx();
  private final SlackRequests slack = new SlackRequests(SECRET);
  private final JsonObject result = new JsonObject();
  private final AtomicInteger slashes = new AtomicInteger();
  private final AtomicInteger runsOpened = new AtomicInteger();
  private String jdbcUrl;
  private FakeSlack fake;
  private FakeEcs ecs;
  private Holder holder;
  private WebClient client;

  public static void main(String[] args) throws Exception {
    System.setProperty("aws.accessKeyId", "AKIDBENCH");
    System.setProperty("aws.secretAccessKey", "bench-secret");
    Lifecycle bench = new Lifecycle();
    try {
      bench.run(Path.of(args[0]), Path.of(args[1]).toAbsolutePath(), Path.of(args[2]).toAbsolutePath());
    } finally {
      Files.writeString(Path.of(args[3]), bench.result.encodePrettily());
      bench.vertx.close();
    }
    System.exit(0);
  }

  private void run(Path jar, Path config, Path work) throws Exception {
    Files.createDirectories(work);
    List<String> flags = new ArrayList<>(Arrays.asList(System.getenv().getOrDefault("BENCH_BOT_FLAGS", "").trim()
        .split("\\s+")));
    flags.removeIf(String::isBlank);
    result.put("jvm_flags", String.join(" ", flags));
    fake = await(FakeSlack.start(vertx));
    ecs = await(FakeEcs.start(vertx));
    ecs.cluster("bench");
    String first = ecs.registerTaskDefinition("svc", Map.of("app", "registry.example/svc:v1.0.0"));
    for (int n = 0; n < SERVICES; n++) {
      ecs.service("bench", service(n), first, 2);
    }
    holder = Holder.start(vertx);
    client = WebClient.create(vertx, new WebClientOptions(), new io.vertx.core.http.PoolOptions().setHttp1MaxSize(32));
    Map<String, String> env = environment(fake, ecs, holder, config);
    env.put("PREFLIGHT_POLL_INTERVAL", "1s");

    startToReady(jar, flags, env, work);

    EmbeddedPostgres postgres = EmbeddedPostgres.builder()
        .setDataDirectory(work.resolve("external-pg")).setCleanDataDirectory(true).start();
    try {
      env.put("DATABASE_URL", "postgresql://postgres:postgres@127.0.0.1:" + postgres.getPort() + "/postgres");
      jdbcUrl = "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres";
      Path dir = Files.createDirectories(work.resolve("external"));
      // The first start on the empty database runs every migration: a figure of its own, as the
      // embedded database's first start (initdb) is. The target is the start after it, on the
      // migrated database, as a bot restarts (a deploy, a rescheduled pod).
      try (Bot bot = Bot.start(jar, flags, env, freePort(), dir, work.resolve("bot-external-first.log"))) {
        result.put("ready_external_first_ms", bot.awaitReady(Duration.ofSeconds(120)));
      }
      String jfr = System.getenv("BENCH_JFR");
      boolean profile = jfr != null && !jfr.isBlank();
      try (Bot bot = Bot.start(jar, flags, env, freePort(), dir, work.resolve("bot-external.log"))) {
        result.put("ready_external_ms", bot.awaitReady(Duration.ofSeconds(120)));
        result.put("ready_external_cpu_ms", Math.round(bot.cpuSeconds() * 1000));
        if (!profile) {
          loaded(bot);
        }
      }
      if (profile) {
        // The recorded bot is a start of its own after the measured one: a flight recording slows
        // a start, and the class-data archive and a flight recording together crash JDK 17
        // (docs/packaging.md), so this one starts without the archive and its time is not a figure.
        List<String> recorded = new ArrayList<>(flags);
        recorded.removeIf(flag -> flag.startsWith("-XX:SharedArchiveFile="));
        recorded.add("-XX:StartFlightRecording=filename=" + jfr + ",settings=profile");
        try (Bot bot = Bot.start(jar, recorded, env, freePort(), dir, work.resolve("bot-external-recorded.log"))) {
          result.put("recorded_start_ms", bot.awaitReady(Duration.ofSeconds(120)));
          loaded(bot);
        }
      }
    } finally {
      postgres.close();
    }
  }

  /** The bot's settings: Slack, AWS and the held check all at the harness's fakes. */
  static Map<String, String> environment(FakeSlack fake, FakeEcs ecs, Holder holder, Path config) {
    Map<String, String> env = new HashMap<>();
    env.put("SLACK_BOT_TOKEN", "xoxb-bench-token");
    env.put("SLACK_SIGNING_SECRET", SECRET);
    env.put("SLACK_API_URL", fake.url());
    env.put("PREFLIGHT_CONFIG", config.toString());
    env.put("BENCH_HOLD_URL", holder.url());
    env.put("AWS_ENDPOINT_URL", ecs.endpoint().toString());
    env.put("AWS_ACCESS_KEY_ID", "AKIDBENCH");
    env.put("AWS_SECRET_ACCESS_KEY", "bench-secret");
    env.put("AWS_REGION", "us-east-1");
    return env;
  }

  private void startToReady(Path jar, List<String> flags, Map<String, String> env, Path work) throws Exception {
    Map<String, String> embedded = new HashMap<>(env);
    Path data = work.resolve("embedded-data");
    embedded.put("PREFLIGHT_DATA_DIR", data.toString());
    Path dir = Files.createDirectories(work.resolve("embedded"));
    try (Bot bot = Bot.start(jar, flags, embedded, freePort(), dir, work.resolve("bot-embedded-first.log"))) {
      result.put("ready_embedded_first_ms", bot.awaitReady(Duration.ofSeconds(180)));
    }
    try (Bot bot = Bot.start(jar, flags, embedded, freePort(), dir, work.resolve("bot-embedded.log"))) {
      result.put("ready_embedded_ms", bot.awaitReady(Duration.ofSeconds(180)));
      result.put("ready_embedded_cpu_ms", Math.round(bot.cpuSeconds() * 1000));
    }
  }

  private void loaded(Bot bot) throws Exception {
    // A fresh JVM answers its first requests slowly while it compiles; the figures start warm.
    result.put("warm_up_probe", probe(bot.port));
    Thread.sleep(3_000);
    result.put("idle_rss_mb", bot.rssMb());
    result.put("idle_live_heap_mb", bot.liveHeapMb());
    double cpuBefore = bot.cpuSeconds();
    result.put("ack_0_runs", probe(bot.port));
    try {
      openHeldRuns(bot.port, 100);
      result.put("ack_100_runs", probe(bot.port));
      openHeldRuns(bot.port, IN_FLIGHT);
      Thread.sleep(2_000);
      result.put("ack_500_runs", probe(bot.port));
      result.put("loaded_rss_mb", bot.rssMb());
      result.put("loaded_live_heap_mb", bot.liveHeapMb());
    } catch (Exception e) {
      result.put("in_flight_error", e.getMessage());
      System.err.println("runs in flight: " + e.getMessage() + "\n" + tail(bot.log()));
    }
    result.put("checks_in_flight_before_rollbacks", checksInFlight());
    try {
      result.put("rollback", rollbacks(bot.port));
    } catch (Exception e) {
      result.put("rollback_error", e.getMessage());
      System.err.println("rollback benchmark failed: " + e + "\n" + tail(bot.log()));
    }
    Thread.sleep(2_000);
    int inFlight = checksInFlight();
    result.put("checks_in_flight_before_landing", inFlight);
    int answeredBefore = holder.answered();
    long[] landing = new long[2];
    vertx.setTimer(1_000, id -> {
      landing[0] = System.nanoTime();
      holder.release(LANDING);
    });
    result.put("ack_while_250_land", probe(bot.port));
    result.put("results_landed_during_probe", holder.answered() - answeredBefore);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (checksInFlight() > inFlight - LANDING && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    result.put("seconds_until_250_results_stored", (System.nanoTime() - landing[0]) / 1e9);
    result.put("bot_cpu_seconds_loaded_phase", bot.cpuSeconds() - cpuBefore);
    result.put("slack_calls", new JsonObject()
        .put("chat.postMessage", fake.calls("chat.postMessage").size())
        .put("chat.update", fake.calls("chat.update").size())
        .put("chat.postEphemeral", fake.calls("chat.postEphemeral").size())
        .put("429", fake.rateLimitedAnswers()));
    result.put("bot_warnings", bot.log().lines().filter(line -> line.contains("\"level\":\"WARN\"")
        || line.contains("\"level\":\"ERROR\"")).count());
  }

  private JsonObject probe(int port) throws Exception {
    return await(Probe.run(vertx, port, () -> slack.slashCommand("/checklist", "list", DEPLOYER, DEPLOYS,
        fake.responseUrl("probe-" + slashes.incrementAndGet() % 50)), PROBE_RATE, PROBE_MILLIS));
  }

  /**
   * Opens {@code /checklist bench-held} runs until {@code total} of their checks are in flight.
   * A start the bot could not store (it says so to the user) is made up for by another command.
   */
  private void openHeldRuns(int port, int total) throws Exception {
    int sentInAll = 0;
    for (int attempt = 0; attempt < 6; attempt++) {
      int missing = total - checksInFlight();
      if (missing <= 0) {
        break;
      }
      List<Future<HttpResponse<Buffer>>> sent = new ArrayList<>();
      for (int n = 0; n < missing; n++) {
        int id = runsOpened.getAndIncrement();
        sent.add(slack.slashCommand("/checklist", "bench-held", "U0HELD%03d".formatted(id % 100),
            "C0HELD00" + (id % 10), fake.responseUrl("held-" + id)).send(client, "127.0.0.1", port));
        if (sent.size() % 10 == 0) {
          await(Future.all(new ArrayList<>(sent)));
        }
      }
      for (HttpResponse<Buffer> answer : awaitAll(sent)) {
        if (answer.statusCode() != 200) {
          throw new IllegalStateException("/checklist answered " + answer.statusCode() + ": " + answer.bodyAsString());
        }
      }
      sentInAll += missing;
      // Wait until the count stops growing (the starts are asynchronous).
      int last = -1;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (System.nanoTime() < deadline) {
        int now = checksInFlight();
        if (now >= total || now == last) {
          break;
        }
        last = now;
        Thread.sleep(2_000);
      }
    }
    result.put("checklist_commands_for_" + total, sentInAll);
    if (checksInFlight() < total) {
      throw new IllegalStateException("only " + checksInFlight() + " of " + total + " checks are in flight");
    }
  }

  /** Held checks still running, as the bot stored them. */
  private int checksInFlight() throws Exception {
    try (java.sql.Connection db = java.sql.DriverManager.getConnection(jdbcUrl, "postgres", "postgres");
        java.sql.ResultSet count = db.createStatement().executeQuery(
            "select count(*) from run_items where item_id = 'held' and state = 'RUNNING'")) {
      count.next();
      return count.getInt(1);
    }
  }

  /**
   * Deploys each of the 32 services to its Succeeded state, then clicks Rollback on each in turn
   * and times the click until ECS receives the service's second {@code UpdateService}, while held
   * results land (five every 100 ms).
   */
  private JsonObject rollbacks(int port) throws Exception {
    List<String[]> ready = new ArrayList<>();
    for (int n = 0; n < SERVICES; n++) {
      String version = "v1.1." + n;
      HttpResponse<Buffer> ack = await(slack.slashCommand("/deploy", service(n) + " " + version + " to production",
          DEPLOYER, DEPLOYS, fake.responseUrl("deploy-" + n)).send(client, "127.0.0.1", port));
      if (ack.statusCode() != 200) {
        throw new IllegalStateException("/deploy answered " + ack.statusCode() + ": " + ack.bodyAsString());
      }
    }
    for (int n = 0; n < SERVICES; n++) {
      String name = service(n);
      JsonObject message = awaitMessage(m -> m.encode().contains(name) && button(m, ActionIds.LAUNCH).isPresent(),
          "the Launch button of " + name);
      String runId = button(message, ActionIds.LAUNCH).orElseThrow();
      String ts = message.getString("ts");
      await(slack.blockAction(ActionIds.LAUNCH, runId, DEPLOYER, DEPLOYS, ts, fake.responseUrl("launch-" + n))
          .send(client, "127.0.0.1", port));
      ready.add(new String[] {name, runId, ts});
    }
    for (String[] run : ready) {
      awaitMessage(m -> run[2].equals(m.getString("ts")) && button(m, ActionIds.ROLLBACK).isPresent()
          && m.encode().contains("Succeeded"), "the Succeeded state of " + run[0]);
    }
    AtomicInteger landed = new AtomicInteger();
    long trickle = vertx.setPeriodic(100, id -> {
      if (landed.get() < 150) {
        holder.release(5);
        landed.addAndGet(5);
      }
    });
    List<Long> nanos = new ArrayList<>();
    try {
      for (int n = 0; n < ready.size(); n++) {
        String[] run = ready.get(n);
        long before = updates(run[0]);
        long start = System.nanoTime();
        slack.blockAction(ActionIds.ROLLBACK, run[1], DEPLOYER, DEPLOYS, run[2], fake.responseUrl("rollback-" + n))
            .send(client, "127.0.0.1", port);
        long deadline = start + TimeUnit.SECONDS.toNanos(30);
        while (updates(run[0]) == before) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException("no UpdateService for " + run[0] + " within 30 s of its Rollback click");
          }
          Thread.sleep(0, 200_000);
        }
        nanos.add(System.nanoTime() - start);
        Thread.sleep(250);
      }
    } finally {
      vertx.cancelTimer(trickle);
    }
    JsonObject summary = Probe.summary(nanos, nanos.size(), 0);
    summary.put("results_granted_meanwhile", landed.get());
    return summary;
  }

  private long updates(String service) {
    return ecs.updateServiceCalls().stream().filter(call -> call.service().equals(service)).count();
  }

  private JsonObject awaitMessage(java.util.function.Predicate<JsonObject> match, String what) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      for (JsonObject message : fake.messages(DEPLOYS)) {
        if (match.test(message)) {
          return message;
        }
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException("never saw " + what);
  }

  /** The value of the button {@code actionId} anywhere in a message's blocks. */
  static Optional<String> button(Object node, String actionId) {
    if (node instanceof JsonObject object) {
      if (actionId.equals(object.getString("action_id")) && object.getValue("value") instanceof String value) {
        return Optional.of(value);
      }
      for (String key : object.fieldNames()) {
        Optional<String> found = button(object.getValue(key), actionId);
        if (found.isPresent()) {
          return found;
        }
      }
    } else if (node instanceof JsonArray array) {
      for (Object element : array) {
        Optional<String> found = button(element, actionId);
        if (found.isPresent()) {
          return found;
        }
      }
    }
    return Optional.empty();
  }

  static String service(int n) {
    return "svc-%02d".formatted(n);
  }

  static int freePort() throws Exception {
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static String tail(String log) {
    return log.length() > 4000 ? log.substring(log.length() - 4000) : log;
  }

  private static <T> List<T> awaitAll(List<Future<T>> futures) throws Exception {
    List<T> all = new ArrayList<>();
    for (Future<T> future : futures) {
      all.add(await(future));
    }
    return Collections.unmodifiableList(all);
  }

  static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(180, TimeUnit.SECONDS);
  }
}
