package dev.preflight.handlers.slack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.slack.api.Slack;
import com.slack.api.methods.MethodsClient;
import com.slack.api.methods.SlackApiException;
import com.slack.api.methods.response.chat.ChatPostMessageResponse;
import dev.preflight.handlers.fake.FakeSlack;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The Web API client that reads every answer with one shared parser answers exactly what the
 * SDK's own client answers, and does not rebuild the parser for each answer (which under load
 * was a third of the bot's CPU): what one call allocates shows whether it did.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class SlackMethodsTest {

  private static final String TOKEN = "xoxb-1234-5678-do-not-leak";
  private static final String CHANNEL = "C0DEPLOYS";

  private FakeSlack fake;
  private Slack slack;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext test) {
    FakeSlack.start(vertx)
        .onSuccess(started -> {
          fake = started;
          slack = SlackApi.slack(fake.url());
        })
        .onComplete(test.succeedingThenComplete());
  }

  @AfterEach
  void stop(VertxTestContext test) {
    fake.close().onComplete(test.succeedingThenComplete());
  }

  @Test
  void answersWhatTheSdksOwnClientAnswers() throws Exception {
    ChatPostMessageResponse ours = SlackMethods.of(slack, TOKEN)
        .chatPostMessage(r -> r.channel(CHANNEL).text("checkout 1.4.2 to production"));
    ChatPostMessageResponse theirs = slack.methods(TOKEN)
        .chatPostMessage(r -> r.channel(CHANNEL).text("checkout 1.4.2 to production"));
    assertTrue(ours.isOk());
    assertEquals(theirs.getChannel(), ours.getChannel());
    assertEquals("checkout 1.4.2 to production", ours.getMessage().getText());
    assertEquals(theirs.getMessage().getText(), ours.getMessage().getText());
    assertFalse(ours.getTs().isBlank());
    assertEquals(theirs.getHttpResponseHeaders().keySet(), ours.getHttpResponseHeaders().keySet());
    assertTrue(fake.message(CHANNEL, ours.getTs()).isPresent(), "the message was posted");

    fake.failNext("chat.postMessage", "channel_not_found");
    ChatPostMessageResponse refused = SlackMethods.of(slack, TOKEN).chatPostMessage(r -> r.channel("C0GONE").text("x"));
    assertFalse(refused.isOk());
    assertEquals("channel_not_found", refused.getError());
  }

  @Test
  void anHttpErrorIsTheSdksExceptionWithItsStatus() {
    fake.outage("chat.postMessage", 503);
    SlackApiException failed = assertThrows(SlackApiException.class,
        () -> SlackMethods.of(slack, TOKEN).chatPostMessage(r -> r.channel(CHANNEL).text("x")));
    assertEquals(503, failed.getResponse().code());
  }

  /**
   * A parser built per answer allocates its whole model of a message again each time; the shared
   * one allocates only what it reads. Compared with the SDK's client on the same calls, so the
   * figure does not depend on the machine.
   */
  @Test
  void readsEachAnswerWithoutBuildingAParserForIt() throws Exception {
    long ours = bytesPerCall(SlackMethods.of(slack, TOKEN));
    long theirs = bytesPerCall(slack.methods(TOKEN));
    assertTrue(ours * 2 < theirs, "allocated per call: shared parser " + ours + " B, SDK " + theirs + " B");
  }

  private static long bytesPerCall(MethodsClient methods) throws Exception {
    for (int i = 0; i < 30; i++) {
      methods.chatPostMessage(r -> r.channel(CHANNEL).text("warm up"));
    }
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long before = threads.getCurrentThreadAllocatedBytes();
    int calls = 50;
    for (int i = 0; i < calls; i++) {
      methods.chatPostMessage(r -> r.channel(CHANNEL).text("deploy started"));
    }
    return (threads.getCurrentThreadAllocatedBytes() - before) / calls;
  }
}
