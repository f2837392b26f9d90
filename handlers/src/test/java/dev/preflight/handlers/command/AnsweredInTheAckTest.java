package dev.preflight.handlers.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.preflight.checklists.config.PreflightConfig;
import dev.preflight.checklists.deploy.EnvLock;
import dev.preflight.checklists.deploy.Release;
import dev.preflight.deploy.run.Overview;
import dev.preflight.deploy.stats.HistoryEntry;
import dev.preflight.handlers.Replies;
import dev.preflight.handlers.render.OverviewMessage;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code /checklist} and {@code /deploys} over HTTP, answered on the event loop in the command's
 * ack (what Slack shows the person at once) rather than by Bolt on a worker and then through the
 * {@code response_url}. A Bolt listener is registered for each command as well, answering
 * differently, so a test fails if the request went through Bolt after all.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class AnsweredInTheAckTest {

  private static final String USER = "U0CURIOUS";
  private static final String CHANNEL = "C0TYPEDIN01";
  private static final Instant NOW = Instant.parse("2024-06-12T11:15:00Z");
  private static final String THROUGH_BOLT = "answered through Bolt";

  private final PreflightConfig config = DeployConfigs.config();
  private final AtomicInteger boltRuns = new AtomicInteger();
  /** What {@code /deploys} reads as the overview, set by each test. */
  private final AtomicReference<Supplier<Future<Overview>>> overview = new AtomicReference<>();
  private SlackHarness harness;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext test) {
    DeploysCommand.History history = (service, environment, limit) -> Future.succeededFuture(List.of(
        new HistoryEntry(new Release(service, environment, "v1.3.1", null, "r-5", "U0ALICE", NOW, Release.DEPLOY),
            Duration.ofMinutes(10), null)));
    SlackHarness.start(vertx, setup -> {
      Replies replies = new Replies(setup.slack());
      ChecklistCommand checklist = new ChecklistCommand(config, null, replies, vertx.getOrCreateContext());
      DeploysCommand deploys = new DeploysCommand(config, history, () -> overview.get().get(), replies,
          Clock.fixed(NOW, ZoneOffset.UTC), vertx.getOrCreateContext(), Duration.ofMillis(300));
      setup.loopCommands().put(ChecklistCommand.COMMAND, checklist);
      setup.loopCommands().put(DeploysCommand.COMMAND, deploys);
      for (String command : List.of(ChecklistCommand.COMMAND, DeploysCommand.COMMAND)) {
        setup.app().command(command, (request, ctx) -> {
          boltRuns.incrementAndGet();
          return ctx.ack(THROUGH_BOLT);
        });
      }
    }).onComplete(test.succeeding(started -> {
      harness = started;
      test.completeNow();
    }));
  }

  @AfterEach
  void stop(VertxTestContext test) {
    harness.close().onComplete(test.succeedingThenComplete());
  }

  @Test
  void checklistListIsAnsweredInTheAckWithTheListAPersonReads(VertxTestContext test) {
    harness.command("/checklist", "list", USER, CHANNEL).onComplete(test.succeeding(ack -> test.verify(() -> {
      JsonObject body = json(ack);
      assertEquals("ephemeral", body.getString("response_type"), "only the person who typed it sees the list");
      assertEquals("*Checklists*\n• `release` — Release checklist (1 items)", body.getString("text"));
      assertEquals(0, boltRuns.get(), "answered on the event loop, not by Bolt on a worker");
      assertEquals(List.of(), harness.fake.responses("cmd"), "nothing else was sent to the person");
      test.completeNow();
    })));
  }

  @Test
  void checklistTyposAndHelpAreAnsweredInTheAckInTheSameWords(VertxTestContext test) {
    harness.command("/checklist", "relase", USER, CHANNEL)
        .compose(typo -> {
          test.verify(() -> assertEquals("There is no checklist `relase`. Did you mean `release`? "
              + "`/checklist list` shows every checklist.", json(typo).getString("text")));
          return harness.command("/checklist", "", USER, CHANNEL);
        })
        .onComplete(test.succeeding(help -> test.verify(() -> {
          assertEquals(ChecklistCommand.help(), json(help).getString("text"));
          assertEquals(0, boltRuns.get());
          test.completeNow();
        })));
  }

  /** {@code /checklist start release}: the hint is the command that starts it, not {@code /checklist start}. */
  @Test
  void severalWordsAreAnsweredWithTheCommandForTheChecklistIdAmongThem(VertxTestContext test) {
    harness.command("/checklist", "start release", USER, CHANNEL)
        .compose(verbFirst -> {
          test.verify(() -> assertEquals("`/checklist` takes one checklist id, not 2 words. Try `/checklist release`, "
              + "or `/checklist list` to see the ids.", json(verbFirst).getString("text")));
          return harness.command("/checklist", "run the release now", USER, CHANNEL);
        })
        .compose(idInside -> {
          test.verify(() -> assertEquals("`/checklist` takes one checklist id, not 4 words. Try `/checklist release`, "
              + "or `/checklist list` to see the ids.", json(idInside).getString("text")));
          return harness.command("/checklist", "new klk", USER, CHANNEL);
        })
        .onComplete(test.succeeding(noId -> test.verify(() -> {
          assertEquals("`/checklist` takes one checklist id, not 2 words. `/checklist list` shows the ids.",
              json(noId).getString("text"));
          assertEquals(0, boltRuns.get());
          test.completeNow();
        })));
  }

  @Test
  void deploysShowsTheOverviewInTheAckWhenTheDatabaseAnswersInTime(VertxTestContext test) {
    Overview shown = new Overview(List.of(),
        List.of(EnvLock.manual("backend", "production", "migrating the orders table", "U0SRE", NOW)),
        List.of(new Release("backend", "staging", "v1.3.1", null, "r-5", "U0ALICE", NOW, Release.DEPLOY)));
    overview.set(() -> Future.succeededFuture(shown));

    harness.command("/deploys", "", USER, CHANNEL).onComplete(test.succeeding(ack -> test.verify(() -> {
      JsonObject body = json(ack);
      assertEquals("ephemeral", body.getString("response_type"));
      assertEquals(OverviewMessage.render(shown, NOW).text(), body.getString("text"));
      String read = text(body.getJsonArray("blocks"));
      assertTrue(read.contains(OverviewMessage.NO_ACTIVE_RUNS), read);
      assertTrue(read.contains("🔒 *backend* in *production* — by <@U0SRE>: migrating the orders table"), read);
      assertTrue(read.contains("*backend* in *staging*: `v1.3.1` · 🚀 deploy by <@U0ALICE>"), read);
      assertEquals(0, boltRuns.get());
      assertEquals(List.of(), harness.fake.responses("cmd"), "no response_url post is needed");
      test.completeNow();
    })));
  }

  @Test
  void aSlowOverviewIsAckedEmptyAndFollowsThroughTheResponseUrl(VertxTestContext test) {
    Promise<Overview> slow = Promise.promise();
    overview.set(slow::future);

    harness.command("/deploys", "", USER, CHANNEL)
        .compose(ack -> {
          test.verify(() -> {
            assertEquals(200, ack.statusCode());
            assertEquals(0, length(ack), "an empty ack, before Slack gives up on it");
          });
          // The database answers only now, after the ack went out.
          slow.complete(new Overview(List.of(), List.of(), List.of()));
          return harness.fake.awaitResponse("cmd", answer -> true);
        })
        .onComplete(test.succeeding(answer -> test.verify(() -> {
          assertEquals("ephemeral", answer.getString("response_type"));
          assertFalse(answer.getBoolean("replace_original"));
          String read = text(answer.getJsonArray("blocks"));
          assertTrue(read.contains(OverviewMessage.NO_LOCKS), read);
          assertEquals(0, boltRuns.get());
          test.completeNow();
        })));
  }

  @Test
  void aFailedOverviewIsAckedEmptyAndExplainedPrivately(VertxTestContext test) {
    overview.set(() -> Future.failedFuture(new IllegalStateException("connection reset")));

    harness.command("/deploys", "", USER, CHANNEL)
        .compose(ack -> {
          test.verify(() -> assertEquals(0, length(ack)));
          return harness.fake.awaitResponse("cmd", answer -> true);
        })
        .onComplete(test.succeeding(answer -> test.verify(() -> {
          assertEquals("Something went wrong on my side, and nothing was changed. It has been logged.",
              answer.getString("text"));
          assertNull(answer.getJsonArray("blocks"));
          test.completeNow();
        })));
  }

  @Test
  void aDatabaseThatDoesNotAnswerIsToldAsAReadThatFailedNotAsAChangeLost(VertxTestContext test) {
    overview.set(() -> Future.failedFuture(new TimeoutException(
        "Timeout waiting for connection")));

    harness.command("/deploys", "", USER, CHANNEL)
        .compose(ack -> {
          test.verify(() -> assertEquals(0, length(ack)));
          return harness.fake.awaitResponse("cmd", answer -> true);
        })
        .onComplete(test.succeeding(answer -> test.verify(() -> {
          assertEquals("I could not read the deploys just now: the database does not answer. "
              + "Please try again in a minute.", answer.getString("text"));
          test.completeNow();
        })));
  }

  @Test
  void deploysHistoryIsShownInTheAckToo(VertxTestContext test) {
    harness.command("/deploys", "history backend production", USER, CHANNEL)
        .onComplete(test.succeeding(ack -> test.verify(() -> {
          String read = text(json(ack).getJsonArray("blocks"));
          assertTrue(read.contains("`v1.3.1`") && read.contains("<@U0ALICE>"), read);
          assertEquals(List.of(), harness.fake.responses("cmd"));
          assertEquals(0, boltRuns.get());
          test.completeNow();
        })));
  }

  private static int length(HttpResponse<Buffer> ack) {
    assertEquals(200, ack.statusCode());
    return ack.body() == null ? 0 : ack.body().length();
  }

  private static JsonObject json(HttpResponse<Buffer> ack) {
    assertEquals(200, ack.statusCode(), ack.bodyAsString());
    assertTrue(ack.getHeader("Content-Type").startsWith("application/json"), ack.getHeader("Content-Type"));
    return ack.bodyAsJsonObject();
  }

  /** Every text in the blocks, one per line, as Slack would render them in order. */
  private static String text(JsonArray blocks) {
    assertTrue(blocks != null && !blocks.isEmpty(), "blocks are shown");
    StringBuilder all = new StringBuilder();
    collect(blocks, all);
    return all.toString();
  }

  private static void collect(Object value, StringBuilder all) {
    if (value instanceof JsonObject object) {
      object.forEach(entry -> {
        if (entry.getKey().equals("text") && entry.getValue() instanceof String text) {
          all.append(text).append('\n');
        } else {
          collect(entry.getValue(), all);
        }
      });
    } else if (value instanceof JsonArray array) {
      array.forEach(element -> collect(element, all));
    }
  }
}
