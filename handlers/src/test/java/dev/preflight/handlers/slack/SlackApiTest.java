package dev.preflight.handlers.slack;

import static com.slack.api.model.block.Blocks.asBlocks;
import static com.slack.api.model.block.Blocks.section;
import static com.slack.api.model.block.composition.BlockCompositions.markdownText;
import static com.slack.api.model.block.composition.BlockCompositions.plainText;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.slack.api.model.view.View;
import com.slack.api.model.view.Views;
import dev.preflight.handlers.fake.FakeSlack;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class SlackApiTest {

  private static final String TOKEN = "xoxb-1234-5678-do-not-leak";
  private static final String CHANNEL = "C0DEPLOYS";

  private FakeSlack fake;
  private SlackApi api;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext test) {
    FakeSlack.start(vertx)
        .onSuccess(started -> {
          fake = started;
          api = new SlackApi(vertx, SlackApi.slack(fake.url()), TOKEN);
        })
        .onComplete(test.succeedingThenComplete());
  }

  @Test
  void postMessageAnswersTheTsOfTheMessageSlackNowShows(VertxTestContext test) {
    api.postMessage(CHANNEL, "checkout 1.4.2 to production", asBlocks(section(s -> s.text(markdownText("*checkout* 1.4.2")))))
        .onComplete(test.succeeding(ts -> test.verify(() -> {
          JsonObject shown = fake.message(CHANNEL, ts).orElseThrow();
          assertEquals("checkout 1.4.2 to production", shown.getString("text"));
          assertEquals("*checkout* 1.4.2",
              shown.getJsonArray("blocks").getJsonObject(0).getJsonObject("text").getString("text"));
          test.completeNow();
        })));
  }

  @Test
  void updateEditsTheMessageInPlace(VertxTestContext test) {
    api.postMessage(CHANNEL, "PREPARING", null)
        .compose(ts -> api.update(CHANNEL, ts, "READY", null).map(ts))
        .onComplete(test.succeeding(ts -> test.verify(() -> {
          assertEquals("READY", fake.message(CHANNEL, ts).orElseThrow().getString("text"));
          test.completeNow();
        })));
  }

  @Test
  void rateLimitedCallWaitsRetryAfterThenSucceedsOnce(VertxTestContext test) {
    fake.rateLimitNext("chat.postMessage", 1);
    api.postMessage(CHANNEL, "deploy started", null)
        .onComplete(test.succeeding(ts -> test.verify(() -> {
          assertEquals(2, fake.calls("chat.postMessage").size(), "the 429 and the retry");
          assertEquals(1, api.rateLimitedCount());
          assertEquals("deploy started", fake.message(CHANNEL, ts).orElseThrow().getString("text"));
          test.completeNow();
        })));
  }

  @Test
  void rateLimitThatOutlastsTheAttemptsFailsAsRateLimited(Vertx vertx, VertxTestContext test) {
    SlackApi twoAttempts = new SlackApi(vertx, SlackApi.slack(fake.url()), TOKEN, 2);
    fake.rateLimitNext("chat.update", 5);
    twoAttempts.update(CHANNEL, "1700000000.000100", "x", null)
        .onComplete(test.failing(error -> test.verify(() -> {
          SlackCallException failure = assertInstanceOf(SlackCallException.class, error);
          assertEquals(SlackCallException.RATE_LIMITED, failure.error());
          assertEquals(2, fake.calls("chat.update").size());
          test.completeNow();
        })));
  }

  @Test
  void okFalseFailsWithSlacksErrorCode(VertxTestContext test) {
    api.update(CHANNEL, "1699999999.000100", "edited", null)
        .onComplete(test.failing(error -> test.verify(() -> {
          SlackCallException failure = assertInstanceOf(SlackCallException.class, error);
          assertEquals("message_not_found", failure.error());
          assertEquals("chat.update", failure.method());
          assertTrue(failure.getMessage().contains("message_not_found"), failure.getMessage());
          test.completeNow();
        })));
  }

  @Test
  void tokenNeverAppearsInAFailure(Vertx vertx, VertxTestContext test) {
    fake.failNext("chat.postEphemeral", "not_in_channel");
    Future<Throwable> refused = failureOf(api.postEphemeral(CHANNEL, "U0ALICE", "only you"));
    // A port nobody listens on any more: the call fails below the API, with OkHttp's own message.
    Future<Throwable> down = vertx.createHttpServer().requestHandler(r -> r.response().end()).listen(0, "127.0.0.1")
        .compose(server -> server.close().map(server.actualPort()))
        .compose(port -> failureOf(new SlackApi(vertx, SlackApi.slack("http://127.0.0.1:" + port + "/api/"), TOKEN,
            QUICK, new SlackBudget(vertx, 1), new CompositeMeterRegistry())
            .postMessage(CHANNEL, "hello", null)));
    // Whatever a lower layer puts in its message, the token is masked before it leaves SlackApi.
    Future<Throwable> chatty = failureOf(quick(vertx).call("auth.test", methods -> {
      throw new IOException("proxy rejected Authorization: Bearer " + TOKEN);
    }));
    Future.all(refused, down, chatty).onComplete(test.succeeding(all -> test.verify(() -> {
      SlackCallException notInChannel = assertInstanceOf(SlackCallException.class, refused.result());
      SlackCallException unreachable = assertInstanceOf(SlackCallException.class, down.result());
      SlackCallException masked = assertInstanceOf(SlackCallException.class, chatty.result());
      assertEquals("not_in_channel", notInChannel.error());
      assertEquals(SlackCallException.UNREACHABLE, unreachable.error());
      assertTrue(masked.getMessage().contains("proxy rejected"), masked.getMessage());
      for (SlackCallException failure : List.of(notInChannel, unreachable, masked)) {
        assertFalse(failure.toString().contains("1234-5678"), failure.toString());
      }
      test.completeNow();
    })));
  }

  /** Retries in milliseconds, so a test of giving up does not wait Slack-sized backoffs. */
  private static final SlackApi.Policy QUICK = new SlackApi.Policy(3, Duration.ofMillis(20), Duration.ofMillis(50),
      Duration.ofSeconds(10));

  private SlackApi quick(Vertx vertx) {
    return new SlackApi(vertx, SlackApi.slack(fake.url()), TOKEN, QUICK, new SlackBudget(vertx, 1),
        new CompositeMeterRegistry());
  }

  @Test
  void serverErrorsAreRetriedUntilSlackAnswersAgain(Vertx vertx, VertxTestContext test) {
    SlackApi api = quick(vertx);
    fake.outage("chat.update", 500);
    api.postMessage(CHANNEL, "PREPARING", null)
        .compose(ts -> {
          Future<Void> edited = api.update(CHANNEL, ts, "READY", null);
          // Slack recovers once it has refused two attempts.
          return fake.awaitCall("chat.update", call -> fake.calls("chat.update").size() >= 2)
              .onSuccess(seen -> fake.endOutage("chat.update"))
              .compose(seen -> edited)
              .map(ts);
        })
        .onComplete(test.succeeding(ts -> test.verify(() -> {
          assertEquals("READY", fake.message(CHANNEL, ts).orElseThrow().getString("text"));
          assertTrue(fake.calls("chat.update").size() >= 2, "retried: " + fake.calls("chat.update").size());
          test.completeNow();
        })));
  }

  @Test
  void anOutageLongerThanThePolicyFailsWithTheLastErrorAfterItsAttempts(Vertx vertx, VertxTestContext test) {
    fake.outage("views.publish", 503);
    quick(vertx).call("views.publish", m -> m.viewsPublish(r -> r.userId("U0ALICE")
            .view(Views.view(v -> v.type("home").blocks(asBlocks(section(s -> s.text(plainText("Home")))))))))
        .onComplete(test.failing(error -> test.verify(() -> {
          SlackCallException failure = assertInstanceOf(SlackCallException.class, error);
          assertEquals("http_503", failure.error());
          assertTrue(failure.retryable());
          assertTrue(failure.getMessage().contains("gave up after 3 attempts"), failure.getMessage());
          assertEquals(3, fake.calls("views.publish").size(), "the policy's three attempts, no more");
          test.completeNow();
        })));
  }

  @Test
  void errorsThatCannotSucceedAreNotRetried(Vertx vertx, VertxTestContext test) {
    SlackApi api = quick(vertx);
    fake.failNext("chat.postMessage", "channel_not_found");
    fake.failNext("chat.postEphemeral", "invalid_auth");
    Future<Throwable> noChannel = failureOf(api.postMessage("C0GONE", "hello", null));
    Future<Throwable> badToken = failureOf(api.postEphemeral(CHANNEL, "U0ALICE", "only you"));
    Future.all(noChannel, badToken).onComplete(test.succeeding(all -> test.verify(() -> {
      assertEquals("channel_not_found", ((SlackCallException) noChannel.result()).error());
      assertEquals("invalid_auth", ((SlackCallException) badToken.result()).error());
      assertFalse(((SlackCallException) noChannel.result()).retryable());
      assertEquals(1, fake.calls("chat.postMessage").size(), "asked once");
      assertEquals(1, fake.calls("chat.postEphemeral").size(), "asked once");
      test.completeNow();
    })));
  }

  @Test
  void slacksOwnTroubleInAnOkFalseAnswerIsRetried(Vertx vertx, VertxTestContext test) {
    fake.failNext("chat.postMessage", "internal_error");
    quick(vertx).postMessage(CHANNEL, "deploy started", null)
        .onComplete(test.succeeding(ts -> test.verify(() -> {
          assertEquals(2, fake.calls("chat.postMessage").size(), "the refused attempt and the retry");
          assertEquals("deploy started", fake.message(CHANNEL, ts).orElseThrow().getString("text"));
          test.completeNow();
        })));
  }

  @Test
  void connectionErrorsAreRetriedThenSurfacedAsUnreachable(Vertx vertx, VertxTestContext test) {
    java.util.concurrent.atomic.AtomicInteger attempts = new java.util.concurrent.atomic.AtomicInteger();
    quick(vertx).call("auth.test", methods -> {
          attempts.incrementAndGet();
          throw new java.net.ConnectException("Connection refused");
        })
        .onComplete(test.failing(error -> test.verify(() -> {
          assertEquals(SlackCallException.UNREACHABLE, ((SlackCallException) error).error());
          assertEquals(3, attempts.get());
          test.completeNow();
        })));
  }

  private static Future<Throwable> failureOf(Future<?> call) {
    return call.transform(done -> done.failed()
        ? Future.succeededFuture(done.cause())
        : Future.failedFuture("expected the call to fail, it answered " + done.result()));
  }

  @Test
  void userGroupMembersAreTheGroupsUsers(VertxTestContext test) {
    fake.userGroup("S0APPROVERS", List.of("U0ALICE", "U0BOB"));
    api.userGroupMembers("S0APPROVERS")
        .onComplete(test.succeeding(members -> test.verify(() -> {
          assertEquals(List.of("U0ALICE", "U0BOB"), members);
          test.completeNow();
        })));
  }

  @Test
  void openViewSendsTheModalAndAnswersItsId(VertxTestContext test) {
    View modal = Views.view(v -> v.type("modal").callbackId("deploy-modal").title(Views.viewTitle(t -> t.type("plain_text").text("Deploy")))
        .blocks(asBlocks(section(s -> s.text(plainText("Which service?"))))));
    api.openView("123.456.abc", modal)
        .onComplete(test.succeeding(viewId -> test.verify(() -> {
          JsonObject sent = fake.calls("views.open").get(0);
          assertEquals("123.456.abc", sent.getString("trigger_id"));
          assertEquals("deploy-modal", sent.getJsonObject("view").getString("callback_id"));
          assertFalse(viewId.isBlank());
          test.completeNow();
        })));
  }
}
