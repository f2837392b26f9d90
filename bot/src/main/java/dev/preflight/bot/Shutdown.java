package dev.preflight.bot;

import dev.preflight.checklists.time.Spans;
import dev.preflight.deploy.process.ProcessTree;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * The bot's orderly stop. On SIGTERM (or SIGINT, or SIGHUP) the verticle stops in order (see
 * {@link PreflightVerticle#stop()}: new requests refused, acknowledgements in flight finished,
 * deploys and watch rounds given back to the other replicas, clients and pool closed), then the
 * database closes and any process the bot started that is still alive is killed with its
 * children. The exit status is {@link #CLEAN} when all of it finished within the timeout
 * ({@link BotSettings#shutdownTimeout()}, {@code PREFLIGHT_SHUTDOWN_TIMEOUT}), and {@link #FORCED}
 * when it did not and the process was halted.
 */
final class Shutdown {

  static final int CLEAN = 0;
  static final int FORCED = 1;
  private static final Logger LOG = LoggerFactory.getLogger(Shutdown.class);
  private static final Duration LEFTOVER_KILL_WAIT = Duration.ofSeconds(2);
  private static final Duration RESERVE = Duration.ofSeconds(4);

  private final Vertx vertx;
  private final Database database;
  private final Duration timeout;
  private final AtomicBoolean signalled = new AtomicBoolean();
  private final AtomicBoolean begun = new AtomicBoolean();

  /** @param timeout how long the whole stop may take; past it the process is halted */
  Shutdown(Vertx vertx, Database database, Duration timeout) {
    this.vertx = vertx;
    this.database = database;
    this.timeout = timeout;
  }

  /**
   * Stops on SIGTERM, SIGINT and SIGHUP, then exits with the stop's status. Any other way the JVM
   * goes down (an exit elsewhere) still runs the same stop from a shutdown hook.
   *
   * <p>SIGHUP is what many daemons take as "read your config again"; Preflight reads it only at
   * start, so it says so and stops as on SIGTERM: under a supervisor the next start reads the new
   * config, and in a terminal that hung up the bot goes with it, as it always did. A bot started
   * under {@code nohup} keeps ignoring SIGHUP: the JVM leaves an ignored signal ignored.
   */
  void install() {
    Map<String, String> reasons = Map.of(
        "TERM", "SIGTERM",
        "INT", "SIGINT",
        "HUP", "SIGHUP: the config is read only at start and there is no reload, so Preflight stops as on SIGTERM; "
            + "start it again to read the config");
    reasons.forEach((name, why) -> {
      try {
        Signal.handle(new Signal(name), signal -> begin("SIG" + name, why));
      } catch (IllegalArgumentException e) {
        LOG.debug("SIG{} cannot be handled here ({}); the shutdown hook stops the bot", name, e.getMessage());
      }
    });
    Runtime.getRuntime().addShutdownHook(new Thread(() -> stop("the JVM is exiting"), "preflight-shutdown-hook"));
    LOG.info("Preflight stops in order on SIGTERM, SIGINT or SIGHUP, within {}", Spans.format(timeout));
  }

  /** The signal's thread is not ours to hold: the stop runs on a thread of its own, then exits. */
  private void begin(String signal, String why) {
    if (!signalled.compareAndSet(false, true)) {
      LOG.info("{} while stopping: the stop under way goes on", signal);
      return;
    }
    Thread stopping = new Thread(() -> System.exit(stop(why)), "preflight-shutdown");
    stopping.start();
  }

  /** Stops once; a second call (the hook, after the exit a first call asked for) answers at once. */
  int stop(String why) {
    if (!begun.compareAndSet(false, true)) {
      return CLEAN;
    }
    long started = System.nanoTime();
    LOG.info("Stopping Preflight ({}); it may take up to {}", why, Spans.format(timeout));
    CountDownLatch done = new CountDownLatch(1);
    watchdog(done);
    // The database and the leftover processes need a moment of their own after Vert.x.
    Duration reserve = Duration.ofMillis(Math.min(RESERVE.toMillis(), timeout.toMillis() / 4));
    boolean clean = true;
    try {
      vertx.close().toCompletionStage().toCompletableFuture()
          .get(timeout.minus(reserve).toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      LOG.error("Preflight's services did not stop within {}; what is left is cut short. Leases not given back "
          + "run out as if this replica had died", Spans.format(timeout.minus(reserve)));
      clean = false;
    } catch (Exception e) {
      LOG.warn("Vert.x did not close cleanly: {}", e.getMessage());
    }
    try {
      database.close();
    } catch (Exception e) {
      LOG.warn("The database did not close cleanly: {}", e.getMessage());
    }
    killLeftovers();
    done.countDown();
    LOG.info("Preflight stopped in {}", Spans.format(Duration.ofNanos(System.nanoTime() - started)));
    return clean ? CLEAN : FORCED;
  }

  /** Whatever hangs, the process is gone once the timeout has passed. */
  private void watchdog(CountDownLatch done) {
    Thread watchdog = new Thread(() -> {
      try {
        if (!done.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          LOG.error("Preflight did not stop within {}; halting", Spans.format(timeout));
          Runtime.getRuntime().halt(FORCED);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "preflight-shutdown-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
  }

  /**
   * Whatever the bot started and is still running (a check's command cut short) goes with it,
   * children included, so nothing is left behind the bot. The embedded database is stopped by
   * then; nothing else of the bot's own is a process.
   */
  private static void killLeftovers() {
    List<ProcessHandle> children = ProcessHandle.current().children().toList();
    int killed = 0;
    for (ProcessHandle child : children) {
      String command = child.info().command().orElse("pid " + child.pid());
      killed += ProcessTree.kill(child, LEFTOVER_KILL_WAIT);
      LOG.warn("Stopped {} (pid {}) and its children: still running as the bot stopped", command, child.pid());
    }
    if (killed > 0) {
      LOG.info("Stopped {} leftover process(es)", killed);
    }
  }
}
