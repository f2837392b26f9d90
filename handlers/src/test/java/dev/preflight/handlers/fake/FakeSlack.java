package dev.preflight.handlers.fake;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Predicate;

/**
 * A local Slack Web API for tests: a Vert.x HTTP server on 127.0.0.1 with a random port that
 * answers {@code /api/<method>} the way Slack does, for the methods Preflight uses, and records
 * every call. Point {@code SLACK_API_URL} (or {@code SlackApi.slack(url)}) at {@link #url()}.
 *
 * <p>It keeps the messages it was sent, so {@code chat.update} of an unknown {@code ts} fails with
 * {@code message_not_found} as in Slack, and {@link #message} shows what a user would now see.
 * Posts to a {@code response_url} built by {@link #responseUrl} are recorded too. A post with a
 * {@code thread_ts} is a reply in that thread ({@link #replies}), not a new message of the channel
 * ({@link #messages(String)}); opened views and private answers are kept for asserts as well.
 *
 * <p>Faults as Slack has them: scripted 429s ({@link #rateLimitNext}), an outage of a method
 * answering a 5xx until it is lifted ({@link #outage}), and Slack's rate-limit tiers enforced
 * over a sliding window ({@link #enforceTiers}), each answering 429 with {@code Retry-After}.
 *
 * <p>Tests wait with {@link #awaitCall}, never by sleeping. Thread-safe: the server records on its
 * event loop while tests read from theirs.
 */
public final class FakeSlack {

  public static final String TEAM_ID = SlackRequests.TEAM_ID;
  public static final String BOT_USER_ID = "U0PREFLIGHT";
  public static final String BOT_ID = "B0PREFLIGHT";

  private static final Set<String> JSON_FIELDS = Set.of("blocks", "view", "attachments", "metadata");

  private record Waiter(String key, Predicate<JsonObject> match, Promise<JsonObject> promise) {}

  private HttpServer server;
  private Vertx vertx;

  // Guarded by this.
  private final Map<String, List<JsonObject>> calls = new HashMap<>();
  private final List<Waiter> waiters = new ArrayList<>();
  private final Map<String, Integer> rateLimited = new HashMap<>();
  private final Map<String, List<String>> failures = new HashMap<>();
  private final Map<String, String> refusedChannels = new HashMap<>();
  private final Map<String, List<String>> userGroups = new HashMap<>();
  // response_url ids that Slack no longer takes (expired after 30 minutes), and how often each was used.
  private final Set<String> expiredResponseUrls = new java.util.HashSet<>();
  private final Map<String, Integer> responseUrlUses = new HashMap<>();
  private final Map<String, JsonObject> messages = new HashMap<>();
  private final List<JsonObject> views = new ArrayList<>();
  private long lastTs;
  private int lastView;
  // Files shared through files.getUploadURLExternal, the upload and files.completeUploadExternal.
  private final Map<String, FileUpload> uploads = new java.util.LinkedHashMap<>();
  private final List<String> fileFlow = new ArrayList<>();
  private int lastFile;
  // Methods answered by other fakes (Socket Mode's apps.connections.open): params and token in, answer out.
  private final Map<String, BiFunction<JsonObject, String, JsonObject>> extraMethods = new HashMap<>();

  // Methods whose next calls are carried out but answered with a 500, as when the answer is lost.
  private final Map<String, Integer> lostAnswers = new HashMap<>();
  // Methods whose answers are held back this long, as from a slow Slack.
  private final Map<String, Long> delays = new HashMap<>();
  // Statuses the next uploads of file bytes are answered with, instead of taking them.
  private final List<Integer> uploadFailures = new ArrayList<>();
  // Methods answering an HTTP error status until the outage is lifted.
  private final Map<String, Integer> outages = new HashMap<>();
  // Tier enforcement: the minute the tiers count in (null: not enforced), accepted calls per bucket.
  private java.time.Duration tierMinute;
  private final Map<String, java.util.ArrayDeque<Long>> tierWindows = new HashMap<>();
  private int answered429;
  // When each message was edited, in nanoTime, for "no more than one edit a second".
  private final Map<String, List<Long>> editTimes = new HashMap<>();

  /**
   * Slack's published tiers, in calls a minute: Tier 2 20, Tier 3 50, Tier 4 100; a method not
   * listed counts as Tier 3. chat.postMessage is special: about one a second per channel, with
   * short bursts, taken here as three in any three seconds.
   */
  private static final Map<String, Integer> TIERS = Map.ofEntries(
      Map.entry("chat.update", 50),
      Map.entry("chat.postEphemeral", 100),
      Map.entry("chat.getPermalink", 100),
      Map.entry("views.open", 100),
      Map.entry("views.publish", 100),
      Map.entry("views.update", 100),
      Map.entry("views.push", 100),
      Map.entry("files.getUploadURLExternal", 100),
      Map.entry("files.completeUploadExternal", 100),
      Map.entry("conversations.history", 50),
      Map.entry("usergroups.users.list", 20),
      Map.entry("auth.test", 100));

  private FakeSlack() {
  }

  /** Starts a fake on 127.0.0.1 with a random free port. */
  public static Future<FakeSlack> start(Vertx vertx) {
    FakeSlack fake = new FakeSlack();
    fake.vertx = vertx;
    return vertx.createHttpServer()
        .requestHandler(fake::serve)
        .listen(0, "127.0.0.1")
        .map(server -> {
          fake.server = server;
          return fake;
        });
  }

  public Future<Void> close() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  public int port() {
    return server.actualPort();
  }

  /** The Web API base URL, {@code http://127.0.0.1:PORT/api/}. */
  public String url() {
    return "http://127.0.0.1:" + port() + "/api/";
  }

  /** A {@code response_url} whose posts are recorded under {@code id}. */
  public String responseUrl(String id) {
    return "http://127.0.0.1:" + port() + "/response/" + id;
  }

  // ---- what tests read -------------------------------------------------------------------------

  /**
   * Every call of {@code method} received so far, oldest first, including those answered with an
   * error or a 429. Each is the call's parameters, form or JSON, with {@code blocks} and
   * {@code view} parsed into JSON and the token left out.
   */
  public synchronized List<JsonObject> calls(String method) {
    return List.copyOf(calls.getOrDefault(method, List.of()));
  }

  /** Completes with the first call of {@code method} matching {@code match}, already received or yet to come. */
  public Future<JsonObject> awaitCall(String method, Predicate<JsonObject> match) {
    return await(method, match);
  }

  public Future<JsonObject> awaitCall(String method) {
    return await(method, params -> true);
  }

  /** Bodies posted to {@link #responseUrl responseUrl(id)}. */
  public synchronized List<JsonObject> responses(String id) {
    return calls("response:" + id);
  }

  /** Bodies posted to every response_url whose id starts with {@code idPrefix}, grouped by id. */
  public synchronized List<JsonObject> responsesTo(String idPrefix) {
    return calls.entrySet().stream()
        .filter(e -> e.getKey().startsWith("response:" + idPrefix))
        .sorted(Map.Entry.comparingByKey())
        .flatMap(e -> e.getValue().stream())
        .toList();
  }

  public Future<JsonObject> awaitResponse(String id, Predicate<JsonObject> match) {
    return await("response:" + id, match);
  }

  /**
   * From now on posts to {@link #responseUrl responseUrl(id)} are refused as Slack refuses an
   * expired one (HTTP 404, {@code expired_url}) and kept out of {@link #responses}.
   */
  public synchronized FakeSlack expireResponseUrl(String id) {
    expiredResponseUrls.add(id);
    return this;
  }

  /** The direct conversation {@code conversations.open} answers for {@code userId}. */
  public static String dmChannel(String userId) {
    return "D" + userId.substring(1);
  }

  /** The messages the bot sent {@code userId} in their direct conversation, oldest first. */
  public List<JsonObject> directMessages(String userId) {
    return messages(dmChannel(userId));
  }

  /** The message as it stands now ({@code text}, {@code blocks}, …), after every update. */
  public synchronized Optional<JsonObject> message(String channel, String ts) {
    return Optional.ofNullable(messages.get(channel + "/" + ts)).map(JsonObject::copy);
  }

  /**
   * The channel's messages that are not thread replies, oldest first, as they stand now. A
   * thread's parent is listed; its replies are in {@link #replies}.
   */
  public synchronized List<JsonObject> messages(String channel) {
    return messages.entrySet().stream()
        .filter(e -> e.getKey().startsWith(channel + "/"))
        .map(Map.Entry::getValue)
        .filter(message -> !isReply(message))
        .sorted(java.util.Comparator.comparing((JsonObject m) -> m.getString("ts")))
        .map(JsonObject::copy)
        .toList();
  }

  /** The replies posted in the thread of {@code threadTs}, oldest first. */
  public synchronized List<JsonObject> replies(String channel, String threadTs) {
    return messages.entrySet().stream()
        .filter(e -> e.getKey().startsWith(channel + "/"))
        .map(Map.Entry::getValue)
        .filter(message -> isReply(message) && threadTs.equals(message.getString("thread_ts")))
        .sorted(java.util.Comparator.comparing((JsonObject m) -> m.getString("ts")))
        .map(JsonObject::copy)
        .toList();
  }

  /** Every view opened with {@code views.open}, oldest first, as Slack answered it (with its id). */
  public synchronized List<JsonObject> openedViews() {
    return views.stream().map(JsonObject::copy).toList();
  }

  /** The {@code chat.postEphemeral} calls addressed to {@code userId} (channel, text, blocks), oldest first. */
  public synchronized List<JsonObject> ephemerals(String userId) {
    return calls("chat.postEphemeral").stream().filter(call -> userId.equals(call.getString("user"))).toList();
  }

  // ---- how tests script it -----------------------------------------------------------------------

  /** Answers the next {@code times} calls of {@code method} with HTTP 429 and {@code Retry-After: 1}. */
  public synchronized FakeSlack rateLimitNext(String method, int times) {
    rateLimited.merge(method, times, Integer::sum);
    return this;
  }

  /** Answers every call of {@code method} with HTTP {@code status} (e.g. 500) until {@link #endOutage}. */
  public synchronized FakeSlack outage(String method, int status) {
    outages.put(method, status);
    return this;
  }

  public synchronized FakeSlack endOutage(String method) {
    outages.remove(method);
    return this;
  }

  /** Answers the next upload of a file's bytes with HTTP {@code status}, keeping nothing. */
  public synchronized FakeSlack failNextUpload(int status) {
    uploadFailures.add(status);
    return this;
  }

  /** Carries out the next call of {@code method} but answers it with a 500, as if the answer was lost. */
  public synchronized FakeSlack loseNextAnswer(String method) {
    lostAnswers.merge(method, 1, Integer::sum);
    return this;
  }

  /** Carries out calls of {@code method} at once but holds their answers back for {@code millis}. */
  public synchronized FakeSlack delayAnswers(String method, long millis) {
    delays.put(method, millis);
    return this;
  }

  /**
   * Enforces Slack's tiers from now on, counting calls in a sliding window of {@code minute} (a
   * real minute, or a shorter one that scales every tier alike); a call beyond its tier gets a
   * 429 with {@code Retry-After}, and does not count.
   */
  public synchronized FakeSlack enforceTiers(java.time.Duration minute) {
    tierMinute = minute;
    return this;
  }

  /** How many 429s the fake answered, scripted or by its tiers. */
  public synchronized int rateLimitedAnswers() {
    return answered429;
  }

  /** When each successful edit of the message arrived, in {@link System#nanoTime()}, oldest first. */
  public synchronized List<Long> editTimes(String channel, String ts) {
    return List.copyOf(editTimes.getOrDefault(channel + "/" + ts, List.of()));
  }

  /** The most {@code chat.update}s of one message that fall within any one second, as the fan-out benchmark counts. */
  public synchronized int mostEditsInAnySecond(String channel, String ts) {
    List<Long> nanos = editTimes(channel, ts);
    long second = java.util.concurrent.TimeUnit.SECONDS.toNanos(1);
    int best = 0;
    int from = 0;
    for (int to = 0; to < nanos.size(); to++) {
      while (nanos.get(to) - nanos.get(from) >= second) {
        from++;
      }
      best = Math.max(best, to - from + 1);
    }
    return best;
  }

  /** Answers the next call of {@code method} with {@code {"ok":false,"error":error}}. */
  public synchronized FakeSlack failNext(String method, String error) {
    failures.computeIfAbsent(method, m -> new ArrayList<>()).add(error);
    return this;
  }

  /**
   * Makes Slack refuse every post and edit in {@code channel} with {@code error}
   * ({@code channel_not_found}, {@code not_in_channel}, {@code is_archived}, …), as it does for a
   * channel that does not exist, the bot is not in, or that was archived; until {@link #acceptChannel}.
   */
  public synchronized FakeSlack refuseChannel(String channel, String error) {
    refusedChannels.put(channel, error);
    return this;
  }

  public synchronized FakeSlack acceptChannel(String channel) {
    refusedChannels.remove(channel);
    return this;
  }

  /** Sets who {@code usergroups.users.list} says is in {@code groupId}; unknown groups get {@code no_such_subteam}. */
  public synchronized FakeSlack userGroup(String groupId, List<String> userIds) {
    userGroups.put(groupId, List.copyOf(userIds));
    return this;
  }

  /**
   * A file shared the way Slack's current flow does it: {@code files.getUploadURLExternal}, the
   * bytes posted to the upload URL, then {@code files.completeUploadExternal}. {@code bytes} is
   * null until the upload; {@code channelId}, {@code threadTs} and {@code title} until completed.
   */
  public record SharedFile(String id, String filename, int length, byte[] bytes, String title, String channelId,
      String threadTs) {

    public boolean completed() {
      return channelId != null;
    }

    public String text() {
      return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }
  }

  /** Every file Slack handed an upload URL for, in that order. */
  public synchronized List<SharedFile> files() {
    return uploads.values().stream().map(FileUpload::snapshot).toList();
  }

  /** The completed files shared into the thread of {@code threadTs}, oldest first. */
  public synchronized List<SharedFile> filesInThread(String channel, String threadTs) {
    return files().stream()
        .filter(file -> channel.equals(file.channelId()) && threadTs.equals(file.threadTs()))
        .toList();
  }

  /**
   * The file steps as the fake saw them, in order across all files:
   * {@code files.getUploadURLExternal <id>}, {@code upload <id>}, {@code files.completeUploadExternal <id>}.
   */
  public synchronized List<String> fileFlow() {
    return List.copyOf(fileFlow);
  }

  private static final class FileUpload {
    final String id;
    final String filename;
    final int length;
    byte[] bytes;
    String title;
    String channelId;
    String threadTs;

    FileUpload(String id, String filename, int length) {
      this.id = id;
      this.filename = filename;
      this.length = length;
    }

    SharedFile snapshot() {
      return new SharedFile(id, filename, length, bytes == null ? null : bytes.clone(), title, channelId, threadTs);
    }
  }

  private JsonObject uploadUrl(JsonObject params) {
    String filename = params.getString("filename");
    int length;
    try {
      length = Integer.parseInt(params.getString("length", ""));
    } catch (NumberFormatException e) {
      return error("invalid_arguments");
    }
    if (filename == null || filename.isBlank() || length <= 0) {
      return error("invalid_arguments");
    }
    String id = "F%09d".formatted(++lastFile);
    uploads.put(id, new FileUpload(id, filename, length));
    fileFlow.add("files.getUploadURLExternal " + id);
    return ok().put("upload_url", "http://127.0.0.1:" + port() + "/upload/" + id).put("file_id", id);
  }

  private void receiveUpload(HttpServerRequest request, String id, Buffer body) {
    synchronized (this) {
      FileUpload upload = uploads.get(id);
      if (upload == null) {
        request.response().setStatusCode(404).end("file_not_found");
        return;
      }
      if (!uploadFailures.isEmpty()) {
        int status = uploadFailures.remove(0);
        fileFlow.add("upload " + id + " answered " + status);
        request.response().setStatusCode(status).end("upstream trouble");
        return;
      }
      upload.bytes = body.getBytes();
      fileFlow.add("upload " + id);
    }
    request.response().setStatusCode(200).putHeader(HttpHeaders.CONTENT_TYPE, "text/plain")
        .end("OK - " + body.length());
  }

  private JsonObject completeUpload(JsonObject params) {
    Object raw = params.getValue("files");
    JsonArray listed;
    try {
      listed = raw instanceof JsonArray array ? array : new JsonArray(String.valueOf(raw));
    } catch (DecodeException e) {
      return error("invalid_arguments");
    }
    if (listed.isEmpty()) {
      return error("invalid_arguments");
    }
    List<FileUpload> completing = new ArrayList<>();
    for (int i = 0; i < listed.size(); i++) {
      FileUpload upload = uploads.get(listed.getJsonObject(i).getString("id"));
      // As Slack: a file whose bytes never arrived cannot be completed.
      if (upload == null || upload.bytes == null) {
        return error("file_not_found");
      }
      completing.add(upload);
    }
    String channel = params.getString("channel_id");
    JsonArray done = new JsonArray();
    for (int i = 0; i < completing.size(); i++) {
      FileUpload upload = completing.get(i);
      upload.title = listed.getJsonObject(i).getString("title", upload.filename);
      upload.channelId = channel;
      upload.threadTs = params.getString("thread_ts");
      fileFlow.add("files.completeUploadExternal " + upload.id);
      done.add(new JsonObject().put("id", upload.id).put("name", upload.filename).put("title", upload.title));
    }
    return ok().put("files", done);
  }

  /**
   * Answers {@code method} with {@code answer.apply(params, token)}, the token being the one the
   * caller sent (form field or bearer header); for fakes of further Slack features that share this
   * Web API URL, such as {@link FakeSocketMode}'s {@code apps.connections.open}.
   */
  public synchronized FakeSlack answer(String method, BiFunction<JsonObject, String, JsonObject> answer) {
    extraMethods.put(method, answer);
    return this;
  }

  private synchronized BiFunction<JsonObject, String, JsonObject> extraMethod(String method) {
    return extraMethods.get(method);
  }

  // ---- the server ------------------------------------------------------------------------------

  private void serve(HttpServerRequest request) {
    request.body().onSuccess(body -> {
      String path = request.path();
      if (path.startsWith("/api/")) {
        api(request, path.substring("/api/".length()), body);
      } else if (path.startsWith("/upload/") && "POST".equals(request.method().name())) {
        receiveUpload(request, path.substring("/upload/".length()), body);
      } else if (path.startsWith("/response/") && "POST".equals(request.method().name())) {
        JsonObject posted;
        try {
          posted = parse(request, body);
        } catch (DecodeException e) {
          request.response().setStatusCode(400).end("invalid_payload");
          return;
        }
        String id = path.substring("/response/".length());
        String refused = useResponseUrl(id);
        if (refused != null) {
          record("response-refused:" + id, posted);
          json(request, 404, error(refused));
          return;
        }
        record("response:" + id, posted);
        json(request, 200, new JsonObject().put("ok", true));
      } else {
        request.response().setStatusCode(404).end();
      }
    });
  }

  /** Null when a post to response_url {@code id} is taken; else Slack's error: expired, or used five times. */
  private synchronized String useResponseUrl(String id) {
    if (expiredResponseUrls.contains(id)) {
      return "expired_url";
    }
    return responseUrlUses.merge(id, 1, Integer::sum) > 5 ? "used_url" : null;
  }

  private void api(HttpServerRequest request, String method, Buffer body) {
    JsonObject params;
    try {
      params = parse(request, body);
    } catch (DecodeException e) {
      record(method, new JsonObject());
      json(request, 200, error("invalid_json"));
      return;
    }
    Object token = params.remove("token");
    String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
    boolean authed = token != null || (authorization != null && authorization.startsWith("Bearer "));
    record(method, params);
    long retryAfter = takeRateLimit(method) ? 1 : overTier(method, params);
    if (retryAfter > 0) {
      request.response().putHeader("Retry-After", String.valueOf(retryAfter));
      json(request, 429, error("ratelimited"));
      return;
    }
    Integer down = outageOf(method);
    if (down != null) {
      json(request, down, error("internal_error"));
      return;
    }
    if (!authed) {
      json(request, 200, error("not_authed"));
      return;
    }
    String scripted = takeFailure(method);
    BiFunction<JsonObject, String, JsonObject> extra = extraMethod(method);
    String bearer = token != null ? String.valueOf(token) : authorization.substring("Bearer ".length());
    JsonObject answer = scripted != null ? error(scripted)
        : extra != null ? extra.apply(params, bearer) : answer(method, params);
    if (takeLostAnswer(method)) {
      json(request, 500, error("internal_error"));
      return;
    }
    Long delay = delayOf(method);
    if (delay != null) {
      vertx.setTimer(delay, id -> json(request, 200, answer));
      return;
    }
    json(request, 200, answer);
  }

  private synchronized JsonObject answer(String method, JsonObject params) {
    return switch (method) {
      case "auth.test" -> ok()
          .put("url", "https://preflight-test.slack.com/")
          .put("team", "Preflight Test")
          .put("user", "preflight")
          .put("team_id", TEAM_ID)
          .put("user_id", BOT_USER_ID)
          .put("bot_id", BOT_ID)
          .put("is_enterprise_install", false);
      case "conversations.open" -> params.getString("users") == null || params.getString("users").isBlank()
          ? error("users_list_not_supplied")
          : ok().put("channel", new JsonObject().put("id", dmChannel(params.getString("users").split(",")[0])));
      case "chat.postMessage" -> refusedChannels.containsKey(params.getString("channel"))
          ? error(refusedChannels.get(params.getString("channel"))) : postMessage(params);
      case "chat.update" -> refusedChannels.containsKey(params.getString("channel"))
          ? error(refusedChannels.get(params.getString("channel"))) : update(params);
      case "conversations.history" -> history(params);
      case "chat.postEphemeral" -> params.getString("channel") == null
          ? error("channel_not_found")
          : ok().put("message_ts", nextTs());
      case "views.open" -> params.getString("trigger_id") == null
          ? error("invalid_arguments")
          : opened(view(params));
      case "chat.getPermalink" -> permalink(params);
      case "files.getUploadURLExternal" -> uploadUrl(params);
      case "files.completeUploadExternal" -> completeUpload(params);
      case "views.update" -> params.getString("view_id") == null && params.getString("external_id") == null
          ? error("invalid_arguments")
          : updated(params);
      case "views.push" -> params.getString("trigger_id") == null
          ? error("invalid_arguments")
          : view(params);
      case "views.publish" -> params.getString("user_id") == null
          ? error("invalid_arguments")
          : view(params);
      case "usergroups.users.list" -> userGroups.containsKey(params.getString("usergroup"))
          ? ok().put("users", new JsonArray(new ArrayList<>(userGroups.get(params.getString("usergroup")))))
          : error("no_such_subteam");
      default -> error("unknown_method");
    };
  }

  private JsonObject postMessage(JsonObject params) {
    String channel = params.getString("channel");
    if (channel == null || channel.isEmpty()) {
      return error("channel_not_found");
    }
    if (params.getString("text") == null && params.getValue("blocks") == null) {
      return error("no_text");
    }
    String ts = nextTs();
    JsonObject message = new JsonObject()
        .put("type", "message")
        .put("user", BOT_USER_ID)
        .put("bot_id", BOT_ID)
        .put("team", TEAM_ID)
        .put("text", params.getString("text", ""))
        .put("ts", ts);
    copyIfPresent(params, message, "blocks", "thread_ts", "attachments", "metadata");
    messages.put(channel + "/" + ts, message);
    String threadTs = params.getString("thread_ts");
    JsonObject parent = threadTs == null ? null : messages.get(channel + "/" + threadTs);
    if (parent != null) {
      // As Slack does: the parent learns it has a thread, and the reply is no new top-level message.
      parent.put("thread_ts", threadTs)
          .put("reply_count", parent.getInteger("reply_count", 0) + 1)
          .put("latest_reply", ts);
    }
    return ok().put("channel", channel).put("ts", ts).put("message", message.copy());
  }

  /**
   * A channel's top-level messages newer than {@code oldest}, newest first, as Slack lists them;
   * their {@code metadata} only with {@code include_all_metadata}.
   */
  private JsonObject history(JsonObject params) {
    String channel = params.getString("channel");
    if (channel == null || channel.isEmpty()) {
      return error("channel_not_found");
    }
    String oldest = params.getString("oldest", "0");
    boolean withMetadata = Set.of("1", "true").contains(params.getString("include_all_metadata", ""));
    JsonArray listed = new JsonArray();
    messages.entrySet().stream()
        .filter(e -> e.getKey().startsWith(channel + "/"))
        .map(Map.Entry::getValue)
        .filter(message -> !isReply(message))
        .filter(message -> new java.math.BigDecimal(message.getString("ts"))
            .compareTo(new java.math.BigDecimal(oldest)) > 0)
        .sorted(java.util.Comparator.comparing((JsonObject m) -> m.getString("ts")).reversed())
        .limit(Integer.parseInt(params.getString("limit", "100")))
        .map(message -> {
          JsonObject copy = message.copy();
          if (!withMetadata) {
            copy.remove("metadata");
          }
          return copy;
        })
        .forEach(listed::add);
    return ok().put("messages", listed).put("has_more", false);
  }

  private static boolean isReply(JsonObject message) {
    String threadTs = message.getString("thread_ts");
    return threadTs != null && !threadTs.equals(message.getString("ts"));
  }

  private JsonObject permalink(JsonObject params) {
    String channel = params.getString("channel");
    String ts = params.getString("message_ts");
    if (channel == null || channel.isEmpty()) {
      return error("channel_not_found");
    }
    if (ts == null || ts.isEmpty()) {
      return error("invalid_arguments");
    }
    return ok().put("channel", channel)
        .put("permalink", "https://fake.slack/archives/" + channel + "/p" + ts.replace(".", ""));
  }

  private JsonObject opened(JsonObject answer) {
    views.add(answer.getJsonObject("view").copy());
    return answer;
  }

  /** A modal replaced in place: it keeps its id, as Slack's does. */
  private JsonObject updated(JsonObject params) {
    JsonObject answer = view(params);
    answer.getJsonObject("view").put("id", params.getString("view_id")).put("root_view_id", params.getString("view_id"));
    return answer;
  }

  private JsonObject update(JsonObject params) {
    String channel = params.getString("channel");
    String ts = params.getString("ts");
    JsonObject message = messages.get(channel + "/" + ts);
    if (message == null) {
      return error("message_not_found");
    }
    message.put("text", params.getString("text", message.getString("text")))
        .put("edited", new JsonObject().put("user", BOT_USER_ID).put("ts", nextTs()));
    copyIfPresent(params, message, "blocks", "attachments");
    editTimes.computeIfAbsent(channel + "/" + ts, k -> new ArrayList<>()).add(System.nanoTime());
    return ok().put("channel", channel).put("ts", ts).put("text", message.getString("text"))
        .put("message", message.copy());
  }

  private JsonObject view(JsonObject params) {
    JsonObject submitted = params.getValue("view") instanceof JsonObject view ? view : new JsonObject();
    String id = "V%09d".formatted(++lastView);
    JsonObject view = submitted.copy()
        .put("id", id)
        .put("team_id", TEAM_ID)
        .put("state", new JsonObject().put("values", new JsonObject()))
        .put("hash", "1700000000.%08x".formatted(lastView))
        .put("root_view_id", id)
        .put("app_id", "A0PREFLIGHT")
        .put("bot_id", BOT_ID);
    return ok().put("view", view);
  }

  // Slack's ts: epoch seconds of the post, a dot, six digits, unique per channel; ours increase across all.
  private String nextTs() {
    java.time.Instant now = java.time.Instant.now();
    lastTs = Math.max(lastTs + 100, now.getEpochSecond() * 1_000_000L + now.getNano() / 1000);
    return "%d.%06d".formatted(lastTs / 1_000_000L, lastTs % 1_000_000L);
  }

  // ---- bookkeeping -------------------------------------------------------------------------------

  private Future<JsonObject> await(String key, Predicate<JsonObject> match) {
    Promise<JsonObject> promise = Promise.promise();
    synchronized (this) {
      Optional<JsonObject> seen = calls.getOrDefault(key, List.of()).stream().filter(match).findFirst();
      if (seen.isEmpty()) {
        waiters.add(new Waiter(key, match, promise));
        return promise.future();
      }
      promise.complete(seen.get().copy());
    }
    return promise.future();
  }

  private void record(String key, JsonObject params) {
    List<Waiter> satisfied = new ArrayList<>();
    synchronized (this) {
      calls.computeIfAbsent(key, k -> new ArrayList<>()).add(params);
      waiters.removeIf(waiter -> {
        boolean hit = waiter.key().equals(key) && waiter.match().test(params);
        if (hit) {
          satisfied.add(waiter);
        }
        return hit;
      });
    }
    // Outside the lock: a waiter's continuation may call back into the fake.
    satisfied.forEach(waiter -> waiter.promise().complete(params.copy()));
  }

  private synchronized boolean takeRateLimit(String method) {
    Integer left = rateLimited.get(method);
    if (left == null || left <= 0) {
      return false;
    }
    rateLimited.put(method, left - 1);
    answered429++;
    return true;
  }

  private synchronized boolean takeLostAnswer(String method) {
    Integer left = lostAnswers.get(method);
    if (left == null || left <= 0) {
      return false;
    }
    lostAnswers.put(method, left - 1);
    return true;
  }

  private synchronized Long delayOf(String method) {
    return delays.get(method);
  }

  private synchronized Integer outageOf(String method) {
    return outages.get(method);
  }

  /** Seconds to wait when the call is beyond its tier, else 0 (and the call is counted). */
  private synchronized long overTier(String method, JsonObject params) {
    if (tierMinute == null) {
      return 0;
    }
    int limit;
    long windowNanos;
    String key;
    if ("chat.postMessage".equals(method)) {
      limit = 3;
      windowNanos = tierMinute.toNanos() * 3 / 60;
      key = method + " " + params.getString("channel");
    } else {
      limit = TIERS.getOrDefault(method, 50);
      windowNanos = tierMinute.toNanos();
      key = method;
    }
    long now = System.nanoTime();
    java.util.ArrayDeque<Long> window = tierWindows.computeIfAbsent(key, k -> new java.util.ArrayDeque<>());
    while (!window.isEmpty() && window.peekFirst() <= now - windowNanos) {
      window.pollFirst();
    }
    if (window.size() < limit) {
      window.addLast(now);
      return 0;
    }
    answered429++;
    long waitNanos = window.peekFirst() + windowNanos - now;
    return Math.max(1, (waitNanos + 999_999_999L) / 1_000_000_000L);
  }

  private synchronized String takeFailure(String method) {
    List<String> queued = failures.get(method);
    return queued == null || queued.isEmpty() ? null : queued.remove(0);
  }

  private static JsonObject parse(HttpServerRequest request, Buffer body) {
    String contentType = String.valueOf(request.getHeader(HttpHeaders.CONTENT_TYPE)).toLowerCase(Locale.ROOT);
    JsonObject params = new JsonObject();
    if (contentType.startsWith("application/json")) {
      params = body.length() == 0 ? params : body.toJsonObject();
    } else {
      for (String pair : body.toString(StandardCharsets.UTF_8).split("&")) {
        if (pair.isEmpty()) {
          continue;
        }
        int eq = pair.indexOf('=');
        String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
        String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
        params.put(name, value);
      }
    }
    // The Java SDK sends these as JSON strings inside the form; tests want to look inside them.
    for (String field : JSON_FIELDS) {
      if (params.getValue(field) instanceof String text && !text.isBlank()) {
        params.put(field, parseJson(text));
      }
    }
    return params;
  }

  private static Object parseJson(String text) {
    try {
      return text.trim().startsWith("[") ? new JsonArray(text) : new JsonObject(text);
    } catch (DecodeException e) {
      return text;
    }
  }

  private static void copyIfPresent(JsonObject from, JsonObject to, String... fields) {
    for (String field : fields) {
      if (from.getValue(field) != null) {
        to.put(field, from.getValue(field));
      }
    }
  }

  private static JsonObject ok() {
    return new JsonObject().put("ok", true);
  }

  private static JsonObject error(String code) {
    return new JsonObject().put("ok", false).put("error", code);
  }

  private static void json(HttpServerRequest request, int status, JsonObject body) {
    request.response()
        .setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json; charset=utf-8")
        .end(body.encode());
  }
}
