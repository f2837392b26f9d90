package dev.preflight.handlers.slack;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.preflight.handlers.fake.FakeSlack;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What readiness is told about the bot token, from auth.test answered by a fake Slack over HTTP. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class BotTokenCheckTest {

  private FakeSlack fake;
  private BotTokenCheck check;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext test) {
    FakeSlack.start(vertx)
        .onSuccess(started -> {
          fake = started;
          check = new BotTokenCheck(new SlackApi(vertx, SlackApi.slack(fake.url()), "xoxb-wrong-token"));
        })
        .onComplete(test.succeedingThenComplete());
  }

  @Test
  void aTokenSlackRejectsMakesTheBotNotReadyWithSlacksReason(VertxTestContext test) {
    fake.failNext("auth.test", "invalid_auth");
    check.check().onComplete(test.succeeding(v -> test.verify(() -> {
      assertEquals(Optional.of("Slack rejected the bot token: invalid_auth"), check.problem());
      assertEquals("rejected", check.state());
      assertEquals(1, fake.calls("auth.test").size(), "a refused token is not asked about again at once");
      test.completeNow();
    })));
  }

  @Test
  void aTokenSlackAcceptsAgainClearsTheProblem(VertxTestContext test) {
    fake.failNext("auth.test", "token_revoked");
    check.check()
        .compose(v -> {
          test.verify(() -> assertEquals(Optional.of("Slack rejected the bot token: token_revoked"), check.problem()));
          return check.check();
        })
        .onComplete(test.succeeding(v -> test.verify(() -> {
          assertEquals(Optional.empty(), check.problem());
          assertEquals("accepted", check.state());
          test.completeNow();
        })));
  }

  @Test
  void aSlackOutageKeepsTheLastVerdict(VertxTestContext test) {
    fake.failNext("auth.test", "invalid_auth");
    check.check()
        .compose(v -> {
          fake.outage("auth.test", 503);
          return check.check();
        })
        .compose(v -> {
          test.verify(() -> assertEquals(Optional.of("Slack rejected the bot token: invalid_auth"), check.problem(),
              "a 503 is no verdict on the token"));
          fake.endOutage("auth.test");
          return check.check();
        })
        .onComplete(test.succeeding(v -> test.verify(() -> {
          assertEquals(Optional.empty(), check.problem());
          test.completeNow();
        })));
  }

  @Test
  void anOutageBeforeTheFirstVerdictLeavesTheTokenUnchecked(VertxTestContext test) {
    fake.outage("auth.test", 500);
    check.check().onComplete(test.succeeding(v -> test.verify(() -> {
      assertEquals(Optional.empty(), check.problem());
      assertEquals("unchecked", check.state());
      assertEquals(1, fake.calls("auth.test").size(), "one attempt a round; the next round is the retry");
      test.completeNow();
    })));
  }
}
