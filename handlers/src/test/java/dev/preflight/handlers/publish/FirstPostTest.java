package dev.preflight.handlers.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.preflight.checklists.checklist.Checklist;
import dev.preflight.deploy.run.TrackedRun;
import dev.preflight.handlers.fake.FakeSlack;
import dev.preflight.handlers.slack.Coalescer;
import dev.preflight.handlers.slack.SlackApi;
import dev.preflight.handlers.slack.SlackBudget;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Posting a run's message and storing its ts are one recoverable step: whatever happens between
 * the two, a resumed publisher finds the message it posted (by the run id in its metadata) and
 * never posts a second one.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class FirstPostTest {

  private static final String CHANNEL = "C0DEPLOYS";
  private static final String RUN = "00000000-0000-4000-a000-000000000001";
  private static final Checklist CHECKLIST = PublishedRuns.checklist(3);

  private FakeSlack fake;
  private SlackApi slack;
  private StoredRuns stored;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext test) {
    stored = new StoredRuns();
    FakeSlack.start(vertx)
        .onSuccess(started -> {
          fake = started;
          slack = new SlackApi(vertx, SlackApi.slack(fake.url()), "xoxb-test-token", SlackApi.Policy.DEFAULT,
              new SlackBudget(vertx, 1), new CompositeMeterRegistry());
        })
        .onComplete(test.succeedingThenComplete());
  }

  private RunPublisher publisher(Vertx vertx) {
    return new RunPublisher(stored, slack, new Coalescer(vertx.getOrCreateContext()), "white_check_mark",
        PublishedRuns.CLOCK).start();
  }

  @Test
  void aCrashBetweenThePostAndStoringItsTsLeavesOneMessageOnResume(Vertx vertx, VertxTestContext test) {
    TrackedRun run = PublishedRuns.started(RUN, CHECKLIST, CHANNEL);
    stored.failAttaching(1);
    RunPublisher before = publisher(vertx);
    stored.change(run);

    before.flush()
        .compose(posted -> {
          test.verify(() -> {
            assertEquals(1, fake.messages(CHANNEL).size(), "Slack has the message");
            assertFalse(stored.stored(RUN).orElseThrow().posted(), "its ts was never stored");
          });
          // While the bot was down a result landed; then the bot comes back and reconciles.
          stored.put(PublishedRuns.withResult(stored.stored(RUN).orElseThrow(), 1));
          RunPublisher after = publisher(vertx);
          return new Reconciler(vertx, after, Duration.ofMinutes(1)).round()
              .compose(claimed -> stored.attached(RUN))
              .compose(ts -> after.flush().map(ts));
        })
        .onComplete(test.succeeding(ts -> test.verify(() -> {
          List<JsonObject> messages = fake.messages(CHANNEL);
          assertEquals(1, messages.size(), "no second message");
          assertEquals(messages.get(0).getString("ts"), ts, "the run adopted the message it had posted");
          assertEquals(RUN, messages.get(0).getJsonObject("metadata").getJsonObject("event_payload")
              .getString("run_id"));
          assertEquals(1, fake.calls("chat.postMessage").size(), "posted once");
          assertEquals(1, fake.calls("conversations.history").size(), "looked up before posting again");
          assertTrue(PublishedRuns.text(fake.message(CHANNEL, ts).orElseThrow()).contains("1/3 done"),
              "and brought up to date");
          assertEquals(List.of(), stored.behind());
          test.completeNow();
        })));
  }

  @Test
  void aPostWhoseAnswerWasLostIsFoundInsteadOfPostedAgain(Vertx vertx, VertxTestContext test) {
    fake.loseNextAnswer("chat.postMessage");
    RunPublisher publisher = publisher(vertx);
    stored.change(PublishedRuns.started(RUN, CHECKLIST, CHANNEL));

    publisher.flush()
        .compose(v -> {
          test.verify(() -> assertEquals(List.of(RUN), stored.behind(), "left for the reconciler"));
          return new Reconciler(vertx, publisher, Duration.ofMinutes(1)).round();
        })
        .compose(claimed -> stored.attached(RUN))
        .compose(ts -> publisher.flush().map(ts))
        .onComplete(test.succeeding(ts -> test.verify(() -> {
          assertEquals(1, fake.calls("chat.postMessage").size(), "never posted twice");
          assertEquals(List.of(ts), fake.messages(CHANNEL).stream().map(m -> m.getString("ts")).toList());
          assertEquals(List.of(), stored.behind());
          test.completeNow();
        })));
  }

  @Test
  void aPostSlackRefusesForGoodIsToldToTheStarterAndNotRetried(Vertx vertx, VertxTestContext test) {
    fake.failNext("chat.postMessage", "not_in_channel");
    RunPublisher publisher = publisher(vertx);
    stored.change(PublishedRuns.started(RUN, CHECKLIST, CHANNEL));

    publisher.flush()
        .compose(v -> fake.awaitCall("chat.postMessage", call -> FakeSlack.dmChannel("U0STARTER")
            .equals(call.getString("channel"))))
        .compose(told -> new Reconciler(vertx, publisher, Duration.ofMinutes(1)).round().map(told))
        .onComplete(test.succeeding(told -> test.verify(() -> {
          assertTrue(told.getString("text").contains("/invite @Preflight"), told.getString("text"));
          assertEquals(List.of(), fake.calls("chat.postEphemeral"),
              "not an ephemeral in the channel Slack just refused: a direct message to the starter");
          assertEquals(1, fake.calls("chat.postMessage").stream()
              .filter(call -> CHANNEL.equals(call.getString("channel"))).count(), "a refusal for good is not retried");
          assertEquals(List.of(), stored.behind(), "nothing left behind to retry until the run changes");
          test.completeNow();
        })));
  }
}
