package dev.preflight.handlers.slack;

import com.slack.api.bolt.App;
import com.slack.api.bolt.response.Response;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.json.JsonObject;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Socket Mode envelope that carries work, from the socket to its ack: checked as a signed HTTP
 * body is ({@link SlackInput}), recorded once ({@link SlackDispatch#once}), run by Bolt and acked
 * with Bolt's answer on the socket it came on. {@link SocketMode} keeps the connections; this
 * class knows nothing of them beyond the socket an envelope arrived on.
 */
final class SocketDelivery {

  private static final Logger log = LoggerFactory.getLogger(SocketDelivery.class);

  private final SlackDispatch dispatch;

  SocketDelivery(Vertx vertx, App app, SlackEventLog events, MeterRegistry meters) {
    this.dispatch = new SlackDispatch(vertx, app, events, meters);
  }

  /** Handles one envelope that arrived on {@code socket}, connection number {@code number}. */
  void deliver(WebSocket socket, int number, JsonObject message) {
    long started = System.nanoTime();
    SocketEnvelope envelope;
    try {
      envelope = SocketEnvelope.of(message);
    } catch (IllegalArgumentException e) {
      log.warn("Ignored a malformed Socket Mode envelope: {}", e.getMessage());
      return;
    }
    // The same check as a signed HTTP body gets: a payload a listener would trip over is acked and
    // dropped, since Slack would only redeliver it unchanged.
    if (SlackInput.socketMode(envelope.type(), message.getValue("payload") instanceof JsonObject payload ? payload : null)
        instanceof SlackInput.Refused refused) {
      log.warn("Refused a malformed Socket Mode envelope {}: {}", envelope.envelopeId(), refused.reason());
      socket.writeTextMessage(SocketEnvelope.emptyAck(envelope.envelopeId()).encode());
      return;
    }
    Supplier<Future<Integer>> handling = () -> dispatch.run(envelope.request(), "Socket Mode " + envelope.type())
        .compose(answer -> answer(socket, number, envelope, answer))
        .recover(e -> {
          if (!SlackDispatch.isMalformed(e)) {
            return Future.failedFuture(e);
          }
          log.warn("Refused a Socket Mode envelope {} that does not match Slack's schema", envelope.envelopeId());
          return socket.writeTextMessage(SocketEnvelope.emptyAck(envelope.envelopeId()).encode())
              .otherwiseEmpty().map(400);
        });
    dispatch.once(envelope.deliveryId(), handling).onComplete(ran -> {
      if (ran.failed() && envelope.isEvent()) {
        // Unacked, the event comes back (retry_attempt) once the log can record it, as after a 503.
        log.warn("Could not record Slack event {}; leaving envelope {} unacked so Slack redelivers it",
            envelope.deliveryId(), envelope.envelopeId(), ran.cause());
      } else if (ran.failed()) {
        // Over HTTP commands and clicks are never de-duplicated; without the log they run as they would there.
        log.warn("Could not record Slack delivery {}; handling it unrecorded", envelope.envelopeId(), ran.cause());
        handling.get().onComplete(done -> dispatch.answered(envelope.kind(), started));
      } else if (ran.result()) {
        dispatch.answered(envelope.kind(), started);
      } else {
        log.info("Slack delivery {} already taken in; acking redelivery {} (attempt {}, {})",
            envelope.deliveryId(), envelope.envelopeId(), envelope.retryAttempt(), envelope.retryReason());
        socket.writeTextMessage(SocketEnvelope.emptyAck(envelope.envelopeId()).encode());
      }
    });
  }

  /**
   * Acks with Bolt's answer. A failed listener is left unacked, as a 500 over HTTP, so Slack
   * retries; an ack lost with its socket is not a failure: the work ran, and the redelivery that
   * follows is recognised and acked empty.
   */
  private Future<Integer> answer(WebSocket socket, int number, SocketEnvelope envelope, Response answer) {
    int status = answer.getStatusCode() == null ? 200 : answer.getStatusCode();
    if (status >= 500) {
      return Future.succeededFuture(status);
    }
    return socket.writeTextMessage(envelope.ack(answer).encode())
        .map(status)
        .recover(e -> {
          log.info("Could not ack envelope {} on Socket Mode connection #{}: it closed", envelope.envelopeId(),
              number);
          return Future.succeededFuture(status);
        });
  }
}
