package dev.preflight.deploy.fake;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A moto server ({@code python3 -m moto.server}) on a random local port, for tests that want
 * the real AWS request and response handling. Moto does not simulate ECS rollouts; use
 * {@link FakeAws} for those.
 */
public final class Moto {

  private static final Duration STARTUP_LIMIT = Duration.ofSeconds(40);
  private static final long POLL_MILLIS = 200;

  private final Process process;
  private final int port;

  private Moto(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  /** Whether moto can be imported here. Blocking: call it from the test thread. */
  public static boolean available() {
    try {
      Process probe = new ProcessBuilder("python3", "-c", "import moto.server")
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .start();
      if (!probe.waitFor(30, TimeUnit.SECONDS)) {
        probe.destroyForcibly();
        return false;
      }
      return probe.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * Starts moto with extra environment (e.g. MOTO_ECS_SERVICE_RUNNING); it answers only after
   * {@link #awaitReady}. Blocking: call it from the test thread.
   */
  public static Moto launch(Map<String, String> environment) throws IOException {
    int port = freePort();
    ProcessBuilder builder = new ProcessBuilder("python3", "-m", "moto.server", "-H", "127.0.0.1", "-p", String.valueOf(port))
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD);
    builder.environment().putAll(environment);
    return new Moto(builder.start(), port);
  }

  /** Polls on Vert.x timers until moto answers HTTP; stops it if it never does. */
  public Future<Moto> awaitReady(Vertx vertx) {
    HttpClient client = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(1000));
    long deadline = System.nanoTime() + STARTUP_LIMIT.toNanos();
    return poll(vertx, client, deadline)
        .eventually(client::close)
        .onFailure(failure -> stop())
        .map(this);
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  public void stop() {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }

  private Future<Void> poll(Vertx vertx, HttpClient client, long deadline) {
    return ping(client).recover(failure -> {
      if (!process.isAlive()) {
        return Future.failedFuture("moto exited with " + process.exitValue());
      }
      if (System.nanoTime() > deadline) {
        return Future.failedFuture("moto did not answer within " + STARTUP_LIMIT.toSeconds() + "s");
      }
      return vertx.timer(POLL_MILLIS, TimeUnit.MILLISECONDS).compose(v -> poll(vertx, client, deadline));
    });
  }

  private Future<Void> ping(HttpClient client) {
    RequestOptions options = new RequestOptions()
        .setMethod(HttpMethod.GET)
        .setHost("127.0.0.1")
        .setPort(port)
        .setURI("/moto-api/")
        .setTimeout(2000);
    return client.request(options)
        .compose(request -> request.send())
        .compose(response -> response.body().mapEmpty());
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
