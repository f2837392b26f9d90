package dev.preflight.bench;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Reference (b): the least a Vert.x 5 server must do to answer Slack. It checks the v0 signature
 * over {@code v0:timestamp:body} and the five-minute timestamp window, answers 200 with an empty
 * body or 401, and nothing else. One verticle per core, as Vert.x servers are usually deployed.
 *
 * <p>Usage: {@code BareVertx PORT} with {@code SLACK_SIGNING_SECRET} in the environment.
 */
public final class BareVertx extends VerticleBase {

  private static final long WINDOW_SECONDS = 300;

  private final int port;
  private final byte[] secret;
  private Mac mac;

  private BareVertx(int port, byte[] secret) {
    this.port = port;
    this.secret = secret;
  }

  public static void main(String[] args) {
    int port = Integer.parseInt(args[0]);
    byte[] secret = System.getenv("SLACK_SIGNING_SECRET").getBytes(StandardCharsets.UTF_8);
    int instances = Runtime.getRuntime().availableProcessors();
    Vertx vertx = Vertx.vertx();
    vertx.deployVerticle(() -> new BareVertx(port, secret), new DeploymentOptions().setInstances(instances))
        .onSuccess(id -> System.out.println("bare Vert.x is listening on port " + port + " with " + instances
            + " event loops"))
        .onFailure(failure -> {
          failure.printStackTrace();
          System.exit(1);
        });
  }

  @Override
  public Future<?> start() throws Exception {
    // One Mac per verticle: each verticle stays on its own event loop, so it is never shared.
    mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret, "HmacSHA256"));
    return vertx.createHttpServer()
        .requestHandler(request -> request.body().onSuccess(body -> answer(request, body)))
        .listen(port, "127.0.0.1");
  }

  private void answer(HttpServerRequest request, Buffer body) {
    boolean genuine = genuine(request.getHeader("X-Slack-Request-Timestamp"),
        request.getHeader("X-Slack-Signature"), body);
    request.response().setStatusCode(genuine ? 200 : 401).end();
  }

  private boolean genuine(String timestamp, String signature, Buffer body) {
    if (timestamp == null || signature == null) {
      return false;
    }
    long sent;
    try {
      sent = Long.parseLong(timestamp);
    } catch (NumberFormatException e) {
      return false;
    }
    if (Math.abs(System.currentTimeMillis() / 1000 - sent) > WINDOW_SECONDS) {
      return false;
    }
    mac.update(("v0:" + timestamp + ":").getBytes(StandardCharsets.UTF_8));
    byte[] expected = ("v0=" + HexFormat.of().formatHex(mac.doFinal(body.getBytes())))
        .getBytes(StandardCharsets.US_ASCII);
    return MessageDigest.isEqual(expected, signature.getBytes(StandardCharsets.US_ASCII));
  }
}
