package dev.preflight.handlers.slack;

import com.slack.api.Slack;
import com.slack.api.bolt.App;
import com.slack.api.bolt.AppConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import java.util.Map;

/**
 * What answers {@code POST /slack/events}: slash commands, interactivity and the Events API on one
 * URL. The bot owns the router and reads the body (capped at {@link #MAX_BODY_BYTES}); this only
 * needs vertx-core types, so it does not care which router calls it.
 */
@FunctionalInterface
public interface SlackEndpoint {

  /** Slack's own payloads are a few kilobytes; anything near this size is not from Slack. */
  int MAX_BODY_BYTES = 1 << 20;

  /**
   * Answers one request. The returned future completes once the response is written; every
   * outcome, including a failed listener, has been turned into an HTTP answer by then.
   */
  Future<Void> handle(HttpServerRequest request, Buffer body);

  /**
   * Verifies every request with {@code signature}, refuses a signed body that is not a Slack
   * payload the bot handles with 400 and its reason ({@link SlackInput}), answers URL verification
   * itself, drops Events API redeliveries already seen by {@code events}, and hands the rest to
   * {@code app} on a worker.
   *
   * @throws IllegalArgumentException when {@code app} still verifies requests itself (see
   *     {@link #boltConfig})
   */
  static SlackEndpoint serving(Vertx vertx, App app, SlackSignature signature, SlackEventLog events) {
    return serving(vertx, app, signature, events, new CompositeMeterRegistry());
  }

  /**
   * As {@link #serving(Vertx, App, SlackSignature, SlackEventLog)}, timing every verified request
   * from its arrival to its answer in {@code meters} ({@code preflight.slack.ack}, tagged by kind:
   * command, action, view or event), since Slack gives up on an answer after three seconds.
   */
  static SlackEndpoint serving(Vertx vertx, App app, SlackSignature signature, SlackEventLog events,
      MeterRegistry meters) {
    return serving(vertx, app, Map.of(), signature, events, meters);
  }

  /**
   * As {@link #serving(Vertx, App, SlackSignature, SlackEventLog, MeterRegistry)}, answering the
   * slash commands in {@code loopCommands} (by name, e.g. {@code /checklist}) on the event loop
   * that received them, in their ack, instead of through {@code app} on a worker.
   */
  static SlackEndpoint serving(Vertx vertx, App app, Map<String, LoopCommand> loopCommands,
      SlackSignature signature, SlackEventLog events, MeterRegistry meters) {
    return new BoltEndpoint(signature, new SlackDispatch(vertx, app, events, meters), loopCommands);
  }

  /**
   * Keeps the route alive when Slack is not configured, so a misconfigured app in Slack gets a
   * reason instead of a 404.
   */
  static SlackEndpoint refusing(String reason) {
    return (request, body) -> request.response()
        .setStatusCode(503)
        .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8")
        .end(reason);
  }

  /**
   * The Bolt configuration this endpoint expects: Bolt's request verification is switched off
   * ({@code AppConfig.requestVerificationEnabled(false)}, honoured by
   * {@code App.buildDefaultMiddlewareList} in Bolt 1.51.0) because {@link SlackSignature} has
   * already checked the raw bytes, more strictly.
   *
   * @param botToken the bot token ({@code xoxb-…}); Bolt calls {@code auth.test} with it once,
   *     on the first request it runs
   * @param slack the client Bolt's listeners use, e.g. {@link SlackApi#slack(String)}
   */
  static AppConfig boltConfig(String botToken, Slack slack) {
    return AppConfig.builder()
        .singleTeamBotToken(botToken)
        .slack(slack)
        .requestVerificationEnabled(false)
        .build();
  }
}
