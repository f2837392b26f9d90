package dev.preflight.handlers.slack;

import com.google.gson.JsonParseException;
import com.slack.api.bolt.App;
import com.slack.api.bolt.request.Request;
import com.slack.api.bolt.response.Response;
import com.slack.api.bolt.util.SlackRequestParser;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens to a delivery from Slack once its transport has vouched for it (a verified HTTP
 * request or an envelope on our Socket Mode connection): de-duplication against the shared
 * {@link SlackEventLog}, Bolt on a worker, and the ack timing. Both transports go through here, so
 * a listener behaves the same whichever way its request came in.
 */
final class SlackDispatch {

  private static final Logger log = LoggerFactory.getLogger(SlackDispatch.class);

  /** The event log could not record a delivery; the transport should make Slack redeliver it. */
  static final class Unrecorded extends RuntimeException {
    Unrecorded(Throwable cause) {
      super("the Slack event log is unavailable", cause);
    }
  }

  private final Vertx vertx;
  private final App app;
  private final SlackEventLog events;
  private final BoltRequests parser;
  private final MeterRegistry meters;
  private final Map<String, Timer> ackTimers = new ConcurrentHashMap<>();

  SlackDispatch(Vertx vertx, App app, SlackEventLog events, MeterRegistry meters) {
    // The transports in front have vouched for every request already, more strictly than Bolt would.
    if (app.config().isRequestVerificationEnabled()) {
      throw new IllegalArgumentException(
          "Bolt must not verify requests a second time: build the App from SlackEndpoint.boltConfig(…) "
              + "or set AppConfig.requestVerificationEnabled(false)");
    }
    this.vertx = vertx;
    this.app = app;
    this.events = events;
    this.parser = new BoltRequests(app.config());
    this.meters = meters;
  }

  /**
   * Parses {@code raw} the way Bolt parses an HTTP request and runs the matching listener on a
   * worker. Fails when the listener threw; {@code where} names the delivery in that log line.
   */
  Future<Response> run(SlackRequestParser.HttpRequest raw, String where) {
    return run(raw, null, where);
  }

  /**
   * As {@link #run(SlackRequestParser.HttpRequest, String)}, for a request {@link SlackInput}
   * accepted: a command's or a click's Bolt request is built from the form it decoded.
   */
  Future<Response> run(SlackRequestParser.HttpRequest raw, SlackInput.Accepted accepted, String where) {
    return vertx.executeBlocking(() -> app.run(parse(raw, accepted)), false).onFailure(e -> {
      if (!isMalformed(e)) {
        log.error("A Slack listener failed on {}", where, e);
      }
    });
  }

  /** Bolt's parsing reads only the request, so whatever it throws is about the request. */
  private Request<?> parse(SlackRequestParser.HttpRequest raw, SlackInput.Accepted accepted) {
    try {
      return accepted == null ? parser.parse(raw, null, null) : parser.parse(raw, accepted.kind(), accepted.form());
    } catch (RuntimeException e) {
      throw new MalformedPayload(e);
    }
  }

  /**
   * Whether a failure of {@link #run} is the payload's fault rather than ours: Bolt's parsing
   * failed, or Gson could not map a field onto Slack's model when Bolt built a listener's event.
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

  /**
   * Runs {@code handling} only for the first delivery of {@code deliveryId}, across every replica
   * sharing the log. Completes with true when it ran, false for a delivery already taken in, and
   * fails with {@link Unrecorded} when the log is down (running unrecorded could run it twice).
   * {@code handling} answers the status it gave Slack; from 400 up (refused or failed), the delivery
   * is forgotten again so Slack's redelivery is judged afresh instead of dropped.
   */
  Future<Boolean> once(String deliveryId, Supplier<Future<Integer>> handling) {
    return events.firstSeen(deliveryId)
        .recover(e -> Future.failedFuture(new Unrecorded(e)))
        .compose(first -> {
          if (!Boolean.TRUE.equals(first)) {
            return Future.succeededFuture(false);
          }
          return handling.get().otherwise(500)
              .compose(status -> status < 400 ? Future.succeededFuture(true) : forget(deliveryId).map(true));
        });
  }

  private Future<Void> forget(String deliveryId) {
    return events.forget(deliveryId).recover(e -> {
      log.warn("Could not forget failed Slack delivery {}; its redelivery will be ignored", deliveryId, e);
      return Future.succeededFuture();
    });
  }

  /**
   * Records how long a delivery of {@code kind} (command, action, view, event) took from its
   * arrival, over either transport, to its answer.
   */
  void answered(String kind, long startedNanos) {
    // Looked up once per kind: building and registering the meter on every ack cost more than recording.
    // get first: it never locks, where computeIfAbsent may lock the bin of a key already there.
    Timer timer = ackTimers.get(kind);
    if (timer == null) {
      timer = ackTimers.computeIfAbsent(kind, k -> Timer.builder("preflight.slack.ack")
          .description("Time from a verified Slack request's arrival to its answer")
          .tag("kind", k)
          .publishPercentileHistogram()
          .register(meters));
    }
    timer.record(System.nanoTime() - startedNanos, TimeUnit.NANOSECONDS);
  }
}
