package dev.preflight.bot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.preflight.checklists.config.ConfigLoader;
import dev.preflight.checklists.secret.Variables;
import dev.preflight.deploy.TestDatabase;
import dev.preflight.handlers.fake.FakeSlack;
import dev.preflight.handlers.fake.SlackRequests;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A sign-off reaction that Slack delivers before the bot has stored where it posted the run's
 * message (Slack answered the post slowly) still counts, once the message is known.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 90, timeUnit = TimeUnit.SECONDS)
class EarlyReactionTest {

  private static final String OPS = ChecklistInSlackTest.OPS;
  private static final String SRE = ChecklistInSlackTest.SRE;

  private final SlackRequests slack = new SlackRequests();
  private FakeSlack fake;
  private HealthTarget target;
  private PreflightVerticle bot;
  private WebClient client;
  private Pool db;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext test) {
    TestDatabase database = TestDatabase.create();
    db = PgBuilder.pool().connectingTo(database.connectOptions()).using(vertx).build();
    client = WebClient.create(vertx);
    FakeSlack.start(vertx)
        .compose(started -> {
          fake = started;
          return HealthTarget.start(vertx);
        })
        .compose(started -> {
          target = started;
          BotSettings settings = BotSettings.fromEnvironment(Map.of(
              "PORT", "0",
              "PREFLIGHT_CONFIG", ChecklistInSlackTest.CONFIG.toString(),
              "SLACK_BOT_TOKEN", "xoxb-e2e-test-token",
              "SLACK_SIGNING_SECRET", SlackRequests.SIGNING_SECRET,
              "SLACK_API_URL", fake.url()));
          bot = new PreflightVerticle(settings, ConfigLoader.load(ChecklistInSlackTest.CONFIG),
              database.connectOptions(), Variables.of(Map.of("E2E_BASE_URL", target.baseUrl())));
          return vertx.deployVerticle(bot);
        })
        .onComplete(test.succeedingThenComplete());
  }

  @AfterEach
  void stop() {
    db.close();
  }

  @Test
  void aReactionBeforeTheMessagesTsIsStoredCountsOnceItIsKnown(Vertx vertx, VertxTestContext test) {
    // Slack shows the message at once but answers the post three seconds later.
    fake.delayAnswers("chat.postMessage", 3000);
    String[] ts = new String[1];
    send(slack.slashCommand("/checklist", "e2e-predeploy", ChecklistInSlackTest.STARTER, "C0TYPED01",
            fake.responseUrl("cmd")))
        .compose(ack -> postedInSlack(vertx))
        .compose(posted -> {
          ts[0] = posted;
          return storedTs();
        })
        .compose(storedBefore -> {
          test.verify(() -> assertNull(storedBefore, "the bot does not know its message yet"));
          return send(slack.reactionAdded("Ev00000100", SRE, "white_check_mark", OPS, ts[0]));
        })
        .compose(reacted -> {
          test.verify(() -> assertEquals(200, reacted.statusCode()));
          return fake.awaitCall("chat.update", call -> Blocks.text(call).contains("<@" + SRE + "> for *sre*"));
        })
        .compose(shown -> db.query("select user_id, role from sign_offs").execute())
        .onComplete(test.succeeding(rows -> test.verify(() -> {
          List<String> signOffs = new ArrayList<>();
          rows.forEach(row -> signOffs.add(row.getString("role") + ":" + row.getString("user_id")));
          assertEquals(List.of("sre:" + SRE), signOffs, "the early reaction counted");
          assertEquals(1, fake.messages(OPS).size(), "one message");
          test.completeNow();
        })));
  }

  /** The ts of the run's message as soon as Slack shows it, before the bot has its answer. */
  private Future<String> postedInSlack(Vertx vertx) {
    io.vertx.core.Promise<String> shown = io.vertx.core.Promise.promise();
    vertx.setPeriodic(20, id -> {
      if (!fake.messages(OPS).isEmpty()) {
        vertx.cancelTimer(id);
        shown.tryComplete(fake.messages(OPS).get(0).getString("ts"));
      }
    });
    return shown.future();
  }

  private Future<String> storedTs() {
    return db.query("select message_ts from runs").execute()
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getString("message_ts"));
  }

  private Future<HttpResponse<Buffer>> send(SlackRequests.Signed request) {
    return request.send(client, "127.0.0.1", bot.port());
  }
}
