package dev.preflight.bot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.slack.api.bolt.App;
import com.slack.api.bolt.AppConfig;
import dev.preflight.checklists.checklist.SignOffRule;
import dev.preflight.checklists.checklist.SignOffRule.SignOffRequirement;
import dev.preflight.checklists.config.ActionSpec;
import dev.preflight.checklists.config.CommandAction;
import dev.preflight.checklists.config.EcsRunTaskAction;
import dev.preflight.checklists.config.EcsScaleAction;
import dev.preflight.checklists.config.PreflightConfig;
import dev.preflight.checklists.config.Role;
import dev.preflight.checklists.runbook.Parameter;
import dev.preflight.checklists.runbook.Runbook;
import dev.preflight.checklists.secret.Variables;
import dev.preflight.deploy.TestDatabase;
import dev.preflight.deploy.action.Actions;
import dev.preflight.deploy.action.ActionKinds;
import dev.preflight.deploy.aws.AwsClients;
import dev.preflight.deploy.fake.FakeEcs;
import dev.preflight.deploy.run.DeploymentStore;
import dev.preflight.deploy.runbook.RunbookDriver;
import dev.preflight.deploy.runbook.RunbookRuns;
import dev.preflight.deploy.runbook.RunbookStore;
import dev.preflight.handlers.Roles;
import dev.preflight.handlers.command.SlackHarness;
import dev.preflight.handlers.fake.SlackRequests;
import dev.preflight.handlers.runbook.RunbookIds;
import dev.preflight.handlers.runbook.RunbookSurface;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code /run} as Slack sends it (signed requests through Bolt), a real database, the runbook
 * driver, and the local ECS: what the person reads in the ack, the run's message and its thread,
 * and what ECS was asked.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class RunbookInSlackTest {

  private static final String SRE = "U0SRE00001";
  private static final String LEAD = "U0LEAD0001";
  private static final String LEAD2 = "U0LEAD0002";
  private static final String QA = "U0QA000001";
  private static final String CHANNEL = "C0OPS00001";
  private static final String CLUSTER = "fluxion-cluster";

  private static final Runbook SCALE = new Runbook("scale-backend", "Scale the backend", null,
      List.of(new Parameter.Count("count", "backend tasks", 2, 4)), List.of("sre"), SignOffRule.NONE, null, null, null,
      List.of(new EcsScaleAction("Scale the backend to {count} tasks", Duration.ofMinutes(1), CLUSTER, "backend", null,
          "{count}", 2, 4)));
  private static final Runbook APPROVED_SCALE = new Runbook("scale-approved", "Scale the backend, approved", null,
      List.of(new Parameter.Count("count", null, 2, 4)), List.of("sre"),
      new SignOffRule(List.of(new SignOffRequirement("lead", 1)), false), null, null, null, SCALE.steps());
  private static final Runbook LEAD_ONLY = new Runbook("lead-report", "Lead's scale", null, List.of(),
      List.of("lead"), SignOffRule.NONE, null, null, null,
      List.of(new EcsScaleAction("Scale to 2", Duration.ofMinutes(1), CLUSTER, "backend", null, "2", 2, 4)));

  private static final Runbook IN_PRODUCTION = new Runbook("scale-production", "Scale production", null, List.of(),
      List.of("sre"), SignOffRule.NONE, null, "backend", "production",
      List.of(new EcsScaleAction("Scale to 3", Duration.ofMinutes(1), CLUSTER, "backend", null, "3", 2, 4)));

  /** Seed 001's "run the ETL by hand": a one-off task whose etl container's exit code decides. */
  private static final Runbook RUN_ETL = new Runbook("run-etl", "Run an ETL by hand", null,
      List.of(new Parameter.Choice("script", null, List.of("etl_inventario.py", "etl_ventas_postgres.py"))),
      List.of("lead"), SignOffRule.NONE, null, null, null,
      List.of(new EcsRunTaskAction("ETL {script}", CLUSTER, "FluxionETLTask", "etl",
          List.of("python", "{script}", "--todas"), Map.of(), "FARGATE", List.of("subnet-0b1"), List.of("sg-0e7"), false,
          "us-east-1", Duration.ofMinutes(1))));

  /** Twelve steps that each run {@code true}: each passes in well under a second, two changes apiece. */
  private static final Runbook FAST = new Runbook("fast-steps", "Twelve fast steps", null, List.of(), List.of("lead"),
      SignOffRule.NONE, null, null, null, IntStream.rangeClosed(1, 12)
          .mapToObj(n -> (ActionSpec) new CommandAction("Step number " + n, List.of("true"), Map.of(), null,
              Duration.ofSeconds(20)))
          .toList());

  /** Two steps, the first long enough to script a fault in Slack between the message and its first note. */
  private static final Runbook TWO_STEPS = new Runbook("two-steps", "Two steps", null, List.of(), List.of("lead"),
      SignOffRule.NONE, null, null, null, List.of(
          new CommandAction("First step", List.of("sleep", "2"), Map.of(), null, Duration.ofSeconds(20)),
          new CommandAction("Second step", List.of("true"), Map.of(), null, Duration.ofSeconds(20))));

  private Vertx vertx;
  private PreflightConfig config;
  private RunbookStore store;
  private DeploymentStore locks;
  private TestDatabase database;
  private Pool pool;
  private FakeEcs ecs;
  private AwsClients clients;
  private SlackHarness harness;
  private RunbookDriver driver;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext ctx) {
    this.vertx = vertx;
    Map<String, Runbook> runbooks = new LinkedHashMap<>();
    List.of(SCALE, APPROVED_SCALE, LEAD_ONLY, IN_PRODUCTION, RUN_ETL, FAST, TWO_STEPS).forEach(r -> runbooks.put(r.id(), r));
    config = new PreflightConfig("preflight.yaml", PreflightConfig.DEFAULT_SIGN_OFF_REACTION,
        Map.of("sre", new Role("sre", List.of(SRE, LEAD), List.of()), "lead", new Role("lead", List.of(LEAD, LEAD2), List.of()),
            "qa", new Role("qa", List.of(QA), List.of())),
        Map.of("ops", CHANNEL), Map.of(), Map.of(), List.of(), runbooks);
    database = TestDatabase.create();
    pool = PgBuilder.pool().connectingTo(database.connectOptions()).using(vertx).build();
    FakeEcs.start(vertx).compose(fake -> {
      ecs = fake;
      clients = fake.clients();
      String definition = ecs.registerTaskDefinition("backend", Map.of("backend", "fluxion-backend:1.0"));
      ecs.service(CLUSTER, "backend", definition, 2);
      ecs.registerTaskDefinition(new JsonObject().put("family", "FluxionETLTask").put("networkMode", "awsvpc")
          .put("containerDefinitions", new JsonArray().add(new JsonObject().put("name", "etl")
              .put("image", "fluxion-etl:latest").put("essential", true)
              .put("logConfiguration", new JsonObject().put("logDriver", "awslogs").put("options", new JsonObject()
                  .put("awslogs-group", "/ecs/fluxion-etl").put("awslogs-region", "us-east-1")
                  .put("awslogs-stream-prefix", "ecs"))))));
      store = new RunbookStore(pool);
      locks = new DeploymentStore(pool);
      RunbookRuns runs = new RunbookRuns(store, locks::lockOf, Clock.systemUTC());
      // The registry the bot wires: every action kind, not only the ECS service ones.
      Actions actions = ActionKinds.all(vertx, clients, WebClient.create(vertx), Duration.ofMillis(30)).build();
      driver = new RunbookDriver(vertx, store, actions, config::runbook, Variables.of(Map.of()), "test-replica",
          Duration.ofSeconds(10), Clock.systemUTC(), runs::changed);
      runs.drivenBy(driver);
      return SlackHarness.start(vertx, setup -> new RunbookSurface(config, runs,
          new Roles(config, setup.slack(), Clock.systemUTC()), setup.slack(), vertx.getOrCreateContext(),
          Clock.systemUTC()).register(setup.app()));
    }).onComplete(ctx.succeeding(started -> {
      harness = started;
      ctx.completeNow();
    }));
  }

  @AfterEach
  void stop(VertxTestContext ctx) {
    driver.stop()
        .eventually(() -> harness.close())
        .eventually(() -> ecs.close())
        .eventually(() -> pool.close())
        .onComplete(v -> {
          clients.close();
          ctx.completeNow();
        });
  }

  @Test
  void aCountOutOfBoundsIsRefusedInTheAckAndNothingStarts(VertxTestContext ctx) {
    harness.command("/run", "scale-backend count=9", SRE, CHANNEL)
        .compose(response -> pool.query("select count(*) from runbook_runs").execute().map(rows -> {
          ctx.verify(() -> {
            assertEquals(200, response.statusCode());
            assertEquals("`count` `9` is out of bounds: it must be from 2 to 4.\nNothing was started.",
                response.bodyAsJsonObject().getString("text"));
            assertEquals(0L, rows.iterator().next().getLong(0));
            assertEquals(List.of(), ecs.scaleCalls());
            assertEquals(List.of(), harness.fake.calls("chat.postMessage"));
          });
          return rows;
        }))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void anUnknownRunbookGetsADidYouMeanAndAMissingRoleIsNamed(VertxTestContext ctx) {
    harness.command("/run", "scale-bakend count=3", SRE, CHANNEL)
        .compose(typo -> harness.command("/run", "scale-backend count=3", QA, CHANNEL).map(role -> List.of(typo, role)))
        .onComplete(ctx.succeeding(answers -> ctx.verify(() -> {
          assertEquals("There is no runbook `scale-bakend`. Did you mean `scale-backend`?",
              answers.get(0).bodyAsJsonObject().getString("text"));
          assertEquals("Running `scale-backend` needs one of these roles: *sre*.\nNothing was started.",
              answers.get(1).bodyAsJsonObject().getString("text"));
          ctx.completeNow();
        })));
  }

  @Test
  void aLockedEnvironmentIsRefusedInTheAckAndNothingStarts(VertxTestContext ctx) {
    DeploymentStore.putLock(pool, dev.preflight.checklists.deploy.EnvLock.manual("backend", "production",
            "DB migration", LEAD, java.time.Instant.parse("2026-02-09T14:00:00Z")))
        .compose(v -> harness.command("/run", "scale-production", SRE, CHANNEL))
        .compose(response -> pool.query("select count(*) from runbook_runs").execute().map(rows -> {
          ctx.verify(() -> {
            assertEquals("*backend* in *production* is locked by <@" + LEAD + ">: DB migration. Run it again once "
                + "`/unlock` opens the environment.\nNothing was started.", response.bodyAsJsonObject().getString("text"));
            assertEquals(0L, rows.iterator().next().getLong(0));
            assertEquals(List.of(), ecs.scaleCalls());
          });
          return rows;
        }))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void listShowsOnlyTheRunbooksTheUserMayRun(VertxTestContext ctx) {
    harness.command("/run", "list", SRE, CHANNEL)
        .compose(sre -> harness.command("/run", "list", QA, CHANNEL).map(qa -> List.of(sre, qa)))
        .onComplete(ctx.succeeding(answers -> ctx.verify(() -> {
          assertEquals(String.join("\n",
                  "Runbooks you may run:",
                  "• `/run scale-backend count=…` Scale the backend",
                  "    count: a whole number from 2 to 4 (backend tasks)",
                  "• `/run scale-approved count=…` Scale the backend, approved",
                  "    count: a whole number from 2 to 4",
                  "    needs approval from 1 × *lead*",
                  "• `/run scale-production` Scale production"),
              answers.get(0).bodyAsJsonObject().getString("text"));
          assertEquals("There are no runbooks you may run.", answers.get(1).bodyAsJsonObject().getString("text"));
          ctx.completeNow();
        })));
  }

  @Test
  void aScaleRunbookScalesTheServiceAndItsMessageShowsTheStepPassed(VertxTestContext ctx) {
    harness.command("/run", "scale-backend count=3", SRE, CHANNEL)
        .compose(ack -> {
          ctx.verify(() -> assertEquals("Starting *Scale the backend*. Its message follows in this channel.",
              ack.bodyAsJsonObject().getString("text")));
          return message(text -> text.contains("*Succeeded*"));
        })
        .compose(message -> replies(message, 2).map(thread -> {
          ctx.verify(() -> {
            assertEquals(List.of(new FakeEcs.ScaleCall(CLUSTER, "backend", 3, false)), ecs.scaleCalls());
            String text = message.getString("text");
            assertTrue(text.startsWith(":white_check_mark: *Scale the backend* (`scale-backend`), run by <@" + SRE + ">\n"
                + "Parameters: `count=3`\n"
                + ":white_check_mark: 1. Scale the backend to 3 tasks passed in "), text);
            assertTrue(text.endsWith(": fluxion-cluster/backend steady at 3 tasks\n*Succeeded*: every step passed."), text);
            assertEquals(":white_check_mark: Step 1, Scale the backend to 3 tasks: fluxion-cluster/backend steady at 3 tasks",
                thread.get(0).getString("text"));
            assertTrue(thread.get(1).getString("text").startsWith("*Report* of Scale the backend: succeeded."),
                thread.get(1).getString("text"));
          });
          return thread;
        }))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void anEtlRunbookRunsItsOneOffTaskAndTheExitCodeDecides(VertxTestContext ctx) {
    ecs.tasks(Duration.ofMillis(200), 0);
    harness.command("/run", "run-etl script=etl_inventario.py", LEAD2, CHANNEL)
        .compose(ack -> {
          ctx.verify(() -> assertEquals("Starting *Run an ETL by hand*. Its message follows in this channel.",
              ack.bodyAsJsonObject().getString("text")));
          return message(text -> text.contains("*Succeeded*"));
        })
        .compose(message -> replies(message, 2).map(thread -> {
          ctx.verify(() -> {
            assertEquals(1, ecs.runTaskCalls().size());
            FakeEcs.RunTaskCall call = ecs.runTaskCalls().get(0);
            assertEquals(CLUSTER, call.cluster());
            assertTrue(call.taskDefinition().contains("FluxionETLTask"), call.taskDefinition());
            assertEquals(new JsonArray().add("python").add("etl_inventario.py").add("--todas"), call.command());
            String text = message.getString("text");
            assertTrue(text.contains("\n:white_check_mark: 1. ETL etl_inventario.py passed in "), text);
            assertTrue(text.contains(": etl exited 0 after "), text);
            String note = thread.get(0).getString("text");
            assertTrue(note.matches("(?s):white_check_mark: Step 1, ETL etl_inventario\\.py: Task \\w+: etl exited 0 after .* · "
                + "<https://us-east-1\\.console\\.aws\\.amazon\\.com/cloudwatch/home\\?region=us-east-1"
                + "#logsV2:log-groups/log-group/\\$252Fecs\\$252Ffluxion-etl/log-events/ecs\\$252Fetl\\$252F\\w+\\|logs>.*"),
                note);
          });
          return thread;
        }))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void anEtlTaskThatExitsNonZeroFailsTheRun(VertxTestContext ctx) {
    ecs.tasks(Duration.ofMillis(200), 3);
    harness.command("/run", "run-etl script=etl_ventas_postgres.py", LEAD2, CHANNEL)
        .compose(ack -> message(text -> text.contains("*Failed*")))
        .onComplete(ctx.succeeding(message -> ctx.verify(() -> {
          assertEquals(1, ecs.runTaskCalls().size());
          String text = message.getString("text");
          assertTrue(text.startsWith(":x: *Run an ETL by hand* (`run-etl`), run by <@" + LEAD2 + ">\n"
              + "Parameters: `script=etl_ventas_postgres.py`\n:x: 1. ETL etl_ventas_postgres.py failed after "), text);
          assertTrue(text.contains(": etl exited 3 after "), text);
          ctx.completeNow();
        })));
  }

  @Test
  void aSignOffRunbookWaitsAndTheRequestersOwnApprovalDoesNotCount(VertxTestContext ctx) {
    harness.command("/run", "scale-approved count=4", LEAD, CHANNEL)
        .compose(ack -> message(text -> text.contains("Waiting for approval")))
        .compose(waiting -> {
          ctx.verify(() -> {
            assertTrue(waiting.getString("text").contains(":hourglass_flowing_sand: Waiting for approval from *lead* "
                + "(0 of 1), not the person who ran it."), waiting.getString("text"));
            assertEquals(List.of(), ecs.scaleCalls());
          });
          String runId = approveButton(waiting);
          return harness.send(harness.requests.blockAction(RunbookIds.APPROVE, runId, LEAD, CHANNEL,
                  waiting.getString("ts"), harness.fake.responseUrl("own")))
              .compose(v -> harness.fake.awaitResponse("own", r -> true))
              .compose(own -> {
                ctx.verify(() -> {
                  assertEquals("You started this run; someone else must approve it. Your approval does not count.",
                      own.getString("text"));
                  assertEquals(List.of(), ecs.scaleCalls());
                });
                // A second lead approves: the quorum is met and the run starts.
                return harness.send(harness.requests.blockAction(RunbookIds.APPROVE, runId, LEAD2, CHANNEL,
                    waiting.getString("ts"), harness.fake.responseUrl("other")));
              });
        })
        .compose(v -> message(text -> text.contains("*Succeeded*")))
        .onComplete(ctx.succeeding(done -> ctx.verify(() -> {
          assertEquals(List.of(new FakeEcs.ScaleCall(CLUSTER, "backend", 4, false)), ecs.scaleCalls());
          assertTrue(done.getString("text").contains("\nApproved by <@" + LEAD2 + ">.\n"), done.getString("text"));
          assertEquals(List.of(), harness.fake.responses("other"), "a counted approval needs no answer");
          assertEquals(1, done.getJsonArray("blocks").size(), "no Approve button once it runs");
          ctx.completeNow();
        })));
  }

  @Test
  void runAloneOpensAPickerOfWhatTheUserMayRunAndPickingShowsTheRunbooksForm(VertxTestContext ctx) {
    harness.command("/run", "", SRE, CHANNEL)
        .compose(ack -> harness.fake.awaitCall("views.open"))
        .compose(open -> {
          JsonObject view = open.getJsonObject("view");
          ctx.verify(() -> {
            assertEquals(RunbookIds.PICK_MODAL, view.getString("callback_id"));
            assertEquals(CHANNEL, view.getString("private_metadata"));
            assertEquals(List.of("scale-backend", "scale-approved", "scale-production"),
                view.getJsonArray("blocks").getJsonObject(0).getJsonObject("element").getJsonArray("options").stream()
                    .map(o -> ((JsonObject) o).getString("value")).toList());
          });
          JsonObject picked = new JsonObject().put(RunbookIds.PICK_BLOCK, new JsonObject().put(RunbookIds.PICK_ACTION,
              new JsonObject().put("type", "static_select").put("selected_option",
                  new JsonObject().put("value", "scale-backend").put("text",
                      new JsonObject().put("type", "plain_text").put("text", "Scale the backend")))));
          return harness.send(harness.requests.viewSubmission(RunbookIds.PICK_MODAL, SRE, picked, CHANNEL));
        })
        .onComplete(ctx.succeeding(response -> ctx.verify(() -> {
          JsonObject answer = response.bodyAsJsonObject();
          assertEquals("update", answer.getString("response_action"));
          JsonObject form = answer.getJsonObject("view");
          assertEquals(RunbookIds.RUN_MODAL, form.getString("callback_id"));
          assertEquals(CHANNEL + " scale-backend", form.getString("private_metadata"));
          assertEquals(RunbookIds.PARAMETER_BLOCK + "count", form.getJsonArray("blocks").getJsonObject(0).getString("block_id"));
          ctx.completeNow();
        })));
  }

  @Test
  void theFormRefusesAnOutOfBoundsCountUnderItsFieldAndRunsAValidOne(VertxTestContext ctx) {
    harness.command("/run", "scale-backend", SRE, CHANNEL)
        .compose(ack -> harness.fake.awaitCall("views.open"))
        .compose(open -> {
          ctx.verify(() -> assertEquals(RunbookIds.RUN_MODAL, open.getJsonObject("view").getString("callback_id")));
          return harness.send(harness.requests.viewSubmission(RunbookIds.RUN_MODAL, SRE,
              SlackRequests.textInput(RunbookIds.PARAMETER_BLOCK + "count", RunbookIds.PARAMETER_ACTION, "9"),
              CHANNEL + " scale-backend"));
        })
        .compose(refused -> {
          ctx.verify(() -> {
            JsonObject answer = refused.bodyAsJsonObject();
            assertEquals("errors", answer.getString("response_action"));
            assertEquals(new JsonObject().put(RunbookIds.PARAMETER_BLOCK + "count",
                "`count` `9` is out of bounds: it must be from 2 to 4."), answer.getJsonObject("errors"));
            assertEquals(List.of(), ecs.scaleCalls());
          });
          return harness.send(harness.requests.viewSubmission(RunbookIds.RUN_MODAL, SRE,
              SlackRequests.textInput(RunbookIds.PARAMETER_BLOCK + "count", RunbookIds.PARAMETER_ACTION, "3"),
              CHANNEL + " scale-backend"));
        })
        .compose(accepted -> {
          ctx.verify(() -> assertEquals("update", accepted.bodyAsJsonObject().getString("response_action")));
          return message(text -> text.contains("*Succeeded*"));
        })
        .onComplete(ctx.succeeding(done -> ctx.verify(() -> {
          assertEquals(List.of(new FakeEcs.ScaleCall(CLUSTER, "backend", 3, false)), ecs.scaleCalls());
          ctx.completeNow();
        })));
  }

  /**
   * The message is edited at most once a second however fast the steps change: changes that come
   * meanwhile fold into the next edit, which shows the newest state. Counted as the fan-out
   * benchmark counts: the edits Slack received for the message in every one-second window.
   */
  @Test
  void fastStepsAreFoldedIntoOneEditASecondAndTheLastEditShowsTheEnd(VertxTestContext ctx) {
    harness.command("/run", "fast-steps", LEAD, CHANNEL)
        .compose(ack -> message(text -> text.contains("*Succeeded*")))
        // The report is the thread's last reply: once it is there, no edit is still on its way.
        .compose(message -> eventually(() -> Optional.of(harness.fake.replies(CHANNEL, message.getString("ts")))
            .filter(replies -> replies.stream().anyMatch(r -> r.getString("text", "").startsWith("*Report*")))
            .map(replies -> message)))
        .onComplete(ctx.succeeding(message -> ctx.verify(() -> {
          String ts = message.getString("ts");
          int edits = harness.fake.editTimes(CHANNEL, ts).size();
          int mostInASecond = harness.fake.mostEditsInAnySecond(CHANNEL, ts);
          String text = harness.fake.message(CHANNEL, ts).orElseThrow().getString("text");
          System.out.println("Runbook with " + FAST.steps().size() + " fast steps: " + edits
              + " edits of its message, at most " + mostInASecond + " in any second");
          assertTrue(text.endsWith("*Succeeded*: every step passed."), "the last edit shows the end: " + text);
          for (int n = 1; n <= FAST.steps().size(); n++) {
            assertTrue(text.contains(":white_check_mark: " + n + ". Step number " + n + " passed"), text);
          }
          assertEquals(1, mostInASecond, "one edit of the message in any one-second window; " + edits + " edits");
          assertTrue(edits < 2 * FAST.steps().size(), "changes were folded together: " + edits + " edits");
          ctx.completeNow();
        })));
  }

  @Test
  void aThreadNoteSlackRefusedIsPostedLaterAndEveryNoteOnce(VertxTestContext ctx) {
    harness.command("/run", "two-steps", LEAD, CHANNEL)
        .compose(ack -> message(text -> text.contains("Two steps")))
        .compose(posted -> {
          // Slack refuses the next post, the first step's note, in a way its client does not retry.
          harness.fake.failNext("chat.postMessage", "not_in_channel");
          return reportIn(posted);
        })
        .onComplete(ctx.succeeding(replies -> ctx.verify(() -> {
          List<String> texts = replies.stream().map(reply -> reply.getString("text")).toList();
          assertEquals(3, texts.size(), texts.toString());
          assertTrue(texts.get(0).startsWith(":white_check_mark: Step 1, First step: "), texts.get(0));
          assertTrue(texts.get(1).startsWith(":white_check_mark: Step 2, Second step: "), texts.get(1));
          assertTrue(texts.get(2).startsWith("*Report*"), texts.get(2));
          ctx.completeNow();
        })));
  }

  @Test
  void anotherReplicaShowingAFinishedRunPostsNoNoteAgain(VertxTestContext ctx) {
    // A second replica (or this one after a restart): its own runs and publisher on the same database.
    RunbookRuns other = new RunbookRuns(store, locks::lockOf, Clock.systemUTC());
    new RunbookSurface(config, other, new Roles(config, harness.slack, Clock.systemUTC()), harness.slack,
        vertx.getOrCreateContext(), Clock.systemUTC()).register(new App(AppConfig.builder()
            .singleTeamBotToken("xoxb-other").signingSecret("other").build()));
    harness.command("/run", "two-steps", LEAD, CHANNEL)
        .compose(ack -> message(text -> text.contains("*Succeeded*")))
        .compose(this::reportIn)
        .compose(replies -> message(text -> text.contains("*Succeeded*")).compose(message -> {
          String ts = message.getString("ts");
          int edits = harness.fake.editTimes(CHANNEL, ts).size();
          return pool.query("select id from runbook_runs").execute()
              .compose(rows -> other.find(rows.iterator().next().getUUID("id").toString()))
              .compose(run -> {
                // Two changes: the second edit goes out only after the first one's notes were dealt with.
                other.changed(run.orElseThrow());
                other.changed(run.orElseThrow());
                return eventually(() -> Optional.of(harness.fake.editTimes(CHANNEL, ts).size())
                    .filter(now -> now >= edits + 2));
              })
              .map(v -> harness.fake.replies(CHANNEL, ts));
        }))
        .onComplete(ctx.succeeding(replies -> ctx.verify(() -> {
          assertEquals(3, replies.size(), "each note once: " + replies);
          ctx.completeNow();
        })));
  }

  /** The thread's replies once the report, its last, is there. */
  private Future<List<JsonObject>> reportIn(JsonObject message) {
    return eventually(() -> Optional.of(harness.fake.replies(CHANNEL, message.getString("ts")))
        .filter(replies -> replies.stream().anyMatch(r -> r.getString("text", "").startsWith("*Report*"))));
  }

  private String approveButton(JsonObject message) {
    return message.getJsonArray("blocks").getJsonObject(1).getJsonArray("elements").getJsonObject(0).getString("value");
  }

  /** The run's message once its text passes {@code test}. */
  private Future<JsonObject> message(Predicate<String> test) {
    return eventually(() -> harness.fake.messages(CHANNEL).stream()
        .filter(m -> test.test(m.getString("text", ""))).findFirst());
  }

  private Future<List<JsonObject>> replies(JsonObject message, int count) {
    return eventually(() -> Optional.of(harness.fake.replies(CHANNEL, message.getString("ts")))
        .filter(replies -> replies.size() >= count));
  }

  /** What {@code look} finds, looked for every 50 ms until it finds something. */
  private <T> Future<T> eventually(java.util.function.Supplier<Optional<T>> look) {
    Promise<T> found = Promise.promise();
    vertx.setPeriodic(50, id -> look.get().ifPresent(value -> {
      vertx.cancelTimer(id);
      found.tryComplete(value);
    }));
    return found.future();
  }
}
