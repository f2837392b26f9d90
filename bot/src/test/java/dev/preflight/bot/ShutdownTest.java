package dev.preflight.bot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.preflight.deploy.TestDatabase;
import dev.preflight.deploy.fake.FakeEcs;
import dev.preflight.handlers.ActionIds;
import dev.preflight.handlers.fake.FakeSlack;
import dev.preflight.handlers.fake.SlackRequests;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two replicas of the bot as real processes on one PostgreSQL. The one driving two deploys (an
 * ECS rollout under way, a deploy script with a child of its own) gets SIGTERM: it kills the
 * script's whole tree, gives both leases back and exits 0 within its bound, leaving no process
 * behind; the other replica takes both deploys over within seconds, far less than the lease,
 * follows the rollout to the end without sending UpdateService again, and does not run the
 * script again.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ShutdownTest {

  private static final Path CONFIG = Path.of("src/test/resources/e2e-shutdown/preflight.yaml");
  private static final String DEPLOYS = "C0DEPLOYS1";
  private static final String DEPLOYER = "U0DEPLOY1";
  private static final String CLUSTER = "e2e-cluster";
  /** Long, so a takeover that waited for the lease to run out could not pass for one that did not. */
  private static final String LEASE = "60s";
  private static final long SHUTDOWN_BOUND_MS = 20_000;
  private static final long TAKEOVER_LIMIT_MS = 10_000;

  @TempDir
  Path dir;

  private final SlackRequests slack = new SlackRequests();
  private final List<BotProcess> bots = new ArrayList<>();
  private Vertx vertx;
  private FakeSlack fake;
  private FakeEcs ecs;
  private HealthTarget health;
  private WebClient client;
  private TestDatabase database;
  private Pool db;
  private Path deployLog;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    client = WebClient.create(vertx);
    database = TestDatabase.create();
    db = PgBuilder.pool().connectingTo(database.connectOptions()).using(vertx).build();
    fake = await(FakeSlack.start(vertx));
    health = await(HealthTarget.start(vertx));
    ecs = await(FakeEcs.start(vertx));
    ecs.cluster(CLUSTER);
    ecs.service(CLUSTER, "api", ecs.registerTaskDefinition("api", Map.of("app", "registry.example/api:v1.0.0")), 3);
    deployLog = dir.resolve("deploys.log");
  }

  @AfterEach
  void cleanUp() throws Exception {
    bots.forEach(BotProcess::destroy);
    killScriptsLeft();
    await(vertx.close());
  }

  @Test
  void aStoppedReplicasDeploysAreTakenOverAtOnceAndItExitsCleanlyLeavingNothingBehind() throws Exception {
    ecs.pace(0); // the rollout stands still until the replica driving it has been stopped
    BotProcess first = startBot("first");
    BotProcess second = startBot("second");

    String apiTs = launch(first, "api", "v1.1.0");
    awaitEdit(apiTs, text -> text.contains("*Deploying*") && text.contains("0 of 3 new tasks running"));
    assertEquals(1, ecs.updateServiceCalls().size());
    String workerTs = launch(first, "worker", "v2.0.0");
    List<Long> script = awaitScriptAndChild();
    Map<String, String> leases = leasesOfRunsInFlight();
    assertEquals(2, leases.size(), "both deploys are in flight: " + leases);
    List<ProcessHandle> started = first.handle().descendants().toList();
    assertTrue(started.stream().map(ProcessHandle::pid).toList().containsAll(script),
        "the first replica runs the script and its child: " + script + " among " + started);

    long stoppedAt = System.nanoTime();
    ecs.pace(1);
    Future<Integer> exit = first.stop(vertx);
    Map<String, Long> takeover = awaitTakeover(leases, stoppedAt);
    int status = await(exit);
    long exitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stoppedAt);
    System.out.printf("SIGTERM to exit: %d ms; takeover after SIGTERM: %s (lease %s)%n", exitedMs, takeover, LEASE);

    assertEquals(0, status, "a clean stop exits 0:\n" + first.log());
    assertTrue(exitedMs < SHUTDOWN_BOUND_MS, "stopped within its bound: " + exitedMs + " ms");
    for (ProcessHandle process : started) {
      assertFalse(process.isAlive(), "nothing the stopped replica started outlives it: " + process.pid());
    }
    takeover.forEach((service, ms) -> assertTrue(ms < TAKEOVER_LIMIT_MS,
        service + " taken over " + ms + " ms after SIGTERM, not after its " + LEASE + " lease"));
    assertTrue(first.log().contains("Gave back the lease of 2 deploy run(s) in flight"), first.log());

    JsonObject done = awaitEdit(apiTs, text -> text.contains("*Succeeded*"));
    assertTrue(Blocks.text(done).contains("API answers on /ready"), Blocks.text(done));
    assertEquals(1, ecs.updateServiceCalls().size(), "the other replica followed the rollout instead of repeating it");

    // The killed deploy script's end is unknown: no automatic rollback, the environment held for a person.
    Row worker = awaitRun("worker", row -> "FAILED".equals(row.getString("status")));
    assertTrue(worker.getString("failure").startsWith("The deploy was interrupted: "), worker.getString("failure"));
    assertTrue(worker.getString("failure").contains("was stopped part-way when Preflight shut down"),
        worker.getString("failure"));
    awaitEdit(workerTs, text -> text.contains("*Interrupted*") && text.contains("nothing was rolled back")
        && text.contains("Roll back or Unlock"));
    assertTrue(one("select reason from environment_locks where service = $1", "worker").isPresent(),
        "the worker's environment is locked");
    assertEquals(1, Files.readAllLines(deployLog).stream().filter(line -> line.startsWith("start ")).count(),
        "the deploy script ran once: " + Files.readAllLines(deployLog));

    assertEquals(0, (int) await(second.stop(vertx)), "the other replica stops cleanly too:\n" + second.log());
  }

  /** Opens a run of the service on a replica and ticks its one item; it launches by itself there. */
  private String launch(BotProcess bot, String service, String version) throws Exception {
    int port = await(bot.awaitListening(vertx));
    await(send(port, slack.slashCommand("/deploy", service + " " + version + " to production", DEPLOYER, DEPLOYS,
        fake.responseUrl("deploy-" + service))));
    JsonObject posted = await(fake.awaitCall("chat.postMessage", call -> DEPLOYS.equals(call.getString("channel"))
        && call.getString("thread_ts") == null && Blocks.text(call).contains(version)));
    String tick = Blocks.buttonValue(posted, ActionIds.TICK, "ready").orElseThrow();
    String ts = messageTs(version);
    await(send(port, slack.blockAction(ActionIds.TICK, tick, DEPLOYER, DEPLOYS, ts, fake.responseUrl("t-" + service))));
    return ts;
  }

  /** The fake stores a message as it answers the call the test saw: look until it has. */
  private String messageTs(String version) throws Exception {
    for (int i = 0; i < 200; i++) {
      Optional<String> ts = fake.messages(DEPLOYS).stream().filter(message -> Blocks.text(message).contains(version))
          .map(message -> message.getString("ts")).findFirst();
      if (ts.isPresent()) {
        return ts.get();
      }
      pause(50);
    }
    throw new AssertionError("no message of " + version + " in " + fake.messages(DEPLOYS));
  }

  private BotProcess startBot(String name) throws Exception {
    Map<String, String> env = Map.ofEntries(
        Map.entry("PREFLIGHT_CONFIG", CONFIG.toAbsolutePath().toString()),
        Map.entry("DATABASE_URL", "postgresql://postgres:postgres@localhost:" + database.port + "/" + database.name),
        Map.entry("SLACK_BOT_TOKEN", "xoxb-shutdown-token"),
        Map.entry("SLACK_SIGNING_SECRET", SlackRequests.SIGNING_SECRET),
        Map.entry("SLACK_API_URL", fake.url()),
        Map.entry("E2E_BASE_URL", health.baseUrl()),
        Map.entry("E2E_DEPLOY_LOG", deployLog.toString()),
        Map.entry("AWS_ENDPOINT_URL", ecs.endpoint().toString()),
        Map.entry("AWS_ACCESS_KEY_ID", "AKIDSHUTDOWN"),
        Map.entry("AWS_SECRET_ACCESS_KEY", "shutdown-secret"),
        Map.entry("AWS_REGION", "us-east-1"),
        Map.entry("PREFLIGHT_POLL_INTERVAL", "200ms"),
        Map.entry("PREFLIGHT_LEASE", LEASE));
    BotProcess bot = BotProcess.start(List.of(BotProcess.java(), "-cp", System.getProperty("java.class.path"),
        "dev.preflight.bot.Main", "serve"), env, Path.of("."), dir.resolve(name + ".log"));
    bots.add(bot);
    await(bot.awaitListening(vertx));
    // Listening comes before the start's last steps (resuming runs, taking deploys over): wait for all of them.
    for (int i = 0; i < 1200 && !bot.log().contains("Watching "); i++) {
      assertTrue(bot.handle().isAlive(), "the bot died while starting:\n" + bot.log());
      pause(50);
    }
    assertTrue(bot.log().contains("Watching "), "the bot did not finish starting:\n" + bot.log());
    return bot;
  }

  /** The script's own pid and its child's, once it has written both. */
  private List<Long> awaitScriptAndChild() throws Exception {
    for (int i = 0; i < 400; i++) {
      if (Files.exists(deployLog)) {
        List<Long> pids = Files.readAllLines(deployLog).stream()
            .filter(line -> line.startsWith("start ") || line.startsWith("child "))
            .map(line -> Long.parseLong(line.substring(6).trim()))
            .toList();
        if (pids.size() == 2) {
          return pids;
        }
      }
      pause(50);
    }
    throw new AssertionError("the deploy script did not start");
  }

  /** Service → lease token of the deploy runs in flight. */
  private Map<String, String> leasesOfRunsInFlight() throws Exception {
    Map<String, String> leases = new java.util.TreeMap<>();
    for (Row row : await(db.query("select service, lease_owner from runs where status in ('DEPLOYING', 'VERIFYING')")
        .execute())) {
      assertNotNull(row.getString("lease_owner"), "a run in flight is leased: " + row.toJson());
      leases.put(row.getString("service"), row.getString("lease_owner"));
    }
    return leases;
  }

  /** Waits until another drive holds each run's lease; service → ms from SIGTERM. */
  private Map<String, Long> awaitTakeover(Map<String, String> leases, long since) throws Exception {
    Map<String, Long> takenOver = new java.util.TreeMap<>();
    long deadline = since + TimeUnit.SECONDS.toNanos(90);
    while (takenOver.size() < leases.size() && System.nanoTime() < deadline) {
      for (Row row : await(db.query("select service, lease_owner, status from runs where kind = 'deploy'").execute())) {
        String service = row.getString("service");
        String owner = row.getString("lease_owner");
        boolean moved = owner != null && !owner.equals(leases.get(service));
        boolean finished = !List.of("DEPLOYING", "VERIFYING", "ROLLING_BACK").contains(row.getString("status"));
        if (leases.containsKey(service) && !takenOver.containsKey(service) && (moved || finished)) {
          takenOver.put(service, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since));
        }
      }
      pause(25);
    }
    assertEquals(leases.keySet(), takenOver.keySet(), "every deploy was taken over");
    return takenOver;
  }

  private Row awaitRun(String service, Predicate<Row> done) throws Exception {
    for (int i = 0; i < 1200; i++) {
      Optional<Row> row = one("select r.status, d.failure from runs r join deployments d on d.run_id = r.id "
          + "where r.service = $1", service);
      if (row.isPresent() && done.test(row.get())) {
        return row.get();
      }
      pause(50);
    }
    throw new AssertionError("run of " + service + " never got there: " + one("select status from runs where service = $1",
        service).map(Row::toJson).orElse(null));
  }

  private Optional<Row> one(String sql, String service) throws Exception {
    var rows = await(db.preparedQuery(sql).execute(Tuple.of(service)));
    return rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next());
  }

  private JsonObject awaitEdit(String ts, Predicate<String> text) throws Exception {
    return await(fake.awaitCall("chat.update", call -> DEPLOYS.equals(call.getString("channel"))
        && ts.equals(call.getString("ts")) && text.test(Blocks.text(call))));
  }

  private Future<HttpResponse<Buffer>> send(int port, SlackRequests.Signed request) {
    return request.send(client, "127.0.0.1", port);
  }

  private void pause(long ms) throws Exception {
    Promise<Void> later = Promise.promise();
    vertx.setTimer(ms, id -> later.complete());
    await(later.future());
  }

  /** If the test failed before the stop, the script's tree must not outlive it. */
  private void killScriptsLeft() throws Exception {
    if (Files.exists(deployLog)) {
      for (String line : Files.readAllLines(deployLog)) {
        ProcessHandle.of(Long.parseLong(line.substring(6).trim())).ifPresent(ProcessHandle::destroyForcibly);
      }
    }
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(90, TimeUnit.SECONDS);
  }
}
