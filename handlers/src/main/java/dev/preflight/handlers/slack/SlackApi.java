package dev.preflight.handlers.slack;

import com.slack.api.Slack;
import com.slack.api.SlackConfig;
import com.slack.api.methods.MethodsClient;
import com.slack.api.methods.SlackApiException;
import com.slack.api.methods.SlackApiTextResponse;
import com.slack.api.methods.response.auth.AuthTestResponse;
import com.slack.api.methods.response.chat.ChatPostMessageResponse;
import com.slack.api.methods.response.views.ViewsOpenResponse;
import com.slack.api.model.block.LayoutBlock;
import com.slack.api.model.view.View;
import com.slack.api.util.http.SlackHttpClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way Preflight calls the Slack Web API. The Java SDK's client is blocking, so every call
 * runs on a worker and comes back as a {@link Future} on the caller's context. A 429 is waited out
 * on a timer ({@code Retry-After}) and retried a bounded number of times; {@code ok=false} fails
 * the future with Slack's error code.
 *
 * <p>Only the SDK's synchronous {@link MethodsClient} is used: it neither retries nor queues. The
 * SDK's rate limiter lives in its async client, which would otherwise wait on top of our retries.
 */
public final class SlackApi {

  private static final Logger log = LoggerFactory.getLogger(SlackApi.class);

  public static final String DEFAULT_URL = "https://slack.com/api/";
  public static final int DEFAULT_MAX_ATTEMPTS = 5;

  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  static final Duration READ_TIMEOUT = Duration.ofSeconds(10);
  static final Duration WRITE_TIMEOUT = Duration.ofSeconds(10);
  // Bounds one attempt end to end, so a worker thread is never held longer than this.
  static final Duration CALL_TIMEOUT = Duration.ofSeconds(20);
  // Slack asks for seconds, rarely a minute; a larger value is more likely a broken proxy.
  static final long MAX_RETRY_AFTER_SECONDS = 60;

  private final Vertx vertx;
  private final MethodsClient methods;
  private final String token;
  private final int maxAttempts;
  private final AtomicLong rateLimited = new AtomicLong();
  private final MeterRegistry meters;

  /** @param meters counts every request by Web API method, and the 429s among them */
  public SlackApi(Vertx vertx, Slack slack, String botToken, int maxAttempts, MeterRegistry meters) {
    if (botToken == null || botToken.isBlank()) {
      throw new IllegalArgumentException("a Slack bot token is required (SLACK_BOT_TOKEN)");
    }
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1");
    }
    this.vertx = vertx;
    this.methods = slack.methods(botToken);
    this.token = botToken;
    this.maxAttempts = maxAttempts;
    this.meters = meters;
  }

  public SlackApi(Vertx vertx, Slack slack, String botToken, int maxAttempts) {
    this(vertx, slack, botToken, maxAttempts, new CompositeMeterRegistry());
  }

  public SlackApi(Vertx vertx, Slack slack, String botToken, MeterRegistry meters) {
    this(vertx, slack, botToken, DEFAULT_MAX_ATTEMPTS, meters);
  }

  public SlackApi(Vertx vertx, Slack slack, String botToken) {
    this(vertx, slack, botToken, DEFAULT_MAX_ATTEMPTS);
  }

  /** A client for {@code apiUrl} ({@code SLACK_API_URL}) with our timeouts, also meant for Bolt's {@code App}. */
  public static Slack slack(String apiUrl) {
    SlackConfig config = new SlackConfig();
    config.setMethodsEndpointUrlPrefix(apiUrl.endsWith("/") ? apiUrl : apiUrl + "/");
    config.setHttpClientReadTimeoutMillis((int) READ_TIMEOUT.toMillis());
    config.setHttpClientWriteTimeoutMillis((int) WRITE_TIMEOUT.toMillis());
    config.setHttpClientCallTimeoutMillis((int) CALL_TIMEOUT.toMillis());
    // We count 429s ourselves; the SDK's statistics would only keep a second, unread copy.
    config.setStatsEnabled(false);
    // SlackConfig has no connect timeout; OkHttp's own default applies unless we set it here.
    OkHttpClient okHttp = SlackHttpClient.buildOkHttpClient(config).newBuilder()
        .connectTimeout(CONNECT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
        .build();
    SlackHttpClient http = new SlackHttpClient(okHttp);
    http.setConfig(config);
    return Slack.getInstance(config, http);
  }

  /**
   * Runs {@code call} on a worker. Fails with {@link SlackCallException} when Slack answers
   * {@code ok=false}, an HTTP error, or still 429 after the last attempt.
   *
   * @param method the Web API method the call makes, for logs and errors
   */
  public <T extends SlackApiTextResponse> Future<T> call(String method, SlackCall<T> call) {
    return attempt(method, call, 1);
  }

  /** Posts a message and answers its {@code ts}, the id every later edit needs. */
  public Future<String> postMessage(String channel, String text, List<LayoutBlock> blocks) {
    return call("chat.postMessage", m -> m.chatPostMessage(r -> r.channel(channel).text(text).blocks(blocks)))
        .map(ChatPostMessageResponse::getTs);
  }

  /** Posts plain text into a message's thread; answers the reply's {@code ts}. */
  public Future<String> postReply(String channel, String threadTs, String text) {
    return call("chat.postMessage", m -> m.chatPostMessage(r -> r.channel(channel).threadTs(threadTs).text(text)))
        .map(ChatPostMessageResponse::getTs);
  }

  /** A link to a message that opens it in Slack. */
  public Future<String> permalink(String channel, String ts) {
    return call("chat.getPermalink", m -> m.chatGetPermalink(r -> r.channel(channel).messageTs(ts)))
        .map(response -> response.getPermalink());
  }

  public Future<Void> update(String channel, String ts, String text, List<LayoutBlock> blocks) {
    return call("chat.update", m -> m.chatUpdate(r -> r.channel(channel).ts(ts).text(text).blocks(blocks)))
        .mapEmpty();
  }

  public Future<Void> postEphemeral(String channel, String user, String text) {
    return call("chat.postEphemeral", m -> m.chatPostEphemeral(r -> r.channel(channel).user(user).text(text)))
        .mapEmpty();
  }

  /** Opens a modal and answers its view id. */
  public Future<String> openView(String triggerId, View view) {
    return call("views.open", m -> m.viewsOpen(r -> r.triggerId(triggerId).view(view)))
        .map(ViewsOpenResponse::getView)
        .map(View::getId);
  }

  /** The user ids in a user group ({@code S…}), e.g. the approvers of a role. */
  public Future<List<String>> userGroupMembers(String groupId) {
    return call("usergroups.users.list", m -> m.usergroupsUsersList(r -> r.usergroup(groupId)))
        .map(response -> response.getUsers() == null ? List.<String>of() : List.copyOf(response.getUsers()));
  }

  /** Who the token belongs to; also the cheapest proof that Slack is reachable. */
  public Future<AuthTestResponse> authTest() {
    return call("auth.test", m -> m.authTest(r -> r));
  }

  /** How many 429 answers Slack gave since this client was built. */
  public long rateLimitedCount() {
    return rateLimited.get();
  }

  private <T extends SlackApiTextResponse> Future<T> attempt(String method, SlackCall<T> call, int attempt) {
    meters.counter("preflight.slack.api.calls", "method", method).increment();
    return vertx.executeBlocking(() -> call.call(methods), false)
        .transform(done -> done.succeeded()
            ? accept(method, done.result())
            : retryOrFail(method, call, attempt, done.cause()));
  }

  private <T extends SlackApiTextResponse> Future<T> accept(String method, T response) {
    if (response == null) {
      return Future.failedFuture(new SlackCallException(method, "empty_response", null));
    }
    if (!response.isOk()) {
      return Future.failedFuture(new SlackCallException(method, response.getError(), response.getNeeded()));
    }
    return Future.succeededFuture(response);
  }

  private <T extends SlackApiTextResponse> Future<T> retryOrFail(
      String method, SlackCall<T> call, int attempt, Throwable cause) {
    if (!(cause instanceof SlackApiException apiError) || apiError.getResponse() == null) {
      return Future.failedFuture(new SlackCallException(method, SlackCallException.UNREACHABLE, redact(cause.toString())));
    }
    int status = apiError.getResponse().code();
    if (status != 429) {
      String error = apiError.getError() == null ? null : apiError.getError().getError();
      return Future.failedFuture(new SlackCallException(method, "http_" + status, redact(error)));
    }
    rateLimited.incrementAndGet();
    meters.counter("preflight.slack.api.rate_limited", "method", method).increment();
    if (attempt >= maxAttempts) {
      return Future.failedFuture(new SlackCallException(method, SlackCallException.RATE_LIMITED,
          "still rate-limited after " + attempt + " attempts"));
    }
    long seconds = retryAfterSeconds(apiError.getResponse().header("Retry-After"));
    log.info("Slack rate-limited {}; retrying in {} s (attempt {} of {})", method, seconds, attempt + 1, maxAttempts);
    return delay(seconds).compose(v -> attempt(method, call, attempt + 1));
  }

  private Future<Void> delay(long seconds) {
    Promise<Void> elapsed = Promise.promise();
    vertx.setTimer(Math.max(1, TimeUnit.SECONDS.toMillis(seconds)), id -> elapsed.complete());
    return elapsed.future();
  }

  static long retryAfterSeconds(String header) {
    try {
      long seconds = Long.parseLong(header == null ? "" : header.trim());
      return Math.min(Math.max(seconds, 1), MAX_RETRY_AFTER_SECONDS);
    } catch (NumberFormatException e) {
      return 1;
    }
  }

  private String redact(String text) {
    return text == null ? null : text.replace(token, "•••");
  }
}
