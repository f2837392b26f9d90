package dev.preflight.bot.observe;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.zip.GZIPInputStream;

/**
 * A local HTTP server standing in for Sentry's ingest endpoint of project 1: it takes the
 * envelopes Sentry's real client sends ({@code POST /api/1/envelope/}, gzipped or not), answers
 * as Sentry does, and keeps them for the test to read.
 */
public final class FakeSentry {

  private final List<String> envelopes = new ArrayList<>();
  private final List<Waiter> waiters = new ArrayList<>();
  private HttpServer server;

  private record Waiter(Predicate<String> match, Promise<String> promise) {}

  private FakeSentry() {}

  public static Future<FakeSentry> start(Vertx vertx) {
    FakeSentry fake = new FakeSentry();
    return vertx.createHttpServer()
        .requestHandler(request -> request.body().onSuccess(body -> {
          fake.received(request.path(), "gzip".equalsIgnoreCase(request.getHeader("Content-Encoding"))
              ? gunzip(body) : body.toString(StandardCharsets.UTF_8));
          request.response().setStatusCode(200).putHeader("Content-Type", "application/json").end("{}");
        }))
        .listen(0, "127.0.0.1")
        .map(server -> {
          fake.server = server;
          return fake;
        });
  }

  /** The DSN that sends to this server. */
  public String dsn() {
    return "http://publickey@127.0.0.1:" + server.actualPort() + "/1";
  }

  public synchronized List<String> envelopes() {
    return List.copyOf(envelopes);
  }

  /** The first envelope matching {@code match}, received or yet to come. */
  public synchronized Future<String> envelope(Predicate<String> match) {
    Optional<String> already = envelopes.stream().filter(match).findFirst();
    if (already.isPresent()) {
      return Future.succeededFuture(already.get());
    }
    Promise<String> promise = Promise.promise();
    waiters.add(new Waiter(match, promise));
    return promise.future();
  }

  /** An envelope is a header line, then item header and item payload lines; the event is the payload. */
  public static JsonObject eventOf(String envelope) {
    List<String> lines = envelope.lines().toList();
    for (int i = 1; i + 1 < lines.size(); i++) {
      JsonObject header = new JsonObject(lines.get(i));
      if ("event".equals(header.getString("type"))) {
        return new JsonObject(lines.get(i + 1));
      }
    }
    throw new AssertionError("no event item in " + envelope);
  }

  private synchronized void received(String path, String body) {
    if (!path.equals("/api/1/envelope/")) {
      return;
    }
    envelopes.add(body);
    waiters.removeIf(waiter -> waiter.match().test(body) && waiter.promise().tryComplete(body));
  }

  private static String gunzip(Buffer body) {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(body.getBytes()))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
