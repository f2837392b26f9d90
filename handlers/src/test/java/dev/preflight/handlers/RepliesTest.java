package dev.preflight.handlers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.preflight.handlers.fake.FakeSlack;
import dev.preflight.handlers.slack.SlackApi;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

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
}
