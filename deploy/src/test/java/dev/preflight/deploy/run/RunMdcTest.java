package dev.preflight.deploy.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.preflight.checklists.checklist.Checklist;
import dev.preflight.checklists.checklist.Item;
import dev.preflight.checklists.checklist.Section;
import dev.preflight.checklists.checklist.SignOffRule;
import dev.preflight.checklists.deploy.Deployment;
import dev.preflight.deploy.TestDatabase;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.MDC;

/** The run in the logging MDC: set around a piece of work, and what was there put back after it. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class RunMdcTest {

  private static final Deployment API = Deployment.requested("api", "production", "1.2.3");
  private static final Checklist CHECKLIST = new Checklist("gate", "Gate", "gate.yaml", null,
      List.of(new Section("S", List.of(new Item("a", "A", false, null)))), SignOffRule.NONE, List.of());

  @AfterEach
  void clear() {
    MDC.clear();
  }

  @Test
  void aScopePutsTheRunInAndPutsBackWhatWasThere() {
    MDC.put(RunMdc.RUN_ID, "outer");
    RunMdc.Scope scope = RunMdc.enter("run-1", API);
    assertEquals(List.of("run-1", "api", "production"), mdc());
    scope.close();
    assertEquals(Arrays.asList("outer", null, null), mdc());
    scope.close();
    assertEquals(Arrays.asList("outer", null, null), mdc(), "closing twice changes nothing more");
  }

  @Test
  void workOnTheSameRunThatDoesNotKnowItsDeploymentKeepsTheService() {
    RunMdc.Scope outer = RunMdc.enter("run-1", API);
    RunMdc.Scope sameRun = RunMdc.enter("run-1", null);
    assertEquals(List.of("run-1", "api", "production"), mdc());
    RunMdc.Scope otherRun = RunMdc.enter("run-2", null);
    assertEquals(Arrays.asList("run-2", null, null), mdc(), "another run's service is not this one's");
    otherRun.close();
    sameRun.close();
    assertEquals(List.of("run-1", "api", "production"), mdc());
    outer.close();
    assertEquals(Arrays.asList(null, null, null), mdc());
  }

  @Test
  void aWrappedHandlerSeesTheRunOnTheThreadThatCallsItEvenWhenItThrows() throws InterruptedException {
    List<List<String>> seen = new ArrayList<>();
    Handler<String> wrapped = RunMdc.around("run-3", API, value -> {
      seen.add(mdc());
      throw new IllegalStateException(value);
    });
    Thread other = new Thread(() -> {
      try {
        wrapped.handle("boom");
      } catch (IllegalStateException expected) {
        seen.add(mdc());
      }
    });
    other.start();
    other.join();
    assertEquals(List.of(List.of("run-3", "api", "production"), Arrays.asList(null, null, null)), seen);
    assertEquals(Arrays.asList(null, null, null), mdc(), "this thread's MDC was never touched");
  }

  @Test
  void everyRunListenerRunsWithTheRunInTheMdc(Vertx vertx, VertxTestContext test) {
    Pool pool = PgBuilder.pool().connectingTo(TestDatabase.create().connectOptions()).using(vertx).build();
    RunRepository repository = new RunRepository(pool, id -> Optional.of(CHECKLIST));
    ChecklistRuns runs = new ChecklistRuns(vertx, repository, spec -> {
      throw new AssertionError("no automated items");
    }, id -> Optional.of(CHECKLIST), Clock.systemUTC());
    List<List<String>> seen = new ArrayList<>();
    runs.onChange(tracked -> seen.add(mdc()));
    runs.onChange(tracked -> {
      throw new IllegalStateException("a failing listener does not keep the run in the MDC");
    });

    runs.start("gate", "C1", new Origin("U1", "slash:/checklist"))
        .onComplete(test.succeeding(started -> test.verify(() -> {
          assertEquals(List.of(Arrays.asList(started.id(), null, null)), seen);
          assertEquals(Arrays.asList(null, null, null), mdc(), "and it is gone after them");
          pool.close();
          test.completeNow();
        })));
  }

  private static List<String> mdc() {
    return Arrays.asList(MDC.get(RunMdc.RUN_ID), MDC.get(RunMdc.SERVICE), MDC.get(RunMdc.ENVIRONMENT));
  }
}
