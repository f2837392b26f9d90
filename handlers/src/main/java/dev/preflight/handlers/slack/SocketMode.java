package dev.preflight.handlers.slack;

import com.slack.api.Slack;
import com.slack.api.bolt.App;
import com.slack.api.methods.response.apps.connections.AppsConnectionsOpenResponse;
import dev.preflight.checklists.time.Spans;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Slack over Socket Mode: one WebSocket from {@code apps.connections.open}, on which Slack delivers
 * slash commands, interactivity and events, each acked by its {@code envelope_id}. Every delivery
 * goes through {@link SlackDispatch}, the same de-duplication and Bolt run as {@code /slack/events}.
 *
 * <p>A replica holds one connection. On {@code disconnect} ({@code refresh_requested},
 * {@code warning}) it opens the next one and closes the old only once the new has said hello, so
 * no delivery falls between the two; {@code link_disabled} stops it. A dropped socket, or one whose
 * pings go unanswered, is replaced after a backoff with jitter. All state lives on one Vert.x
 * context; Slack's blocking client runs on workers. What happens to one envelope that carries
 * work, from the socket to its ack, is {@link SocketDelivery}'s.
 */
public final class SocketMode {

  private static final Logger log = LoggerFactory.getLogger(SocketMode.class);
  private static final int CLOSING_TIMEOUT_SECONDS = 2;

  /** How the connection stands, in the words of {@code /readyz}. */
  public enum Status { CONNECTING, CONNECTED, DISABLED }

  /** The connection's status and why, for people. */
  public record State(Status status, String reason) {}

  /**
   * @param ping how often an idle connection is pinged
   * @param silence how long without a pong or a message before the connection counts as dropped
   * @param hello how long a new connection may take to say hello
   * @param firstBackoff the wait before the first reconnect; doubled per failed attempt, with jitter
   * @param maxBackoff the longest wait between attempts
   */
  public record Timing(Duration ping, Duration silence, Duration hello, Duration firstBackoff, Duration maxBackoff) {
    public static final Timing SLACK = new Timing(Duration.ofSeconds(10), Duration.ofSeconds(30),
        Duration.ofSeconds(10), Duration.ofSeconds(1), Duration.ofSeconds(60));
  }

  /** One WebSocket and what we know about it. */
  private static final class Link {
    final WebSocket socket;
    final int number;
    long lastHeard = System.nanoTime();
    long pinger = -1;
    final Promise<Void> hello = Promise.promise();

    Link(WebSocket socket, int number) {
      this.socket = socket;
      this.number = number;
    }
  }

  private final Vertx vertx;
  private final Context context;
  private final Slack client;
  private final String appToken;
  private final SocketDelivery delivery;
  private final Timing timing;
  private final WebSocketClient sockets;

  // Touched on `context` only.
  private Link current;
  private Link next;
  private boolean opening;
  private long retryTimer = -1;
  private int failures;
  private int opened;
  private boolean stopped;
  private volatile State state = new State(Status.CONNECTING, "opening the first connection to Slack");

  private SocketMode(Vertx vertx, App app, Slack client, String appToken, SlackEventLog events, MeterRegistry meters,
      Timing timing) {
    if (appToken == null || !appToken.startsWith("xapp-")) {
      throw new IllegalArgumentException("Socket Mode needs an app-level token (xapp-…) in SLACK_APP_TOKEN");
    }
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.client = client;
    this.appToken = appToken;
    this.delivery = new SocketDelivery(vertx, app, events, meters);
    this.timing = timing;
    int largest = SlackEndpoint.MAX_BODY_BYTES;
    this.sockets = vertx.createWebSocketClient(new WebSocketClientOptions()
        .setConnectTimeout((int) timing.hello().toMillis())
        // A link that went silent will not finish the closing handshake; do not wait long for it.
        .setClosingTimeout(CLOSING_TIMEOUT_SECONDS)
        .setMaxFrameSize(largest)
        .setMaxMessageSize(largest));
  }

  /**
   * Starts connecting on the caller's context and answers at once; {@link #state()} says how it
   * goes.
   *
   * @param client the Slack client pointed at SLACK_API_URL, e.g. {@link SlackApi#slack(String)}
   * @param appToken the app-level token ({@code xapp-…}) with the {@code connections:write} scope
   * @throws IllegalArgumentException when {@code appToken} is not an app-level token, or {@code app}
   *     still verifies requests itself
   */
  public static SocketMode start(Vertx vertx, App app, Slack client, String appToken, SlackEventLog events,
      MeterRegistry meters, Timing timing) {
    SocketMode mode = new SocketMode(vertx, app, client, appToken, events, meters, timing);
    mode.context.runOnContext(v -> mode.open());
    return mode;
  }

  public State state() {
    return state;
  }

  /** Closes every connection and stops reconnecting; deliveries already taken in still finish. */
  public Future<Void> close() {
    Promise<Void> closed = Promise.promise();
    context.runOnContext(v -> {
      stopped = true;
      state = new State(Status.DISABLED, "the bot is shutting down");
      vertx.cancelTimer(retryTimer);
      List<Future<Void>> closing = new ArrayList<>();
      for (Link link : new Link[] {current, next}) {
        if (link != null) {
          closing.add(shut(link));
        }
      }
      Future.join(closing).transform(done -> sockets.close()).onComplete(closed);
    });
    return closed.future();
  }

  // ---- connecting --------------------------------------------------------------------------------

  /** Opens a connection unless one is being opened or waiting for its backoff. */
  private void open() {
    if (stopped || opening || retryTimer != -1) {
      return;
    }
    opening = true;
    int number = ++opened;
    connectionUrl()
        .compose(url -> sockets.connect(new WebSocketConnectOptions().setAbsoluteURI(url)
            .setTimeout(timing.hello().toMillis())))
        .compose(socket -> greet(new Link(socket, number)))
        .onComplete(done -> {
          opening = false;
          if (done.succeeded() && stopped) {
            shut(done.result());
          } else if (done.succeeded()) {
            takeOver(done.result());
          } else {
            failed(number, done.cause());
          }
        });
  }

  private Future<String> connectionUrl() {
    return vertx.executeBlocking(() -> {
      AppsConnectionsOpenResponse response = client.methods(appToken).appsConnectionsOpen(r -> r);
      if (!response.isOk()) {
        throw new IllegalStateException("apps.connections.open answered " + response.getError());
      }
      return response.getUrl();
    }, false);
  }

  /** Wires a new socket up and completes once Slack has said hello on it. */
  private Future<Link> greet(Link link) {
    if (stopped) {
      link.socket.close();
      return Future.failedFuture("the bot is shutting down");
    }
    next = link;
    link.socket.textMessageHandler(text -> received(link, text));
    link.socket.pongHandler(pong -> link.lastHeard = System.nanoTime());
    link.socket.exceptionHandler(e -> log.debug("Socket Mode connection #{} reported an error", link.number, e));
    link.socket.closeHandler(v -> closed(link));
    link.pinger = vertx.setPeriodic(timing.ping().toMillis(), id -> ping(link));
    long timer = vertx.setTimer(timing.hello().toMillis(),
        id -> link.hello.tryFail("Slack sent no hello within " + Spans.format(timing.hello())));
    return link.hello.future()
        .onComplete(done -> vertx.cancelTimer(timer))
        .map(link)
        .onFailure(e -> {
          if (next == link) {
            next = null;
          }
          shut(link);
        });
  }

  /** The new connection said hello: Slack delivers on it from now on, and the old one can go. */
  private void takeOver(Link link) {
    if (next == link) {
      next = null;
    }
    Link old = current;
    current = link;
    failures = 0;
    state = new State(Status.CONNECTED, "connected to Slack over Socket Mode");
    if (old != null) {
      log.info("Socket Mode connection #{} replaces #{}", link.number, old.number);
      shut(old);
    }
  }

  private void failed(int number, Throwable cause) {
    if (stopped) {
      return;
    }
    Duration wait = backoff(failures++);
    String why = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    log.warn("Socket Mode connection #{} could not be opened ({}); trying again in {} ms", number, why,
        wait.toMillis());
    if (current == null) {
      state = new State(Status.CONNECTING, "could not connect (" + why + "); retrying");
    }
    retryLater(wait);
  }

  private void retryLater(Duration wait) {
    if (stopped || retryTimer != -1) {
      return;
    }
    retryTimer = vertx.setTimer(Math.max(1, wait.toMillis()), id -> {
      retryTimer = -1;
      open();
    });
  }

  /** Doubles from {@code firstBackoff} up to {@code maxBackoff}, then waits a random half to all of it. */
  private Duration backoff(int attempt) {
    long first = timing.firstBackoff().toMillis();
    long ceiling = Math.min(timing.maxBackoff().toMillis(), first << Math.min(attempt, 20));
    return Duration.ofMillis(ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1));
  }

  // ---- one connection --------------------------------------------------------------------------

  private void ping(Link link) {
    if (System.nanoTime() - link.lastHeard > timing.silence().toNanos()) {
      // A dead link may never finish a closing handshake either: replace it now, not when it closes.
      lost(link, "has been silent for over " + Spans.format(timing.silence()));
      shut(link);
      return;
    }
    link.socket.writePing(Buffer.buffer("preflight"));
  }

  private Future<Void> shut(Link link) {
    vertx.cancelTimer(link.pinger);
    if (link.socket.isClosed()) {
      return Future.succeededFuture();
    }
    return link.socket.close().recover(e -> Future.succeededFuture());
  }

  private void closed(Link link) {
    vertx.cancelTimer(link.pinger);
    link.hello.tryFail("the connection closed before Slack said hello");
    lost(link, "closed");
  }

  /** The link Slack delivers on is gone: reconnect after a backoff, unless stopping or already replaced. */
  private void lost(Link link, String how) {
    if (link != current) {
      return;
    }
    current = null;
    if (stopped) {
      return;
    }
    Duration wait = backoff(failures++);
    log.warn("Socket Mode connection #{} {}; reconnecting in {} ms", link.number, how, wait.toMillis());
    state = new State(Status.CONNECTING, "the connection to Slack dropped (" + how + "); reconnecting");
    retryLater(wait);
  }

  private void received(Link link, String text) {
    link.lastHeard = System.nanoTime();
    JsonObject message;
    try {
      message = new JsonObject(text);
    } catch (DecodeException e) {
      log.warn("Ignored a Socket Mode message that is not a JSON object ({} characters)", text.length());
      return;
    }
    String type = String.valueOf(message.getValue("type"));
    switch (type) {
      case "hello" -> {
        log.info("Socket Mode connection #{} is open ({} connections for this app)", link.number,
            message.getValue("num_connections"));
        link.hello.tryComplete();
      }
      case "disconnect" -> disconnect(link, String.valueOf(message.getValue("reason")));
      default -> {
        if (SocketEnvelope.carriesWork(type)) {
          delivery.deliver(link.socket, link.number, message);
        } else if (message.getValue("envelope_id") instanceof String id) {
          log.info("Acked a Socket Mode envelope of type {} that Preflight has no use for",
              type.length() > 40 ? type.substring(0, 40) + "…" : type);
          link.socket.writeTextMessage(SocketEnvelope.emptyAck(id).encode());
        }
      }
    }
  }

  private void disconnect(Link link, String reason) {
    if ("link_disabled".equals(reason)) {
      log.error("Slack turned Socket Mode off for this app (link_disabled); no longer connecting");
      state = new State(Status.DISABLED, "Slack turned Socket Mode off for this app (link_disabled): turn it on "
          + "again under Socket Mode in the app's settings, then restart the bot");
      stopped = true;
      vertx.cancelTimer(retryTimer);
      shut(link);
      if (next != null) {
        shut(next);
      }
      return;
    }
    // Slack keeps delivering on the old connection until the new one says hello, which then closes it.
    log.info("Slack asked Socket Mode connection #{} to move ({}); opening the next one", link.number, reason);
    if (link == current) {
      open();
    }
  }
}
