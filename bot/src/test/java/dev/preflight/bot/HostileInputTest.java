package dev.preflight.bot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.preflight.handlers.ActionIds;
import dev.preflight.handlers.fake.FakeSlack;
import dev.preflight.handlers.fake.SlackRequests;
import dev.preflight.handlers.slack.SlackSignature;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Row;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

/**
 * The real bot, over real HTTP, with its embedded PostgreSQL and the fake Slack, fed thousands of
 * generated hostile requests: validly signed payloads that are malformed in every way the issue
 * lists, unsigned, forged and stale requests, bodies cut after signing, and clients that hang up
 * mid-body. None may get a 5xx, log an ERROR, log a WARN with a stack trace, write a row, or make
 * Slack calls other than the private answer a correct click with the same button would get.
 * Deterministic: every request comes from one seeded {@link Random}.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 180, timeUnit = TimeUnit.SECONDS)
class HostileInputTest {

  private static final long SEED = 20261206L;
  private static final int PER_CLASS = 400;
  private static final int HANG_UPS = 300;
  private static final int IN_FLIGHT = 24;
  private static final Path CONFIG = ChecklistInSlackTest.CONFIG;
  private static final String FORM = "application/x-www-form-urlencoded";
  private static final String JSON = "application/json";
  private static final String USER = "U0HOSTILE";
  private static final String CHANNEL = "C0HOSTILE1";
  private static final String TS = "1700000000.000100";
  /** Answered by the bot itself: a click whose run id is no UUID gets one private answer. */
  private static final String BOGUS_RUN = "signed: button with a run id that is no UUID";

  private final SlackRequests slack = new SlackRequests();
  private final SlackRequests forger = new SlackRequests("not-the-signing-secret");
  private final SlackRequests stale = new SlackRequests(SlackRequests.SIGNING_SECRET,
      Clock.offset(Clock.systemUTC(), Duration.ofMinutes(-10)));
  private final SlackRequests early = new SlackRequests(SlackRequests.SIGNING_SECRET,
      Clock.offset(Clock.systemUTC(), Duration.ofMinutes(10)));
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

  private ch.qos.logback.core.Appender<ILoggingEvent> console;
  private BotInProcess bot;
  private FakeSlack fake;
  /** Keeps up to {@link #IN_FLIGHT} connections open to the bot, for the probes. */
  private WebClient client;
  private NetClient tcp;

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    bot = BotInProcess.on(vertx);
    fake = bot.fake;
    client = WebClient.create(vertx, new WebClientOptions().setKeepAlive(true),
        new io.vertx.core.http.PoolOptions().setHttp1MaxSize(IN_FLIGHT));
    tcp = vertx.createNetClient();
    bot.start(CONFIG, Map.of(
        "SLACK_BOT_TOKEN", "xoxb-hostile-test-token",
        // A larger share of the rate budget, so Slack calls are never what the test waits for.
        "SLACK_RATE_SHARE", "10"), Map.of("E2E_BASE_URL", "http://127.0.0.1:9"));
  }

  @AfterEach
  void stop() throws Exception {
    restoreConsole();
    root().detachAppender(logs);
    logs.stop();
    ((Logger) LoggerFactory.getLogger(PreflightVerticle.class)).setLevel(null);
    bot.close();
  }

  private void restoreConsole() {
    if (console != null && root().getAppender(console.getName()) == null) {
      root().addAppender(console);
    }
  }

  private static Logger root() {
    return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  }

  /** One request of the test: its class, the status it must get, and how to send it. */
  private record Probe(String kind, int expected, Supplier<Future<Answer>> send) {}

  /** What came back: a status (0 when the client hung up itself) and the body. */
  private record Answer(int status, String body) {}

  @Test
  void thousandsOfHostileRequestsGetNo5xxNoErrorAndWriteNothing(Vertx vertx) throws Exception {
    Map<String, Long> rowsBefore = rowCounts();
    logs.start();
    root().addAppender(logs);
    // Thousands of WARN lines would bury the table printed at the end; the list above still gets them all.
    console = root().getAppender("STDOUT");
    if (console != null) {
      root().detachAppender(console);
    }
    long generating = System.nanoTime();
    long cpuAtStart = cpuNanos();
    ((Logger) LoggerFactory.getLogger(PreflightVerticle.class)).setLevel(Level.DEBUG);

    Random random = new Random(SEED);
    List<Probe> probes = new ArrayList<>();
    for (int i = 0; i < PER_CLASS; i++) {
      probes.add(signed("signed: wrong JSON types", 400, wrongTypes(random)));
      probes.add(signed("signed: missing field", 400, missingField(random)));
      probes.add(signed("signed: bad % escape", 400, badEscape(random)));
      probes.add(signed("signed: id with NUL or 10,000 chars", 400, badId(random)));
      probes.add(signed("signed: unknown type", 400, unknownType(random)));
      probes.add(signed("signed: truncated JSON", 400, truncated(random)));
      probes.add(signed("signed: empty body", 400, slack.sign(random.nextBoolean() ? JSON : FORM, new byte[0])));
      probes.add(signed(BOGUS_RUN, 200, bogusRunClick(random)));
      probes.add(signed("unsigned", 401, unsigned(valid(random))));
      probes.add(signed("badly signed", 401, badlySigned(random)));
      probes.add(signed("stale or future timestamp", 401, staleOrEarly(random)));
      probes.add(signed("body cut after signing", 401, cutAfterSigning(random)));
    }
    for (int i = 0; i < 3; i++) {
      probes.add(signed("signed: 900 KB to echo", 200, nineHundredKilobytes(i)));
    }
    for (int i = 0; i < 20; i++) {
      probes.add(new Probe("declares more than 1 MiB", 413, () -> declareTooMuch()));
    }
    Map<String, Map<Integer, Integer>> table = new ConcurrentHashMap<>();
    List<String> wrong = java.util.Collections.synchronizedList(new ArrayList<>());
    long started = System.nanoTime();
    await(run(probes, table, wrong));

    // Clients that declare a body and hang up before sending it: after everything else, so their
    // log lines can be told apart.
    int warnBefore = count(Level.WARN);
    int errorBefore = count(Level.ERROR);
    List<Probe> hangUps = new ArrayList<>();
    for (int i = 0; i < HANG_UPS; i++) {
      int sent = random.nextInt(200);
      boolean signedHeaders = random.nextBoolean();
      hangUps.add(new Probe("hang-up mid-body", 0, () -> hangUp(sent, signedHeaders)));
    }
    await(run(hangUps, table, wrong));
    double seconds = (System.nanoTime() - started) / 1e9;
    // The server notices a hang-up on its own time; the closed connections are counted on its side.
    int hangUpDebug = awaitDebugLines(vertx, HANG_UPS);
    restoreConsole();
    // On a machine shared with other work the wall time says little; the CPU time says what it costs.
    System.out.printf("Generated the requests in %.1f s; the test JVM (bot included) used %.1f s of CPU in all%n",
        (started - generating) / 1e9, (cpuNanos() - cpuAtStart) / 1e9);

    print(table, probes.size() + hangUps.size(), seconds, hangUpDebug);
    Map<String, Long> rowsAfter = rowCounts();

    assertTrue(wrong.isEmpty(), wrong.size() + " requests got another status than their class's, e.g. "
        + wrong.subList(0, Math.min(5, wrong.size())));
    table.forEach((kind, statuses) -> statuses.keySet().forEach(status ->
        assertTrue(status < 500, kind + " got " + status)));
    List<ILoggingEvent> events = snapshot();
    List<ILoggingEvent> errors = events.stream().filter(e -> e.getLevel() == Level.ERROR).toList();
    assertTrue(errors.isEmpty(), "ERROR lines: " + errors.stream().limit(3).map(ILoggingEvent::getFormattedMessage)
        .toList());
    List<ILoggingEvent> warnings = events.stream().filter(e -> e.getLevel() == Level.WARN).toList();
    assertTrue(warnings.stream().allMatch(e -> e.getThrowableProxy() == null), "a WARN came with a stack trace");
    int refused = probes.size() - PER_CLASS - 3;
    assertTrue(warnings.size() <= refused, "at most one WARN per refused request: " + warnings.size() + " for "
        + refused);
    assertEquals(warnBefore, count(Level.WARN), "a hang-up logged a WARN");
    assertEquals(errorBefore, count(Level.ERROR), "a hang-up logged an ERROR");
    assertTrue(hangUpDebug > 0, "the hang-ups were seen, at DEBUG");
    assertEquals(rowsBefore, rowsAfter, "no row was written in any table");

    // The only Slack calls: one private "no such run" answer per click on a bogus run button.
    for (String method : List.of("chat.postMessage", "chat.update", "views.open", "views.publish",
        "reactions.add", "files.getUploadURLExternal")) {
      assertEquals(List.of(), fake.calls(method), method);
    }
    List<JsonObject> answers = awaitAnswers(vertx, PER_CLASS);
    assertEquals(PER_CLASS, answers.size());
    for (JsonObject answer : answers) {
      String text = answer.getString("text");
      assertTrue(text.startsWith("There is no run `") && text.length() <= 140, text);
      assertTrue(text.chars().noneMatch(c -> c < 0x20), "no control character is echoed: " + text);
    }
  }

  // ---- sending ------------------------------------------------------------------------------------

  private Future<Void> run(List<Probe> probes, Map<String, Map<Integer, Integer>> table, List<String> wrong) {
    AtomicInteger next = new AtomicInteger();
    List<Future<Void>> lanes = new ArrayList<>();
    for (int i = 0; i < IN_FLIGHT; i++) {
      Promise<Void> lane = Promise.promise();
      lanes.add(lane.future());
      sendNext(probes, next, table, wrong, lane);
    }
    return Future.all(lanes).mapEmpty();
  }

  private void sendNext(List<Probe> probes, AtomicInteger next, Map<String, Map<Integer, Integer>> table,
      List<String> wrong, Promise<Void> lane) {
    int index = next.getAndIncrement();
    if (index >= probes.size()) {
      lane.complete();
      return;
    }
    Probe probe = probes.get(index);
    probe.send().get()
        .otherwise(e -> new Answer(-1, String.valueOf(e)))
        .onComplete(done -> {
          Answer answer = done.result();
          table.computeIfAbsent(probe.kind(), k -> new ConcurrentHashMap<>()).merge(answer.status(), 1, Integer::sum);
          if (answer.status() != probe.expected()) {
            wrong.add(probe.kind() + " -> " + answer.status() + " " + clip(answer.body()));
          } else if (probe.kind().startsWith("signed: 900 KB") && answer.body().length() > 400) {
            wrong.add(probe.kind() + " echoed " + answer.body().length() + " characters");
          }
          sendNext(probes, next, table, wrong, lane);
        });
  }

  private Probe signed(String kind, int expected, SlackRequests.Signed request) {
    return new Probe(kind, expected, () -> request.send(client, "127.0.0.1", bot.port())
        .map(response -> new Answer(response.statusCode(), response.bodyAsString() == null ? ""
            : response.bodyAsString())));
  }

  /** Headers that promise 5,000 bytes, a part of them, and a closed connection. */
  private Future<Answer> hangUp(int sent, boolean signedHeaders) {
    String head = "POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: " + FORM + "\r\n"
        + "Content-Length: 5000\r\n"
        + (signedHeaders ? SlackSignature.TIMESTAMP_HEADER + ": " + Clock.systemUTC().instant().getEpochSecond()
            + "\r\n" + SlackSignature.SIGNATURE_HEADER + ": v0=" + "0".repeat(64) + "\r\n" : "")
        + "\r\n";
    return tcp.connect(bot.port(), "127.0.0.1")
        .compose(socket -> socket.write(Buffer.buffer(head + "x".repeat(sent)))
            .compose(v -> socket.close()))
        .map(v -> new Answer(0, ""));
  }

  /** Declares a body over the limit and reads the answer, without sending the body. */
  private Future<Answer> declareTooMuch() {
    String head = "POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: " + JSON + "\r\n"
        + "Content-Length: " + (2 * 1024 * 1024) + "\r\n\r\n";
    return tcp.connect(bot.port(), "127.0.0.1").compose(socket -> {
      Promise<Answer> answer = Promise.promise();
      Buffer received = Buffer.buffer();
      socket.handler(chunk -> {
        received.appendBuffer(chunk);
        String text = received.toString(StandardCharsets.ISO_8859_1);
        if (text.startsWith("HTTP/1.1 ") && text.length() >= 12) {
          answer.tryComplete(new Answer(Integer.parseInt(text.substring(9, 12)), text));
          socket.close();
        }
      });
      socket.closeHandler(v -> answer.tryComplete(new Answer(-2, received.toString())));
      return socket.write(Buffer.buffer(head)).compose(v -> answer.future());
    });
  }

  // ---- the classes of requests ----------------------------------------------------------------------

  private JsonObject reaction(Random random) {
    return new JsonObject(slack.reactionAdded("Ev0" + Integer.toString(random.nextInt(1 << 30), 36).toUpperCase(),
        USER, "white_check_mark", CHANNEL, TS).bodyText());
  }

  private JsonObject click(String actionId, String value) {
    String body = slack.blockAction(actionId, value, USER, CHANNEL, TS, fake.responseUrl("hostile")).bodyText();
    return new JsonObject(URLDecoder.decode(body.substring("payload=".length()), StandardCharsets.UTF_8));
  }

  private JsonObject submission() {
    String body = slack.viewSubmission(ActionIds.WAIVE_MODAL, USER, new JsonObject(), "x").bodyText();
    return new JsonObject(URLDecoder.decode(body.substring("payload=".length()), StandardCharsets.UTF_8));
  }

  private Map<String, String> command(String command, String text) {
    Map<String, String> form = new LinkedHashMap<>();
    String body = slack.slashCommand(command, text, USER, CHANNEL, fake.responseUrl("hostile")).bodyText();
    for (String pair : body.split("&")) {
      int equals = pair.indexOf('=');
      form.put(URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8),
          URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
    }
    return form;
  }

  private static String randomRunId(Random random) {
    String[] shapes = {"not-a-run", "1-1-1-1-1", "'; drop table runs; --", "\u001b[31mred\u001b[0m",
        "ABCDEF00-0000-0000-0000-000000000000", "run\u202Eid", "<!channel>"};
    String base = shapes[random.nextInt(shapes.length)];
    return base + "x".repeat(random.nextInt(1500));
  }

  private SlackRequests.Signed wrongTypes(Random random) {
    return switch (random.nextInt(8)) {
      case 0 -> json(with(reaction(random), e -> e.getJsonObject("event").put("user", new JsonObject().put("id", 1))));
      case 1 -> json(with(reaction(random), e -> e.put("event", "reaction_added")));
      case 2 -> json(with(reaction(random), e -> e.put("event_id", random.nextInt())));
      case 3 -> json(with(reaction(random), e -> e.getJsonObject("event").put("item", new JsonArray().add(1))));
      case 4 -> interactive(with(click(ActionIds.LAUNCH, "x"), p -> p.put("actions", new JsonObject())));
      case 5 -> interactive(with(click(ActionIds.TICK, "x"), p -> p.put("user", USER)));
      case 6 -> interactive(with(submission(), p -> p.getJsonObject("view").put("private_metadata", 42)));
      default -> interactive(with(click(ActionIds.ROLLBACK, "x"), p -> p.put("team", random.nextBoolean())));
    };
  }

  private SlackRequests.Signed missingField(Random random) {
    return switch (random.nextInt(9)) {
      case 0 -> json(with(reaction(random), e -> e.getJsonObject("event").remove("user")));
      case 1 -> json(with(reaction(random), e -> e.remove("event")));
      case 2 -> json(with(reaction(random), e -> e.remove("team_id")));
      case 3 -> json(with(reaction(random), e -> e.getJsonObject("event").getJsonObject("item").remove("channel")));
      case 4 -> interactive(with(click(ActionIds.LAUNCH, "x"), p -> p.remove("user")));
      case 5 -> interactive(with(click(ActionIds.CANCEL, "x"), p -> p.remove("team")));
      case 6 -> interactive(with(click(ActionIds.TICK, "x"), p -> p.remove("actions")));
      case 7 -> interactive(with(submission(), p -> p.remove("view")));
      default -> {
        Map<String, String> form = command("/deploys", "");
        form.remove(List.of("user_id", "channel_id", "team_id").get(random.nextInt(3)));
        yield form(form);
      }
    };
  }

  private SlackRequests.Signed badEscape(Random random) {
    String[] broken = {"%", "%z1", "%4", "%G0", "100%", "%%", "%E0%A4%A"};
    String body = slack.slashCommand("/checklist", "list", USER, CHANNEL, fake.responseUrl("hostile")).bodyText();
    String[] pairs = body.split("&");
    int at = random.nextInt(pairs.length);
    pairs[at] = pairs[at] + broken[random.nextInt(broken.length)];
    return slack.sign(FORM, String.join("&", pairs).getBytes(StandardCharsets.UTF_8));
  }

  private SlackRequests.Signed badId(Random random) {
    String nul = "Ev0\u0000" + random.nextInt(1000);
    String long10k = "E".repeat(10_000);
    return switch (random.nextInt(6)) {
      case 0 -> json(with(reaction(random), e -> e.put("event_id", nul)));
      case 1 -> json(with(reaction(random), e -> e.put("event_id", long10k)));
      case 2 -> json(with(reaction(random), e -> e.getJsonObject("event").put("user", "U0\u0000")));
      case 3 -> interactive(click(ActionIds.LAUNCH, "00000000-0000-0000-0000-00000000000\u0000"));
      case 4 -> interactive(click(ActionIds.ABORT, "r".repeat(10_000)));
      default -> {
        Map<String, String> form = command("/deploys", "");
        form.put("channel_id", random.nextBoolean() ? "C0\u0000" : "C".repeat(10_000));
        yield form(form);
      }
    };
  }

  private SlackRequests.Signed unknownType(Random random) {
    String word = "t" + Integer.toString(random.nextInt(1 << 20), 36);
    return switch (random.nextInt(3)) {
      case 0 -> json(with(reaction(random), e -> e.put("type", word)));
      case 1 -> json(with(reaction(random), e -> e.getJsonObject("event").put("type", word)));
      default -> interactive(with(click(ActionIds.LAUNCH, "x"), p -> p.put("type", word)));
    };
  }

  private SlackRequests.Signed truncated(Random random) {
    if (random.nextBoolean()) {
      String whole = reaction(random).encode();
      return slack.sign(JSON, whole.substring(0, 1 + random.nextInt(whole.length() - 1))
          .getBytes(StandardCharsets.UTF_8));
    }
    String whole = click(ActionIds.LAUNCH, "x").encode();
    return form(Map.of("payload", whole.substring(0, 1 + random.nextInt(whole.length() - 1))));
  }

  private SlackRequests.Signed bogusRunClick(Random random) {
    String[] buttons = {ActionIds.LAUNCH, ActionIds.CANCEL, ActionIds.ABORT, ActionIds.ROLLBACK, ActionIds.TICK,
        ActionIds.RERUN};
    String button = buttons[random.nextInt(buttons.length)];
    String runId = randomRunId(random);
    String value = button.startsWith("item_") ? URLEncoder.encode(runId, StandardCharsets.UTF_8) + "/backup" : runId;
    // Each click has its own response_url, as in Slack (one URL takes five answers).
    return slack.blockAction(button, value, USER, CHANNEL, TS, fake.responseUrl("click-" + clicks.incrementAndGet()));
  }

  private SlackRequests.Signed nineHundredKilobytes(int which) {
    String huge = "n".repeat(900 * 1024);
    return which == 0 ? slack.slashCommand("/checklist", huge, USER, CHANNEL, fake.responseUrl("echo"))
        : which == 1 ? slack.slashCommand("/deploy", huge + " v1 to production", USER, CHANNEL, fake.responseUrl("e"))
        : slack.slashCommand("/lock", "backend " + huge + " reason", USER, CHANNEL, fake.responseUrl("e"));
  }

  private SlackRequests.Signed valid(Random random) {
    return switch (random.nextInt(3)) {
      case 0 -> slack.reactionAdded("Ev0UNSIGNED" + random.nextInt(1000), USER, "white_check_mark", CHANNEL, TS);
      case 1 -> slack.slashCommand("/checklist", "list", USER, CHANNEL, fake.responseUrl("hostile"));
      default -> slack.blockAction(ActionIds.LAUNCH, "x", USER, CHANNEL, TS, fake.responseUrl("hostile"));
    };
  }

  private static SlackRequests.Signed unsigned(SlackRequests.Signed request) {
    Map<String, String> headers = new LinkedHashMap<>(request.headers());
    headers.remove(SlackSignature.SIGNATURE_HEADER);
    return new SlackRequests.Signed(headers, request.body());
  }

  private SlackRequests.Signed badlySigned(Random random) {
    if (random.nextBoolean()) {
      return forger.slashCommand("/deploy", "backend v1 to production", USER, CHANNEL, fake.responseUrl("f"));
    }
    byte[] hex = new byte[32];
    random.nextBytes(hex);
    return valid(random).withHeader(SlackSignature.SIGNATURE_HEADER, "v0=" + HexFormat.of().formatHex(hex));
  }

  private SlackRequests.Signed staleOrEarly(Random random) {
    SlackRequests clock = random.nextBoolean() ? stale : early;
    return clock.reactionAdded("Ev0STALE" + random.nextInt(1000), USER, "white_check_mark", CHANNEL, TS);
  }

  private SlackRequests.Signed cutAfterSigning(Random random) {
    SlackRequests.Signed whole = valid(random);
    byte[] cut = java.util.Arrays.copyOf(whole.body(), 1 + random.nextInt(whole.body().length - 1));
    return new SlackRequests.Signed(whole.headers(), cut);
  }

  private static JsonObject with(JsonObject json, java.util.function.Consumer<JsonObject> change) {
    change.accept(json);
    return json;
  }

  private SlackRequests.Signed json(JsonObject body) {
    return slack.sign(JSON, body.encode().getBytes(StandardCharsets.UTF_8));
  }

  private SlackRequests.Signed interactive(JsonObject payload) {
    return form(Map.of("payload", payload.encode()));
  }

  private SlackRequests.Signed form(Map<String, String> fields) {
    StringBuilder body = new StringBuilder();
    fields.forEach((name, value) -> body.append(body.length() == 0 ? "" : "&")
        .append(URLEncoder.encode(name, StandardCharsets.UTF_8)).append('=')
        .append(URLEncoder.encode(value, StandardCharsets.UTF_8)));
    return slack.sign(FORM, body.toString().getBytes(StandardCharsets.UTF_8));
  }

  // ---- what the bot did --------------------------------------------------------------------------------

  private Map<String, Long> rowCounts() throws Exception {
    List<String> tables = new ArrayList<>();
    for (Row row : await(bot.db.query("select table_name from information_schema.tables "
        + "where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name").execute())) {
      tables.add(row.getString("table_name"));
    }
    Map<String, Long> counts = new TreeMap<>();
    for (String table : tables) {
      if (!table.startsWith("flyway")) {
        counts.put(table, await(bot.db.query("select count(*) as n from " + table).execute()).iterator().next()
            .getLong("n"));
      }
    }
    assertTrue(counts.containsKey("slack_events") && counts.containsKey("runs"), counts.toString());
    return counts;
  }

  private List<ILoggingEvent> snapshot() {
    synchronized (logs) {
      return new ArrayList<>(logs.list);
    }
  }

  private int count(Level level) {
    return (int) snapshot().stream().filter(e -> e.getLevel() == level).count();
  }

  private int hangUpLines() {
    return (int) snapshot().stream().filter(e -> e.getLevel() == Level.DEBUG
        && e.getLoggerName().equals(PreflightVerticle.class.getName())).count();
  }

  private final AtomicInteger clicks = new AtomicInteger();

  /** Waits, on a timer, for the private answers the bot sends through its Slack rate budget. */
  private List<JsonObject> awaitAnswers(Vertx vertx, int expected) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (answers().size() < expected && System.nanoTime() < deadline) {
      await(Future.<Void>future(p -> vertx.setTimer(50, id -> p.complete())));
    }
    return answers();
  }

  /** Buttons answer through the click's response_url; anything answered as an ephemeral is counted too. */
  private List<JsonObject> answers() {
    List<JsonObject> all = new ArrayList<>(fake.responsesTo("click-"));
    all.addAll(fake.calls("chat.postEphemeral"));
    return all;
  }

  /** Waits, on a timer, for the server to log the hang-ups it noticed; returns how many it did. */
  private int awaitDebugLines(Vertx vertx, int expected) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    Function<Integer, Boolean> enough = seen -> seen >= expected || System.nanoTime() > deadline;
    while (!enough.apply(hangUpLines())) {
      await(Future.<Void>future(p -> vertx.setTimer(50, id -> p.complete())));
    }
    return hangUpLines();
  }

  private static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
        .getOperatingSystemMXBean()).getProcessCpuTime();
  }

  private static void print(Map<String, Map<Integer, Integer>> table, int total, double seconds, int hangUpDebug) {
    StringBuilder out = new StringBuilder("\nHostile input against the bot: " + total + " requests in "
        + String.format("%.1f", seconds) + " s (seed " + SEED + ")\n");
    out.append(String.format("%-42s %8s  %s%n", "class", "requests", "statuses (0 = client hung up)"));
    new TreeMap<>(table).forEach((kind, statuses) -> out.append(String.format("%-42s %8d  %s%n", kind,
        statuses.values().stream().mapToInt(Integer::intValue).sum(), new TreeMap<>(statuses))));
    out.append("hang-ups the server logged at DEBUG: ").append(hangUpDebug).append('\n');
    System.out.println(out);
  }

  private static String clip(String text) {
    return text == null || text.length() < 120 ? text : text.substring(0, 120) + "…";
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
  }
}
