package dev.preflight.handlers.slack;

import com.slack.api.bolt.request.RequestHeaders;
import com.slack.api.bolt.response.Response;
import com.slack.api.bolt.util.SlackRequestParser;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The real {@link SlackEndpoint}: our signature check in front of {@link SlackDispatch}, the
 * de-duplication and Bolt run that Socket Mode ({@link SocketMode}) goes through as well. A slash
 * command registered as a {@link LoopCommand} skips Bolt and the worker: it is answered here, on
 * the event loop that read it, in its ack.
 */
final class BoltEndpoint implements SlackEndpoint {

  private static final Logger log = LoggerFactory.getLogger(BoltEndpoint.class);
  /** Refused requests can come by the thousand: their lines are rate-limited per reason. */
  private static final SummarisedLog rejections = new SummarisedLog(log, System::nanoTime, "refused for this reason");

  // Built once as header values Vert.x has already checked, rather than checked again on every answer.
  private static final CharSequence TEXT = HttpHeaders.createOptimized("text/plain; charset=utf-8");
  private static final CharSequence JSON = HttpHeaders.createOptimized("application/json; charset=utf-8");
  private static final String RETRY_NUM_HEADER = "X-Slack-Retry-Num";
  private static final String RETRY_REASON_HEADER = "X-Slack-Retry-Reason";

  private final SlackSignature signature;
  private final SlackDispatch dispatch;
  private final Map<String, LoopCommand> loopCommands;

  /** @param loopCommands the commands answered on the event loop, by name ({@code /checklist}) */
  BoltEndpoint(SlackSignature signature, SlackDispatch dispatch, Map<String, LoopCommand> loopCommands) {
    this.signature = signature;
    this.dispatch = dispatch;
    this.loopCommands = Map.copyOf(loopCommands);
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
      rejections.warn(verdict.reason(), "Rejected a request to {} from {}: {}", request.path(),
          request.remoteAddress(), verdict.reason());
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
    Future<Void> answered;
    LoopCommand onLoop = loopCommand(accepted);
    if (onLoop != null) {
      answered = answerOnLoop(request, onLoop, CommandInput.of(accepted.form()));
    } else if (isJson(request)) {
      answered = handleJson(request, body, accepted);
    } else {
      answered = runBolt(request, body, accepted).mapEmpty();
    }
    return answered.onComplete(done -> dispatch.answered(accepted.kind().metric(), started));
  }

  private LoopCommand loopCommand(SlackInput.Accepted accepted) {
    if (accepted.kind() != SlackInput.Kind.COMMAND || accepted.form() == null) {
      return null;
    }
    return loopCommands.get(accepted.form().get("command"));
  }

  /** A command whose answer needs no worker: answered here, in its ack, without Bolt. */
  private static Future<Void> answerOnLoop(HttpServerRequest request, LoopCommand command, CommandInput input) {
    Future<CommandAck> answer;
    try {
      answer = command.answer(input);
    } catch (RuntimeException e) {
      answer = Future.failedFuture(e);
    }
    return answer.transform(done -> {
      if (done.failed()) {
        log.error("A Slack listener failed on {}", request.path(), done.cause());
        return reply(request, 500, TEXT, "internal error");
      }
      CommandAck ack = done.result();
      return ack.isEmpty() ? reply(request, 200, TEXT, "") : reply(request, 200, JSON, ack.json());
    });
  }

  /** A signed request that is not a Slack payload: the sender's mistake, worth one line, never an error. */
  private static Future<Void> malformed(HttpServerRequest request, String reason) {
    rejections.warn(reason, "Refused a malformed Slack request to {} from {}: {}", request.path(),
        request.remoteAddress(), reason);
    return reply(request, 400, TEXT, "malformed Slack request: " + reason);
  }

  private Future<Void> handleJson(HttpServerRequest request, Buffer body, SlackInput.Accepted accepted) {
    if (accepted.kind() == SlackInput.Kind.URL_VERIFICATION) {
      return reply(request, 200, JSON,
          new JsonObject().put("challenge", body.toJsonObject().getString("challenge")).encode());
    }
    String eventId = accepted.eventId();
    return dispatch.once(eventId, () -> runBolt(request, body, accepted)).transform(ran -> {
      if (ran.failed()) {
        // Slack retries a failed delivery, so refusing now loses nothing; running unrecorded could run it twice.
        log.warn("Could not record Slack event {}; asking Slack to redeliver: {}", eventId, ran.cause().toString());
        return reply(request, 503, TEXT, "event log unavailable");
      }
      if (!ran.result()) {
        log.info("Slack event {} already taken in; ignoring redelivery {} ({})", eventId,
            request.getHeader(RETRY_NUM_HEADER), request.getHeader(RETRY_REASON_HEADER));
        return reply(request, 200, TEXT, "");
      }
      return Future.succeededFuture();
    });
  }

  /** Hands the request to Bolt and completes with the status written back. */
  private Future<Integer> runBolt(HttpServerRequest request, Buffer body, SlackInput.Accepted accepted) {
    // Read everything from the request here, on its event loop; the worker only sees plain values.
    SlackRequestParser.HttpRequest raw = SlackRequestParser.HttpRequest.builder()
        .requestUri(request.path())
        .queryString(toMap(request.params()))
        .headers(new RequestHeaders(toMap(request.headers())))
        .requestBody(body.toString(StandardCharsets.UTF_8))
        .remoteAddress(request.remoteAddress() == null ? null : request.remoteAddress().hostAddress())
        .build();
    return dispatch.run(raw, accepted, request.path())
        .transform(run -> {
          if (run.succeeded()) {
            return write(request, run.result()).map(v -> request.response().getStatusCode());
          }
          if (SlackDispatch.isMalformed(run.cause())) {
            return malformed(request, "the payload does not match Slack's schema").map(v -> 400);
          }
          return reply(request, 500, TEXT, "internal error").map(v -> 500);
        });
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

  private static Future<Void> reply(HttpServerRequest request, int status, CharSequence contentType, String body) {
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
