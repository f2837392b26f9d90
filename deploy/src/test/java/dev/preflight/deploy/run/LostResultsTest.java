package dev.preflight.deploy.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.preflight.checklists.checklist.CheckSpec;
import dev.preflight.checklists.checklist.Checklist;
import dev.preflight.checklists.checklist.Item;
import dev.preflight.checklists.checklist.Section;
import dev.preflight.checklists.checklist.SignOffRule;
import dev.preflight.checklists.run.Evidence;
import dev.preflight.checklists.run.ItemState;
import dev.preflight.checklists.run.RunRuleException;
import dev.preflight.deploy.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.ClosedConnectionException;
import io.vertx.sqlclient.Pool;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Items stored as running with nothing behind them, and changes replayed after an outage, on a
 * real PostgreSQL: the sweep runs a lost check again once its time limit has passed (and only
 * then, and not while this process still runs it), and a change whose commit answer was lost is
 * not made twice when it is written again.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class LostResultsTest {

  private static final CheckSpec.Command CHECK = new CheckSpec.Command(
      List.of("true"), null, Map.of(), 0, null, new CheckSpec.Timing(Duration.ofSeconds(5), 0, Duration.ofSeconds(1)));
  private static final Checklist CHECKLIST = new Checklist("lost", "Lost results", "lost.yaml", null,
      List.of(new Section("Checks", List.of(
          new Item("tables", "Tables exist", true, CHECK),
          new Item("backup", "Backup taken", true, null)))),
      SignOffRule.NONE, List.of());
  /** Past the check's own 5 s and the grace for its result. */
  private static final Duration PAST_LIMIT = Duration.ofSeconds(5).plus(Duration.ofMinutes(1)).plusSeconds(1);

  private Vertx vertx;
  private Pool pool;
  private final MovableClock clock = new MovableClock();
  private final AtomicBoolean loseNextCommitAnswer = new AtomicBoolean();

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    pool = PgBuilder.pool().connectingTo(TestDatabase.create().connectOptions()).using(vertx).build();
  }

  @AfterEach
  void tearDown() {
    pool.close();
  }

  /** A process of the bot: its own live checks, each check held until the test completes it. */
  private final class Process {
    final List<Promise<Evidence>> checks = new ArrayList<>();
    final List<TrackedRun> announced = new ArrayList<>();
    final ChecklistRuns runs;

    Process(Pool through) {
      runs = new ChecklistRuns(vertx, new RunRepository(through, LostResultsTest::checklist), spec -> {
        Promise<Evidence> promise = Promise.promise();
        checks.add(promise);
        return promise.future();
      }, LostResultsTest::checklist, clock);
      runs.onChange(announced::add);
    }
  }

  private static Optional<Checklist> checklist(String id) {
    return CHECKLIST.id().equals(id) ? Optional.of(CHECKLIST) : Optional.empty();
  }

  @Test
  void anItemWhoseProcessDiedIsRunAgainOnceItsTimeLimitHasPassed(VertxTestContext test) {
    Process crashed = new Process(pool);
    Process survivor = new Process(pool);
    String[] runId = new String[1];
    crashed.runs.start("lost", "C1", new Origin("U1", "slash:/checklist"))
        .compose(started -> {
          runId[0] = started.id();
          // The check's process is gone; the survivor never ran it. Within the limit, nothing happens.
          clock.advance(Duration.ofSeconds(30));
          return survivor.runs.sweep();
        })
        .compose(restarted -> {
          test.verify(() -> {
            assertEquals(0, restarted, "an item within its time limit may still get its result");
            assertTrue(survivor.checks.isEmpty());
          });
          clock.advance(PAST_LIMIT);
          return survivor.runs.sweep();
        })
        .compose(restarted -> {
          test.verify(() -> assertEquals(1, restarted));
          return awaitCheck(survivor, 1);
        })
        .compose(check -> {
          check.complete(new Evidence(true, "0 exit", 0, 3L, null, null, 1));
          return awaitItem(survivor, runId[0], ItemState.PASSED);
        })
        .compose(v -> survivor.runs.find(runId[0]))
        .compose(found -> {
          test.verify(() -> {
            assertEquals(ItemState.PASSED, found.run().items().get("tables").state());
            assertEquals(2, found.run().items().get("tables").attempt(), "run again as a new attempt");
          });
          // The dead process's result, if it ever came, belongs to attempt 1 and changes nothing.
          crashed.checks.get(0).complete(Evidence.failure("late", "from the old attempt", 1));
          return pool.query("select action, source from audit_log order by id").execute();
        })
        .onComplete(test.succeeding(rows -> test.verify(() -> {
          List<String> audit = new ArrayList<>();
          rows.forEach(row -> audit.add(row.getString("action") + " " + row.getString("source")));
          assertTrue(audit.contains("item.restarted sweep"), audit.toString());
          test.completeNow();
        })));
  }

  @Test
  void anOverdueItemStillRunningHereIsNotStartedTwiceButAnnouncedForItsReRunButton(VertxTestContext test) {
    Process process = new Process(pool);
    process.runs.start("lost", "C1", new Origin("U1", "slash:/checklist"))
        .compose(started -> {
          clock.advance(PAST_LIMIT);
          process.announced.clear();
          return process.runs.sweep();
        })
        .compose(restarted -> {
          test.verify(() -> assertEquals(0, restarted, "its check is still live in this process"));
          return awaitAnnounced(process);
        })
        .onComplete(test.succeeding(announced -> test.verify(() -> {
          assertTrue(announced.run().overdue("tables", clock.instant()), "drawn now, it offers Re-run");
          assertEquals(1, process.checks.size());
          test.completeNow();
        })));
  }

  @Test
  void aPersonMayReRunARunningItemOnlyOnceItIsOverdue(VertxTestContext test) {
    Process process = new Process(pool);
    Origin sre = new Origin("U2", "button:item_rerun");
    String[] runId = new String[1];
    process.runs.start("lost", "C1", new Origin("U1", "slash:/checklist"))
        .compose(started -> {
          runId[0] = started.id();
          return process.runs.rerun(started.id(), "tables", sre);
        })
        .recover(refused -> {
          test.verify(() -> {
            assertInstanceOf(RunRuleException.class, refused);
            assertTrue(refused.getMessage().contains("within its time limit"), refused.getMessage());
          });
          clock.advance(PAST_LIMIT);
          return process.runs.rerun(runId[0], "tables", sre);
        })
        .onComplete(test.succeeding(rerun -> test.verify(() -> {
          assertEquals(ItemState.RUNNING, rerun.run().items().get("tables").state());
          assertEquals(2, rerun.run().items().get("tables").attempt());
          test.completeNow();
        })));
  }

  @Test
  void aChangeWhoseCommitAnswerWasLostIsNotMadeTwiceWhenReplayed(VertxTestContext test) {
    Process process = new Process(losingAnswers(pool));
    String[] runId = new String[1];
    process.runs.start("lost", "C1", new Origin("U1", "slash:/checklist"))
        .compose(started -> {
          runId[0] = started.id();
          loseNextCommitAnswer.set(true);
          return process.runs.tick(started.id(), "backup", new Origin("U2", "button:item_tick"));
        })
        .<Object>map(ticked -> {
          throw new AssertionError("the answer was lost, so the tick cannot have been confirmed");
        })
        .recover(held -> {
          test.verify(() -> assertInstanceOf(ChangeHeldException.class, held));
          // Without its change id, the replay would meet a passed item and be refused ("already passed").
          return ((ChangeHeldException) held).applied().map(x -> (Object) x);
        })
        .compose(applied -> pool.query("select action from audit_log where action = 'item.ticked'").execute())
        .onComplete(test.succeeding(rows -> test.verify(() -> {
          assertEquals(1, rows.size(), "one tick in the audit log");
          test.completeNow();
        })));
  }

  /** The pool as seen through a connection that drops right after a commit, once, when asked. */
  private Pool losingAnswers(Pool real) {
    return (Pool) Proxy.newProxyInstance(Pool.class.getClassLoader(), new Class<?>[] {Pool.class},
        (proxy, method, args) -> {
          Object result;
          try {
            result = method.invoke(real, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
          if (method.getName().equals("withTransaction") && result instanceof Future<?> committed) {
            return committed.compose(value -> loseNextCommitAnswer.getAndSet(false)
                ? Future.failedFuture(ClosedConnectionException.INSTANCE)
                : Future.succeededFuture(value));
          }
          return result;
        });
  }

  private Future<Promise<Evidence>> awaitCheck(Process process, int count) {
    return poll(() -> process.checks.size() >= count ? process.checks.get(count - 1) : null);
  }

  private Future<Void> awaitItem(Process process, String runId, ItemState state) {
    return poll(() -> process.announced.stream()
        .anyMatch(t -> t.id().equals(runId) && t.run().items().get("tables").state() == state) ? Boolean.TRUE : null)
        .mapEmpty();
  }

  private Future<TrackedRun> awaitAnnounced(Process process) {
    return poll(() -> process.announced.isEmpty() ? null : process.announced.get(0));
  }

  /** Waits on a timer for {@code probe} to give a value; never sleeps a thread. */
  private <T> Future<T> poll(java.util.function.Supplier<T> probe) {
    Promise<T> promise = Promise.promise();
    vertx.setPeriodic(20, id -> {
      T value = probe.get();
      if (value != null) {
        vertx.cancelTimer(id);
        promise.tryComplete(value);
      }
    });
    return promise.future();
  }

  /** A clock the test moves forward, so "past the time limit" needs no waiting. */
  private static final class MovableClock extends Clock {
    private volatile Instant now = Instant.now();

    void advance(Duration by) {
      now = now.plus(by);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }
}
