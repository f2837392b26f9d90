package dev.preflight.deploy.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.preflight.checklists.checklist.CheckSpec;
import dev.preflight.checklists.checklist.Checklist;
import dev.preflight.checklists.checklist.Item;
import dev.preflight.checklists.checklist.Section;
import dev.preflight.checklists.checklist.SignOffRule;
import dev.preflight.checklists.checklist.SignOffRule.SignOffRequirement;
import dev.preflight.checklists.run.Evidence;
import dev.preflight.checklists.run.GateStatus;
import dev.preflight.checklists.run.ItemState;
import dev.preflight.checklists.run.RunRuleException;
import dev.preflight.checklists.run.RunStatus;
import dev.preflight.checklists.run.SignOffDecision;
import dev.preflight.deploy.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class ChecklistRunsTest {

  private static TestDatabase database;

  private static final CheckSpec.Command CHECK = new CheckSpec.Command(
      List.of("true"), null, Map.of(), 0, null, new CheckSpec.Timing(Duration.ofSeconds(5), 0, Duration.ofSeconds(1)));

  private static final Checklist CHECKLIST = new Checklist("predeploy", "Pre-deploy", "predeploy.yaml", null,
      List.of(new Section("Database", List.of(
          new Item("backup", "Backup taken", true, null),
          new Item("tables", "Tables exist", true, CHECK),
          new Item("notes", "Release notes", false, null)))),
      new SignOffRule(List.of(new SignOffRequirement("sre", 1), new SignOffRequirement("lead", 1)), false),
      List.of("sre"));

  private static final Checklist TWO_CHECKS = new Checklist("two-checks", "Two checks", "two.yaml", null,
      List.of(new Section("Checks", List.of(
          new Item("fast", "Fast check", true, CHECK),
          new Item("slow", "Slow check", true, CHECK)))),
      SignOffRule.NONE, List.of());

  private Vertx vertx;
  private Pool pool;
  private List<Promise<Evidence>> pendingChecks;
  private List<TrackedRun> announced;
  private ChecklistRuns runs;

  @BeforeEach
  void setUp(Vertx vertx) {
    // A database per test: resume() must only find the runs this test left behind.
    database = TestDatabase.create();
    this.vertx = vertx;
    pool = PgBuilder.pool().connectingTo(database.connectOptions()).using(vertx).build();
    runs = service();
  }

  private ChecklistRuns service() {
    pendingChecks = new ArrayList<>();
    announced = new ArrayList<>();
    RunRepository repository = new RunRepository(pool, ChecklistRunsTest::checklist);
    ChecklistRuns service = new ChecklistRuns(vertx, repository, spec -> {
      Promise<Evidence> promise = Promise.promise();
      pendingChecks.add(promise);
      return promise.future();
    }, ChecklistRunsTest::checklist, Clock.systemUTC());
    service.onChange(announced::add);
    return service;
  }

  private static Optional<Checklist> checklist(String id) {
    return java.util.stream.Stream.of(CHECKLIST, TWO_CHECKS).filter(c -> c.id().equals(id)).findFirst();
  }

  @AfterEach
  void tearDown() {
    pool.close();
  }

  /**
   * What docs/config.md promises for a restart on an edited checklist: items are matched by id, an
   * added one is pending, a removed one is left out but kept in the database, and sign-offs count
   * toward the roles required now.
   */
  @Test
  void anEditedChecklistIsAppliedToAnOpenRunByItemId(VertxTestContext test) {
    Origin lead = new Origin("U2", "test");
    Checklist edited = new Checklist("predeploy", "Pre-deploy", "predeploy.yaml", null,
        List.of(new Section("Database", List.of(
            new Item("backup", "Backup taken and restored once", true, null),
            new Item("smoke", "Smoke tests pass", true, null)))),
        new SignOffRule(List.of(new SignOffRequirement("qa", 1)), false), List.of("sre"));
    Checklist[] now = {CHECKLIST};
    ChecklistRuns restarted = new ChecklistRuns(vertx, new RunRepository(pool, id -> Optional.of(now[0])),
        spec -> Promise.<Evidence>promise().future(), id -> Optional.of(now[0]), Clock.systemUTC());
    runs.start("predeploy", "C1", new Origin("U1", "slash:/checklist"))
        .compose(started -> runs.tick(started.id(), "backup", lead))
        .compose(run -> runs.tick(run.id(), "notes", lead))
        .compose(run -> runs.signOff(run.id(), "U3", Set.of("sre"), new Origin("U3", "reaction")).map(run))
        .compose(run -> {
          now[0] = edited;
          return restarted.find(run.id());
        })
        .compose(found -> {
          test.verify(() -> {
            assertEquals(List.of("backup", "smoke"), List.copyOf(found.run().items().keySet()));
            assertEquals(ItemState.PASSED, found.run().items().get("backup").state(), "kept by id");
            assertEquals(ItemState.PENDING, found.run().items().get("smoke").state(), "added: pending");
            assertEquals(1, found.run().signOffs().size(), "the sre sign-off is kept");
            GateStatus gates = found.run().gates();
            assertEquals(List.of("smoke"), gates.openBlockers());
            assertEquals(List.of(new GateStatus.MissingSignOff("qa", 0, 1)), gates.missingSignOffs(),
                "the sre sign-off counts for nothing now; qa must sign");
            assertFalse(found.checklistGone());
          });
          now[0] = CHECKLIST; // the removed item put back: its tick returns
          return restarted.find(found.id());
        })
        .onComplete(test.succeeding(back -> test.verify(() -> {
          assertEquals(ItemState.PASSED, back.run().items().get("notes").state());
          test.completeNow();
        })));
  }

  @Test
  void startingARunStoresItAndStartsItsAutomatedItems(VertxTestContext test) {
    runs.start("predeploy", "C1", new Origin("U1", "slash:/checklist"))
        .compose(started -> runs.find(started.id()))
        .onComplete(test.succeeding(found -> test.verify(() -> {
          assertEquals(ItemState.RUNNING, found.run().items().get("tables").state());
          assertEquals(1, found.run().items().get("tables").attempt());
          assertEquals(ItemState.PENDING, found.run().items().get("backup").state());
          assertEquals(RunStatus.PREPARING, found.run().status());
          assertEquals("C1", found.channelId());
          assertEquals(1, pendingChecks.size(), "the automated item's check was launched");
          assertEquals(1, announced.size());
          test.completeNow();
        })));
  }

  @Test
  void aCheckResultIsStoredWithItsEvidence(VertxTestContext test) {
    runs.start("predeploy", "C1", new Origin("U1", "slash:/checklist"))
        .compose(started -> {
          Promise<TrackedRun> recorded = Promise.promise();
          runs.onChange(change -> {
            if (change.run().items().get("tables").state() == ItemState.PASSED) {
              recorded.tryComplete(change);
            }
          });
          pendingChecks.get(0).complete(new Evidence(true, "1 row", null, 12L, null, null, 1));
          return recorded.future();
        })
        .compose(change -> runs.find(change.id()))
        .onComplete(test.succeeding(found -> test.verify(() -> {
          Evidence evidence = found.run().items().get("tables").evidence();
          assertNotNull(evidence);
          assertEquals("1 row", evidence.summary());
          assertEquals(12L, evidence.latencyMillis());
          test.completeNow();
        })));
  }

  @Test
  void ticksSignOffsAndWaiversCompleteTheRunAndAreAudited(VertxTestContext test) {
    Origin starter = new Origin("U1", "slash:/checklist");
    runs.start("predeploy", "C1", starter)
        .compose(run -> runs.tick(run.id(), "backup", new Origin("U2", "button:item_tick")))
        .compose(run -> runs.waive(run.id(), "tables", "verified by hand", Set.of("sre"),
            new Origin("U3", "view:waive")))
        .compose(run -> runs.signOff(run.id(), "U3", Set.of("sre"), new Origin("U3", "reaction_added")))
        .compose(outcome -> runs.signOff(outcome.run().id(), "U4", Set.of("lead"), new Origin("U4", "reaction_added")))
        .compose(outcome -> runs.find(outcome.run().id()))
        .compose(found -> pool.preparedQuery("select action, actor, source from audit_log where run_id = $1 order by id")
            .execute(io.vertx.sqlclient.Tuple.of(java.util.UUID.fromString(found.id())))
            .map(rows -> {
              List<String> lines = new ArrayList<>();
              for (Row row : rows) {
                lines.add(row.getString("action") + " " + row.getString("actor") + " " + row.getString("source"));
              }
              return Map.entry(found, lines);
            }))
        .onComplete(test.succeeding(result -> test.verify(() -> {
          TrackedRun found = result.getKey();
          assertEquals(RunStatus.READY, found.run().status());
          assertTrue(found.run().gates().passed());
          assertEquals("U2", found.run().items().get("backup").actor());
          assertEquals("verified by hand", found.run().items().get("tables").note());
          assertEquals(List.of(
              "run.started U1 slash:/checklist",
              "item.ticked U2 button:item_tick",
              "item.waived U3 view:waive",
              "signoff.added U3 reaction_added",
              "signoff.added U4 reaction_added"), result.getValue());
          test.completeNow();
        })));
  }

  @Test
  void theStarterCannotSignOffAndNothingIsRecorded(VertxTestContext test) {
    runs.start("predeploy", "C1", new Origin("U1", "slash:/checklist"))
        .compose(run -> runs.signOff(run.id(), "U1", Set.of("sre"), new Origin("U1", "reaction_added")))
        .compose(outcome -> {
          test.verify(() -> assertInstanceOf(SignOffDecision.Rejected.class, outcome.decision()));
          return runs.find(outcome.run().id());
        })
        .onComplete(test.succeeding(found -> test.verify(() -> {
          assertTrue(found.run().signOffs().isEmpty());
          test.completeNow();
        })));
  }

  @Test
  void withdrawingASignOffReopensTheGate(VertxTestContext test) {
    runs.start("predeploy", "C1", new Origin("U1", "slash:/checklist"))
        .compose(run -> runs.signOff(run.id(), "U3", Set.of("sre"), new Origin("U3", "reaction_added")))
        .compose(outcome -> runs.withdrawSignOff(outcome.run().id(), "U3", new Origin("U3", "reaction_removed")))
        .onComplete(test.succeeding(changed -> test.verify(() -> {
          assertTrue(changed.isPresent());
          assertTrue(changed.get().run().signOffs().isEmpty());
          test.completeNow();
        })));
  }

  @Test
  void aWaiverFromSomeoneOutsideTheWaiverRolesIsRefused(VertxTestContext test) {
    runs.start("predeploy", "C1", new Origin("U1", "slash:/checklist"))
        .compose(run -> runs.waive(run.id(), "backup", "trust me", Set.of("lead"), new Origin("U2", "view:waive"))
            .recover(e -> {
              test.verify(() -> {
                assertInstanceOf(RunRuleException.class, e);
                assertTrue(e.getMessage().contains("sre"), e.getMessage());
              });
              return runs.find(run.id());
            }))
        .onComplete(test.succeeding(found -> test.verify(() -> {
          assertEquals(ItemState.PENDING, found.run().items().get("backup").state());
          test.completeNow();
        })));
  }

  @Test
  void aResultForAnItemRerunInTheMeantimeIsIgnored(VertxTestContext test) {
    runs.start("predeploy", "C1", new Origin("U1", "slash:/checklist"))
        .compose(run -> runs.waive(run.id(), "tables", "known flaky", Set.of("sre"), new Origin("U3", "view:waive")))
        .compose(run -> runs.rerun(run.id(), "tables", new Origin("U3", "button:item_rerun")))
        .compose(run -> {
          test.verify(() -> assertEquals(2, pendingChecks.size()));
          pendingChecks.get(0).complete(new Evidence(false, "old failure", null, null, null, "boom", 1));
          Promise<TrackedRun> second = Promise.promise();
          runs.onChange(change -> {
            if (change.run().items().get("tables").state() == ItemState.PASSED) {
              second.tryComplete(change);
            }
          });
          pendingChecks.get(1).complete(new Evidence(true, "fine now", null, null, null, null, 1));
          return second.future();
        })
        .compose(change -> runs.find(change.id()))
        .onComplete(test.succeeding(found -> test.verify(() -> {
          assertEquals(ItemState.PASSED, found.run().items().get("tables").state());
          assertEquals("fine now", found.run().items().get("tables").evidence().summary());
          test.completeNow();
        })));
  }

  @Test
  void reRunningOneItemRunsOnlyThatItemsCheck(VertxTestContext test) {
    runs.start("two-checks", "C1", new Origin("U1", "slash:/checklist"))
        .compose(run -> {
          test.verify(() -> assertEquals(2, pendingChecks.size()));
          Promise<TrackedRun> failed = Promise.promise();
          runs.onChange(change -> {
            if (change.run().items().get("fast").state() == ItemState.FAILED) {
              failed.tryComplete(change);
            }
          });
          pendingChecks.get(0).complete(new Evidence(false, "503", 503, 3L, null, "unhealthy", 1));
          return failed.future();
        })
        .compose(run -> runs.rerun(run.id(), "fast", new Origin("U2", "button:item_rerun")))
        .onComplete(test.succeeding(run -> test.verify(() -> {
          assertEquals(3, pendingChecks.size(), "the still running slow check was not launched a second time");
          assertEquals(ItemState.RUNNING, run.run().items().get("fast").state());
          assertEquals(2, run.run().items().get("fast").attempt());
          assertEquals(1, run.run().items().get("slow").attempt());
          test.completeNow();
        })));
  }

  @Test
  void afterARestartStillRunningChecksRunAgain(VertxTestContext test) {
    runs.start("predeploy", "C1", new Origin("U1", "slash:/checklist"))
        .compose(run -> {
          // A new service on the same database is what a restarted bot sees.
          ChecklistRuns restarted = service();
          Promise<TrackedRun> passed = Promise.promise();
          restarted.onChange(change -> {
            if (change.run().items().get("tables").state() == ItemState.PASSED) {
              passed.tryComplete(change);
            }
          });
          return restarted.resume().compose(count -> {
            test.verify(() -> {
              assertEquals(1, count);
              assertEquals(1, pendingChecks.size(), "the running check was launched again, once");
            });
            pendingChecks.forEach(p -> p.tryComplete(new Evidence(true, "ok", null, null, null, null, 1)));
            return passed.future();
          });
        })
        .onComplete(test.succeeding(change -> test.verify(() -> {
          assertEquals(ItemState.PASSED, change.run().items().get("tables").state());
          test.completeNow();
        })));
  }

  @Test
  void theAuditLogRefusesChanges(VertxTestContext test) {
    pool.query("insert into audit_log (action) values ('probe')").execute()
        .compose(v -> pool.query("update audit_log set action = 'forged'").execute())
        .onComplete(test.failing(e -> test.verify(() -> {
          assertTrue(e.getMessage().contains("append-only"), e.getMessage());
          test.completeNow();
        })));
  }

}
