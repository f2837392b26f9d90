package dev.preflight.handlers.slack;

import com.slack.api.Slack;
import com.slack.api.SlackConfig;
import com.slack.api.methods.MethodsClient;
import com.slack.api.methods.SlackApiException;
import com.slack.api.methods.SlackApiTextResponse;
import com.slack.api.methods.response.auth.AuthTestResponse;
import com.slack.api.methods.response.chat.ChatPostMessageResponse;
import com.slack.api.methods.response.views.ViewsOpenResponse;
import com.slack.api.model.Message;
import com.slack.api.model.block.LayoutBlock;
import com.slack.api.model.view.View;
import com.slack.api.util.http.SlackHttpClient;
import dev.preflight.checklists.time.Spans;
import dev.preflight.deploy.http.RetryAfter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way Preflight calls the Slack Web API, under one policy for every method. The Java
 * SDK's client is blocking, so every call runs on a worker and comes back as a {@link Future} on
 * the caller's context.
 *
 * <ul>
 *   <li>Every call first takes a slot of its method's {@link SlackBudget}, shared by the process.
 *   <li>One attempt is bounded by {@link #CALL_TIMEOUT} (connect {@link #CONNECT_TIMEOUT}).
 *   <li>A 5xx, a timeout, a connection error, or Slack's own {@code internal_error}-style codes
 *       are retried after a capped exponential backoff with full jitter; a 429 after its
 *       {@code Retry-After}. Every retry takes a new slot.
 *   <li>It gives up after {@link Policy#maxAttempts} attempts or once the next wait would end
 *       after {@link Policy#giveUpAfter} since the first, whichever comes first, and fails with
 *       the last error.
 *   <li>An answer that cannot change by asking again ({@code invalid_auth},
 *       {@code channel_not_found}, {@code message_not_found}, …) fails at once.
 * </ul>
 *
 * <p>Only the SDK's synchronous {@link MethodsClient} is used: it neither retries nor queues. The
 * SDK's rate limiter lives in its async client, which would otherwise wait on top of ours.
 */
public final class SlackApi {

  private static final Logger log = LoggerFactory.getLogger(SlackApi.class);

  public static final String DEFAULT_URL = "https://slack.com/api/";
  public static final int DEFAULT_MAX_ATTEMPTS = 8;

  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  static final Duration READ_TIMEOUT = Duration.ofSeconds(10);
  static final Duration WRITE_TIMEOUT = Duration.ofSeconds(10);
  // Bounds one attempt end to end, so a worker thread is never held longer than this.
  static final Duration CALL_TIMEOUT = Duration.ofSeconds(20);
  // Slack asks for seconds, rarely a minute; a larger value is more likely a broken proxy.
  static final long MAX_RETRY_AFTER_SECONDS = 60;

  /**
   * How long a call keeps trying.
   *
   * @param maxAttempts attempts in all, the first included
   * @param firstBackoff the wait after the first failure; it doubles after each further one
   * @param maxBackoff the cap of that doubling
   * @param giveUpAfter no retry starts later than this after the first attempt
   */
  public record Policy(int maxAttempts, Duration firstBackoff, Duration maxBackoff, Duration giveUpAfter) {

    /** Eight attempts, 0.5 s doubling up to 15 s, within two minutes. */
    public static final Policy DEFAULT = new Policy(DEFAULT_MAX_ATTEMPTS, Duration.ofMillis(500),
        Duration.ofSeconds(15), Duration.ofMinutes(2));

    public Policy {
      if (maxAttempts < 1) {
        throw new IllegalArgumentException("maxAttempts must be at least 1");
      }
    }

    /** One attempt only: for a call whose caller has its own way to find out whether it landed. */
    public Policy once() {
      return new Policy(1, firstBackoff, maxBackoff, giveUpAfter);
    }

    /** Full jitter: uniformly up to the capped exponential backoff of this retry. */
    public long backoffMillis(int failedAttempts) {
      long cap = maxBackoff.toMillis();
      long exponential = firstBackoff.toMillis() << Math.min(failedAttempts - 1, 20);
      long ceiling = Math.max(1, Math.min(cap, exponential));
      return 1 + java.util.concurrent.ThreadLocalRandom.current().nextLong(ceiling);
    }
  }

  private final Vertx vertx;
  private final MethodsClient methods;
  private final String token;
  private final Policy policy;
  private final SlackBudget budget;
  private final AtomicLong rateLimited = new AtomicLong();
  private final MeterRegistry meters;
  private ResponseUrls responseUrls;

  /**
   * @param budget the process's one rate budget; every client of the process must share it
   * @param meters counts every request by Web API method, the 429s and the retries among them
   */
  public SlackApi(Vertx vertx, Slack slack, String botToken, Policy policy, SlackBudget budget, MeterRegistry meters) {
    if (botToken == null || botToken.isBlank()) {
      throw new IllegalArgumentException("a Slack bot token is required (SLACK_BOT_TOKEN)");
    }
    this.vertx = vertx;
    this.methods = SlackMethods.of(slack, botToken);
    this.token = botToken;
    this.policy = policy;
    this.budget = budget;
    this.meters = meters;
  }

  public SlackApi(Vertx vertx, Slack slack, String botToken, int maxAttempts, MeterRegistry meters) {
    this(vertx, slack, botToken, new Policy(maxAttempts, Policy.DEFAULT.firstBackoff(), Policy.DEFAULT.maxBackoff(),
        Policy.DEFAULT.giveUpAfter()), new SlackBudget(vertx, 1), meters);
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

  /** The budget every call of this client spends. */
  public SlackBudget budget() {
    return budget;
  }

  /**
   * Runs {@code call} on a worker as an answer to a user. Fails with {@link SlackCallException}
   * when Slack answers {@code ok=false}, an HTTP error, or still fails after the policy's retries.
   *
   * @param method the Web API method the call makes, for logs, errors and its budget
   */
  public <T extends SlackApiTextResponse> Future<T> call(String method, SlackCall<T> call) {
    return call(method, null, SlackBudget.Priority.ANSWER, policy, call);
  }

  /**
   * As {@link #call(String, SlackCall)}, with the call's place in the budget and its own policy.
   *
   * @param channel the channel of a {@code chat.postMessage}, whose budget is per channel
   */
  public <T extends SlackApiTextResponse> Future<T> call(String method, String channel, SlackBudget.Priority priority,
      Policy policy, SlackCall<T> call) {
    return attempt(new Attempt<>(method, channel, priority, policy, () -> Future.succeededFuture(call)), 1);
  }

  /**
   * As {@link #call(String, String, SlackBudget.Priority, Policy, SlackCall)}, but the call is
   * built by {@code prepare} only once its budget slot is granted, so what it sends is read as
   * late as possible (an edit that waited its turn shows the newest state, not the one of when it
   * asked). Retries send the same call again. A {@code prepare} that answers null sends nothing,
   * and the result is null.
   */
  public <T extends SlackApiTextResponse> Future<T> prepared(String method, String channel,
      SlackBudget.Priority priority, Policy policy, Supplier<Future<SlackCall<T>>> prepare) {
    return attempt(new Attempt<>(method, channel, priority, policy, prepare), 1);
  }

  /** The policy calls use unless they bring their own. */
  public Policy policy() {
    return policy;
  }

  /** Posts a message and answers its {@code ts}, the id every later edit needs. */
  public Future<String> postMessage(String channel, String text, List<LayoutBlock> blocks) {
    return call("chat.postMessage", channel, SlackBudget.Priority.ANSWER, policy,
        m -> m.chatPostMessage(r -> r.channel(channel).text(text).blocks(blocks)))
        .map(ChatPostMessageResponse::getTs);
  }

  /** Posts plain text into a message's thread; answers the reply's {@code ts}. */
  public Future<String> postReply(String channel, String threadTs, String text) {
    return call("chat.postMessage", channel, SlackBudget.Priority.PROGRESS, policy,
        m -> m.chatPostMessage(r -> r.channel(channel).threadTs(threadTs).text(text)))
        .map(ChatPostMessageResponse::getTs);
  }

  /** A link to a message that opens it in Slack. */
  public Future<String> permalink(String channel, String ts) {
    return call("chat.getPermalink", m -> m.chatGetPermalink(r -> r.channel(channel).messageTs(ts)))
        .map(response -> response.getPermalink());
  }

  public Future<Void> update(String channel, String ts, String text, List<LayoutBlock> blocks) {
    return update(channel, ts, text, blocks, SlackBudget.Priority.ANSWER);
  }

  /** Edits a message in place, waiting for the budget behind calls of a higher priority. */
  public Future<Void> update(String channel, String ts, String text, List<LayoutBlock> blocks,
      SlackBudget.Priority priority) {
    return call("chat.update", channel, priority, policy,
        m -> m.chatUpdate(r -> r.channel(channel).ts(ts).text(text).blocks(blocks)))
        .mapEmpty();
  }

  /**
   * The {@code ts} of the newest message of the channel since {@code oldest} that carries
   * metadata of {@code eventType} with {@code key} equal to {@code value}, if any. Reads up to 200
   * messages: enough for the minutes between a post and its lookup.
   */
  public Future<java.util.Optional<String>> findTagged(String channel, java.time.Instant oldest, String eventType,
      String key, String value) {
    String since = oldest.getEpochSecond() + "." + "%06d".formatted(oldest.getNano() / 1000);
    return call("conversations.history", channel, SlackBudget.Priority.FINAL, policy,
        m -> m.conversationsHistory(r -> r.channel(channel).oldest(since).limit(200).includeAllMetadata(true)))
        .map(history -> history.getMessages() == null ? java.util.Optional.<String>empty()
            : history.getMessages().stream()
                .filter(message -> message.getMetadata() != null
                    && eventType.equals(message.getMetadata().getEventType())
                    && message.getMetadata().getEventPayload() != null
                    && value.equals(String.valueOf(message.getMetadata().getEventPayload().get(key))))
                .map(Message::getTs)
                .findFirst());
  }

  public Future<Void> postEphemeral(String channel, String user, String text) {
    return postEphemeral(channel, user, text, List.of());
  }

  /** An ephemeral with blocks; none when {@code blocks} is empty. */
  public Future<Void> postEphemeral(String channel, String user, String text, List<LayoutBlock> blocks) {
    return call("chat.postEphemeral", m -> m.chatPostEphemeral(r -> r.channel(channel).user(user).text(text)
            .blocks(blocks.isEmpty() ? null : blocks)))
        .mapEmpty();
  }

  /**
   * Sends {@code text} to {@code user} in their direct conversation with the bot, opening it
   * first ({@code conversations.open}); answers the message's {@code ts}. For answers that have
   * nowhere else to go.
   */
  public Future<String> directMessage(String user, String text) {
    return directMessage(user, text, List.of());
  }

  /** As {@link #directMessage(String, String)}, with blocks; none when {@code blocks} is empty. */
  public Future<String> directMessage(String user, String text, List<LayoutBlock> blocks) {
    return call("conversations.open", m -> m.conversationsOpen(r -> r.users(List.of(user))))
        .compose(opened -> postMessage(opened.getChannel().getId(), text, blocks.isEmpty() ? null : blocks));
  }

  /** The client that answers through {@code response_url}s, under this client's retry policy. */
  public synchronized ResponseUrls responseUrls() {
    if (responseUrls == null) {
      responseUrls = new ResponseUrls(vertx, policy);
    }
    return responseUrls;
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

  /** One call through its attempts: what it is, and what it sends once prepared. */
  private static final class Attempt<T> {
    final String method;
    final String channel;
    final SlackBudget.Priority priority;
    final Policy policy;
    final Supplier<Future<SlackCall<T>>> prepare;
    final long startedNanos = System.nanoTime();
    Future<SlackCall<T>> prepared;

    Attempt(String method, String channel, SlackBudget.Priority priority, Policy policy,
        Supplier<Future<SlackCall<T>>> prepare) {
      this.method = method;
      this.channel = channel;
      this.priority = priority;
      this.policy = policy;
      this.prepare = prepare;
    }

    Future<SlackCall<T>> call() {
      if (prepared == null) {
        prepared = prepare.get();
      }
      return prepared;
    }
  }

  private <T extends SlackApiTextResponse> Future<T> attempt(Attempt<T> a, int attempt) {
    return budget.acquire(a.method, a.channel, a.priority).compose(slot -> a.call()
        .onFailure(e -> slot.unused())
        .compose(call -> call == null ? unused(slot) : send(a, slot, call)))
        .recover(e -> retryOrFail(a, attempt, e));
  }

  private static <T> Future<T> unused(SlackBudget.Slot slot) {
    slot.unused();
    return Future.succeededFuture();
  }

  private <T extends SlackApiTextResponse> Future<T> send(Attempt<T> a, SlackBudget.Slot slot, SlackCall<T> call) {
    meters.counter("preflight.slack.api.calls", "method", a.method).increment();
    return vertx.executeBlocking(() -> call.call(methods), false)
        .andThen(done -> slot.release())
        .transform(done -> done.succeeded() ? accept(a.method, done.result())
            : Future.failedFuture(failure(a.method, done.cause())));
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

  /** What went wrong below Slack's {@code ok} field, as one classified exception. */
  private SlackCallException failure(String method, Throwable cause) {
    if (!(cause instanceof SlackApiException apiError) || apiError.getResponse() == null) {
      return new SlackCallException(method, SlackCallException.UNREACHABLE, redact(cause.toString()));
    }
    int status = apiError.getResponse().code();
    if (status == 429) {
      return new SlackCallException(method, SlackCallException.RATE_LIMITED, null,
          retryAfterSeconds(apiError.getResponse().header("Retry-After")));
    }
    String error = apiError.getError() == null ? null : apiError.getError().getError();
    return new SlackCallException(method, "http_" + status, redact(error));
  }

  private <T extends SlackApiTextResponse> Future<T> retryOrFail(Attempt<T> a, int attempt, Throwable cause) {
    if (!(cause instanceof SlackCallException failure) || !failure.retryable()) {
      return Future.failedFuture(cause);
    }
    if (failure.rateLimited()) {
      rateLimited.incrementAndGet();
      meters.counter("preflight.slack.api.rate_limited", "method", a.method).increment();
    }
    long waitMillis = failure.rateLimited()
        ? TimeUnit.SECONDS.toMillis(failure.retryAfterSeconds())
        : a.policy.backoffMillis(attempt);
    long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - a.startedNanos);
    if (attempt >= a.policy.maxAttempts() || elapsedMillis + waitMillis > a.policy.giveUpAfter().toMillis()) {
      return Future.failedFuture(failure.givenUp(attempt));
    }
    meters.counter("preflight.slack.api.retries", "method", a.method).increment();
    log.info("Slack {} failed ({}); retrying in {} (attempt {} of {})", a.method, failure.error(),
        Spans.format(Duration.ofMillis(waitMillis)), attempt + 1, a.policy.maxAttempts());
    return delay(waitMillis).compose(v -> attempt(a, attempt + 1));
  }

  private Future<Void> delay(long millis) {
    Promise<Void> elapsed = Promise.promise();
    vertx.setTimer(Math.max(1, millis), id -> elapsed.complete());
    return elapsed.future();
  }

  /** Slack's wait in whole seconds, at least one; a second when it named none. */
  static long retryAfterSeconds(String header) {
    Duration second = Duration.ofSeconds(1);
    return RetryAfter.parse(header, Instant.now(), second, Duration.ofSeconds(MAX_RETRY_AFTER_SECONDS))
        .orElse(second).toSeconds();
  }

  private String redact(String text) {
    return text == null ? null : text.replace(token, "•••");
  }
}
