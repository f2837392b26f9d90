package dev.preflight.bot;

import dev.preflight.deploy.alert.AlertBatch;
import dev.preflight.deploy.alert.AlertFormatException;
import dev.preflight.deploy.alert.AlertParsers;
import dev.preflight.handlers.alert.AlertPoster;
import dev.preflight.handlers.alert.Delivery;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpResponseExpectation;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.client.WebClient;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /alerts/:source}: monitoring webhooks into channels. Off (404) unless ALERTS_TOKEN
 * is set; every call must carry it as {@code Authorization: Bearer <token>}, or as the password
 * of basic auth, which is all Amazon SNS can send (from the subscription URL's user info). The
 * body is read up to 1 MiB and parsed by its source; a malformed one is refused with the reason
 * and posts nothing. The answer waits for Slack, so a failure is a 503 the sender retries; a
 * channel Slack refuses for good (unknown, archived, the bot not in it) is a 422 with the reason,
 * which no sender retries.
 *
 * <p>SNS's SubscriptionConfirmation is confirmed by GETting its SubscribeURL, which must be an
 * https URL on an {@code sns.<region>.amazonaws.com} host unless a test says otherwise: a
 * forged confirmation must not make the bot fetch arbitrary URLs.
 */
public final class AlertsEndpoint {

  public static final int MAX_BODY_BYTES = 1024 * 1024;
  public static final Duration CONFIRM_TIMEOUT = Duration.ofSeconds(10);

  private static final Logger LOG = LoggerFactory.getLogger(AlertsEndpoint.class);
  private static final Pattern SNS_HOST = Pattern.compile("sns\\.[a-z0-9-]+\\.amazonaws\\.com(\\.cn)?");

  private final byte[] token;
  private final AlertParsers parsers;
  private final AlertPoster poster;
  private final WebClient web;
  private final Predicate<URI> subscribeAllowed;
  private final Duration confirmTimeout;

  /**
   * @param token ALERTS_TOKEN, or null when webhooks are disabled
   * @param subscribeAllowed which SubscribeURLs may be visited; {@link #isSnsUrl} in production
   */
  public AlertsEndpoint(String token, AlertParsers parsers, AlertPoster poster, WebClient web,
      Predicate<URI> subscribeAllowed, Duration confirmTimeout) {
    this.token = token == null || token.isBlank() ? null : token.getBytes(StandardCharsets.UTF_8);
    this.parsers = parsers;
    this.poster = poster;
    this.web = web;
    this.subscribeAllowed = subscribeAllowed;
    this.confirmTimeout = confirmTimeout;
  }

  public AlertsEndpoint(String token, AlertParsers parsers, AlertPoster poster, WebClient web) {
    this(token, parsers, poster, web, AlertsEndpoint::isSnsUrl, CONFIRM_TIMEOUT);
  }

  /** An https URL on Amazon SNS's own host, the only kind SNS puts in a SubscribeURL. */
  public static boolean isSnsUrl(URI url) {
    return "https".equals(url.getScheme()) && url.getHost() != null && SNS_HOST.matcher(url.getHost()).matches()
        && url.getUserInfo() == null && (url.getPort() == -1 || url.getPort() == 443);
  }

  public void handle(RoutingContext ctx) {
    if (token == null) {
      answer(ctx, 404, new JsonObject().put("error", "alert webhooks are disabled on this bot: ALERTS_TOKEN is not set"));
      return;
    }
    if (!authorized(ctx.request().getHeader("Authorization"))) {
      // Amazon SNS sends the user and password of its subscription URL only after a Basic challenge.
      ctx.response().putHeader("WWW-Authenticate", "cloudwatch".equals(ctx.pathParam("source"))
          ? "Basic realm=\"preflight\"" : "Bearer");
      answer(ctx, 401, new JsonObject().put("error", "missing or wrong token; send Authorization: Bearer <ALERTS_TOKEN>"));
      return;
    }
    String source = ctx.pathParam("source");
    if (parsers.parser(source).isEmpty()) {
      answer(ctx, 400, new JsonObject().put("error", "unknown alert source; Preflight accepts "
          + String.join(", ", parsers.sources())));
      return;
    }
    BoundedBody.read(ctx.request(), MAX_BODY_BYTES)
        .compose(body -> act(source, body))
        .onSuccess(answer -> answer(ctx, answer.status(), answer.body()))
        .onFailure(e -> fail(ctx, source, e));
  }

  private record Answer(int status, JsonObject body) {}

  private Future<Answer> act(String source, Buffer body) {
    AlertBatch batch = parsers.parse(source, body.toString(StandardCharsets.UTF_8));
    if (batch.subscribeUrl() != null) {
      return confirm(batch.subscribeUrl())
          .map(v -> new Answer(200, new JsonObject().put("status", "subscription confirmed")));
    }
    if (batch.alerts().isEmpty()) {
      return Future.succeededFuture(new Answer(200, new JsonObject().put("status", "nothing to post")
          .put("note", batch.note())));
    }
    if (poster == null) {
      return Future.succeededFuture(new Answer(503, new JsonObject()
          .put("error", "Slack is not configured on this bot, so alerts cannot be posted")));
    }
    return poster.deliver(batch.alerts()).map(AlertsEndpoint::summary);
  }

  private static Answer summary(List<Delivery> deliveries) {
    JsonArray alerts = new JsonArray();
    deliveries.forEach(d -> {
      JsonObject one = new JsonObject().put("key", d.key()).put("outcome", d.outcome().wire());
      if (d.detail() != null) {
        one.put("detail", d.detail());
      }
      alerts.add(one);
    });
    List<String> refusals = deliveries.stream().filter(d -> d.outcome() == Delivery.Outcome.REFUSED)
        .map(Delivery::detail).distinct().toList();
    if (!refusals.isEmpty()) {
      // Asking again cannot help until someone fixes the channel, so the senders must not retry.
      return new Answer(422, new JsonObject().put("status", "refused").put("error", String.join("; and ", refusals))
          .put("alerts", alerts));
    }
    boolean nowhere = deliveries.stream().allMatch(d -> d.outcome() == Delivery.Outcome.UNROUTED);
    JsonObject body = new JsonObject().put("status", nowhere ? "no route" : "accepted").put("alerts", alerts);
    return new Answer(nowhere ? 202 : 200, body);
  }

  private Future<Void> confirm(String subscribeUrl) {
    URI url;
    try {
      url = URI.create(subscribeUrl);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(new AlertFormatException("SubscribeURL is not a URL"));
    }
    if (!subscribeAllowed.test(url)) {
      return Future.failedFuture(new AlertFormatException("SubscribeURL is not an Amazon SNS https URL; "
          + "the subscription was not confirmed"));
    }
    return web.getAbs(subscribeUrl)
        .timeout(confirmTimeout.toMillis())
        .send()
        .expecting(HttpResponseExpectation.SC_SUCCESS)
        .onSuccess(response -> LOG.info("Confirmed an SNS subscription at {}", url.getHost()))
        .recover(e -> Future.failedFuture(new ConfirmFailed(e.getMessage())))
        .mapEmpty();
  }

  private boolean authorized(String header) {
    if (header == null) {
      return false;
    }
    String offered;
    if (header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      offered = header.substring(7).strip();
    } else if (header.regionMatches(true, 0, "Basic ", 0, 6)) {
      try {
        String pair = new String(Base64.getDecoder().decode(header.substring(6).strip()), StandardCharsets.UTF_8);
        int colon = pair.indexOf(':');
        offered = colon < 0 ? "" : pair.substring(colon + 1);
      } catch (IllegalArgumentException e) {
        return false;
      }
    } else {
      return false;
    }
    return MessageDigest.isEqual(token, offered.getBytes(StandardCharsets.UTF_8));
  }

  private void fail(RoutingContext ctx, String source, Throwable e) {
    if (BoundedBody.clientWentAway(ctx.request(), e)) {
      LOG.debug("An alert from {} was abandoned by its client: {}", source, e.getMessage());
      return;
    }
    if (ctx.response().headWritten()) {
      return;
    }
    if (e instanceof AlertFormatException) {
      answer(ctx, 400, new JsonObject().put("error", e.getMessage()));
    } else if (e instanceof BoundedBody.TooLarge) {
      ctx.response().putHeader("Connection", "close");
      answer(ctx, 413, new JsonObject().put("error", "the body is larger than 1 MiB"));
    } else if (e instanceof ConfirmFailed) {
      LOG.warn("Could not confirm an SNS subscription: {}", e.getMessage());
      answer(ctx, 502, new JsonObject().put("error", "could not confirm the subscription at SubscribeURL"));
    } else {
      LOG.error("An alert from {} could not be delivered", source, e);
      answer(ctx, 503, new JsonObject().put("error", "the alert could not be delivered to Slack; try again"));
    }
  }

  private static void answer(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
  }

  private static final class ConfirmFailed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ConfirmFailed(String message) {
      super(message, null, false, false);
    }
  }
}
