package dev.preflight.handlers.slack;

import com.google.gson.JsonParseException;
import com.slack.api.bolt.App;
import com.slack.api.bolt.request.Request;
import com.slack.api.bolt.request.RequestHeaders;
import com.slack.api.bolt.response.Response;
import com.slack.api.bolt.util.SlackRequestParser;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The real {@link SlackEndpoint}: our verification and de-duplication in front of a Bolt {@link App}. */
final class BoltEndpoint implements SlackEndpoint {

  private static final Logger log = LoggerFactory.getLogger(BoltEndpoint.class);

  private static final String TEXT = "text/plain; charset=utf-8";
  private static final String JSON = "application/json; charset=utf-8";
  private static final String RETRY_NUM_HEADER = "X-Slack-Retry-Num";
  private static final String RETRY_REASON_HEADER = "X-Slack-Retry-Reason";

  private final Vertx vertx;
  private final App app;
  private final SlackSignature signature;
  private final SlackEventLog events;
  private final SlackRequestParser parser;
  private final MeterRegistry meters;

  BoltEndpoint(Vertx vertx, App app, SlackSignature signature, SlackEventLog events, MeterRegistry meters) {
    if (app.config().isRequestVerificationEnabled()) {
      throw new IllegalArgumentException(
          "Bolt must not verify requests a second time: build the App from SlackEndpoint.boltConfig(…) "
              + "or set AppConfig.requestVerificationEnabled(false)");
    }
    this.vertx = vertx;
    this.app = app;
    this.signature = signature;
    this.events = events;
    this.parser = new SlackRequestParser(app.config());
    this.meters = meters;
  }

  @Override
  public Future<Void> handle(HttpServerRequest request, Buffer body) {
    if (body.length() > MAX_BODY_BYTES) {
      return reply(request, 413, TEXT, "request body too large");
    }
    SlackSignature.Verdict verdict = signature.verify(
        request.getHeader(SlackSignature.TIMESTAMP_HEADER),
        request.getHeader(SlackSignature.SIGNATURE_HEADER),
        body.getBytes());
    if (!verdict.valid()) {
      log.warn("Rejected a request to {} from {}: {}", request.path(), request.remoteAddress(), verdict.reason());
      return reply(request, 401, TEXT, "invalid signature");
    }
    // Signed is not the same as well formed: refuse what Bolt or a listener would trip over, before
    // anything is recorded or dispatched.
    SlackInput.Verdict input = SlackInput.http(request.getHeader(HttpHeaders.CONTENT_TYPE), body.getBytes());
    if (input instanceof SlackInput.Refused refused) {
      return malformed(request, refused.reason());
    }
    SlackInput.Accepted accepted = (SlackInput.Accepted) input;
    long started = System.nanoTime();
    // Commands and interactivity are forms and never redelivered: nothing to answer or de-duplicate first.
    Future<Void> answered = isJson(request) ? handleJson(request, body, accepted) : runBolt(request, body).mapEmpty();
    return answered.onComplete(done -> ackTimer(accepted.kind().metric())
        .record(System.nanoTime() - started, TimeUnit.NANOSECONDS));
  }

  private Timer ackTimer(String kind) {
    return Timer.builder("preflight.slack.ack")
        .description("Time from a verified Slack request's arrival to its answer")
        .tag("kind", kind)
        .publishPercentileHistogram()
        .register(meters);
  }

  /** A signed request that is not a Slack payload: the sender's mistake, worth one line, never an error. */
  private static Future<Void> malformed(HttpServerRequest request, String reason) {
    log.warn("Refused a malformed Slack request to {} from {}: {}", request.path(), request.remoteAddress(), reason);
    return reply(request, 400, TEXT, "malformed Slack request: " + reason);
  }

  private Future<Void> handleJson(HttpServerRequest request, Buffer body, SlackInput.Accepted accepted) {
    if (accepted.kind() == SlackInput.Kind.URL_VERIFICATION) {
      return reply(request, 200, JSON,
          new JsonObject().put("challenge", body.toJsonObject().getString("challenge")).encode());
    }
    String eventId = accepted.eventId();
    return events.firstSeen(eventId).transform(seen -> {
      if (seen.failed()) {
        // Slack retries a failed delivery, so refusing now loses nothing; running unrecorded could run it twice.
        log.warn("Could not record Slack event {}; asking Slack to redeliver: {}", eventId, seen.cause().toString());
        return reply(request, 503, TEXT, "event log unavailable");
      }
      if (!Boolean.TRUE.equals(seen.result())) {
        log.info("Slack event {} already taken in; ignoring redelivery {} ({})", eventId,
            request.getHeader(RETRY_NUM_HEADER), request.getHeader(RETRY_REASON_HEADER));
        return reply(request, 200, TEXT, "");
      }
      // An event that was not taken in (refused, or failed) is not remembered, so a redelivery is judged afresh.
      return runBolt(request, body).compose(status -> status < 400 ? Future.succeededFuture()
          : events.forget(eventId).recover(e -> {
            log.warn("Could not forget failed Slack event {}; its redelivery will be ignored: {}", eventId, e.toString());
            return Future.succeededFuture();
          }));
    });
  }

  /** Hands the request to Bolt and completes with the status written back. */
  private Future<Integer> runBolt(HttpServerRequest request, Buffer body) {
    // Read everything from the request here, on its event loop; the worker only sees plain values.
    SlackRequestParser.HttpRequest raw = SlackRequestParser.HttpRequest.builder()
        .requestUri(request.path())
        .queryString(toMap(request.params()))
        .headers(new RequestHeaders(toMap(request.headers())))
        .requestBody(body.toString(StandardCharsets.UTF_8))
        .remoteAddress(request.remoteAddress() == null ? null : request.remoteAddress().hostAddress())
        .build();
    return vertx.executeBlocking(() -> app.run(parse(raw)), false)
        .transform(run -> {
          if (run.succeeded()) {
            return write(request, run.result()).map(v -> request.response().getStatusCode());
          }
          if (isMalformed(run.cause())) {
            return malformed(request, "the payload does not match Slack's schema").map(v -> 400);
          }
          log.error("A Slack listener failed on {}", request.path(), run.cause());
          return reply(request, 500, TEXT, "internal error").map(v -> 500);
        });
  }

  /** Bolt's parsing reads only the request, so whatever it throws is about the request. */
  private Request<?> parse(SlackRequestParser.HttpRequest raw) {
    try {
      return parser.parse(raw);
    } catch (RuntimeException e) {
      throw new MalformedPayload(e);
    }
  }

  /**
   * Whether a failure is the payload's fault rather than ours: Bolt's parsing failed, or Gson
   * could not map a field onto Slack's model when Bolt built the event for a listener.
   */
  static boolean isMalformed(Throwable failure) {
    return failure instanceof MalformedPayload || failure instanceof JsonParseException;
  }

  private static final class MalformedPayload extends RuntimeException {
    private static final long serialVersionUID = 1L;

    MalformedPayload(Throwable cause) {
      super("Bolt could not read the payload", cause, false, false);
    }
  }

  private static Future<Void> write(HttpServerRequest request, Response bolt) {
    HttpServerResponse response = request.response()
        .setStatusCode(bolt.getStatusCode() == null ? 200 : bolt.getStatusCode());
    if (bolt.getHeaders() != null) {
      bolt.getHeaders().forEach((name, values) -> response.headers().add(name, values));
    }
    if (bolt.getContentType() != null) {
      response.putHeader(HttpHeaders.CONTENT_TYPE, bolt.getContentType());
    }
    return response.end(bolt.getBody() == null ? "" : bolt.getBody());
  }

  private static Future<Void> reply(HttpServerRequest request, int status, String contentType, String body) {
    return request.response()
        .setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, contentType)
        .end(body);
  }

  private static boolean isJson(HttpServerRequest request) {
    String contentType = request.getHeader(HttpHeaders.CONTENT_TYPE);
    return contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith("application/json");
  }

  private static Map<String, List<String>> toMap(MultiMap multiMap) {
    Map<String, List<String>> map = new HashMap<>();
    for (String name : multiMap.names()) {
      map.put(name, multiMap.getAll(name));
    }
    return map;
  }
}
