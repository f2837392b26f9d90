package dev.preflight.handlers.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.preflight.checklists.checklist.Checklist;
import dev.preflight.checklists.checklist.Item;
import dev.preflight.checklists.checklist.Section;
import dev.preflight.checklists.checklist.SignOffRule;
import dev.preflight.checklists.deploy.Deployment;
import dev.preflight.checklists.deploy.EnvLock;
import dev.preflight.checklists.run.ChecklistRun;
import dev.preflight.checklists.run.ItemEvent;
import dev.preflight.checklists.run.RunStatus;
import dev.preflight.deploy.run.RunNote;
import dev.preflight.deploy.run.TrackedRun;
import dev.preflight.handlers.ActionIds;
import dev.preflight.handlers.fake.FakeSlack;
import dev.preflight.handlers.slack.Coalescer;
import dev.preflight.handlers.slack.SlackApi;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class RunPublisherTest {

  private static final String CHANNEL = "C0DEPLOYS";
  private static final Instant STARTED = Instant.parse("2024-05-01T14:00:00Z");
  private static final Instant LAUNCHED = Instant.parse("2024-05-01T14:10:00Z");
  private static final Clock THREE_MINUTES_IN = Clock.fixed(LAUNCHED.plusSeconds(200), ZoneOffset.UTC);
  private static final Checklist CHECKLIST = new Checklist("predeploy", "Pre-deploy", "predeploy.yaml", null,
      List.of(new Section("Database", List.of(new Item("backup", "Backup taken", true, null)))),
      SignOffRule.NONE, List.of());

  private FakeSlack fake;
  private StoredRuns stored;
  private RunPublisher publisher;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext test) {
    FakeSlack.start(vertx)
        .onSuccess(started -> {
          fake = started;
          stored = new StoredRuns();
          SlackApi slack = new SlackApi(vertx, SlackApi.slack(fake.url()), "xoxb-test-token");
          publisher = new RunPublisher(stored, slack, new Coalescer(vertx.getOrCreateContext(), Duration.ZERO),
              "white_check_mark", THREE_MINUTES_IN).start();
        })
        .onComplete(test.succeedingThenComplete());
  }

  private static TrackedRun checklistRun(String id) {
    return new TrackedRun(ChecklistRun.start(id, CHECKLIST, "U0STARTER", STARTED), CHANNEL, null);
  }

  private static TrackedRun deployRun(String id, RunStatus status, Deployment deployment) {
    ChecklistRun run = ChecklistRun.start(id, CHECKLIST, "U0STARTER", STARTED).withStatus(status);
    return new TrackedRun(run, CHANNEL, null, deployment);
  }

  private static Deployment deploying() {
    return Deployment.requested("backend", "production", "v1.4.2")
        .launched("U0LAUNCHER", LAUNCHED, null)
        .withStep("Waiting for the rollout", "2 of 3 new tasks running");
  }

  /** Every reply posted into a thread so far, in order. */
  private List<JsonObject> replies() {
    return fake.calls("chat.postMessage").stream().filter(call -> call.getString("thread_ts") != null).toList();
  }

  private static String text(JsonObject message) {
    return message.getJsonArray("blocks").stream()
        .map(JsonObject.class::cast)
        .flatMap(block -> {
          List<String> texts = new ArrayList<>();
          if (block.getJsonObject("text") != null) {
            texts.add(block.getJsonObject("text").getString("text"));
          }
          return texts.stream();
        })
        .collect(Collectors.joining("\n"));
  }

  private static List<String> runActions(JsonObject message) {
    JsonArray blocks = message.getJsonArray("blocks");
    return blocks.stream().map(JsonObject.class::cast)
        .filter(block -> ActionIds.RUN_ACTIONS_BLOCK.equals(block.getString("block_id")))
        .flatMap(block -> block.getJsonArray("elements").stream().map(JsonObject.class::cast))
        .map(button -> button.getString("action_id"))
        .toList();
  }

  @Test
  void notesThatArriveBeforeTheMessageWaitForItThenFollowInOrder(VertxTestContext test) {
    TrackedRun run = checklistRun("r-1");
    stored.put(run);

    Future<Void> first = publisher.noted(output("first: the deploy started"));
    Future<Void> second = publisher.noted(output("second: the rollout is stable"));
    stored.change(run);

    Future.all(first, second).onComplete(test.succeeding(v -> test.verify(() -> {
      List<JsonObject> posts = fake.calls("chat.postMessage");
      assertEquals(3, posts.size(), posts.toString());
      assertNull(posts.get(0).getString("thread_ts"), "the run's own message goes first");
      String ts = stored.stored("r-1").orElseThrow().messageTs();
      assertEquals("Deploy output: first: the deploy started", posts.get(1).getString("text"));
      assertEquals("Deploy output: second: the rollout is stable", posts.get(2).getString("text"));
      assertEquals(ts, posts.get(1).getString("thread_ts"));
      assertEquals(ts, posts.get(2).getString("thread_ts"));
      test.completeNow();
    })));
  }

  @Test
  void notesOfARunAlreadyPostedGoStraightIntoItsThreadInOrder(VertxTestContext test) {
    stored.change(checklistRun("r-1"));

    stored.attached("r-1")
        .compose(ts -> {
          List<Future<Void>> notes = IntStream.rangeClosed(1, 5)
              .mapToObj(n -> publisher.noted(output("note " + n)))
              .toList();
          return Future.all(notes);
        })
        .onComplete(test.succeeding(v -> test.verify(() -> {
          String ts = stored.stored("r-1").orElseThrow().messageTs();
          List<JsonObject> replies = replies();
          assertEquals(IntStream.rangeClosed(1, 5).mapToObj(n -> "Deploy output: note " + n).toList(),
              replies.stream().map(r -> r.getString("text")).toList());
          replies.forEach(reply -> assertEquals(ts, reply.getString("thread_ts")));
          assertEquals(CHANNEL, replies.get(0).getString("channel"));
          test.completeNow();
        })));
  }

  @Test
  void longCommandOutputIsSplitIntoRepliesThatEachCloseTheirCodeBlock(VertxTestContext test) {
    stored.change(checklistRun("r-1"));
    List<String> lines = IntStream.rangeClosed(1, 300)
        .mapToObj(n -> "line %03d of deploy.sh output, padded to be realistic".formatted(n)).toList();

    stored.attached("r-1")
        .compose(ts -> publisher.noted(RunNote.target("r-1", RunNote.Kind.DEPLOY_FAILED, null, "deploy.sh exited 1",
            String.join("\n", lines))))
        .onComplete(test.succeeding(v -> test.verify(() -> {
          List<String> parts = replies().stream().map(r -> r.getString("text")).toList();
          assertTrue(parts.size() > 1, "split: " + parts.size());
          for (String part : parts) {
            assertTrue(part.length() <= NoteParts.LIMIT, "part of " + part.length());
            int fences = part.split("```", -1).length - 1;
            assertEquals(0, fences % 2, "every part closes the code block it opens: " + part);
          }
          String joined = String.join("\n", parts);
          int at = -1;
          for (String line : lines) {
            int next = joined.indexOf(line);
            assertTrue(next > at, "every line, in order: " + line);
            at = next;
          }
          assertTrue(parts.get(0).startsWith("Deploy failed: deploy.sh exited 1\n```\nline 001"), parts.get(0));
          test.completeNow();
        })));
  }

  @Test
  void aNoteSlackRefusesDoesNotHoldBackTheNext(VertxTestContext test) {
    stored.change(checklistRun("r-1"));

    stored.attached("r-1")
        .compose(ts -> {
          fake.failNext("chat.postMessage", "msg_too_long");
          Future<Void> refused = publisher.noted(output("refused"));
          Future<Void> next = publisher.noted(output("goes through"));
          return refused.transform(done -> {
            test.verify(() -> assertTrue(done.failed(), "Slack refused the first note"));
            return next;
          });
        })
        .onComplete(test.succeeding(v -> test.verify(() -> {
          List<JsonObject> replies = replies();
          assertEquals(List.of("Deploy output: refused", "Deploy output: goes through"), replies.stream().map(r -> r.getString("text")).toList());
          test.completeNow();
        })));
  }

  @Test
  void aDeployRunIsPublishedWithItsLockAndEditedAsItMoves(VertxTestContext test) {
    stored.lock(EnvLock.manual("backend", "production", "release freeze", "U0SRE", STARTED));
    stored.change(deployRun("r-1", RunStatus.DEPLOYING, deploying()));

    stored.attached("r-1")
        .compose(ts -> {
          test.verify(() -> {
            JsonObject message = fake.message(CHANNEL, ts).orElseThrow();
            String text = text(message);
            assertTrue(text.contains("Deploying backend v1.4.2 to production"), text);
            assertTrue(text.contains("Waiting for the rollout"), text);
            assertTrue(text.contains("⏱️ 3m 20s since launch"), "the clock comes from the publisher: " + text);
            assertTrue(text.contains("🔒 *production* is locked by <@U0SRE>: release freeze."), text);
            assertEquals(List.of(ActionIds.ABORT), runActions(message));
          });
          stored.change(deployRun("r-1", RunStatus.SUCCEEDED, deploying().finished(LAUNCHED.plusSeconds(300))));
          return fake.awaitCall("chat.update");
        })
        .onComplete(test.succeeding(update -> test.verify(() -> {
          String ts = stored.stored("r-1").orElseThrow().messageTs();
          assertEquals(ts, update.getString("ts"), "the same message is edited in place");
          assertTrue(text(update).contains("✅ *Succeeded*"), text(update));
          assertTrue(text(update).contains("⏱️ Took *5m*"), text(update));
          assertEquals(List.of(ActionIds.ROLLBACK), runActions(update));
          assertEquals(1, fake.calls("chat.postMessage").size(), "one message per run");
          test.completeNow();
        })));
  }

  @Test
  void rollbackLeavesTheOlderRunsMessageOnceANewerDeployLandsAndStaysOnTheNewest(VertxTestContext test) {
    stored.change(deployRun("r-1", RunStatus.SUCCEEDED, deploying().finished(LAUNCHED.plusSeconds(300))));
    Deployment second = Deployment.requested("backend", "production", "v1.4.3")
        .launched("U0LAUNCHER", LAUNCHED.plusSeconds(3600), null);
    String[] firstTs = new String[1];

    stored.attached("r-1")
        .compose(ts -> {
          firstTs[0] = ts;
          test.verify(() -> assertEquals(List.of(ActionIds.ROLLBACK), runActions(fake.message(CHANNEL, ts).orElseThrow()),
              "the newest release offers Rollback"));
          stored.change(deployRun("r-2", RunStatus.DEPLOYING, second));
          return stored.attached("r-2");
        })
        .compose(ts -> {
          stored.change(deployRun("r-2", RunStatus.SUCCEEDED, second.finished(LAUNCHED.plusSeconds(3900))));
          return publisher.flush().compose(v -> fake.awaitCall("chat.update",
              call -> firstTs[0].equals(call.getString("ts")) && runActions(call).isEmpty()));
        })
        .compose(v -> publisher.flush())
        .onComplete(test.succeeding(v -> test.verify(() -> {
          String secondTs = stored.stored("r-2").orElseThrow().messageTs();
          List<JsonObject> firstEdits = fake.calls("chat.update").stream()
              .filter(call -> firstTs[0].equals(call.getString("ts"))).toList();
          JsonObject lastOfFirst = firstEdits.get(firstEdits.size() - 1);
          assertEquals(List.of(), runActions(lastOfFirst), "the older release no longer offers Rollback");
          assertTrue(text(lastOfFirst).contains("✅ *Succeeded*"), "the rest of its message stays: " + text(lastOfFirst));
          List<JsonObject> secondEdits = fake.calls("chat.update").stream()
              .filter(call -> secondTs.equals(call.getString("ts"))).toList();
          JsonObject lastOfSecond = secondEdits.get(secondEdits.size() - 1);
          assertTrue(text(lastOfSecond).contains("✅ *Succeeded*"), text(lastOfSecond));
          assertEquals(List.of(ActionIds.ROLLBACK), runActions(lastOfSecond), "the current release keeps it");
          JsonObject button = lastOfSecond.getJsonArray("blocks").stream().map(JsonObject.class::cast)
              .filter(block -> ActionIds.RUN_ACTIONS_BLOCK.equals(block.getString("block_id")))
              .findFirst().orElseThrow().getJsonArray("elements").getJsonObject(0);
          assertNull(button.getString("style"), "a plain button");
          assertEquals("danger", button.getJsonObject("confirm").getString("style"), "the confirm dialog is red");
          test.completeNow();
        })));
  }

  @Test
  void aSucceededRunShowsItsWatchAndAFailingWatchMarksItAboveTheRollbackButton(VertxTestContext test) {
    java.time.Instant until = LAUNCHED.plus(java.time.Duration.ofHours(4));
    stored.watch(new dev.preflight.deploy.watch.WatchState("r-1", "backend", "production", "v1.4.2",
        java.time.Duration.ofMinutes(5), until, LAUNCHED.plusSeconds(600), 2, LAUNCHED.plusSeconds(300), 0, null,
        null, null));
    stored.change(deployRun("r-1", RunStatus.SUCCEEDED, deploying().finished(LAUNCHED.plusSeconds(300))));

    stored.attached("r-1")
        .compose(ts -> {
          test.verify(() -> {
            String text = text(fake.message(CHANNEL, ts).orElseThrow());
            assertTrue(text.contains("👀 Watched every 5m until"), text);
            assertTrue(text.contains("2 rounds, all passed"), text);
          });
          stored.watch(new dev.preflight.deploy.watch.WatchState("r-1", "backend", "production", "v1.4.2",
              java.time.Duration.ofMinutes(5), until, LAUNCHED.plusSeconds(900), 3, LAUNCHED.plusSeconds(600), 1,
              LAUNCHED.plusSeconds(600), null, null));
          stored.change(stored.stored("r-1").orElseThrow());
          return fake.awaitCall("chat.update", call -> text(call).contains("Post-deploy watch failing"));
        })
        .onComplete(test.succeeding(update -> test.verify(() -> {
          assertTrue(text(update).contains("1 failing in a row"), text(update));
          assertEquals(List.of(ActionIds.ROLLBACK), runActions(update), "Rollback stays, right under the mark");
          test.completeNow();
        })));
  }

  @Test
  void notesAnnouncedByTheServiceReachTheThreadOfADeployRun(VertxTestContext test) {
    stored.change(deployRun("r-1", RunStatus.DEPLOYING, deploying()));

    stored.attached("r-1")
        .compose(ts -> {
          stored.note(RunNote.target("r-1", RunNote.Kind.DEPLOY_OUTPUT, null, "Rollout stable",
              "Service backend: 3/3 tasks running"));
          return fake.awaitCall("chat.postMessage", call -> call.getString("thread_ts") != null);
        })
        .onComplete(test.succeeding(reply -> test.verify(() -> {
          assertEquals(stored.stored("r-1").orElseThrow().messageTs(), reply.getString("thread_ts"));
          assertEquals("Deploy output: Rollout stable\n```\nService backend: 3/3 tasks running\n```",
              reply.getString("text"));
          test.completeNow();
        })));
  }

  @Test
  void flushCompletesOnlyOnceTheEditsStillWaitingHaveReachedSlack(Vertx vertx, VertxTestContext test) {
    // The real one-second gap between edits, so the last change is still waiting when flush is asked.
    SlackApi slack = new SlackApi(vertx, SlackApi.slack(fake.url()), "xoxb-test-token");
    RunPublisher stopping = new RunPublisher(stored, slack, new Coalescer(vertx.getOrCreateContext()),
        "white_check_mark", THREE_MINUTES_IN);
    // Not announced: only this publisher, not the one every test starts, publishes r-1.
    stored.put(deployRun("r-1", RunStatus.DEPLOYING, deploying()));
    stopping.changed(stored.stored("r-1").orElseThrow());
    stored.attached("r-1")
        .compose(ts -> {
          TrackedRun posted = stored.stored("r-1").orElseThrow();
          stored.put(new TrackedRun(posted.run().withStatus(RunStatus.SUCCEEDED), posted.channelId(), ts,
              deploying().finished(LAUNCHED.plusSeconds(300))));
          stopping.changed(stored.stored("r-1").orElseThrow());
          return stopping.flush().map(ts);
        })
        .onComplete(test.succeeding(ts -> test.verify(() -> {
          assertTrue(text(fake.message(CHANNEL, ts).orElseThrow()).contains("✅ *Succeeded*"),
              "the pending edit went out before flush completed");
          test.completeNow();
        })));
  }

  @Test
  void aStoppingPublisherPublishesWithoutLookingUpOlderRunsAsThePoolIsAboutToClose(Vertx vertx,
      VertxTestContext test) {
    SlackApi slack = new SlackApi(vertx, SlackApi.slack(fake.url()), "xoxb-test-token");
    RunPublisher stopping = new RunPublisher(stored, slack, new Coalescer(vertx.getOrCreateContext()),
        "white_check_mark", THREE_MINUTES_IN);
    stored.put(deployRun("r-1", RunStatus.SUCCEEDED, deploying().finished(LAUNCHED.plusSeconds(300))));
    stopping.stop()
        .compose(v -> {
          // The stopped work's last change, published while the bot stops.
          stopping.changed(stored.stored("r-1").orElseThrow());
          return stored.attached("r-1");
        })
        .compose(ts -> stopping.flush().map(ts))
        .onComplete(test.succeeding(ts -> test.verify(() -> {
          assertTrue(text(fake.message(CHANNEL, ts).orElseThrow()).contains("✅ *Succeeded*"));
          assertEquals(0, stored.olderLookups(), "no lookup races the pool's close (a false WARN at every SIGTERM)");
          test.completeNow();
        })));
  }

  @Test
  void aDeployRunIsStillPublishedWhenItsLockCannotBeRead(VertxTestContext test) {
    stored.failLockLookups();
    // Every gate passes, so only the lock could hold Launch back, and it cannot be read.
    ChecklistRun ticked = ChecklistRun.start("r-1", CHECKLIST, "U0STARTER", STARTED)
        .move("backup", ItemEvent.TICK, "U0ALICE", STARTED, null, null).withStatus(RunStatus.READY);
    stored.change(new TrackedRun(ticked, CHANNEL, null, Deployment.requested("backend", "production", "v1.4.2")));

    stored.attached("r-1").onComplete(test.succeeding(ts -> test.verify(() -> {
      JsonObject message = fake.message(CHANNEL, ts).orElseThrow();
      assertFalse(text(message).contains("locked"), text(message));
      assertEquals(List.of(ActionIds.LAUNCH, ActionIds.CANCEL), runActions(message));
      test.completeNow();
    })));
  }

  /** A target's one-line report for run r-1, without output. */
  private static RunNote output(String summary) {
    return RunNote.target("r-1", RunNote.Kind.DEPLOY_OUTPUT, null, summary, null);
  }
}
