package dev.preflight.handlers.fake;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * Slack's Socket Mode for tests: {@code apps.connections.open} on a {@link FakeSlack} hands out a
 * one-time URL of a local WebSocket server that greets with {@code hello}, lets the test push
 * envelopes and {@code disconnect} messages, and records every ack. Only the app tokens it was
 * started with may open connections; anything else gets {@code invalid_auth} as in Slack.
 *
 * <p>{@link #silenceNext} makes the next connection one that says hello and then never answers
 * again, not even pings: a link that died without closing.
 */
public final class FakeSocketMode {

  /** One WebSocket a client opened, and what it sent (acks, in order). */
  public static final class Connection {
    private final int number;
    private final String token;
    private final ServerWebSocket socket;
    private final List<JsonObject> received = new ArrayList<>();
    private boolean open = true;

    private Connection(int number, String token, ServerWebSocket socket) {
      this.number = number;
      this.token = token;
      this.socket = socket;
    }

    /** 1 for the first connection this fake accepted, and so on. */
    public int number() {
      return number;
    }

    /** The app token its {@code apps.connections.open} was called with. */
    public String token() {
      return token;
    }

    @Override
    public String toString() {
      return "connection #" + number + (open ? " (open)" : " (closed)");
    }
  }

  private record Waiter(Predicate<FakeSocketMode> condition, Promise<Void> promise) {}

  private final Set<String> appTokens;
  private HttpServer server;
  private NetServer silentServer;

  // Guarded by this.
  private final Map<String, String> tickets = new HashMap<>();
  private final List<Connection> connections = new ArrayList<>();
  private final List<Waiter> waiters = new ArrayList<>();
  private int silenced;
  private int silentConnections;
  private boolean holding;
  private final List<Runnable> held = new ArrayList<>();

  private FakeSocketMode(Set<String> appTokens) {
    this.appTokens = appTokens;
  }

  /** Starts the WebSocket servers and answers {@code apps.connections.open} on {@code slack}. */
  public static Future<FakeSocketMode> start(Vertx vertx, FakeSlack slack, String... appTokens) {
    FakeSocketMode fake = new FakeSocketMode(Set.of(appTokens));
    return vertx.createHttpServer(new HttpServerOptions().setMaxWebSocketMessageSize(1 << 20))
        .webSocketHandler(fake::accept)
        .listen(0, "127.0.0.1")
        .compose(server -> {
          fake.server = server;
          return vertx.createNetServer().connectHandler(fake::acceptSilently).listen(0, "127.0.0.1");
        })
        .map(silent -> {
          fake.silentServer = silent;
          slack.answer("apps.connections.open", fake::connectionsOpen);
          return fake;
        });
  }

  public Future<Void> close() {
    return Future.join(server.close(), silentServer.close()).mapEmpty();
  }

  // ---- what tests read -------------------------------------------------------------------------

  /** Every connection accepted so far, oldest first, open or closed. */
  public synchronized List<Connection> connections() {
    return List.copyOf(connections);
  }

  /** The connections still open that were opened with {@code token}. */
  public synchronized List<Connection> open(String token) {
    return connections.stream().filter(c -> c.open && c.token.equals(token)).toList();
  }

  public synchronized boolean isOpen(Connection connection) {
    return connection.open;
  }

  /** The acks received for {@code envelopeId}, on any connection, in order. */
  public synchronized List<JsonObject> acks(String envelopeId) {
    return connections.stream()
        .flatMap(c -> c.received.stream())
        .filter(message -> envelopeId.equals(message.getString("envelope_id")))
        .map(JsonObject::copy)
        .toList();
  }

  /** The acks {@code connection} received. */
  public synchronized List<JsonObject> received(Connection connection) {
    return connection.received.stream().map(JsonObject::copy).toList();
  }

  /** How many accepted sockets wait un-greeted for {@link #release}. */
  public synchronized int heldCount() {
    return held.size();
  }

  /** How many silent connections were handed out and taken. */
  public synchronized int silentConnections() {
    return silentConnections;
  }

  /** Completes once {@code condition} holds; it is checked now and after every change. */
  public Future<Void> await(Predicate<FakeSocketMode> condition) {
    Promise<Void> promise = Promise.promise();
    synchronized (this) {
      waiters.add(new Waiter(condition, promise));
    }
    changed();
    return promise.future();
  }

  /** Completes with the {@code n}th connection (1-based) once it is open and greeted. */
  public Future<Connection> awaitConnection(int n) {
    return await(fake -> fake.connections().size() >= n).map(v -> connections().get(n - 1));
  }

  public Future<JsonObject> awaitAck(String envelopeId) {
    return await(fake -> !fake.acks(envelopeId).isEmpty()).map(v -> acks(envelopeId).get(0));
  }

  // ---- how tests script it -----------------------------------------------------------------------

  /** Pushes an envelope (or any message) to the client over {@code connection}. */
  public Future<Void> send(Connection connection, JsonObject message) {
    return connection.socket.writeTextMessage(message.encode());
  }

  /** Slack asking the client to move to a new connection. */
  public Future<Void> disconnect(Connection connection, String reason) {
    return send(connection, new JsonObject().put("type", "disconnect").put("reason", reason)
        .put("debug_info", new JsonObject().put("host", "applink-fake")));
  }

  /** The server side closes the socket, as when Slack's end goes away. */
  public Future<Void> drop(Connection connection) {
    return connection.socket.close((short) 1011, "gone");
  }

  /** The next {@code times} connections say hello and then never answer anything again. */
  public synchronized FakeSocketMode silenceNext(int times) {
    silenced += times;
    return this;
  }

  /** Accepted sockets wait, unanswered and without hello, until {@link #release}. */
  public synchronized FakeSocketMode hold() {
    holding = true;
    return this;
  }

  public FakeSocketMode release() {
    List<Runnable> waiting;
    synchronized (this) {
      holding = false;
      waiting = List.copyOf(held);
      held.clear();
    }
    waiting.forEach(Runnable::run);
    return this;
  }

  // ---- envelopes built from the HTTP requests Slack would send ---------------------------------

  /**
   * The envelope Slack sends over Socket Mode for the request it would otherwise post: the same
   * payload, with a fresh {@code envelope_id}.
   */
  public static JsonObject envelope(SlackRequests.Signed request) {
    String contentType = request.headers().getOrDefault("Content-Type", "");
    JsonObject envelope = new JsonObject().put("envelope_id", UUID.randomUUID().toString());
    if (contentType.startsWith("application/json")) {
      return envelope.put("type", "events_api").put("accepts_response_payload", false)
          .put("payload", new JsonObject(request.bodyText()));
    }
    JsonObject form = new JsonObject();
    for (String pair : request.bodyText().split("&")) {
      int eq = pair.indexOf('=');
      form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
          URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    if (form.containsKey("payload")) {
      JsonObject payload = new JsonObject(form.getString("payload"));
      return envelope.put("type", "interactive")
          .put("accepts_response_payload", payload.getString("type", "").startsWith("view_"))
          .put("payload", payload);
    }
    return envelope.put("type", "slash_commands").put("accepts_response_payload", true).put("payload", form);
  }

  /** The same envelope as Slack redelivers it after it went unacked. */
  public static JsonObject redelivered(JsonObject envelope, int attempt, String reason) {
    return envelope.copy().put("retry_attempt", attempt).put("retry_reason", reason);
  }

  // ---- the servers -------------------------------------------------------------------------------

  private synchronized JsonObject connectionsOpen(JsonObject params, String token) {
    if (token == null || !appTokens.contains(token)) {
      return new JsonObject().put("ok", false).put("error", token != null && token.startsWith("xapp-")
          ? "invalid_auth" : "not_allowed_token_type");
    }
    String ticket = UUID.randomUUID().toString();
    tickets.put(ticket, token);
    boolean silent = silenced > 0;
    if (silent) {
      silenced--;
    }
    int port = silent ? silentServer.actualPort() : server.actualPort();
    return new JsonObject().put("ok", true).put("url", "ws://127.0.0.1:" + port + "/link/?ticket=" + ticket);
  }

  private void accept(ServerWebSocket socket) {
    String ticket = socket.query() == null ? null : socket.query().replaceFirst("^ticket=", "");
    String token;
    synchronized (this) {
      token = tickets.remove(ticket);
    }
    if (token == null) {
      socket.close((short) 1008, "unknown ticket");
      return;
    }
    boolean waits;
    synchronized (this) {
      waits = holding;
      if (waits) {
        held.add(() -> greet(socket, token));
      }
    }
    if (waits) {
      changed();
      return;
    }
    greet(socket, token);
  }

  private void greet(ServerWebSocket socket, String token) {
    Connection connection;
    int openNow;
    synchronized (this) {
      connection = new Connection(connections.size() + 1, token, socket);
      connections.add(connection);
      openNow = (int) connections.stream().filter(c -> c.open).count();
    }
    socket.textMessageHandler(text -> {
      synchronized (this) {
        connection.received.add(new JsonObject(text));
      }
      changed();
    });
    socket.closeHandler(v -> {
      synchronized (this) {
        connection.open = false;
      }
      changed();
    });
    socket.writeTextMessage(hello(openNow).encode()).onComplete(v -> changed());
  }

  private static JsonObject hello(int connections) {
    return new JsonObject().put("type", "hello").put("num_connections", connections)
        .put("debug_info", new JsonObject().put("host", "applink-fake").put("approximate_connection_time", 18060))
        .put("connection_info", new JsonObject().put("app_id", SlackRequests.APP_ID));
  }

  /** Answers the WebSocket handshake by hand, says hello, then reads and ignores everything. */
  private void acceptSilently(NetSocket socket) {
    Buffer request = Buffer.buffer();
    socket.handler(data -> {
      request.appendBuffer(data);
      String text = request.toString(StandardCharsets.ISO_8859_1);
      if (!text.contains("\r\n\r\n")) {
        return;
      }
      String key = text.lines().filter(line -> line.toLowerCase(java.util.Locale.ROOT).startsWith("sec-websocket-key:"))
          .map(line -> line.substring(line.indexOf(':') + 1).trim()).findFirst().orElse("");
      socket.write("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          + "Sec-WebSocket-Accept: " + accept(key) + "\r\n\r\n");
      socket.write(textFrame(hello(1).encode()));
      socket.handler(ignored -> { });
      synchronized (this) {
        silentConnections++;
      }
      changed();
    });
  }

  private static String accept(String key) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-1")
          .digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.ISO_8859_1));
      return Base64.getEncoder().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** One unmasked text frame, as a server sends it (payloads under 64 KiB). */
  private static Buffer textFrame(String text) {
    byte[] payload = text.getBytes(StandardCharsets.UTF_8);
    Buffer frame = Buffer.buffer().appendByte((byte) 0x81);
    if (payload.length < 126) {
      frame.appendByte((byte) payload.length);
    } else {
      frame.appendByte((byte) 126).appendUnsignedShort(payload.length);
    }
    return frame.appendBytes(payload);
  }

  private void changed() {
    List<Waiter> ready = new ArrayList<>();
    synchronized (this) {
      waiters.removeIf(waiter -> {
        boolean holds = waiter.condition().test(this);
        if (holds) {
          ready.add(waiter);
        }
        return holds;
      });
    }
    ready.forEach(waiter -> waiter.promise().complete());
  }
}
