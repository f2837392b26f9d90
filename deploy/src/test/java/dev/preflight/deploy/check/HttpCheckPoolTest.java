package dev.preflight.deploy.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.preflight.checklists.checklist.CheckSpec;
import dev.preflight.checklists.run.Evidence;
import dev.preflight.checklists.secret.Variables;
import dev.preflight.deploy.aws.AwsClients;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

/**
 * Many checks of one host run side by side rather than queueing behind a few connections, and
 * when even the queue for a host is full, the checks beyond it fail at once with a reason a
 * person can act on. The server here answers nothing until it holds as many requests as the
 * test expects at the same time: a client that serializes them never gets an answer.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 90, timeUnit = TimeUnit.SECONDS)
class HttpCheckPoolTest {

  /** Four times the pool the check client used to have. */
  private static final int CHECKS = 200;

  @Test
  void twoHundredChecksOfOneHostAreAllAtTheServerAtOnce(Vertx vertx, VertxTestContext test) {
    AwsClients aws = new AwsClients();
    CheckRunner runner = new CheckRunner(vertx, aws);
    Held held = new Held(CHECKS);
    listen(vertx, held)
        .compose(port -> {
          List<Future<Evidence>> checks = new ArrayList<>();
          for (int i = 0; i < CHECKS; i++) {
            // Bounded, so a client that cannot send them all at once fails the test rather than hangs it.
            checks.add(runner.run(HttpSpec.get("http://127.0.0.1:" + port + "/held/" + i)
                .timeout(Duration.ofSeconds(30)).build(), Variables.of(Map.of())));
          }
          return Future.all(checks).map(all -> checks);
        })
        .onComplete(test.succeeding(checks -> test.verify(() -> {
          runner.close();
          aws.close();
          for (Future<Evidence> check : checks) {
            assertTrue(check.result().passed(), check.result()::toString);
            assertEquals("released", check.result().excerpt());
          }
          assertEquals(CHECKS, held.most, "requests the server held at the same time");
          test.completeNow();
        })));
  }

  @Test
  void checksBeyondAHostsQueueFailAtOnceSayingWhyWhileTheOthersGoThrough(Vertx vertx, VertxTestContext test) {
    // Two connections and three waiting. A check waits until it holds a connection, including
    // while that connection is being opened, so of seven checks sent together three are taken
    // (two at once, one after) and four are refused before anything is sent. The server answers
    // once it holds two.
    HttpCheck small = new HttpCheck(vertx, 2, 3);
    CheckRunner runner = new CheckRunner(vertx, Map.of(CheckSpec.Http.class, small));
    Held held = new Held(2);
    listen(vertx, held)
        .compose(port -> {
          List<Future<Evidence>> checks = new ArrayList<>();
          for (int i = 0; i < 7; i++) {
            checks.add(runner.run(HttpSpec.get("http://127.0.0.1:" + port + "/held/" + i)
                .timeout(Duration.ofSeconds(30)).build(), Variables.of(Map.of())));
          }
          return Future.all(checks).map(all -> new Object[] {port, checks});
        })
        .onComplete(test.succeeding(result -> test.verify(() -> {
          small.close();
          int port = (Integer) result[0];
          @SuppressWarnings("unchecked")
          List<Future<Evidence>> checks = (List<Future<Evidence>>) result[1];
          List<Evidence> passed = new ArrayList<>();
          List<Evidence> refused = new ArrayList<>();
          for (Future<Evidence> check : checks) {
            (check.result().passed() ? passed : refused).add(check.result());
          }
          assertTrue(passed.size() >= 3 && passed.size() <= 5, passed::toString);
          assertEquals(7 - passed.size(), refused.size(), refused::toString);
          for (Evidence evidence : refused) {
            assertEquals("not sent: 3 checks of 127.0.0.1:" + port
                + " were already waiting for one of its 2 connections", evidence.summary());
          }
          assertEquals(passed.size(), held.received, "requests that reached the server");
          test.completeNow();
        })));
  }

  /**
   * A hundred checks of one host, half of them answered 503: the bot writes no log line for any of
   * them (a check's result goes to the run, not the log; only a retry is logged), and the checks'
   * timing lands on one timer per kind and outcome rather than one lookup-built meter per check.
   */
  @Test
  void aHundredChecksLeaveNoLogLineAndCountOnOneTimerPerOutcome(Vertx vertx, VertxTestContext test) {
    AwsClients aws = new AwsClients();
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    CheckRunner runner = new CheckRunner(vertx, aws, meters);
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ListAppender<ILoggingEvent> logged = new ListAppender<>();
    logged.start();
    root.addAppender(logged);
    vertx.createHttpServer()
        .requestHandler(request -> request.response().setStatusCode(request.path().endsWith("/down") ? 503 : 200)
            .end("{\"ok\":true}"))
        .listen(0, "127.0.0.1")
        .compose(server -> {
          List<Future<Evidence>> checks = new ArrayList<>();
          for (int i = 0; i < 100; i++) {
            checks.add(runner.run(HttpSpec.get("http://127.0.0.1:" + server.actualPort() + "/health/" + i
                + (i % 2 == 0 ? "/up" : "/down")).timeout(Duration.ofSeconds(30)).build(), Variables.of(Map.of())));
          }
          return Future.all(checks).map(all -> checks);
        })
        .onComplete(test.succeeding(checks -> test.verify(() -> {
          root.detachAppender(logged);
          runner.close();
          aws.close();
          assertEquals(50, checks.stream().filter(check -> check.result().passed()).count());
          List<String> lines = logged.list.stream()
              .filter(event -> event.getLoggerName().startsWith("dev.preflight"))
              .map(ILoggingEvent::getFormattedMessage)
              .toList();
          assertEquals(List.of(), lines, "log lines written by the checks");
          assertEquals(2, meters.find("preflight.check").timers().size(), "one timer per outcome");
          assertEquals(50, meters.get("preflight.check").tags("kind", "http", "outcome", "passed").timer().count());
          assertEquals(50, meters.get("preflight.check").tags("kind", "http", "outcome", "failed").timer().count());
          test.completeNow();
        })));
  }

  /**
   * Closing the runner closes the connections its checks left open for the next check, and its
   * future says when: the benchmark waits for it so that one batch's closing is not counted in the
   * next.
   */
  @Test
  void closingTheRunnerClosesTheConnectionsItKeptOpen(Vertx vertx, VertxTestContext test) {
    AwsClients aws = new AwsClients();
    CheckRunner runner = new CheckRunner(vertx, aws);
    List<io.vertx.core.http.HttpConnection> open = new ArrayList<>();
    List<io.vertx.core.http.HttpConnection> closed = new ArrayList<>();
    io.vertx.core.Promise<Void> allClosed = io.vertx.core.Promise.promise();
    vertx.createHttpServer()
        .connectionHandler(connection -> {
          open.add(connection);
          connection.closeHandler(v -> {
            closed.add(connection);
            if (closed.size() == 5) {
              allClosed.tryComplete();
            }
          });
        })
        .requestHandler(request -> vertx.setTimer(50, id -> request.response().end("ok")))
        .listen(0, "127.0.0.1")
        .compose(server -> {
          List<Future<Evidence>> checks = new ArrayList<>();
          for (int i = 0; i < 5; i++) {
            checks.add(runner.run(HttpSpec.get("http://127.0.0.1:" + server.actualPort() + "/c/" + i)
                .timeout(Duration.ofSeconds(30)).build(), Variables.of(Map.of())));
          }
          return Future.all(checks);
        })
        .onComplete(test.succeeding(checks -> test.verify(() -> {
          assertEquals(5, open.size(), "connections the five checks opened side by side");
          assertEquals(List.of(), closed, "connections closed before the runner was");
        })))
        .compose(checks -> runner.close())
        // The server learns of each close a moment after the client has closed it; left open,
        // they would idle for a minute before anything closed them.
        .compose(v -> allClosed.future().timeout(10, TimeUnit.SECONDS))
        .onComplete(test.succeeding(v -> test.verify(() -> {
          aws.close();
          assertEquals(5, closed.size(), "connections closed by the runner");
          test.completeNow();
        })));
  }

  private static Future<Integer> listen(Vertx vertx, Held held) {
    return vertx.createHttpServer().requestHandler(held::hold).listen(0, "127.0.0.1")
        .map(server -> server.actualPort());
  }

  /**
   * Holds requests until {@code together} of them are waiting at once, then answers those; any
   * request after that is answered at once. Runs on the server's one event loop.
   */
  private static final class Held {
    private final int together;
    private final List<HttpServerRequest> waiting = new ArrayList<>();
    private boolean released;
    private int received;
    private int most;

    Held(int together) {
      this.together = together;
    }

    void hold(HttpServerRequest request) {
      received++;
      if (released) {
        request.response().end("released");
        return;
      }
      waiting.add(request);
      request.connection().closeHandler(v -> waiting.remove(request));
      most = Math.max(most, waiting.size());
      if (waiting.size() >= together) {
        released = true;
        waiting.forEach(held -> held.response().end("released"));
        waiting.clear();
      }
    }
  }
}
