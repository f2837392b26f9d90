package dev.preflight.handlers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.preflight.deploy.run.DatabaseUnavailableException;
import dev.preflight.handlers.fake.FakeSlack;
import dev.preflight.handlers.slack.SlackApi;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxException;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.net.ConnectException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

/** Where a private answer lands: the request's response_url, an ephemeral, or a direct message when those fail. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class RepliesTest {

  private static final String USER = "U0ASKER01";
  private static final String CHANNEL = "C0NOTJOINED";

  private FakeSlack fake;
  private Replies replies;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext test) {
    FakeSlack.start(vertx)
        .onSuccess(started -> {
          fake = started;
          replies = new Replies(new SlackApi(vertx, SlackApi.slack(fake.url()), "xoxb-replies-test"));
        })
        .onComplete(test.succeedingThenComplete());
  }

  @Test
  void anAnswerWithAResponseUrlGoesThereAsAnEphemeral(VertxTestContext test) {
    replies.tell(new Replies.To(CHANNEL, USER, fake.responseUrl("cmd")), "You need the deployer role.")
        .onComplete(test.succeeding(v -> test.verify(() -> {
          assertEquals(List.of(new JsonObject().put("response_type", "ephemeral").put("replace_original", false)
              .put("text", "You need the deployer role.")), fake.responses("cmd"));
          assertEquals(List.of(), fake.calls("chat.postEphemeral"));
          assertEquals(List.of(), fake.directMessages(USER));
          test.completeNow();
        })));
  }

  @Test
  void aUsedUpResponseUrlFallsBackToADirectMessage(VertxTestContext test) {
    Replies.To to = new Replies.To(CHANNEL, USER, fake.responseUrl("busy"));
    io.vertx.core.Future<Void> five = io.vertx.core.Future.succeededFuture();
    for (int i = 1; i <= 5; i++) {
      String text = "answer " + i;
      five = five.compose(v -> replies.tell(to, text));
    }
    five.compose(v -> replies.tell(to, "answer 6"))
        .onComplete(test.succeeding(v -> test.verify(() -> {
          assertEquals(5, fake.responses("busy").size(), "Slack takes five posts to one response_url");
          assertEquals(List.of("answer 6"),
              fake.directMessages(USER).stream().map(m -> m.getString("text")).toList());
          test.completeNow();
        })));
  }

  @Test
  void anEphemeralSlackRefusesFallsBackToADirectMessage(VertxTestContext test) {
    fake.failNext("chat.postEphemeral", "not_in_channel");
    replies.tell(CHANNEL, USER, "Your sign-off could not be saved.")
        .onComplete(test.succeeding(v -> test.verify(() -> {
          assertEquals(1, fake.calls("chat.postEphemeral").size());
          assertEquals(List.of("Your sign-off could not be saved."),
              fake.directMessages(USER).stream().map(m -> m.getString("text")).toList());
          test.completeNow();
        })));
  }

  @Test
  void aChangeLostToAWaitForTheDatabaseSaysTheDatabaseDidNotAnswerInTime(VertxTestContext test) {
    // What the pool fails a caller with when none of its connections came free in time
    // (PendingWritesTest#aWaitForABusyPoolRunsOutAndSaysItTimedOut has a real pool say it).
    replies.explain(new Replies.To(CHANNEL, USER, fake.responseUrl("click")), new VertxException("Timeout", true), "tick")
        .compose(v -> replies.explain(new Replies.To(CHANNEL, USER, fake.responseUrl("click")),
            new ConnectException("Connection refused"), "sign-off"))
        .onComplete(test.succeeding(v -> test.verify(() -> {
          assertEquals(List.of(
                  "The database did not answer in time (it is busy or unreachable), so your tick could not be saved. "
                      + "Please try again in a minute.",
                  "The database is unreachable right now, so your sign-off could not be saved. Please try again in a minute."),
              fake.responses("click").stream().map(m -> m.getString("text")).toList());
          test.completeNow();
        })));
  }

  @Test
  void aFloodOfUnsavedChangesIsAnsweredOneByOneAndLoggedOnce(VertxTestContext test) {
    Logger logger = (Logger) LoggerFactory.getLogger(Replies.class);
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    logger.addAppender(lines);
    // A reason of this test's own: the summary's windows are kept for the life of the process.
    String why = "The database stayed unreachable for 5 minutes (test " + System.nanoTime() + ").";
    Future<Void> all = Future.succeededFuture();
    for (int i = 0; i < 200; i++) {
      Replies.To clicker = new Replies.To(CHANNEL, "U0CLICK%04d".formatted(i), fake.responseUrl("click" + i));
      all = all.compose(v -> replies.explain(clicker, new DatabaseUnavailableException(why), "tick"));
    }
    all.onComplete(test.succeeding(v -> test.verify(() -> {
      logger.detachAppender(lines);
      for (int i = 0; i < 200; i++) {
        assertEquals(List.of("The database is unreachable right now, so your tick could not be saved. "
                + "Please try again in a minute."),
            fake.responses("click" + i).stream().map(m -> m.getString("text")).toList(), "clicker " + i + " is told");
      }
      assertEquals(List.of("Could not save a tick for U0CLICK0000: " + why),
          lines.list.stream().map(ILoggingEvent::getFormattedMessage).filter(line -> line.contains(why)).toList(),
          "one line for the flood; the next one says how many were left out");
      test.completeNow();
    })));
  }
}
