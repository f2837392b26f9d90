package dev.preflight.handlers.slack;

import com.google.gson.Gson;
import com.slack.api.model.block.LayoutBlock;
import com.slack.api.util.json.GsonFactory;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers through a command's or a click's {@code response_url}: a private message to the person
 * who asked, in the conversation they asked in, which works where the bot is not a member and in
 * direct messages, unlike {@code chat.postEphemeral}. Slack takes up to five posts to one URL
 * within 30 minutes; after that it answers with an error, and the caller falls back.
 *
 * <p>One post is bounded by {@link #TIMEOUT}; a 5xx, a 429 or no answer is tried again under the
 * {@link SlackApi.Policy} of the Web API client; any other 4xx, or {@code ok: false}, fails at
 * once (an expired or used-up URL does not get better).
 */
public final class ResponseUrls {

  private static final Logger LOG = LoggerFactory.getLogger(ResponseUrls.class);

  static final Duration TIMEOUT = Duration.ofSeconds(10);
  // Thread-safe once built; building one per answer learnt Slack's whole block model each time.
  private static final Gson GSON = GsonFactory.createSnakeCase();

  private final Vertx vertx;
  private final WebClient web;
  private final SlackApi.Policy policy;

  public ResponseUrls(Vertx vertx, SlackApi.Policy policy) {
    this.vertx = vertx;
    this.policy = policy;
    this.web = WebClient.create(vertx, new WebClientOptions()
        .setConnectTimeout((int) SlackApi.CONNECT_TIMEOUT.toMillis())
        .setIdleTimeout((int) TIMEOUT.toSeconds())
        .setUserAgent("Preflight"));
  }

  /** Posts {@code text} to {@code url} as an answer only the asker sees, leaving the original message as it is. */
  public Future<Void> ephemeral(String url, String text) {
    return ephemeral(url, text, List.of());
  }

  /** As {@link #ephemeral(String, String)}, with blocks; {@code text} is then the notification's text. */
  public Future<Void> ephemeral(String url, String text, List<LayoutBlock> blocks) {
    JsonObject body = new JsonObject()
        .put("response_type", "ephemeral")
        .put("replace_original", false)
        .put("text", text);
    if (!blocks.isEmpty()) {
      body.put("blocks", new JsonArray(GSON.toJson(blocks)));
    }
    return attempt(url, body, 1, System.nanoTime());
  }

  private Future<Void> attempt(String url, JsonObject body, int attempt, long started) {
    return send(url, body).recover(e -> {
      if (!(e instanceof Failed failed) || !failed.retryable) {
        return Future.failedFuture(e);
      }
      long wait = policy.backoffMillis(attempt);
      long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      if (attempt >= policy.maxAttempts() || elapsed + wait > policy.giveUpAfter().toMillis()) {
        return Future.failedFuture(e);
      }
      LOG.info("A response_url post failed ({}); retrying in {} ms", e.getMessage(), wait);
      Promise<Void> waited = Promise.promise();
      vertx.setTimer(Math.max(1, wait), id -> waited.complete());
      return waited.future().compose(v -> attempt(url, body, attempt + 1, started));
    });
  }

  private Future<Void> send(String url, JsonObject body) {
    return web.postAbs(url)
        .timeout(TIMEOUT.toMillis())
        .sendJsonObject(body)
        .<Void>transform(done -> done.succeeded() ? judge(done.result())
            : Future.failedFuture(new Failed("no answer: " + done.cause().getMessage(), true)));
  }

  private static Future<Void> judge(HttpResponse<Buffer> response) {
    int status = response.statusCode();
    String error = error(response.bodyAsString());
    if (status == 429 || status >= 500) {
      return Future.failedFuture(new Failed("HTTP " + status, true));
    }
    if (status >= 300 || error != null) {
      return Future.failedFuture(new Failed("HTTP " + status + (error == null ? "" : " " + error), false));
    }
    return Future.succeededFuture();
  }

  /** Slack's error code from a JSON answer with {@code ok: false}, or the plain text of a non-JSON one. */
  private static String error(String body) {
    if (body == null || body.isBlank()) {
      return null;
    }
    String trimmed = body.strip();
    if (!trimmed.startsWith("{")) {
      return "ok".equals(trimmed) ? null : trimmed.length() > 60 ? trimmed.substring(0, 60) : trimmed;
    }
    try {
      JsonObject answer = new JsonObject(trimmed);
      return answer.getBoolean("ok", true) ? null : answer.getString("error", "error");
    } catch (DecodeException e) {
      return null;
    }
  }

  /** Why a post did not land, and whether trying again may help. */
  static final class Failed extends RuntimeException {
    final boolean retryable;

    Failed(String message, boolean retryable) {
      super("response_url: " + message, null, false, false);
      this.retryable = retryable;
    }
  }

  public void close() {
    web.close();
  }
}
