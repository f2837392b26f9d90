package dev.preflight.deploy.fake;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.WebClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

/**
 * A tiny app whose metrics the test controls, scraped every second by a real Prometheus (Debian's
 * {@code prometheus} binary) started on a free port. The app serves gauges the test sets and a
 * request counter it advances itself ({@code app_requests_total{code}}, 1,000 requests every 100 ms
 * with the test's error share), so {@code rate()} queries see real traffic. The same app
 * serves {@code /deploy/<version>} for deploy scripts (the version's error ratio becomes the
 * {@code app_error_ratio} gauge), and records every request made to its {@code /api/v1/*} routes (for tests that need to see what a
 * check sent) and answers them as Prometheus refuses a query.
 *
 * <p>Without the binary ({@link #available()}), or when the system property
 * {@value #FORCE_FAKE} or the environment variable {@code PREFLIGHT_TEST_PROMETHEUS} is
 * {@code fake}, a {@link FakePrometheus} scrapes the same app and answers the same HTTP API
 * instead, and one line on standard output says so. With the binary the default stays the real
 * Prometheus.
 */
public final class LocalPrometheus {

  private static final Duration STARTUP_LIMIT = Duration.ofSeconds(30);
  /** The system property that makes every fixture use {@link FakePrometheus}, binary or not. */
  public static final String FORCE_FAKE = "preflight.test.prometheus";
  private static final AtomicBoolean SAID = new AtomicBoolean();

  private final Vertx vertx;
  private final Map<String, Double> gauges = new ConcurrentHashMap<>();
  private final List<Map<String, String>> apiRequests = new CopyOnWriteArrayList<>();
  private final Map<String, Double> errorRatios = new ConcurrentHashMap<>();
  private final List<String> deployed = new CopyOnWriteArrayList<>();
  private volatile double errorShare;
  private long okTotal;
  private long errorTotal;
  private HttpServer app;
  private long traffic;
  private Process process;
  private Path data;
  private int port;
  private WebClient client;
  private final boolean useFake;
  private FakePrometheus fake;

  /** The real Prometheus when the binary is here and the fake is not asked for; otherwise the fake. */
  public LocalPrometheus(Vertx vertx) {
    this(vertx, fakeAskedFor() || !available());
  }

  private LocalPrometheus(Vertx vertx, boolean useFake) {
    this.vertx = vertx;
    this.useFake = useFake;
  }

  /** Always the fake: for the test that keeps the fallback path from rotting on machines that have the binary. */
  public static LocalPrometheus fake(Vertx vertx) {
    return new LocalPrometheus(vertx, true);
  }

  /** Always Debian's binary, which must be installed: for comparing the fake with it. */
  public static LocalPrometheus real(Vertx vertx) {
    return new LocalPrometheus(vertx, false);
  }

  /** Whether {@value #FORCE_FAKE} or {@code PREFLIGHT_TEST_PROMETHEUS} asks for the fake, binary or not. */
  public static boolean fakeAskedFor() {
    return "fake".equals(System.getProperty(FORCE_FAKE, System.getenv("PREFLIGHT_TEST_PROMETHEUS")));
  }

  /** Whether this fixture runs {@link FakePrometheus} rather than Debian's binary. */
  public boolean isFake() {
    return useFake;
  }

  /** The fake behind this fixture, when {@link #isFake()}. */
  public FakePrometheus fakeServer() {
    return fake;
  }

  public static boolean available() {
    return Files.isExecutable(Path.of("/usr/bin/prometheus"));
  }

  /** Starts the app and Prometheus; completes once Prometheus answers ready. */
  public Future<LocalPrometheus> start() {
    Router router = Router.router(vertx);
    router.get("/metrics").handler(rc -> rc.response().putHeader("content-type", "text/plain; version=0.0.4")
        .end(exposition()));
    // What a deploy script calls: the app now runs that version, with that version's error ratio.
    router.get("/deploy/:version").handler(rc -> {
      String version = rc.pathParam("version");
      deployed.add(version);
      gauge("app_error_ratio", errorRatios.getOrDefault(version, 0.0));
      rc.response().end("running " + version);
    });
    router.route("/api/v1/*").handler(rc -> {
      apiRequests.add(Map.of("path", rc.request().path(),
          "authorization", String.valueOf(rc.request().getHeader("Authorization"))));
      rc.response().setStatusCode(400).putHeader("content-type", "application/json")
          .end(new JsonObject().put("status", "error").put("errorType", "bad_data")
              .put("error", "refused: " + rc.request().getHeader("Authorization")).encode());
    });
    client = WebClient.create(vertx);
    return vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
        .compose(server -> {
          app = server;
          traffic = vertx.setPeriodic(100, id -> advance());
          return useFake ? startFake() : vertx.executeBlocking(this::launch, false);
        })
        .compose(v -> ready(System.nanoTime() + STARTUP_LIMIT.toNanos()))
        .map(this);
  }

  private Future<Void> startFake() {
    if (!SAID.getAndSet(true)) {
      System.out.println(available()
          ? "Prometheus tests: using FakePrometheus, a local fake of the Prometheus HTTP API (asked for by "
              + FORCE_FAKE + "=fake or PREFLIGHT_TEST_PROMETHEUS=fake, or by the test)"
          : "Prometheus tests: /usr/bin/prometheus is missing, so they run against FakePrometheus, a local fake of "
              + "the Prometheus HTTP API (apt-get install -y prometheus for the real one)");
    }
    fake = new FakePrometheus(vertx, "127.0.0.1:" + app.actualPort());
    return fake.start().map(started -> {
      port = started.port();
      return null;
    });
  }

  private Void launch() throws IOException {
    port = freePort();
    data = Files.createTempDirectory("preflight-prometheus");
    Path config = data.resolve("prometheus.yml");
    Files.writeString(config, """
        global:
          scrape_interval: 1s
          evaluation_interval: 1s
        scrape_configs:
          - job_name: app
            static_configs:
              - targets: ['127.0.0.1:%d']
        """.formatted(app.actualPort()));
    process = new ProcessBuilder("/usr/bin/prometheus",
        "--config.file=" + config,
        "--storage.tsdb.path=" + data.resolve("tsdb"),
        "--web.listen-address=127.0.0.1:" + port,
        "--log.level=warn")
        .redirectErrorStream(true)
        .redirectOutput(data.resolve("prometheus.log").toFile())
        .start();
    return null;
  }

  private Future<Void> ready(long deadline) {
    return client.getAbs(url() + "/-/ready").timeout(1000).send()
        .compose(response -> response.statusCode() == 200 ? Future.<Void>succeededFuture() : Future.failedFuture("not ready"))
        .recover(failure -> {
          if (process != null && !process.isAlive()) {
            return Future.failedFuture("prometheus exited with " + process.exitValue() + "; see " + data.resolve("prometheus.log"));
          }
          if (System.nanoTime() > deadline) {
            return Future.failedFuture("prometheus did not become ready within " + STARTUP_LIMIT.toSeconds() + "s");
          }
          return vertx.timer(200, TimeUnit.MILLISECONDS).compose(v -> ready(deadline));
        });
  }

  /** Polls an instant query until a value satisfies {@code wanted} (Prometheus has scraped it). */
  public Future<Double> until(String query, Predicate<Double> wanted) {
    return until(query, wanted, System.nanoTime() + Duration.ofSeconds(20).toNanos());
  }

  private Future<Double> until(String query, Predicate<Double> wanted, long deadline) {
    return client.getAbs(url() + "/api/v1/query").addQueryParam("query", query).timeout(2000).send()
        .map(response -> {
          JsonArray result = response.bodyAsJsonObject().getJsonObject("data").getJsonArray("result");
          return result.isEmpty() ? Double.NaN : Double.parseDouble(result.getJsonObject(0).getJsonArray("value").getString(1));
        })
        // One slow answer on a loaded machine is no reason to give up before the deadline.
        .recover(slow -> System.nanoTime() > deadline ? Future.failedFuture(slow) : Future.succeededFuture(Double.NaN))
        .compose(value -> {
          if (!Double.isNaN(value) && wanted.test(value)) {
            return Future.succeededFuture(value);
          }
          if (System.nanoTime() > deadline) {
            return Future.failedFuture(query + " never reached the wanted value; last " + value);
          }
          return vertx.timer(250, TimeUnit.MILLISECONDS).compose(v -> until(query, wanted, deadline));
        });
  }

  /** The {@code app_error_ratio} the app reports once {@code /deploy/<version>} has been called. */
  public void errorRatio(String version, double ratio) {
    errorRatios.put(version, ratio);
  }

  /** The versions deployed through {@code /deploy/<version>}, in order. */
  public List<String> deployed() {
    return List.copyOf(deployed);
  }

  public void gauge(String name, double value) {
    gauges.put(name, value);
  }

  /** The share of the app's requests answered 500 from now on. */
  public void errorShare(double share) {
    errorShare = share;
  }

  public String url() {
    return "http://127.0.0.1:" + port;
  }

  /** The app's own base URL: a "Prometheus" that refuses every query and records what it was sent. */
  public String refusingUrl() {
    return "http://127.0.0.1:" + app.actualPort();
  }

  public List<Map<String, String>> apiRequests() {
    return List.copyOf(apiRequests);
  }

  public void stop() {
    vertx.cancelTimer(traffic);
    if (process != null) {
      process.destroyForcibly();
    }
    if (fake != null) {
      fake.stop();
    }
    if (app != null) {
      app.close();
    }
    if (client != null) {
      client.close();
    }
  }

  private synchronized void advance() {
    long errors = Math.round(1000 * errorShare);
    errorTotal += errors;
    okTotal += 1000 - errors;
  }

  private synchronized String exposition() {
    StringBuilder text = new StringBuilder();
    gauges.forEach((name, value) -> text.append("# TYPE ").append(name).append(" gauge\n")
        .append(name).append(' ').append(value).append('\n'));
    text.append("# TYPE app_requests_total counter\n")
        .append("app_requests_total{code=\"200\"} ").append(okTotal).append('\n')
        .append("app_requests_total{code=\"500\"} ").append(errorTotal).append('\n');
    return text.toString();
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
